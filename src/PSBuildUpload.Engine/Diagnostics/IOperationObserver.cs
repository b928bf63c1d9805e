namespace PSBuildUpload.Engine.Diagnostics;

/// <summary>
/// What the engine reports while it works. Called from worker threads; the cmdlet layer queues each call to the
/// pipeline thread. Messages are already scrubbed of secrets.
/// </summary>
public interface IOperationObserver
{
    void Verbose(string message);

    void Debug(string message);

    void Warning(string message);

    void Progress(TransferProgress progress);
}

/// <summary>An observer that drops everything, for callers that want none of it.</summary>
public sealed class NullObserver : IOperationObserver
{
    public static readonly NullObserver Instance = new();

    public void Verbose(string message)
    {
    }

    public void Debug(string message)
    {
    }

    public void Warning(string message)
    {
    }

    public void Progress(TransferProgress progress)
    {
    }
}

/// <summary>
/// Implemented by observers that know whether verbose messages are wanted, so the per-request line (formatting and
/// scrubbing) is not built for nobody. Observers without it get every message.
/// </summary>
public interface IVerbosityAware
{
    bool VerboseWanted { get; }
}
