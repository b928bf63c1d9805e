using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace PSBuildUpload.Sandbox.Infrastructure;

/// <summary>One request as the sandbox received it.</summary>
public sealed class RecordedRequest
{
    public required string Method { get; init; }

    /// <summary>Host and port as the client addressed it (127.0.0.1:port or localhost:port).</summary>
    public required string Host { get; init; }

    public required string Path { get; init; }

    /// <summary>The raw query string, with its leading '?', or empty.</summary>
    public required string Query { get; init; }

    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>The body, for JSON and form bodies up to 1 MiB; null otherwise.</summary>
    public byte[]? Body { get; set; }

    public string? BodyText => Body is null ? null : Encoding.UTF8.GetString(Body);

    public DateTimeOffset ReceivedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>The fault injected into this request, if any.</summary>
    public string? Fault { get; set; }

    public int? StatusCode { get; set; }

    /// <summary>The client's port of the connection the request came on (through a relay: the relay's).</summary>
    public int ClientPort { get; init; }

    /// <summary>When the connection was cut (by the client, or by an injected fault) before the answer ended.</summary>
    public DateTimeOffset? AbortedAt { get; set; }

    /// <summary>When the sandbox was done with the request (answered, faulted or abandoned).</summary>
    public DateTimeOffset? EndedAt { get; set; }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public override string ToString() => $"{Method} {Host}{Path}{Query} -> {StatusCode}{(Fault is null ? string.Empty : " [" + Fault + "]")}";
}

/// <summary>Every request the sandbox received, in order; tests assert on what reached the "server".</summary>
public sealed class RequestLog
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public IReadOnlyList<RecordedRequest> All => _requests.ToArray();

    public void Add(RecordedRequest request) => _requests.Enqueue(request);

    public void Clear() => _requests.Clear();

    public IReadOnlyList<RecordedRequest> Matching(string method, string pathPrefix) =>
        All.Where(r => string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase)
                       && r.Path.StartsWith(pathPrefix, StringComparison.Ordinal)).ToArray();
}
