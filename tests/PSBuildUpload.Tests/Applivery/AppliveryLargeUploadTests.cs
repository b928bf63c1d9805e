using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
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
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();

            var baseline = WorkingSet();
            var peak = baseline;
            using var sampler = new Timer(_ => Raise(ref peak, WorkingSet()), null, 0, 25);
            var stopwatch = Stopwatch.StartNew();
            var result = session.Run($"Publish-AppliveryBuild -Path {Q(path)} -NoCiMetadata {AppliverySandbox.App}");
            stopwatch.Stop();
            sampler.Change(Timeout.Infinite, Timeout.Infinite);
            Raise(ref peak, WorkingSet());

            var growth = Interlocked.Read(ref peak) - baseline;
            _output.WriteLine($"1 GiB upload: {stopwatch.Elapsed.TotalSeconds:0.0} s, working set {baseline / 1048576.0:0.0} MiB before, peak growth {growth / 1048576.0:0.0} MiB.");

            Assert.Empty(result.AllErrors);
            var build = result.Output.Single();
            Assert.Equal(OneGiB, build.P<long>("Size"));
            var received = _sandbox.Applivery.LastUpload!.Build!;
            Assert.Equal("large.apk", received.FileName);
            Assert.Equal(OneGiB, received.Length);
            Assert.Equal(ZerosSha256(OneGiB), received.Sha256);
            Assert.Contains(result.Progress, p => p.Activity == "Uploading large.apk to Applivery" && p.PercentComplete is > 0 and < 100);
            Assert.True(growth < Limit, $"The working set grew by {growth / 1048576.0:0.0} MiB during the upload (limit {Limit / 1048576} MiB).");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static long WorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static void Raise(ref long peak, long sample)
    {
        long seen;
        while (sample > (seen = Interlocked.Read(ref peak)) && Interlocked.CompareExchange(ref peak, sample, seen) != seen)
        {
        }
    }

    private static string ZerosSha256(long length)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var zeros = new byte[1024 * 1024];
        for (long done = 0; done < length; done += zeros.Length)
        {
            hash.AppendData(zeros, 0, (int)Math.Min(zeros.Length, length - done));
        }

        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }
}
