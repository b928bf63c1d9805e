using System;
using System.Threading;

namespace PSBuildUpload.Engine.Transfers;

/// <summary>
/// Cancels a transfer when no byte has moved for the idle period, so a slow link can take as long as it needs
/// while a dead one fails. <see cref="Token"/> is also cancelled by the caller's token.
/// </summary>
internal sealed class IdleWatchdog : IDisposable
{
    private readonly CancellationTokenSource _idle = new();
    private readonly CancellationTokenSource _linked;
    private readonly TimeSpan _period;
    private readonly CancellationToken _outer;

    public IdleWatchdog(TimeSpan period, CancellationToken outer)
    {
        _period = period;
        _outer = outer;
        _linked = CancellationTokenSource.CreateLinkedTokenSource(outer, _idle.Token);
        Touch();
    }

    public CancellationToken Token => _linked.Token;

    public TimeSpan Period => _period;

    /// <summary>True when the watchdog, not the caller, stopped the transfer.</summary>
    public bool Expired => _idle.IsCancellationRequested && !_outer.IsCancellationRequested;

    public void Touch()
    {
        if (_period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan)
        {
            try
            {
                _idle.CancelAfter(_period);
            }
            catch (ObjectDisposedException)
            {
                // The transfer ended while a late progress callback arrived.
            }
        }
    }

    public void Dispose()
    {
        _linked.Dispose();
        _idle.Dispose();
    }
}
