using System;
using System.Diagnostics;
using System.Linq;

namespace PSBuildUpload.Benchmarks;

/// <summary>Runs curl, the reference these users would otherwise script.</summary>
internal static class Curl
{
    public static bool Available { get; } = Probe();

    public static string Version { get; } = Available ? string.Join(" ", Run("--version").Split(" ").Take(2)) : "curl not found";

    /// <summary>Runs curl with the arguments and returns the elapsed time; throws when it fails.</summary>
    public static TimeSpan Time(params string[] arguments)
    {
        var watch = Stopwatch.StartNew();
        Run(arguments);
        return watch.Elapsed;
    }

    private static string Run(params string[] arguments)
    {
        var info = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-sS", "--fail" }.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"curl {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        }

        return output;
    }

    private static bool Probe()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("curl", "--version") { RedirectStandardOutput = true, UseShellExecute = false });
            process!.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
