using System;
using System.Collections.Generic;
using System.Net.Http;

namespace PSBuildUpload.Engine.Http;

/// <summary>One logical call to a service (tries are made of it by the retry loop).</summary>
internal sealed class ApiRequest
{
    public ApiRequest(HttpMethod method, Uri url)
    {
        Method = method;
        Url = url;
    }

    public HttpMethod Method { get; }

    public Uri Url { get; }

    /// <summary>A JSON body, already serialised.</summary>
    public string? JsonBody { get; set; }

    /// <summary>Sends the connection's token; false for presigned and expiring URLs, which are their own credential.</summary>
    public bool Authenticated { get; set; } = true;

    /// <summary>The URL carries a signature: never shown with its query string.</summary>
    public bool Presigned { get; set; }

    /// <summary>Repeating it could create a second resource; defaults to true for POST.</summary>
    public bool? CreatesResource { get; set; }

    /// <summary>What an error names as its target (a slug, a project); defaults to the displayed URL.</summary>
    public object? Target { get; set; }

    /// <summary>Said on 404 instead of the generic advice, e.g. "No app with slug 'x'."</summary>
    public string? NotFoundMessage { get; set; }

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Set by the retry loop when a try that failed may still have been acted on (its answer was lost, cut or
    /// unreadable) and a later one was sent: a DELETE then finds nothing, an abort finds the build finished, and the
    /// caller can tell that from a real refusal.
    /// </summary>
    public bool EarlierTryMayHaveActed { get; internal set; }

    public bool IsCreate => CreatesResource ?? Method == HttpMethod.Post;

    public string DisplayUrl => Diagnostics.Redactor.DisplayUrl(Url, Presigned);
}

/// <summary>A completed JSON response.</summary>
internal sealed class ApiResponse
{
    public ApiResponse(int statusCode, string? reasonPhrase, byte[] body, string? contentType, Func<string, string?> header)
    {
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
        Body = body;
        ContentType = contentType;
        Header = header;
    }

    public int StatusCode { get; }

    public string? ReasonPhrase { get; }

    public byte[] Body { get; }

    public string? ContentType { get; }

    public Func<string, string?> Header { get; }
}
