using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Management.Automation;
using PSBuildUpload.Engine.Diagnostics;

namespace PSBuildUpload.Core;

/// <summary>The CI system whose logging commands the module writes, if any.</summary>
internal enum CiHost
{
    None,
    AzureDevOps,
    GitHubActions,
}

/// <summary>
/// Logging commands for the CI agent that runs the session: Azure DevOps (<c>TF_BUILD</c>) gets
/// <c>##vso[task.setprogress]</c>, <c>##vso[task.logissue type=error]</c> and <c>##vso[task.setsecret]</c>; GitHub
/// Actions (<c>GITHUB_ACTIONS</c>) gets <c>::error::</c> and <c>::add-mask::</c>. Outside CI nothing is written.
/// </summary>
/// <remarks>
/// The lines are written as information records tagged PSHOST, exactly as Write-Host writes: the agent only reads
/// commands from the process's standard output, and a PSHOST record is what every host (pwsh, powershell.exe, the
/// agent's task wrappers) prints there whatever $InformationPreference says, while a hosting application or test
/// still sees it in the information stream. Writing to $Host.UI directly would reach stdout too, but would be
/// invisible to a host without a UI and could not be redirected (6>) or silenced (-InformationAction Ignore).
/// </remarks>
internal static class CiLog
{
    public const string HostTag = "PSHOST";

    /// <summary>Tokens already announced as secrets in this process (the agent masks them from then on).</summary>
    private static readonly ConcurrentDictionary<string, byte> Announced = new(StringComparer.Ordinal);

    public static CiHost Current(Func<string, string?>? getEnvironment = null)
    {
        getEnvironment ??= Environment.GetEnvironmentVariable;
        if (IsTrue(getEnvironment("TF_BUILD")))
        {
            return CiHost.AzureDevOps;
        }

        return IsTrue(getEnvironment("GITHUB_ACTIONS")) ? CiHost.GitHubActions : CiHost.None;
    }

    /// <summary>The line that reports a terminating error to the agent, or null outside CI.</summary>
    public static string? ErrorLine(ErrorRecord record, CiHost host)
    {
        if (record is null || host == CiHost.None)
        {
            return null;
        }

        var message = Redactor.Scrub(record.ErrorDetails?.Message ?? record.Exception?.Message ?? record.ToString());
        var errorId = (record.FullyQualifiedErrorId ?? string.Empty).Split(',')[0];
        return host == CiHost.AzureDevOps
            ? $"##vso[task.logissue type=error;code={AzureProperty(errorId)}]{AzureData(message)}"
            : $"::error title={GitHubProperty(errorId)}::{GitHubData(message)}";
    }

    /// <summary>The Azure DevOps progress line of a transfer, or null outside Azure DevOps.</summary>
    public static string? ProgressLine(int percent, string activity, CiHost host) =>
        host == CiHost.AzureDevOps && percent >= 0
            ? string.Format(CultureInfo.InvariantCulture, "##vso[task.setprogress value={0};]{1}", Math.Min(100, percent), AzureData(Redactor.Scrub(activity)))
            : null;

    /// <summary>
    /// The line that tells the agent to mask a token the module read from the environment, the first time only (per
    /// process); null outside CI or when already announced.
    /// </summary>
    public static string? SecretLine(string? token, CiHost host)
    {
        if (string.IsNullOrEmpty(token) || host == CiHost.None || !Announced.TryAdd(token!, 0))
        {
            return null;
        }

        // Deliberately not scrubbed: the agent needs the value itself to mask it in everything printed later.
        return host == CiHost.AzureDevOps ? "##vso[task.setsecret]" + AzureData(token!) : "::add-mask::" + GitHubData(token!);
    }

    /// <summary>Writes a terminating error's line (pipeline thread only).</summary>
    public static void ReportTerminating(Cmdlet cmdlet, ErrorRecord record)
    {
        if (ErrorLine(record, Current()) is { } line)
        {
            Write(cmdlet, line);
        }
    }

    /// <summary>Writes a line the way Write-Host does (pipeline thread only).</summary>
    public static void Write(Cmdlet cmdlet, string line)
    {
        try
        {
            cmdlet?.WriteInformation(line, new[] { HostTag });
        }
        catch (PipelineStoppedException)
        {
            // Stopping: the error itself is what matters.
        }
    }

    private static bool IsTrue(string? value) =>
        value is not null && (string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase) || value.Trim() == "1");

    // Azure DevOps unescapes %AZP25, %0D and %0A in data, and also %3B and %5D in property values.
    private static string AzureData(string text) =>
        text.Replace("%", "%AZP25").Replace("\r", "%0D").Replace("\n", "%0A");

    private static string AzureProperty(string text) => AzureData(text).Replace(";", "%3B").Replace("]", "%5D");

    // GitHub Actions unescapes %25, %0D and %0A in data, and also %3A and %2C in property values.
    private static string GitHubData(string text) =>
        text.Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A");

    private static string GitHubProperty(string text) => GitHubData(text).Replace(":", "%3A").Replace(",", "%2C");
}
