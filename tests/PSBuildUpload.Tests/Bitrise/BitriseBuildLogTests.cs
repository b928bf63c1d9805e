using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Bitrise;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;
using static PSBuildUpload.Tests.Bitrise.BitriseTestSupport;

namespace PSBuildUpload.Tests.Bitrise;

/// <summary>Get-BitriseBuildLog: archived logs, following a running build, ANSI codes, -OutFile, missing logs.</summary>
public sealed class BitriseBuildLogTests : IClassFixture<SandboxFixture>
{
    private const string DocumentApp = "669403bffbe35909";
    private const string DocumentBuild = "3247e2920496e846";
    private static readonly Regex Ansi = new(@"\x1B\[[0-?]*[ -/]*[@-~]");

    private readonly SandboxServer _sandbox;

    public BitriseBuildLogTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Fact]
    public void A_finished_build_gives_its_whole_archived_log_without_colour_codes_and_without_Authorization_to_the_link()
    {
        using var session = Connected(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run($"Get-BitriseBuildLog -AppSlug {DocumentApp} -BuildSlug {DocumentBuild}");

        Assert.Empty(result.AllErrors);
        var expected = Lines(Ansi.Replace(DocumentLog(), string.Empty));
        Assert.Equal(expected, result.Output.Select(o => (string)o.BaseObject));
        Assert.Contains("Git Clone Configs:", result.Output.Select(o => (string)o.BaseObject));
        Assert.DoesNotContain(result.Output, o => ((string)o.BaseObject).Contains('\u001b', StringComparison.Ordinal));

        var info = Assert.Single(_sandbox.Requests.Matching("GET", $"/v0.1/apps/{DocumentApp}/builds/{DocumentBuild}/log"));
        Assert.Equal("?limit=50", info.Query);
        Assert.Equal("token " + _sandbox.Tokens.Bitrise, info.Header("Authorization"));
        var download = Assert.Single(_sandbox.Requests.Matching("GET", "/storage/build-logs-v2/"));
        Assert.Null(download.Header("Authorization"));
        Assert.Equal(200, download.StatusCode);
        var signature = Regex.Match(download.Query, "X-Goog-Signature=([^&]+)").Groups[1].Value;
        Assert.NotEmpty(signature);
        Assert.DoesNotContain(signature, session.Run($"Get-BitriseBuildLog -AppSlug {DocumentApp} -BuildSlug {DocumentBuild} -Verbose").AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Raw_keeps_the_ANSI_codes()
    {
        using var session = Connected(_sandbox);
        var result = session.Run($"Get-BitriseBuildLog -AppSlug {DocumentApp} -BuildSlug {DocumentBuild} -Raw");
        Assert.Empty(result.AllErrors);
        Assert.Equal(Lines(DocumentLog()), result.Output.Select(o => (string)o.BaseObject));
        Assert.Contains(result.Output, o => ((string)o.BaseObject).Contains("\u001b[34;1m", StringComparison.Ordinal));
    }

    [Fact]
    public void Right_after_a_build_finishes_the_log_is_polled_until_it_is_archived()
    {
        var app = NewApp(_sandbox, "archive");
        var build = Finished(_sandbox, app.Slug, configure: b => b.Timings = new SbBuildTimings { ArchiveDelayPolls = 2 });
        using var session = Connected(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run($"Get-BitriseBuildLog -AppSlug {app.Slug} -BuildSlug {build.Slug}");

        Assert.Empty(result.AllErrors);
        Assert.Equal(Lines(Ansi.Replace(BitriseEmulator.LogText(build), string.Empty)), result.Output.Select(o => (string)o.BaseObject));
        Assert.Equal(3, _sandbox.Requests.Matching("GET", $"/v0.1/apps/{app.Slug}/builds/{build.Slug}/log").Count);
        Assert.Single(_sandbox.Requests.Matching("GET", "/storage/"));
    }

    [Fact]
    public void Follow_streams_a_running_build_in_order_each_chunk_once_until_it_finishes()
    {
        var app = NewApp(_sandbox, "follow");
        var chunks = Enumerable.Range(0, 9).Select(i => new SbLogChunk(i, $"\u001b[32;1mstep {i}\u001b[0m start\nstep {i} ")).ToList();
        chunks.Add(new SbLogChunk(9, "end\n"));
        var build = _sandbox.Bitrise.AddBuild(new SbBuild
        {
            AppSlug = app.Slug,
            IsOnHold = true,
            LogChunks = chunks,
            Timings = new SbBuildTimings { OnHoldPolls = 1, RunningPolls = 6, ChunksPerPoll = 2, ArchiveDelayPolls = 3 },
        });
        using var session = Connected(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run($"Get-BitriseBuildLog -AppSlug {app.Slug} -BuildSlug {build.Slug} -Follow");

        Assert.Empty(result.AllErrors);
        var expected = Lines(Ansi.Replace(string.Concat(chunks.Select(c => c.Text)), string.Empty));
        Assert.Equal(expected, result.Output.Select(o => (string)o.BaseObject));
        Assert.Equal(1, build.Status);

        // The service did send them out of order and more than once, through the timestamp cursor.
        Assert.Equal(1L, build.Published[0].Chunk.Position);
        var logCalls = _sandbox.Requests.Matching("GET", $"/v0.1/apps/{app.Slug}/builds/{build.Slug}/log");
        Assert.True(logCalls.Count >= 3, $"Only {logCalls.Count} log calls.");
        Assert.DoesNotContain("timestamp=", logCalls[0].Query, StringComparison.Ordinal);
        Assert.All(logCalls.Skip(1), c => Assert.Matches(@"^\?timestamp=\d+&limit=50$", c.Query));
        Assert.Empty(_sandbox.Requests.Matching("GET", "/storage/"));
    }

    [Fact]
    public void Follow_takes_a_chunk_the_cursor_missed_from_the_archived_answer_and_keeps_the_order()
    {
        var app = NewApp(_sandbox, "late-chunk");
        var chunks = Enumerable.Range(0, 6).Select(i => new SbLogChunk(i, $"line {i}\n")).ToList();
        var build = _sandbox.Bitrise.AddBuild(new SbBuild
        {
            AppSlug = app.Slug,
            StartedOnWorkerAt = DateTimeOffset.UtcNow,
            LogChunks = chunks,
            Timings = new SbBuildTimings { OnHoldPolls = 0, RunningPolls = 8, OutOfOrderChunks = false, BackdatedPositions = { 3 }, ArchiveDelayPolls = 2 },
        });
        using var session = Connected(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run($"Get-BitriseBuildLog -AppSlug {app.Slug} -BuildSlug {build.Slug} -Follow");

        Assert.Empty(result.AllErrors);
        Assert.Empty(result.Warning);
        Assert.Equal(chunks.Select(c => c.Text.TrimEnd('\n')), result.Output.Select(o => (string)o.BaseObject));
        Assert.Empty(_sandbox.Requests.Matching("GET", "/storage/"));
    }

    [Fact]
    public async Task Stopping_a_follow_into_a_file_leaves_no_partial_file()
    {
        var app = NewApp(_sandbox, "stop-follow");
        var build = Running(_sandbox, app.Slug);
        var folder = NewFolder();
        using var session = Connected(_sandbox);
        var (shell, completion) = session.Start($"Get-BitriseBuildLog -AppSlug {app.Slug} -BuildSlug {build.Slug} -Follow -OutFile {Quote(Path.Combine(folder, "live.log"))}");
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (_sandbox.Requests.All.Count(r => r.Path.EndsWith($"/builds/{build.Slug}/log", StringComparison.Ordinal)) < 3)
            {
                await Task.Delay(20, limit.Token);
            }
        }

        shell.Stop();
        var result = await completion;
        shell.Dispose();

        Assert.Empty(result.Output);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
        Assert.Equal(0, build.Status);
    }

    [Fact]
    public void Without_Follow_a_running_build_gives_its_log_so_far_and_says_so()
    {
        var app = NewApp(_sandbox, "so-far");
        var build = Running(_sandbox, app.Slug);
        using var session = Connected(_sandbox);
        var result = session.Run($"Get-BitriseBuildLog -AppSlug {app.Slug} -BuildSlug {build.Slug}");
        Assert.Empty(result.AllErrors);
        Assert.NotEmpty(result.Output);
        Assert.Contains(result.Warning, w => w.Contains("still running", StringComparison.Ordinal));
        Assert.Equal(0, build.Status);
    }

    [Fact]
    public void A_build_aborted_before_it_started_has_no_log_and_says_so_plainly()
    {
        var app = NewApp(_sandbox, "no-log");
        var build = Finished(_sandbox, app.Slug, status: 3, configure: b =>
        {
            b.StartedOnWorkerAt = null;
            b.EnvironmentPrepareFinishedAt = null;
        });
        using var session = Connected(_sandbox);
        var result = session.Run($"Get-BitriseBuildLog -AppSlug {app.Slug} -BuildSlug {build.Slug}; 'went on'");

        Assert.Equal("Bitrise.LogNotAvailable", result.ErrorIds.Single());
        Assert.Contains("aborted before it started", result.Errors.Single().ToString(), StringComparison.Ordinal);
        Assert.Equal("went on", result.Output.Single().ToString());
        Assert.Equal("ObjectNotFound", result.Errors.Single().CategoryInfo.Category.ToString());
    }

    [Fact]
    public void OutFile_writes_the_log_through_a_temporary_name_and_emits_the_file()
    {
        var folder = NewFolder();
        var path = Path.Combine(folder, "build.log");
        File.WriteAllText(path, "old content");
        using var session = Connected(_sandbox);
        var result = session.Run($"Get-BitriseBuildLog -AppSlug {DocumentApp} -BuildSlug {DocumentBuild} -OutFile {Quote(path)}");

        Assert.Empty(result.AllErrors);
        var file = Assert.Single(result.Output);
        Assert.Equal(path, file.P<string>("FullName"));
        Assert.Equal(Lines(Ansi.Replace(DocumentLog(), string.Empty)), File.ReadAllLines(path));
        Assert.Equal(new[] { "build.log" }, Directory.GetFiles(folder).Select(Path.GetFileName));

        var intoFolder = session.Run($"Get-BitriseBuildLog -AppSlug {DocumentApp} -BuildSlug {DocumentBuild} -Raw -OutFile {Quote(folder)}");
        Assert.Empty(intoFolder.AllErrors);
        Assert.Equal(Path.Combine(folder, DocumentBuild + ".log"), intoFolder.Output.Single().P<string>("FullName"));
        Assert.Contains("\u001b[", File.ReadAllText(Path.Combine(folder, DocumentBuild + ".log")), StringComparison.Ordinal);
    }

    private static string DocumentLog() => string.Concat(BitriseEmulator.DocumentLogChunks().Select(c => c.Text));

    /// <summary>The lines a log text is emitted as: split at line breaks, the empty piece after a final break dropped.</summary>
    private static string[] Lines(string text)
    {
        var lines = text.Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }
}
