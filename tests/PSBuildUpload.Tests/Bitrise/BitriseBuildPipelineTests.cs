using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Bitrise;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;
using static PSBuildUpload.Tests.Bitrise.BitriseTestSupport;

namespace PSBuildUpload.Tests.Bitrise;

/// <summary>The three pipelines of the issue, exactly as written there.</summary>
public sealed class BitriseBuildPipelineTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _sandbox;

    public BitriseBuildPipelineTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Fact]
    public void Artifacts_of_the_five_latest_failed_builds_of_every_app_are_saved()
    {
        var app = NewApp(_sandbox, "failing");
        var failed = Enumerable.Range(0, 7).Select(i => Finished(_sandbox, app.Slug, status: i == 3 ? 1 : 2, configure: b => b.TriggeredAt = DateTimeOffset.UtcNow.AddHours(-10 + i))).ToList();
        foreach (var build in failed)
        {
            _sandbox.Bitrise.AddArtifact(build, $"app-{build.BuildNumber}.apk", Encoding.UTF8.GetBytes("apk of build " + build.BuildNumber), "android-apk");
            _sandbox.Bitrise.AddArtifact(build, $"test-results-{build.BuildNumber}.xml", Encoding.UTF8.GetBytes("<testsuite/>"));
        }

        var latestFailed = failed.Where(b => b.Status == 2).OrderByDescending(b => b.BuildNumber).Take(5).ToList();
        var folder = NewFolder();
        using var session = Connected(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run(
            $"$null = $ExecutionContext.SessionState.Path.SetLocation({Quote(folder)})\n" +
            "Get-BitriseApp | Get-BitriseBuild -Status Failed -First 5 | Get-BitriseArtifact | Save-BitriseArtifact -Destination ./out");

        Assert.Empty(result.AllErrors);
        var expected = latestFailed.SelectMany(b => b.Artifacts).ToList();
        Assert.Equal(10, expected.Count);
        Assert.Equal(expected.Select(a => a.Slug), result.Output.Select(o => o.P<string>("ArtifactSlug")));
        foreach (var artifact in expected)
        {
            var path = Path.Combine(folder, "out", artifact.Title);
            Assert.Equal(_sandbox.Storage.Get(artifact.StorageKey)!.Sha256, Sha256(path));
        }

        Assert.Equal(10, Directory.GetFiles(Path.Combine(folder, "out")).Length);

        // Every app was asked for its failed builds, five at most, in one page each.
        var lists = _sandbox.Requests.All.Where(r => r.Method == "GET" && Regex.IsMatch(r.Path, "^/v0.1/apps/[^/]+/builds$")).ToList();
        Assert.Equal(_sandbox.Bitrise.Apps.Count, lists.Count);
        Assert.All(lists, r => Assert.Equal("?status=2&limit=5", r.Query));
        Assert.Equal(5, _sandbox.Requests.Matching("GET", $"/v0.1/apps/{app.Slug}/builds/").Count(r => r.Path.EndsWith("/artifacts", StringComparison.Ordinal)));
        var downloads = _sandbox.Requests.Matching("GET", "/storage/");
        Assert.Equal(10, downloads.Count);
        Assert.All(downloads, d => Assert.Null(d.Header("Authorization")));
    }

    [Fact]
    public void Builds_in_progress_are_stopped_as_superseded()
    {
        var app = NewApp(_sandbox, "superseded");
        var running = new[] { Running(_sandbox, app.Slug), Running(_sandbox, app.Slug, onHold: true) };
        var finished = Finished(_sandbox, app.Slug);
        using var session = Connected(_sandbox);
        session.Set("app", app.Slug);
        _sandbox.Requests.Clear();
        var result = session.Run("Get-BitriseBuild -AppSlug $app -Status InProgress | Stop-BitriseBuild -Reason 'superseded'");

        Assert.Empty(result.AllErrors);
        var aborts = _sandbox.Requests.Matching("POST", $"/v0.1/apps/{app.Slug}/builds/");
        Assert.Equal(running.Select(b => $"/v0.1/apps/{app.Slug}/builds/{b.Slug}/abort").Order(), aborts.Select(a => a.Path).Order());
        Assert.All(aborts, a =>
        {
            var body = Json(a.BodyText);
            Assert.Equal("superseded", body.GetProperty("abort_reason").GetString());
            Assert.False(body.GetProperty("abort_with_success").GetBoolean());
            Assert.False(body.GetProperty("skip_notifications").GetBoolean());
        });
        Assert.All(running, b => Assert.Equal(3, b.Status));
        Assert.Equal(1, finished.Status);
    }

    [Fact]
    public void A_started_build_is_waited_for_and_its_log_read()
    {
        var app = NewApp(_sandbox, "start-wait-log");
        using var session = Connected(_sandbox);
        session.Set("app", app.Slug);
        _sandbox.Requests.Clear();
        var result = session.Run("Start-BitriseBuild -AppSlug $app -Branch main -Workflow primary | Wait-BitriseBuild | Get-BitriseBuildLog");

        Assert.Empty(result.AllErrors);
        var build = _sandbox.Bitrise.BuildsOf(app.Slug).Single();
        Assert.Equal(1, build.Status);
        var log = Regex.Replace(BitriseEmulator.LogText(build), @"\x1B\[[0-?]*[ -/]*[@-~]", string.Empty);
        Assert.Equal(log.TrimEnd('\n').Split('\n'), result.Output.Select(o => (string)o.BaseObject));

        var post = Assert.Single(_sandbox.Requests.Matching("POST", $"/v0.1/apps/{app.Slug}/builds"));
        var parameters = Json(post.BodyText).GetProperty("build_params");
        Assert.Equal(("main", "primary"), (parameters.GetProperty("branch").GetString(), parameters.GetProperty("workflow_id").GetString()));
        Assert.True(_sandbox.Requests.Matching("GET", $"/v0.1/apps/{app.Slug}/builds/{build.Slug}").Count(r => r.Path.EndsWith(build.Slug, StringComparison.Ordinal)) >= 5);
        Assert.Single(_sandbox.Requests.Matching("GET", "/storage/build-logs-v2/"));
    }
}
