using System;
using System.Net;

namespace PSBuildUpload.Engine.Errors;

/// <summary>
/// Every failure the engine reports. The message is written for the user (what happened and what to change) and
/// never contains a token, a password or a presigned URL's signature.
/// </summary>
public sealed class BuildServiceException : Exception
{
    public BuildServiceException(string errorId, ErrorKind kind, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    public BuildServiceException()
        : this(ErrorIds.Module.Unknown, ErrorKind.NotSpecified, "Unknown error.")
    {
    }

    public BuildServiceException(string message)
        : this(ErrorIds.Module.Unknown, ErrorKind.NotSpecified, message)
    {
    }

    public BuildServiceException(string message, Exception inner)
        : this(ErrorIds.Module.Unknown, ErrorKind.NotSpecified, message, null, inner)
    {
    }

    /// <summary><c>Service.Reason</c>, one of <see cref="ErrorIds"/>.</summary>
    public string ErrorId { get; }

    public ErrorKind Kind { get; }

    /// <summary>What the failed operation was about: a URL (signature removed), a file path, a slug.</summary>
    public object? Target { get; }

    /// <summary>The server's own message, when it sent one.</summary>
    public string? ServerMessage { get; init; }

    public HttpStatusCode? StatusCode { get; init; }

    /// <summary>What the user should do, when there is something better to say than the message.</summary>
    public string? RecommendedAction { get; init; }

    /// <summary>Bad configuration ends the whole command; a failure of one item does not.</summary>
    public bool IsTerminating { get; init; }

    /// <summary>Extra data some errors carry (an Applivery build's process logs, a Bitrise error payload).</summary>
    public object? Data2 { get; init; }
}
