using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Bitrise;

namespace PSBuildUpload.Tests.Infrastructure;

/// <summary>
/// What the builds, logs, artifacts and Applivery examples find in the sandbox: <c>$app</c>, the slug of a Bitrise
/// app with a recent history (successes with release artifacts, failures with their logs and artifacts, a build
/// running, a pull request and a tag build), rebuilt before every example so each starts from the same state; builds
/// that finish at the first look and logs archived at once, so waiting examples end quickly; and a few Applivery
/// builds (one whose processing failed) for the list examples.
/// </summary>
public static partial class DocExamples
{
    /// <summary>The slug of the Bitrise app examples know as <c>$app</c>.</summary>
    public const string ExampleAppSlug = "4f2a9c1e7b3d5a60";

    private static readonly ConditionalWeakTable<SandboxServer, object> AppliverySeeded = new();

    /// <summary>Prepares the sandbox for one example and returns the variables the example may use.</summary>
    private static Dictionary<string, object?> PrepareBuildServices(SandboxServer sandbox)
    {
        lock (AppliverySeeded)
        {
            var bitrise = sandbox.Bitrise;
            bitrise.BuildTimings.OnHoldPolls = 0;
            bitrise.BuildTimings.RunningPolls = 1;
            bitrise.BuildTimings.ArchiveDelayPolls = 0;
            bitrise.BuildTimings.FinalStatus = 1;
            if (!bitrise.Apps.ContainsKey(ExampleAppSlug))
            {
                bitrise.AddApp(new SbApp
                {
                    Slug = ExampleAppSlug,
                    Title = "shop-android",
                    ProjectType = "android",
                    Owner = bitrise.Me,
                    RepoOwner = "acme",
                    RepoSlug = "shop-android",
                    RepoUrl = "https://github.com/acme/shop-android.git",
                });
            }

            ResetExampleBuilds(bitrise);
            sandbox.Applivery.StepsPerPoll = 2;
            if (!AppliverySeeded.TryGetValue(sandbox, out _))
            {
                sandbox.Applivery.AddBuild("2.3.0", os: "android");
                sandbox.Applivery.AddBuild("2.3.1", os: "ios");
                var failed = sandbox.Applivery.AddBuild("2.4.0-rc.1", status: "error", os: "android");
                failed.ErrorCode = "5014";
                failed.Error = "The build file is not signed";
                failed.ProcessLogs = ["Reading AndroidManifest.xml", "No APK signature found (v1, v2 or v3)"];
                sandbox.Applivery.AddBuild("2.4.0", os: "android");
                AppliverySeeded.Add(sandbox, new object());
            }
        }

        return new Dictionary<string, object?> { ["app"] = ExampleAppSlug };
    }

