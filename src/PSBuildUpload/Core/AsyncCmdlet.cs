using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Core;

/// <summary>
/// Runs each stage of a cmdlet as async work on the thread pool while the pipeline thread pumps its writes
/// (objects, errors, verbose, progress, ShouldProcess questions) in order. StopProcessing (Ctrl+C, PowerShell.Stop)
/// cancels <see cref="StopToken"/>, which reaches every request and every stream copy.
/// </summary>
public abstract class AsyncCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private BlockingCollection<Action>? _queue;
    private int _pipelineThread;

    protected CancellationToken StopToken => _stopping.Token;

    protected virtual Task BeginProcessingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected virtual Task ProcessRecordAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected virtual Task EndProcessingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override void BeginProcessing() => Pump(BeginProcessingAsync);

    protected override void ProcessRecord() => Pump(ProcessRecordAsync);

    protected override void EndProcessing() => Pump(EndProcessingAsync);

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stopping.Dispose();
        }
    }

    /// <summary>Writes an object from any thread, in order with everything else.</summary>
    protected void Emit(object? item) => Post(() => WriteObject(item));

    /// <summary>Writes an object and returns once the pipeline thread has passed it downstream.</summary>
    protected void EmitAndWait(object? item)
    {
        if (_queue is null || Environment.CurrentManagedThreadId == _pipelineThread)
        {
            WriteObject(item);
            return;
        }

        var written = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try
            {
                WriteObject(item);
            }
            finally
            {
                written.TrySetResult(true);
            }
        });
        written.Task.Wait(StopToken);
    }

    /// <summary>Reports a failure of one item and goes on, or ends the command when the error says so.</summary>
    protected void EmitError(BuildServiceException error)
    {
        var record = ErrorRecords.From(error);
        if (error.IsTerminating)
        {
            throw new TerminatingErrorException(record);
        }

        Post(() => WriteError(record));
    }

    protected void EmitError(ErrorRecord record) => Post(() => WriteError(record));

    protected void EmitVerbose(string message) => Post(() => WriteVerbose(Engine.Diagnostics.Redactor.Scrub(message)));

    protected void EmitDebug(string message) => Post(() => WriteDebug(Engine.Diagnostics.Redactor.Scrub(message)));

    protected void EmitWarning(string message) => Post(() => WriteWarning(Engine.Diagnostics.Redactor.Scrub(message)));

    protected void EmitProgress(ProgressRecord record) => Post(() => WriteProgress(record));

    protected void EmitInformation(object data, string[] tags) => Post(() => WriteInformation(data, tags));

    /// <summary>Asks ShouldProcess on the pipeline thread from async code.</summary>
    protected Task<bool> ShouldProcessAsync(string target, string action)
    {
        var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try
            {
                answer.TrySetResult(ShouldProcess(target, action));
            }
            catch (Exception e)
            {
                answer.TrySetException(e);
                throw;
            }
        });
        return answer.Task;
    }

    /// <summary>Runs an action on the pipeline thread (directly when already there).</summary>
    protected void Post(Action action)
    {
        if (action is null)
        {
            throw new ArgumentNullException(nameof(action));
        }

        var queue = _queue;
        if (queue is null || Environment.CurrentManagedThreadId == _pipelineThread)
        {
            action();
            return;
        }

        try
        {
            queue.Add(action);
        }
        catch (InvalidOperationException)
        {
            // The stage already ended (a late progress callback); nothing is waiting for the write.
        }
    }

    private void Pump(Func<CancellationToken, Task> stage)
    {
        using var queue = new BlockingCollection<Action>();
        _queue = queue;
        _pipelineThread = Environment.CurrentManagedThreadId;

        // The stage starts on the pipeline thread and stays there until its first await that does not complete at
        // once (writes before it happen directly); only then does the thread pool take over while this thread pumps.
        // A stage with nothing to await (most Begin/End stages) costs no thread hop at all.
        Task work;
        try
        {
            work = StopToken.IsCancellationRequested ? Task.FromCanceled(StopToken) : stage(StopToken);
        }
        catch (Exception e)
        {
            work = Task.FromException(e);
        }

        _ = work.ContinueWith(_ => queue.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            if (!work.IsCompleted)
            {
                foreach (var action in queue.GetConsumingEnumerable())
                {
                    action();
                }
            }
            else
            {
                // Anything a callback queued from another thread meanwhile still runs, in order.
                while (queue.TryTake(out var action))
                {
                    action();
                }
            }
        }
        catch
        {
            // A write failed (the pipeline was stopped downstream, or an error was terminating): stop the work too.
            _stopping.Cancel();
            WaitQuietly(work);
            throw;
        }
        finally
        {
            _queue = null;
        }

        try
        {
            work.GetAwaiter().GetResult();
        }
        catch (TerminatingErrorException e)
        {
            ThrowTerminating(e.Record);
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (BuildServiceException e)
        {
            var record = ErrorRecords.From(e);
            if (e.IsTerminating)
            {
                ThrowTerminating(record);
            }

            WriteError(record);
        }
    }

    /// <summary>Ends the command with an error, telling a CI agent about it too (pipeline thread only).</summary>
    protected void ThrowTerminating(ErrorRecord record)
    {
        CiLog.ReportTerminating(this, record);
        ThrowTerminatingError(record);
    }

    private static void WaitQuietly(Task task)
    {
        try
        {
            task.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The work's own failure is secondary to the one being thrown.
        }
    }

    /// <summary>Carries a terminating ErrorRecord out of async work to the pipeline thread.</summary>
    private sealed class TerminatingErrorException : Exception
    {
        public TerminatingErrorException(ErrorRecord record)
            : base(record.Exception?.Message)
        {
            Record = record;
        }

        public ErrorRecord Record { get; }
    }
}
