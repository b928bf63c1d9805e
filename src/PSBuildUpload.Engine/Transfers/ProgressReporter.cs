using System;
using System.Diagnostics;
using System.Threading;
using PSBuildUpload.Engine.Diagnostics;

namespace PSBuildUpload.Engine.Transfers;

/// <summary>Reports a transfer's progress at most four times a second, and not at all for small transfers.</summary>
internal sealed class ProgressReporter
{
    /// <summary>Transfers smaller than this show no progress bar.</summary>
    public const long Threshold = 1024 * 1024;

    private static int _nextActivityId = 7000;
    private static readonly long ReportEvery = Stopwatch.Frequency / 4;

    private readonly IOperationObserver _observer;
    private readonly string _activity;
    private readonly long? _total;
    private readonly Stopwatch _stopwatch = Stopwatch.StartNew();
    private readonly bool _enabled;
    private long _done;
    private long _lastReport;

    public ProgressReporter(IOperationObserver observer, string activity, long? total)
    {
        _observer = observer;
        _activity = activity;
        _total = total;
        _enabled = total is null || total >= Threshold;
        ActivityId = NewActivityId();
    }

    public int ActivityId { get; }

    /// <summary>An activity id for other progress (a wait) that must not collide with a transfer's.</summary>
    public static int NewActivityId() => Interlocked.Increment(ref _nextActivityId);

    public long Done => Interlocked.Read(ref _done);

    public TimeSpan Elapsed => _stopwatch.Elapsed;

    /// <summary>Starts counting again, for a new try of the transfer.</summary>
    public void Restart() => Interlocked.Exchange(ref _done, 0);

    public void Add(long bytes)
    {
        var done = Interlocked.Add(ref _done, bytes);
        if (!_enabled)
        {
            return;
        }

        var now = _stopwatch.ElapsedTicks;
        if (now - Interlocked.Read(ref _lastReport) < ReportEvery)
        {
            return;
        }

        Interlocked.Exchange(ref _lastReport, now);
        _observer.Progress(new TransferProgress(ActivityId, _activity, Status(done), done, _total, _stopwatch.Elapsed, completed: false));
    }

    public void Complete()
    {
        if (_enabled)
        {
            _observer.Progress(new TransferProgress(ActivityId, _activity, Status(Done), Done, _total, _stopwatch.Elapsed, completed: true));
        }
    }

    private string Status(long done)
    {
        var rate = _stopwatch.Elapsed.TotalSeconds > 0 ? done / _stopwatch.Elapsed.TotalSeconds : 0;
        return _total is { } total
            ? $"{Size.Format(done)} of {Size.Format(total)} ({Size.Format((long)rate)}/s)"
            : $"{Size.Format(done)} ({Size.Format((long)rate)}/s)";
    }
}

/// <summary>Byte counts for people.</summary>
public static class Size
{
    public static string Format(long bytes)
    {
        string[] units = { "B", "KiB", "MiB", "GiB", "TiB" };
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0} {1}", bytes, units[0])
            : string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0:0.0} {1}", value, units[unit]);
    }
}
