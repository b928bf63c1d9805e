using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Bitrise;
using PSBuildUpload.Tests.Infrastructure;

namespace PSBuildUpload.Tests.Bitrise;

/// <summary>Sessions connected to the sandbox's Bitrise, and apps with builds made to order.</summary>
internal static class BitriseTestSupport
{
    /// <summary>
    /// A session connected once (Connect-BuildService), so scripts read as users write them; no back-off between
    /// retries, and fast polling for the waiting cmdlets.
    /// </summary>
    public static PsSession Connected(SandboxServer sandbox)
    {
        var session = new PsSession(sandbox);
        var result = session.Run(
            "Connect-BuildService -Service Bitrise -Token $BitriseToken -BaseUri $Base -RetryIntervalSec 0 | Out-Null; " +
            "$PSDefaultParameterValues['Wait-BitriseBuild:PollInterval'] = 0.05; " +
            "$PSDefaultParameterValues['Get-BitriseBuildLog:PollInterval'] = 0.05");
        if (result.AllErrors.Any())
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, result.AllErrors));
        }

        return session;
    }

    /// <summary>A new app of the token's user.</summary>
    public static SbApp NewApp(SandboxServer sandbox, string title = "test-app") =>
        sandbox.Bitrise.AddApp(new SbApp { Slug = BitriseEmulator.NewSlug(), Title = title, Owner = sandbox.Bitrise.Me });

    /// <summary>A finished build (started and ended a few minutes ago).</summary>
    public static SbBuild Finished(SandboxServer sandbox, string appSlug, int status = 1, Action<SbBuild>? configure = null)
    {
        var started = DateTimeOffset.UtcNow.AddMinutes(-10);
        var build = new SbBuild
        {
            AppSlug = appSlug,
            Status = status,
            TriggeredAt = started.AddSeconds(-5),
            StartedOnWorkerAt = started,
            EnvironmentPrepareFinishedAt = started.AddSeconds(20),
            FinishedAt = started.AddMinutes(3),
            Timings = new SbBuildTimings { ArchiveDelayPolls = 0 },
        };
        configure?.Invoke(build);
        return sandbox.Bitrise.AddBuild(build);
    }

    /// <summary>A build that is running and stays so until aborted.</summary>
    public static SbBuild Running(SandboxServer sandbox, string appSlug, bool onHold = false)
    {
        var build = new SbBuild
        {
            AppSlug = appSlug,
            IsOnHold = onHold,
            StartedOnWorkerAt = onHold ? null : DateTimeOffset.UtcNow.AddMinutes(-1),
            Timings = new SbBuildTimings { OnHoldPolls = onHold ? int.MaxValue : 0, RunningPolls = -1 },
        };
        return sandbox.Bitrise.AddBuild(build);
    }

    public static JsonElement Json(string? text) => JsonDocument.Parse(text ?? "null").RootElement;

    public static string Quote(string path) => "'" + path.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }

    public static string NewFolder() => Directory.CreateTempSubdirectory("psbu-bitrise-").FullName;
}
