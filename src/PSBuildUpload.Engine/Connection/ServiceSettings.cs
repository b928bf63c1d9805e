using System;
using System.Net;

namespace PSBuildUpload.Engine.Connection;

/// <summary>How requests to one service are sent: retries, timeouts and the proxy. Immutable; a connection holds one.</summary>
public sealed class ServiceSettings
{
    public static readonly ServiceSettings Default = new();

    /// <summary>How many times a failed request is sent again (0 = never); tries = this + 1.</summary>
    public int MaximumRetryCount { get; init; } = 4;

    /// <summary>The first back-off; each later one doubles, with jitter, up to <see cref="MaximumRetryInterval"/>.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaximumRetryInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A server's Retry-After longer than this is not waited for: the call fails with RateLimited and says when to come back.</summary>
    public TimeSpan MaximumRetryAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Limit for one JSON call, from sending to the end of the response.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>A transfer has no overall limit; it fails when no byte has moved for this long.</summary>
    public TimeSpan TransferIdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>An explicit proxy; when null, HTTPS_PROXY/HTTP_PROXY/NO_PROXY and then the system proxy apply.</summary>
    public Uri? Proxy { get; init; }

    public NetworkCredential? ProxyCredential { get; init; }
}
