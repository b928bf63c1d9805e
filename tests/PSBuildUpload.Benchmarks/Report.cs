using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace PSBuildUpload.Benchmarks;

/// <summary>One measured row of the table.</summary>
internal sealed record Row(string Id, string What, string Module, string Reference, string Figure, string Target, bool? Met);

internal static class Report
{
    public static string Markdown(IEnumerable<Row> rows, IEnumerable<string> notes, bool quick)
    {
        var text = new StringBuilder();
        text.AppendLine("# Benchmarks").AppendLine();
        text.AppendLine(quick
            ? "Quick variant (small sizes): it proves the harness works and asserts nothing about timing."
            : "The module measured through a hosted PowerShell 7.6 engine, exactly as a user calls it, next to the reference in the same run, against the loopback sandbox in its own process.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.FrameworkDescription}, {Curl.Version}. Run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        text.AppendLine();
        text.AppendLine("| # | Measure | Module | Reference | Figure | Target | Met |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            var met = row.Met switch { true => "yes", false => "**no**", null => "-" };
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Id} | {row.What} | {row.Module} | {row.Reference} | {row.Figure} | {row.Target} | {met} |");
        }

        text.AppendLine();
        foreach (var note in notes)
        {
            text.AppendLine("- " + note);
        }

        return text.ToString();
    }

    /// <summary>
    /// The sections written by hand after the generated table (from the first "## " heading on): a new run replaces
    /// the table and keeps them.
    /// </summary>
    public static string HandWritten(string page)
    {
        var start = page.IndexOf("\n## ", StringComparison.Ordinal);
        return start < 0 ? string.Empty : page.Substring(start);
    }

    public static string MiBs(double bytesPerSecond) => string.Format(CultureInfo.InvariantCulture, "{0:0} MiB/s", bytesPerSecond / 1048576);

    public static string MiB(long bytes) => string.Format(CultureInfo.InvariantCulture, "{0:0.0} MiB", bytes / 1048576.0);

    public static string Us(double milliseconds) => string.Format(CultureInfo.InvariantCulture, "{0:0} µs", milliseconds * 1000);

    public static string Ms(double milliseconds) => string.Format(CultureInfo.InvariantCulture, "{0:0.0} ms", milliseconds);
}
