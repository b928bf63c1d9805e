using System;
using System.IO;
using System.Linq;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using static PSBuildUpload.Tests.Applivery.AppliveryFiles;

namespace PSBuildUpload.Tests.Applivery;

/// <summary>
/// A 1 GiB upload streams from disk: the process (module, engine and the sandbox that parses the multipart body)
/// grows by less than 100 MiB. Runs alone, as the measure is of the whole process.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public sealed class AppliveryLargeUploadTests : IClassFixture<SandboxFixture>
{
    private const long OneGiB = 1L << 30;
    private const long Limit = 100L << 20;

    private readonly SandboxServer _sandbox;
    private readonly ITestOutputHelper _output;

    public AppliveryLargeUploadTests(SandboxFixture fixture, ITestOutputHelper output)
    {
        _sandbox = fixture.Sandbox;
        _output = output;
    }

    [Fact]
    public void A_1_GiB_sparse_file_uploads_with_peak_working_set_growth_under_100_MiB()
    {
        var folder = Directory.CreateTempSubdirectory("psbu-large-").FullName;
        var path = Path.Combine(folder, "large.apk");
        try
        {
            using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
            {
                // Sparse: takes no disk space, reads as zeros.
                file.SetLength(OneGiB);
            }

            using var session = new PsSession(_sandbox);

            // Everything the upload runs is compiled and loaded first, so the measure is of the transfer alone.
            var warmUp = session.Run($"Publish-AppliveryBuild -Path {Q(Build("warm-up.apk", 2 * 1024 * 1024))} -NoCiMetadata {AppliverySandbox.App}");
            Assert.Empty(warmUp.AllErrors);
            PsResult result = null!;
            var (elapsed, growth) = PeakMemory.During(() => result = session.Run($"Publish-AppliveryBuild -Path {Q(path)} -NoCiMetadata {AppliverySandbox.App}"));
            _output.WriteLine($"1 GiB upload: {elapsed.TotalSeconds:0.0} s, peak working-set growth {growth / 1048576.0:0.0} MiB.");

            Assert.Empty(result.AllErrors);
            var build = result.Output.Single();
            Assert.Equal(OneGiB, build.P<long>("Size"));
            var received = _sandbox.Applivery.LastUpload!.Build!;
            Assert.Equal("large.apk", received.FileName);
            Assert.Equal(OneGiB, received.Length);
            Assert.Equal(PeakMemory.ZerosSha256(OneGiB), received.Sha256);
            Assert.Contains(result.Progress, p => p.Activity == "Uploading large.apk to Applivery" && p.PercentComplete is > 0 and < 100);
            Assert.True(growth < Limit, $"The working set grew by {growth / 1048576.0:0.0} MiB during the upload (limit {Limit / 1048576} MiB).");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
