using System;
using System.Linq;
using System.Web;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Infrastructure;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;

namespace PSBuildUpload.Tests.ProductScience;

public sealed class ProductScienceSecretTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _sandbox;

    public ProductScienceSecretTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Fact]
    public void Neither_the_token_nor_the_storage_signature_appears_in_any_stream_and_the_storage_never_gets_Authorization()
    {
        var apk = TestFiles.Create("secret.apk", 2 * 1024 * 1024);
        using var session = new PsSession(_sandbox);
        _sandbox.Faults.Add(new FaultRule { Method = "PUT", PathPattern = "^/storage/", Kind = FaultKind.Status, StatusCode = 503, RetryAfter = "0" });
        var result = session.Run($@"
            Connect-BuildService -Service ProductScience -Token $PsToken -BaseUri $Base -RetryIntervalSec 0.01 -Verbose -Debug
            Get-BuildServiceConnection -Verbose -Debug
            New-UploadContext -Project demo -Verbose -Debug |
                Submit-Build -Path {TestFiles.Quote(apk)} -BuildType APK -NoCiMetadata -Verbose -Debug |
                Send-BuildFile -Verbose -Debug
            $s = Submit-Build -Project demo -Path {TestFiles.Quote(apk)} -BuildType APK -NoCiMetadata
            $s
            $s.UploadSpec
            $s.UploadSpec.ToString()
            Submit-Build -Project missing -Path {TestFiles.Quote(apk)} -BuildType APK -NoCiMetadata -Verbose -Debug
            New-UploadContext -Project demo -Token $Wrong -Verbose -Debug", new System.Collections.Generic.Dictionary<string, object?> { ["Wrong"] = PsSession.Secure("wrong-" + _sandbox.Tokens.ProductScience) });

        var storagePuts = _sandbox.Requests.All.Where(r => r.Method == "PUT" && r.Path.StartsWith("/storage/", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(storagePuts);
        Assert.All(storagePuts, r => Assert.Null(r.Header("Authorization")));
        var signatures = storagePuts.Select(r => HttpUtility.ParseQueryString(r.Query)["X-Goog-Signature"]).Distinct().ToArray();
        Assert.All(signatures, s => Assert.False(string.IsNullOrEmpty(s)));

        var text = result.AllText();
        Assert.Contains("Trying again", text, StringComparison.Ordinal);
        Assert.Contains("ProductScience.NotFound", string.Join(",", result.ErrorIds), StringComparison.Ordinal);
        Assert.DoesNotContain(_sandbox.Tokens.ProductScience, text, StringComparison.Ordinal);
        foreach (var signature in signatures)
        {
            Assert.DoesNotContain(signature!, text, StringComparison.Ordinal);
        }
    }
}
