using System.Threading;

namespace PSBuildUpload.Engine.Http;

/// <summary>
/// What one try of a request got as far as, recorded by the handler chain so the retry policy can tell whether the
/// server can have acted on it. Flows to the handler through an AsyncLocal set by the retry loop.
/// </summary>
internal sealed class AttemptState
{
    private static readonly AsyncLocal<AttemptState?> CurrentSlot = new();

    public static AttemptState? Current
    {
        get => CurrentSlot.Value;
        set => CurrentSlot.Value = value;
    }

    /// <summary>The request had a body and every byte of it was handed to the connection.</summary>
    public bool BodyCompleted { get; set; }

    public bool HasBody { get; set; }

    public long BodyBytesSent { get; set; }

    /// <summary>Hosts visited through redirects, for the verbose line.</summary>
    public int Redirects { get; set; }

    /// <summary>The host a redirect led to when it was not the original one (Authorization was not sent there).</summary>
    public string? RedirectedToHost { get; set; }

    /// <summary>The status of the final response of this try, for the verbose line; null when none came.</summary>
    public int? StatusCode { get; set; }

    public string? ReasonPhrase { get; set; }

    /// <summary>Extra words for the verbose line (bytes moved).</summary>
    public string? Note { get; set; }
}

/// <summary>A failed try, carrying the error to report if it is not tried again.</summary>
internal sealed class AttemptFailedException : System.Exception
{
    public AttemptFailedException(FailureKind failure, Errors.BuildServiceException error, int? status = null, System.TimeSpan? retryAfter = null)
        : base(error?.Message, error)
    {
        Failure = failure;
        Error = error!;
        Status = status;
        RetryAfter = retryAfter;
    }

    public AttemptFailedException()
        : this(FailureKind.None, new Errors.BuildServiceException())
    {
    }

    public AttemptFailedException(string message)
        : this(FailureKind.None, new Errors.BuildServiceException(message))
    {
    }

    public AttemptFailedException(string message, System.Exception inner)
        : this(FailureKind.None, new Errors.BuildServiceException(message, inner))
    {
    }

    public FailureKind Failure { get; }

    public Errors.BuildServiceException Error { get; }

    public int? Status { get; }

    public System.TimeSpan? RetryAfter { get; }
}
