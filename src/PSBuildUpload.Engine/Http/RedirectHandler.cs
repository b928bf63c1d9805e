using System;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace PSBuildUpload.Engine.Http;

/// <summary>
/// Follows redirects itself so that Authorization is dropped whenever a redirect leaves the original host (the
/// platform handler's rule differs between .NET Framework and .NET), and so an https→http downgrade is refused.
/// Bodies are not replayed: a 307/308 answer to a request with a body ends the request instead.
/// </summary>
internal sealed class RedirectHandler : DelegatingHandler
{
    public const int MaximumRedirects = 5;

    public RedirectHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var originalHost = request.RequestUri!.GetLeftPart(UriPartial.Authority);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        for (var hop = 0; IsRedirect(response.StatusCode) && response.Headers.Location is not null; hop++)
        {
            if (hop >= MaximumRedirects)
            {
                response.Dispose();
                throw new HttpRequestException("More than " + MaximumRedirects + " redirects.", new TooManyRedirectsException());
            }

            var status = response.StatusCode;
            var target = response.Headers.Location.IsAbsoluteUri
                ? response.Headers.Location
                : new Uri(request.RequestUri!, response.Headers.Location);
            var keepsBody = status == (HttpStatusCode)307 || status == (HttpStatusCode)308;
            // An empty body (see AttemptTrackingHandler) is nothing to replay: such a request follows like a GET.
            if (keepsBody && request.Content is not null && request.Content.Headers.ContentLength != 0)
            {
                // The body stream was consumed; the caller sees the redirect status and reports it.
                return response;
            }

            if (request.RequestUri!.Scheme == Uri.UriSchemeHttps && target.Scheme != Uri.UriSchemeHttps)
            {
                return response;
            }

            response.Dispose();
            var method = keepsBody || request.Method == HttpMethod.Head ? request.Method : HttpMethod.Get;
            var next = new HttpRequestMessage(method, target) { Version = request.Version };
            var otherHost = !string.Equals(target.GetLeftPart(UriPartial.Authority), originalHost, StringComparison.OrdinalIgnoreCase);
            foreach (var header in request.Headers)
            {
                if (otherHost && string.Equals(header.Key, "Authorization", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                next.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            if (AttemptState.Current is { } state)
            {
                state.Redirects++;
                state.RedirectedToHost = otherHost ? target.GetLeftPart(UriPartial.Authority) : state.RedirectedToHost;
            }

            request = next;
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    private static bool IsRedirect(HttpStatusCode code) =>
        code == HttpStatusCode.MovedPermanently || code == HttpStatusCode.Found || code == HttpStatusCode.SeeOther
        || code == (HttpStatusCode)307 || code == (HttpStatusCode)308;
}

internal sealed class TooManyRedirectsException : Exception
{
    public TooManyRedirectsException()
        : base("Too many redirects.")
    {
    }

    public TooManyRedirectsException(string message)
        : base(message)
    {
    }

    public TooManyRedirectsException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
