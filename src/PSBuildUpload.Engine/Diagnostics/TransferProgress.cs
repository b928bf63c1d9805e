using System;

namespace PSBuildUpload.Engine.Diagnostics;

/// <summary>One progress report of a transfer or a wait. <see cref="ActivityId"/> tells concurrent activities apart.</summary>
public sealed class TransferProgress
{
    public TransferProgress(int activityId, string activity, string status, long done, long? total, TimeSpan elapsed, bool completed)
    {
        ActivityId = activityId;
        Activity = activity;
        Status = status;
        Done = done;
        Total = total;
        Elapsed = elapsed;
        Completed = completed;
    }

    public int ActivityId { get; }

    public string Activity { get; }

    public string Status { get; }

    /// <summary>Bytes moved so far (or, for a wait, seconds waited).</summary>
    public long Done { get; }

    public long? Total { get; }

    public TimeSpan Elapsed { get; }

    public bool Completed { get; }

    public int PercentComplete => Total is > 0 ? (int)Math.Min(100, Done * 100 / Total.Value) : -1;

    /// <summary>Seconds left at the average rate so far, or -1 when unknown.</summary>
    public int SecondsRemaining
    {
        get
        {
            if (Total is not > 0 || Done <= 0 || Elapsed.TotalSeconds < 0.5)
            {
                return -1;
            }

            var rate = Done / Elapsed.TotalSeconds;
            return (int)Math.Ceiling((Total.Value - Done) / rate);
        }
    }
}