    /// <summary>Replaces the example app's builds (and so their artifacts) with the same history, dated from now.</summary>
    private static void ResetExampleBuilds(BitriseEmulator bitrise)
    {
        foreach (var old in bitrise.Builds.Values.Where(b => b.AppSlug == ExampleAppSlug).ToList())
        {
            bitrise.Builds.TryRemove(old.Slug, out _);
        }

        var now = DateTimeOffset.UtcNow;
        SbBuild Finished(long number, int status, string? branch, string workflow, TimeSpan ago, TimeSpan took, string message, List<SbLogChunk>? log = null) =>
            bitrise.AddBuild(new SbBuild
            {
                AppSlug = ExampleAppSlug,
                BuildNumber = number,
                Status = status,
                Branch = branch,
                TriggeredWorkflow = workflow,
                CommitHash = Convert.ToHexString(RandomNumberGenerator.GetBytes(20)).ToLowerInvariant(),
                CommitMessage = message,
                TriggeredBy = "webhook",
                TriggeredAt = now - ago,
                StartedOnWorkerAt = now - ago + TimeSpan.FromSeconds(12),
                EnvironmentPrepareFinishedAt = now - ago + TimeSpan.FromSeconds(40),
                FinishedAt = now - ago + TimeSpan.FromSeconds(12) + took,
                LogChunks = log ?? new List<SbLogChunk>(),
                Timings = Fast(),
            });

        var release = Finished(101, 1, "main", "primary", TimeSpan.FromDays(2), TimeSpan.FromMinutes(9.5), "Bump version to 2.3.2");
        bitrise.AddGeneratedArtifact(release, "app-release.apk", 2_400_000, "android-apk");

        var failedMain = Finished(102, 2, "main", "primary", TimeSpan.FromHours(5), TimeSpan.FromMinutes(6.2), "Move checkout to the new payment SDK", FailureLog(":app:compileReleaseKotlin", "Unresolved reference: PaymentSheet"));
        bitrise.AddGeneratedArtifact(failedMain, "app-debug.apk", 1_600_000, "android-apk");
        bitrise.AddArtifact(failedMain, "test-results.zip", RandomNumberGenerator.GetBytes(40_000));

        var failedPullRequest = Finished(103, 2, "feature/login-otp", "primary", TimeSpan.FromHours(3), TimeSpan.FromMinutes(4.8), "Ask for a one-time code at login", FailureLog(":app:lintRelease", "Lint found 2 errors"));
        failedPullRequest.PullRequestId = 17;
        failedPullRequest.PullRequestTargetBranch = "main";
        failedPullRequest.PullRequestViewUrl = "https://github.com/acme/shop-android/pull/17";
        bitrise.AddArtifact(failedPullRequest, "lint-results.html", Encoding.UTF8.GetBytes("<html><body><h1>Lint: 2 errors</h1></body></html>\n"));

        var tagged = Finished(104, 1, null, "deploy", TimeSpan.FromHours(1), TimeSpan.FromMinutes(11), "Release 2.4.0");
        tagged.Tag = "v2.4.0";
        bitrise.AddGeneratedArtifact(tagged, "app-release.apk", 2_500_000, "android-apk");
        bitrise.AddGeneratedArtifact(tagged, "app-release.aab", 1_900_000);
        bitrise.AddArtifact(tagged, "mapping.txt", Encoding.UTF8.GetBytes("com.acme.shop.MainActivity -> a.a:\n"));

        bitrise.AddBuild(new SbBuild
        {
            AppSlug = ExampleAppSlug,
            BuildNumber = 105,
            Branch = "main",
            TriggeredWorkflow = "primary",
            CommitHash = Convert.ToHexString(RandomNumberGenerator.GetBytes(20)).ToLowerInvariant(),
            CommitMessage = "Show the order number on the receipt",
            TriggeredBy = "webhook",
            TriggeredAt = now - TimeSpan.FromMinutes(3),
            StartedOnWorkerAt = now - TimeSpan.FromMinutes(2),
            EnvironmentPrepareFinishedAt = now - TimeSpan.FromMinutes(2),
            Timings = Fast(),
        });
    }

    /// <summary>Builds that finish at the first look and whose log is archived at once.</summary>
    private static SbBuildTimings Fast() => new() { OnHoldPolls = 0, RunningPolls = 1, ArchiveDelayPolls = 0, OutOfOrderChunks = false };

    /// <summary>The log of a build that failed in a Gradle task.</summary>
    private static List<SbLogChunk> FailureLog(string task, string error) =>
    [
        new(0, "+------------------------------------------------------------------------------+\n| (0) git-clone@8                                                              |\n+------------------------------------------------------------------------------+\n"),
        new(1, "=> git \"checkout\" \"main\"\n| ✓ | git-clone@8                                                   | 4.12 sec |\n"),
        new(2, "+------------------------------------------------------------------------------+\n| (1) android-build@1                                                          |\n+------------------------------------------------------------------------------+\n"),
        new(3, $"> Task {task} FAILED\n\u001b[31;1me: {error}\u001b[0m\n"),
        new(4, $"FAILURE: Build failed with an exception.\n* What went wrong:\nExecution failed for task '{task}'.\n"),
        new(5, "| x | android-build@1 (exit code: 1)                                | 5.9 min  |\n"),
    ];
}
