using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Infrastructure;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;

namespace PSBuildUpload.Tests.ProductScience;

/// <summary>Retries, refusals to retry, and cancellation of the Product Science upload.</summary>
public sealed class ProductScienceResilienceTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _sandbox;

    public ProductScienceResilienceTests(SandboxFixture fixture)
    {
        _sandbox = fixture.Sandbox;
        _sandbox.Reset();
    }

    private PsSession Connected()
    {
        var session = new PsSession(_sandbox);
        session.Run("Connect-BuildService -Service ProductScience -Token $PsToken -BaseUri $Base -RetryIntervalSec 0.05");
        return session;
    }

    [Fact]
    public void A_503_with_Retry_After_on_the_build_create_is_waited_out_and_creates_exactly_one_build()
    {
        var apk = TestFiles.Create("retry.apk", 10_000);
        using var session = Connected();
        var context = (long)session.Run("(New-UploadContext -Project demo).Id").Output.Single().BaseObject;
        var buildsBefore = _sandbox.ProductScience.Builds.Count;
        _sandbox.Faults.Add("POST", "/builds$", FaultKind.Status, 503, retryAfter: "1");

        var watch = Stopwatch.StartNew();
        var result = session.Run($"Submit-Build -Project demo -ContextId {context} -Path {TestFiles.Quote(apk)} -BuildType APK -NoCiMetadata -Verbose | Send-BuildFile");
        watch.Stop();

        Assert.Empty(result.AllErrors);
        Assert.Equal(buildsBefore + 1, _sandbox.ProductScience.Builds.Count);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), "Retry-After: 1 was not waited for");
        Assert.Contains(result.Verbose, v => v.StartsWith("Trying again in 1.0 s (try 2 of 5): 503", StringComparison.Ordinal));
        Assert.Equal(TestFiles.Sha256(apk), result.Output.Single().P<string>("Sha256"));
    }

    [Fact]
    public void A_connection_dropped_in_the_middle_of_the_upload_ends_in_one_complete_upload()
    {
        var apk = TestFiles.Create("dropped.apk", 3 * 1024 * 1024);
        using var session = Connected();
        _sandbox.Faults.Add(new FaultRule { Method = "PUT", PathPattern = "^/storage/", Kind = FaultKind.ResetDuringRequestBody, AfterBytes = 1024 * 1024 });

        var result = session.Run($"New-UploadContext -Project demo | Submit-Build -Path {TestFiles.Quote(apk)} -BuildType APK -NoCiMetadata | Send-BuildFile -Verbose");

        Assert.Empty(result.AllErrors);
        var build = _sandbox.ProductScience.Builds[result.Output.Single().P<long>("BuildId")];
        Assert.Equal(TestFiles.Sha256(apk), _sandbox.Storage.Get(build.StorageKey)!.Sha256);
        Assert.Equal(1, _sandbox.Storage.UploadCount(build.StorageKey));
        Assert.Equal(2, _sandbox.Requests.All.Count(r => r.Method == "PUT" && r.Path.Contains($"/{build.Id}/", StringComparison.Ordinal)));
        Assert.Equal("FINISHED", build.UploadState);
    }

    [Fact]
    public void A_401_is_Unauthorized_at_once_with_no_retry()
    {
        using var session = new PsSession(_sandbox);
        session.Set("Wrong", PsSession.Secure("not-the-token-42"));
        var before = _sandbox.Requests.All.Count;
        var result = session.Run("New-UploadContext -Project demo -Token $Wrong -BaseUri $Base");
        Assert.Equal("ProductScience.Unauthorized", result.ErrorIds.Single());
        Assert.Equal(before + 1, _sandbox.Requests.All.Count);
        var error = result.AllErrors.Single();
        Assert.Equal("AuthenticationError", error.CategoryInfo.Category.ToString());
        Assert.Contains("Unauthorized: missing or invalid token", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-token-42", result.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_create_whose_connection_broke_after_the_request_was_sent_is_not_repeated()
    {
        using var session = Connected();
        var before = _sandbox.ProductScience.Contexts.Count;
        _sandbox.Requests.Clear();
        _sandbox.Faults.Add("POST", "/build-uploads$", FaultKind.ResetBeforeResponse);
        var result = session.Run("New-UploadContext -Project demo");
        Assert.Equal("ProductScience.ConnectionFailed", result.ErrorIds.Single());
        var sent = Assert.Single(_sandbox.Requests.All);
        Assert.NotNull(sent.Fault);
        Assert.Equal(before, _sandbox.ProductScience.Contexts.Count);
    }

    [Fact]
    public void Transient_errors_that_never_stop_end_in_ServerError_after_the_configured_tries()
    {
        using var session = new PsSession(_sandbox);
        session.Run("Connect-BuildService -Service ProductScience -Token $PsToken -BaseUri $Base -RetryIntervalSec 0.01 -MaximumRetryCount 2");
        _sandbox.Requests.Clear();
        _sandbox.Faults.Add(new FaultRule { Method = "POST", PathPattern = "/build-uploads$", Kind = FaultKind.Status, StatusCode = 503, Times = -1 });
        try
        {
            var result = session.Run("New-UploadContext -Project demo");
            Assert.Equal("ProductScience.ServerError", result.ErrorIds.Single());
            Assert.Equal(3, _sandbox.Requests.All.Count);
            Assert.Contains("gave up after 3 tries", result.AllErrors.Single().ToString(), StringComparison.Ordinal);
            Assert.Equal("ResourceUnavailable", result.AllErrors.Single().CategoryInfo.Category.ToString());
        }
        finally
        {
            _sandbox.Faults.Clear();
        }
    }

    [Fact]
    public async System.Threading.Tasks.Task Stopping_the_pipeline_cancels_the_request_in_flight()
    {
        using var session = Connected();
        _sandbox.Faults.Add(new FaultRule { Method = "POST", PathPattern = "/build-uploads$", Kind = FaultKind.Delay, DelayMs = 30_000 });
        var (shell, completion) = session.Start("New-UploadContext -Project demo");
        using (shell)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!_sandbox.Requests.All.Any(r => r.Fault?.StartsWith("Delay", StringComparison.Ordinal) == true) && DateTime.UtcNow < deadline)
            {
                await System.Threading.Tasks.Task.Delay(20);
            }

            var watch = Stopwatch.StartNew();
            shell.Stop();
            var result = await completion;
            watch.Stop();

            // Well below the 30 s the server holds the request: the stop reached the request itself.
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"Stop took {watch.Elapsed}");
            Assert.Empty(result.Output);
        }
    }

    [Fact]
    public void A_JSON_call_slower_than_the_timeout_fails_with_Timeout_and_a_create_is_not_repeated()
    {
        using var session = new PsSession(_sandbox);
        // 2 s rather than less: on a loaded 2-core machine a shorter limit can expire before the request is even sent.
        session.Run("Connect-BuildService -Service ProductScience -Token $PsToken -BaseUri $Base -TimeoutSec 2 -RetryIntervalSec 0.01");
        _sandbox.Requests.Clear();
        _sandbox.Faults.Add(new FaultRule { Method = "POST", PathPattern = "/build-uploads$", Kind = FaultKind.Delay, DelayMs = 5000 });
        var result = session.Run("New-UploadContext -Project demo");
        Assert.Equal("ProductScience.Timeout", result.ErrorIds.Single());
        Assert.Equal("OperationTimeout", result.AllErrors.Single().CategoryInfo.Category.ToString());
        Assert.Single(_sandbox.Requests.All);
        Assert.Contains("-TimeoutSec", result.AllErrors.Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_upload_that_stalls_is_stopped_by_the_idle_limit_and_sent_again()
    {
        var apk = TestFiles.Create("stall.apk", 64 * 1024);
        using var session = new PsSession(_sandbox);
        session.Run("Connect-BuildService -Service ProductScience -Token $PsToken -BaseUri $Base -TransferIdleTimeoutSec 0.5 -RetryIntervalSec 0.01");
        var submitted = session.Run($"New-UploadContext -Project demo | Submit-Build -Path {TestFiles.Quote(apk)} -BuildType APK -NoCiMetadata").Output.Single();
        session.Set("submitted", submitted);
        _sandbox.Faults.Add(new FaultRule { Method = "PUT", PathPattern = "^/storage/", Kind = FaultKind.Delay, DelayMs = 5000 });

        var result = session.Run("$submitted | Send-BuildFile -Verbose");

        Assert.Empty(result.AllErrors);
        Assert.Contains(result.Verbose, v => v.Contains("Trying again", StringComparison.Ordinal) && v.Contains("timed out", StringComparison.Ordinal));
        var build = _sandbox.ProductScience.Builds[submitted.P<long>("BuildId")];
        Assert.Equal(TestFiles.Sha256(apk), _sandbox.Storage.Get(build.StorageKey)!.Sha256);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_refused_connection_is_tried_again_even_for_a_create_and_for_the_storage()
    {
        await using var api = new TcpRelay(_sandbox.Port);
        await using var storage = new TcpRelay(_sandbox.Port);
        storage.Start();
        var apk = TestFiles.Create("refused.apk", 200_000);
        using var session = new PsSession(_sandbox);
        session.Set("Relay", api.Uri.AbsoluteUri);
        session.Run("Connect-BuildService -Service ProductScience -Token $PsToken -BaseUri $Relay -RetryIntervalSec 0.2 -MaximumRetryCount 6");
        var contexts = _sandbox.ProductScience.Contexts.Count;
        _sandbox.StorageUri = new Uri($"http://localhost:{storage.Port}/");
        try
        {
            api.RefuseFor(TimeSpan.FromMilliseconds(400));
            var context = session.Run("New-UploadContext -Project demo -Verbose");
            Assert.Empty(context.AllErrors);
            Assert.Contains(context.Verbose, v => v.Contains("connection refused", StringComparison.Ordinal));
            Assert.Equal(contexts + 1, _sandbox.ProductScience.Contexts.Count);

            session.Set("ctx", context.Output.Single());
            var submitted = session.Run($"$ctx | Submit-Build -Path {TestFiles.Quote(apk)} -BuildType APK -NoCiMetadata").Output.Single();
            session.Set("submitted", submitted);
            storage.RefuseFor(TimeSpan.FromMilliseconds(400));
            var upload = session.Run("$submitted | Send-BuildFile -Verbose");
            Assert.Empty(upload.AllErrors);
            Assert.Contains(upload.Verbose, v => v.Contains("connection refused", StringComparison.Ordinal));
            var build = _sandbox.ProductScience.Builds[submitted.P<long>("BuildId")];
            Assert.Equal(TestFiles.Sha256(apk), _sandbox.Storage.Get(build.StorageKey)!.Sha256);
        }
        finally
        {
            _sandbox.StorageUri = _sandbox.OtherHostUri;
        }
    }
}
