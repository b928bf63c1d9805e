using System;
using System.IO;
using System.Linq;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace PSBuildUpload.Tests.ProductScience;

/// <summary>A 1 GiB build streams from disk: measured alone so other tests do not move the memory figures.</summary>
[Collection(ProcessStateCollection.Name)]
public sealed class LargeUploadTests : IClassFixture<SandboxFixture>
{
    private const long OneGiB = 1L << 30;
    private readonly SandboxServer _sandbox;
    private readonly ITestOutputHelper _output;

    public LargeUploadTests(SandboxFixture fixture, ITestOutputHelper output)
    {
        _sandbox = fixture.Sandbox;
        _output = output;
    }

    [Fact]
    public void A_1_GiB_sparse_file_uploads_with_peak_memory_growth_under_100_MiB()
    {
        var folder = Directory.CreateTempSubdirectory("psbu-large-").FullName;
        var path = Path.Combine(folder, "huge.apk");
        using (var file = new FileStream(path, FileMode.CreateNew))
        {
            file.SetLength(OneGiB);
        }

        try
        {
            using var session = new PsSession(_sandbox);
            session.Run("Connect-BuildService -Service ProductScience -Token $PsToken -BaseUri $Base");
            session.Run("$null = New-UploadContext -Project demo"); // warm up: JIT and connections outside the measurement

            PsResult result = null!;
            var (elapsed, growth) = PeakMemory.During(() => result = session.Run($"New-UploadContext -Project demo | Submit-Build -Path {TestFiles.Quote(path)} -BuildType APK -NoCiMetadata | Send-BuildFile"));

            Assert.Empty(result.AllErrors);
            var upload = result.Output.Single();
            Assert.Equal(OneGiB, upload.P<long>("Length"));
            Assert.Equal(PeakMemory.ZerosSha256(OneGiB), upload.P<string>("Sha256"));
            var build = _sandbox.ProductScience.Builds[upload.P<long>("BuildId")];
            Assert.Equal(upload.P<string>("Sha256"), _sandbox.Storage.Get(build.StorageKey)!.Sha256);
            Assert.Contains(result.Progress, p => p.PercentComplete is > 0 and < 100);

            var growthMiB = growth / 1048576.0;
            _output.WriteLine($"1 GiB upload: {elapsed.TotalSeconds:0.0} s, peak working-set growth {growthMiB:0.0} MiB (client and in-process sandbox together)");
            File.WriteAllText(Path.Combine(Repo.Root, "out", "large-upload-memory.txt"), $"{growthMiB:0.0} MiB peak growth, {elapsed.TotalSeconds:0.0} s\n");
            Assert.True(growthMiB < 100, $"Peak working-set growth was {growthMiB:0.0} MiB");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
