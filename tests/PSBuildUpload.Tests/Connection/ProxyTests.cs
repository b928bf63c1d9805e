using System;
using System.Linq;
using System.Threading.Tasks;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Infrastructure;
using PSBuildUpload.Tests.Infrastructure;
using PSBuildUpload.Tests.ProductScience;
using Xunit;

namespace PSBuildUpload.Tests.Connection;

public sealed class ProxyTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _sandbox;

    public ProxyTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Fact]
    public async Task Connect_BuildService_Proxy_carries_the_API_calls_and_the_presigned_upload()
    {
        await using var proxy = new ForwardProxy(requiredCredential: "build:proxy-pass-123");
        var apk = TestFiles.Create("proxied.apk", 50_000);
        using var session = new PsSession(_sandbox);
        session.Set("ProxyUri", proxy.Uri.AbsoluteUri);
        session.Set("ProxyCred", new System.Management.Automation.PSCredential("build", PsSession.Secure("proxy-pass-123")));

        var result = session.Run($@"
            Connect-BuildService -Service ProductScience -Token $PsToken -BaseUri $Base -Proxy $ProxyUri -ProxyCredential $ProxyCred
            New-UploadContext -Project demo | Submit-Build -Path {TestFiles.Quote(apk)} -BuildType APK -NoCiMetadata | Send-BuildFile -Verbose");

        Assert.Empty(result.AllErrors);
        Assert.Equal(TestFiles.Sha256(apk), result.Output.Single().P<string>("Sha256"));
        var lines = proxy.RequestLines.ToArray();
        Assert.Contains(lines, l => l.StartsWith($"POST {_sandbox.BaseUri}api/v1/projects/demo/build-uploads", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"POST {_sandbox.BaseUri}api/v1/projects/demo/builds", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"PUT {_sandbox.OtherHostUri}storage/", StringComparison.Ordinal));
        Assert.DoesNotContain("proxy-pass-123", result.AllText(), StringComparison.Ordinal);
    }
}
