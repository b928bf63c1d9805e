using System;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Threading;

namespace PSBuildUpload.Tests.Infrastructure;

/// <summary>What the 1 GiB transfer tests measure: the process's peak working-set growth during a call.</summary>
public static class PeakMemory
{
    /// <summary>
    /// Runs <paramref name="action"/> after a full collection, sampling the working set every 20 ms; returns the elapsed
    /// time and the peak growth over the value just before, in bytes.
    /// </summary>
    public static (TimeSpan Elapsed, long Growth) During(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = WorkingSet();
        var peak = baseline;
        var stopwatch = Stopwatch.StartNew();
        using (new Timer(_ => Raise(ref peak, WorkingSet()), null, 0, 20))
        {
            action();
        }

        stopwatch.Stop();
        Raise(ref peak, WorkingSet());
        return (stopwatch.Elapsed, Interlocked.Read(ref peak) - baseline);
    }

    /// <summary>The SHA-256 of <paramref name="length"/> zero bytes (what a sparse file holds), lowercase hex.</summary>
    public static string ZerosSha256(long length)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var zeros = new byte[1024 * 1024];
        for (long done = 0; done < length; done += zeros.Length)
        {
            hash.AppendData(zeros, 0, (int)Math.Min(zeros.Length, length - done));
        }

        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
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
}
