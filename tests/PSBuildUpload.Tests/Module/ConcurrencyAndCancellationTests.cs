using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Bitrise;
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
        using (shell)
        {
            await WaitForAsync(() => _sandbox.Requests.All.Any(r => r.Method == "PUT"));
            var watch = Stopwatch.StartNew();
            shell.Stop();
            var result = await completion;
            watch.Stop();
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"Stop took {watch.Elapsed}");
            Assert.Empty(result.Output);
        }

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
        using (shell)
        {
            await WaitForAsync(() => _sandbox.Requests.All.Count(r => r.Path == "/v0.1/apps") >= 2);
            var watch = Stopwatch.StartNew();
            shell.Stop();
            var result = await completion;
            watch.Stop();
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"Stop took {watch.Elapsed}");
            Assert.Equal(50, result.Output.Count);
        }

        await Task.Delay(300);
        Assert.Equal(2, _sandbox.Requests.All.Count(r => r.Path == "/v0.1/apps"));
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
