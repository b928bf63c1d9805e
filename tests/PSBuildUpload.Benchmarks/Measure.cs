using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace PSBuildUpload.Benchmarks;

internal static class Measure
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Runs <paramref name="action"/> while sampling this process's working set; returns the elapsed time and the peak growth in bytes.</summary>
    public static (TimeSpan Elapsed, long PeakGrowth) WithMemory(Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var baseline = self.WorkingSet64;
        long peak = baseline;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var me = Process.GetCurrentProcess();
            while (!stop.IsCancellationRequested)
            {
                me.Refresh();
                Interlocked.Exchange(ref peak, Math.Max(Interlocked.Read(ref peak), me.WorkingSet64));
                await Task.Delay(10).ConfigureAwait(false);
            }
        });
        var watch = Stopwatch.StartNew();
        action();
        watch.Stop();
        stop.Cancel();
        sampler.Wait();
        return (watch.Elapsed, peak - baseline);
    }
}
