using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace PSBuildUpload.Engine.Http;

/// <summary>Marks in the current <see cref="AttemptState"/> how much of the request body reached the connection.</summary>
internal sealed class AttemptTrackingHandler : DelegatingHandler
{
    public AttemptTrackingHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is null && request.Method != HttpMethod.Get && request.Method != HttpMethod.Head)
        {
            // SocketsHttpHandler sends a request again by itself, on a new connection, when the one it used closes
            // before any answer, unless it had started sending a body. Behind the retry policy's back that can create
            // something twice (a POST) or turn a DELETE that worked into a 404. An empty body (Content-Length: 0)
            // leaves every repeat to the policy, which knows whether the service may have acted.
            request.Content = new ByteArrayContent(Array.Empty<byte>());
        }

        var state = AttemptState.Current;
        if (state is not null && request.Content is not null)
        {
            state.HasBody = true;
            if (request.Content is ITrackedContent tracked)
            {
                tracked.Attach(state);
            }
            else
            {
                request.Content = new TrackingContent(request.Content, state);
            }
        }

        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>Content that reports its own progress into an <see cref="AttemptState"/>.</summary>
internal interface ITrackedContent
{
    void Attach(AttemptState state);
}

/// <summary>Wraps small buffered bodies (JSON) to record when they were completely written.</summary>
internal sealed class TrackingContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly AttemptState _state;

    public TrackingContent(HttpContent inner, AttemptState state)
    {
        _inner = inner;
        _state = state;
        foreach (var header in inner.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await _inner.CopyToAsync(stream).ConfigureAwait(false);
        await stream.FlushAsync().ConfigureAwait(false);
        _state.BodyCompleted = true;
    }

    protected override bool TryComputeLength(out long length)
    {
        var known = _inner.Headers.ContentLength;
        length = known ?? -1;
        return known.HasValue;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
