using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.NetworkInformation;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Bitrise;
using PSBuildUpload.Tests.Bitrise;
using PSBuildUpload.Sandbox.Infrastructure;
using PSBuildUpload.Tests.Infrastructure;
using PSBuildUpload.Tests.ProductScience;
using Xunit;

namespace PSBuildUpload.Tests.Module;

public sealed class ConcurrencyAndCancellationTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _sandbox;

    public ConcurrencyAndCancellationTests(SandboxFixture fixture)
    {
        _sandbox = fixture.Sandbox;
        _sandbox.Reset();
    }

    [Fact]
    public async Task Eight_runspaces_upload_at_once_through_the_shared_core_with_correct_bytes()
    {
        var files = Enumerable.Range(0, 8).Select(i => TestFiles.Create($"parallel-{i}.apk", 1_500_000 + (i * 7919))).ToArray();
        var runs = files.Select(path => Task.Run(() =>
        {
            using var session = new PsSession(_sandbox);
            session.Run("Connect-BuildService -Service ProductScience -Token $PsToken -BaseUri $Base");
            return session.Run($"New-UploadContext -Project demo | Submit-Build -Path {TestFiles.Quote(path)} -BuildType APK -NoCiMetadata | Send-BuildFile");
        })).ToArray();
        var results = await Task.WhenAll(runs);

        for (var i = 0; i < files.Length; i++)
        {
            Assert.Empty(results[i].AllErrors);
            var upload = results[i].Output.Single();
            var expected = TestFiles.Sha256(files[i]);
            Assert.Equal(expected, upload.P<string>("Sha256"));
            var build = _sandbox.ProductScience.Builds[upload.P<long>("BuildId")];
            Assert.Equal(expected, _sandbox.Storage.Get(build.StorageKey)!.Sha256);
            Assert.Equal(Path.GetFileName(files[i]), build.BuildFileName);
        }

        Assert.Equal(8, results.Select(r => r.Output.Single().P<long>("BuildId")).Distinct().Count());
    }

    [Fact]
    public async Task Stopping_during_an_upload_returns_promptly_and_the_storage_keeps_nothing()
    {
        var apk = TestFiles.Create("cancel.apk", 8 * 1024 * 1024);
        using var session = new PsSession(_sandbox);
        session.Run("Connect-BuildService -Service ProductScience -Token $PsToken -BaseUri $Base");
        var submitted = session.Run($"New-UploadContext -Project demo | Submit-Build -Path {TestFiles.Quote(apk)} -BuildType APK -NoCiMetadata").Output.Single();
        session.Set("submitted", submitted);
        // The storage takes the first bytes and then holds the rest for 30 s: the upload is in flight when stopped.
        _sandbox.Faults.Add(new FaultRule { Method = "PUT", PathPattern = "^/storage/", Kind = FaultKind.Delay, DelayMs = 30_000 });
        var (shell, completion) = session.Start("$submitted | Send-BuildFile");
        RecordedRequest inFlight;
        using (shell)
        {
            await WaitForAsync(() => _sandbox.Requests.All.Any(r => r.Method == "PUT"));
            inFlight = InFlight(r => r.Method == "PUT");
            var watch = Stopwatch.StartNew();
            shell.Stop();
            var result = await completion;
            watch.Stop();
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"Stop took {watch.Elapsed}");
            Assert.Empty(result.Output);
        }

        await NoRequestLeftRunningAsync(inFlight);
        var build = _sandbox.ProductScience.Builds[submitted.P<long>("BuildId")];
        Assert.Null(_sandbox.Storage.Get(build.StorageKey));
        Assert.Equal("UPLOADING", build.UploadState);
    }

    [Fact]
    public async Task Stopping_a_paged_list_stops_fetching_pages()
    {
        for (var i = 0; i < 60; i++)
        {
            _sandbox.Bitrise.AddApp(new SbApp { Slug = BitriseEmulator.NewSlug(), Title = "cancel-" + i, Owner = _sandbox.Bitrise.Me });
        }

        using var session = new PsSession(_sandbox);
        _sandbox.Faults.Add(new FaultRule { Method = "GET", PathPattern = "^/v0.1/apps$", Kind = FaultKind.Delay, DelayMs = 30_000, Skip = 1 });
        var (shell, completion) = session.Start("Get-BitriseApp -Token $BitriseToken -BaseUri $Base");
        RecordedRequest inFlight;
        using (shell)
        {
            await WaitForAsync(() => _sandbox.Requests.All.Count(r => r.Path == "/v0.1/apps") >= 2);
            inFlight = InFlight(r => r.Path == "/v0.1/apps" && r.Fault is not null);
            var watch = Stopwatch.StartNew();
            shell.Stop();
            var result = await completion;
            watch.Stop();
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"Stop took {watch.Elapsed}");
            Assert.Equal(50, result.Output.Count);
        }

        await NoRequestLeftRunningAsync(inFlight);
        await Task.Delay(300);
        Assert.Equal(2, _sandbox.Requests.All.Count(r => r.Path == "/v0.1/apps"));
    }

    [Fact]
    public async Task Stopping_a_download_under_way_returns_promptly_and_leaves_no_file()
    {
        var app = BitriseTestSupport.NewApp(_sandbox, "cancel-download");
        var build = BitriseTestSupport.Finished(_sandbox, app.Slug);
        var artifact = _sandbox.Bitrise.AddGeneratedArtifact(build, "big.apk", 4 * 1024 * 1024, "android-apk");
        var folder = BitriseTestSupport.NewFolder();
        using var session = BitriseTestSupport.Connected(_sandbox);
        // A megabyte arrives, then the storage holds the rest for 30 s: the file is being written when stopped.
        _sandbox.Faults.Add(new FaultRule { Method = "GET", PathPattern = $"^/storage/builds/{build.Slug}/", Kind = FaultKind.StallDuringResponseBody, AfterBytes = 1024 * 1024, DelayMs = 30_000 });
        var (shell, completion) = session.Start($"Save-BitriseArtifact -AppSlug {app.Slug} -BuildSlug {build.Slug} -ArtifactSlug {artifact.Slug} -Destination {BitriseTestSupport.Quote(folder)}");
        RecordedRequest inFlight;
        using (shell)
        {
            await WaitForAsync(() => Directory.GetFiles(folder).Any(f => new FileInfo(f).Length > 0));
            inFlight = InFlight(r => r.Path.StartsWith("/storage/builds/" + build.Slug, StringComparison.Ordinal));
            var watch = Stopwatch.StartNew();
            shell.Stop();
            var result = await completion;
            watch.Stop();
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"Stop took {watch.Elapsed}");
            Assert.Empty(result.Output);
        }

        await NoRequestLeftRunningAsync(inFlight);
        Assert.False(File.Exists(Path.Combine(folder, "big.apk")));
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public async Task Stopping_a_wait_with_AbortOnTimeout_returns_promptly_and_aborts_the_build()
    {
        var app = BitriseTestSupport.NewApp(_sandbox, "cancel-wait");
        var build = BitriseTestSupport.Running(_sandbox, app.Slug);
        using var session = BitriseTestSupport.Connected(_sandbox);
        var poll = $"^/v0.1/apps/{app.Slug}/builds/{build.Slug}$";
        _sandbox.Faults.Add(new FaultRule { Method = "GET", PathPattern = poll, Kind = FaultKind.Delay, DelayMs = 30_000, Skip = 2 });
        var (shell, completion) = session.Start($"Wait-BitriseBuild -AppSlug {app.Slug} -BuildSlug {build.Slug} -AbortOnTimeout");
        RecordedRequest inFlight;
        using (shell)
        {
            await WaitForAsync(() => _sandbox.Requests.All.Any(r => r.Fault is not null && Regex.IsMatch(r.Path, poll)));
            inFlight = InFlight(r => r.Fault is not null && Regex.IsMatch(r.Path, poll));
            var watch = Stopwatch.StartNew();
            shell.Stop();
            var result = await completion;
            watch.Stop();
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"Stop took {watch.Elapsed}");
            Assert.Empty(result.Output);
        }

        await NoRequestLeftRunningAsync(inFlight);
        Assert.Equal(3, build.Status);
        Assert.Contains("Wait-BitriseBuild was stopped", build.AbortReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopping_a_log_follow_returns_promptly_and_stops_asking()
    {
        var app = BitriseTestSupport.NewApp(_sandbox, "cancel-follow");
        var build = BitriseTestSupport.Running(_sandbox, app.Slug);
        using var session = BitriseTestSupport.Connected(_sandbox);
        var log = $"^/v0.1/apps/{app.Slug}/builds/{build.Slug}/log$";
        _sandbox.Faults.Add(new FaultRule { Method = "GET", PathPattern = log, Kind = FaultKind.Delay, DelayMs = 30_000, Skip = 2 });
        var (shell, completion) = session.Start($"Get-BitriseBuildLog -AppSlug {app.Slug} -BuildSlug {build.Slug} -Follow");
        RecordedRequest inFlight;
        using (shell)
        {
            await WaitForAsync(() => _sandbox.Requests.All.Any(r => r.Fault is not null && Regex.IsMatch(r.Path, log)));
            inFlight = InFlight(r => r.Fault is not null && Regex.IsMatch(r.Path, log));
            var watch = Stopwatch.StartNew();
            shell.Stop();
            await completion;
            watch.Stop();
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"Stop took {watch.Elapsed}");
        }

        await NoRequestLeftRunningAsync(inFlight);
        var asked = _sandbox.Requests.All.Count(r => r.Path.StartsWith($"/v0.1/apps/{app.Slug}/", StringComparison.Ordinal));
        await Task.Delay(300);
        Assert.Equal(asked, _sandbox.Requests.All.Count(r => r.Path.StartsWith($"/v0.1/apps/{app.Slug}/", StringComparison.Ordinal)));
        Assert.Equal(0, build.Status);
    }

    [Fact]
    public void A_redirect_to_another_host_drops_Authorization_and_says_so()
    {
        using var session = new PsSession(_sandbox);
        _sandbox.Faults.Add("GET", "^/v0.1/apps/93f256e365d929d3$", FaultKind.RedirectToOtherHost);
        var result = session.Run("Get-BitriseApp -AppSlug 93f256e365d929d3 -Token $BitriseToken -BaseUri $Base");

        var requests = _sandbox.Requests.All.Where(r => r.Path == "/v0.1/apps/93f256e365d929d3").ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Equal("token " + _sandbox.Tokens.Bitrise, requests[0].Header("Authorization"));
        Assert.StartsWith("localhost:", requests[1].Host, StringComparison.Ordinal);
        Assert.Null(requests[1].Header("Authorization"));
        Assert.Equal("Bitrise.Unauthorized", result.ErrorIds.Single());
        Assert.Contains("redirected to http://localhost:", result.AllErrors.Single().ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The stop reached the request: soon after it, the server saw the connection cut, or (a server that is not
    /// reading a paused body cannot notice) the client's end of that connection is closed. The request had 30 s to go.
    /// </summary>
    private async Task NoRequestLeftRunningAsync(RecordedRequest request) =>
        await WaitForAsync(() => request.AbortedAt is not null || !ClientEndOpen(request));

    /// <summary>The one held request, still unanswered on an open connection when the test stops the command.</summary>
    private RecordedRequest InFlight(Func<RecordedRequest, bool> held)
    {
        var request = Assert.Single(_sandbox.Requests.All, r => held(r));
        Assert.Null(request.EndedAt);
        Assert.True(ClientEndOpen(request), "The held request's connection is not open before the stop.");
        return request;
    }

    private bool ClientEndOpen(RecordedRequest request) =>
        IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpConnections().Any(c =>
            c.LocalEndPoint.Port == request.ClientPort && c.RemoteEndPoint.Port == _sandbox.Port && c.State == TcpState.Established);

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for the request to arrive");
            await Task.Delay(20);
        }
    }
}
