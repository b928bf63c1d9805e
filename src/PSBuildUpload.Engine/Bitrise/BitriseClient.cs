using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Connection;
using PSBuildUpload.Engine.Diagnostics;
using PSBuildUpload.Engine.Errors;
using PSBuildUpload.Engine.Http;

namespace PSBuildUpload.Engine.Bitrise;

/// <summary>
/// The Bitrise API v0.1 (api.bitrise.io/v0.1, <c>Authorization: token …</c>). One partial file per area: this one
/// holds the shared plumbing (addresses, paging, error bodies) and the apps.
/// </summary>
public sealed partial class BitriseClient : ServiceClient
{
    public static readonly Uri DefaultBaseUri = new("https://api.bitrise.io/");

    /// <summary>The API's own page size cap.</summary>
    public const int MaximumPageSize = 50;

    public BitriseClient(ServiceEndpoint endpoint, IOperationObserver? observer)
        : base(endpoint, observer)
    {
    }

    protected override JsonSerializerOptions JsonOptions => Json.EngineJson.SnakeCase;

    /// <summary>
    /// Lists a paged endpoint, handing each item to <paramref name="onItem"/> as soon as its page arrives and
    /// following <c>next</c> until there is none or <paramref name="onItem"/> returns false (no further page is
    /// fetched then). <paramref name="onTotal"/> gets <c>paging.total_item_count</c> from the first page.
    /// </summary>
    /// <param name="wanted">How many items the caller will take at most (-First + -Skip), to size the first page.</param>
    internal async Task ListAsync<T>(
        string path,
        IEnumerable<KeyValuePair<string, string?>>? query,
        long? wanted,
        Func<T, bool> onItem,
        Action<long?>? onTotal,
        string? notFoundMessage,
        CancellationToken cancellationToken,
        bool pageable = true)
    {
        string? next = null;
        var first = true;
        do
        {
            var parameters = (query ?? Enumerable.Empty<KeyValuePair<string, string?>>()).ToList();
            if (pageable)
            {
                var limit = wanted is { } w && w > 0 && w < MaximumPageSize ? (int)w : MaximumPageSize;
                parameters.Add(new KeyValuePair<string, string?>("limit", limit.ToString(CultureInfo.InvariantCulture)));
                if (next is not null)
                {
                    parameters.Add(new KeyValuePair<string, string?>("next", next));
                }
            }

            var request = new ApiRequest(HttpMethod.Get, Api(path, parameters)) { NotFoundMessage = notFoundMessage };
            var page = await SendJsonAsync(request, r => Deserialize<BitrisePage<T>>(r), cancellationToken).ConfigureAwait(false);
            if (first)
            {
                onTotal?.Invoke(page.Paging?.TotalItemCount);
                first = false;
            }

            foreach (var item in page.Data ?? new List<T>())
            {
                if (!onItem(item))
                {
                    return;
                }
            }

            next = pageable && !string.IsNullOrEmpty(page.Paging?.Next) ? page.Paging!.Next : null;
        }
        while (next is not null);
    }

    /// <summary>GET of a <c>{"data":{…}}</c> object.</summary>
    internal async Task<T> GetDataAsync<T>(string path, string? notFoundMessage, CancellationToken cancellationToken)
        where T : class
    {
        var request = new ApiRequest(HttpMethod.Get, Api(path)) { NotFoundMessage = notFoundMessage };
        var envelope = await SendJsonAsync(request, r => Deserialize<BitriseData<T>>(r), cancellationToken).ConfigureAwait(false);
        return envelope.Data ?? throw InvalidResponse(request, 200, "no 'data' object");
    }

    /// <summary>The absolute address of an API path (below /v0.1) with a query string.</summary>
    internal Uri Api(string path, IEnumerable<KeyValuePair<string, string?>>? query = null)
    {
        var builder = new StringBuilder("/v0.1/").Append(path.TrimStart('/'));
        var separator = '?';
        foreach (var pair in query ?? Enumerable.Empty<KeyValuePair<string, string?>>())
        {
            if (pair.Value is null)
            {
                continue;
            }

            builder.Append(separator).Append(Uri.EscapeDataString(pair.Key)).Append('=').Append(Uri.EscapeDataString(pair.Value));
            separator = '&';
        }

        return new Uri(Endpoint.Rebase(DefaultBaseUri), builder.ToString());
    }

    /// <summary>A path segment from a slug (escaped; slugs are checked by the cmdlets before any request).</summary>
    internal static string Segment(string slug) => Uri.EscapeDataString(slug);

    /// <summary>A trigger can answer 2xx with <c>{"status":"error","message":…}</c>: that is a failure.</summary>
    internal override AttemptFailedException? InterpretSuccessBody(ApiRequest request, ApiResponse response)
    {
        if (response.Body.Length == 0 || response.Body[0] != (byte)'{')
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(response.Body);
            if (document.RootElement.TryGetProperty("status", out var status)
                && status.ValueKind == JsonValueKind.String
                && string.Equals(status.GetString(), "error", StringComparison.OrdinalIgnoreCase))
            {
                var message = ErrorBodies.Message(response.Body, response.ContentType) ?? "the service said the request failed";
                return new AttemptFailedException(FailureKind.Status, new BuildServiceException(
                    ErrorIds.Bitrise.RequestFailed,
                    ErrorKind.InvalidOperation,
                    Redactor.Scrub($"Bitrise answered {request.Method.Method} {request.DisplayUrl} with status \"error\": {message}"),
                    request.Target ?? request.DisplayUrl)
                {
                    ServerMessage = Redactor.Scrub(message),
                    StatusCode = (System.Net.HttpStatusCode)response.StatusCode,
                });
            }
        }
        catch (JsonException)
        {
            // Not JSON: the reader reports it.
        }

        return null;
    }

    /// <summary>Apps: all, a user's, an organization's (streamed, paged). <paramref name="sortBy"/> is the API's value (last_build_at, created_at).</summary>
    public Task ListAppsAsync(string? userSlug, string? organizationSlug, string? sortBy, long? wanted, Func<BitriseApp, bool> onItem, Action<long?>? onTotal, CancellationToken cancellationToken)
    {
        var path = userSlug is not null ? $"users/{Segment(userSlug)}/apps"
            : organizationSlug is not null ? $"organizations/{Segment(organizationSlug)}/apps"
            : "apps";
        var query = new List<KeyValuePair<string, string?>>();
        if (sortBy is not null)
        {
            query.Add(new KeyValuePair<string, string?>("sort_by", sortBy));
        }

        var notFound = userSlug is not null ? $"No Bitrise user with slug '{userSlug}' is visible to this token."
            : organizationSlug is not null ? $"No Bitrise organization with slug '{organizationSlug}' is visible to this token."
            : null;
        return ListAsync(path, query, wanted, onItem, onTotal, notFound, cancellationToken);
    }

    public Task<BitriseApp> GetAppAsync(string appSlug, CancellationToken cancellationToken) =>
        GetDataAsync<BitriseApp>($"apps/{Segment(appSlug)}", $"No Bitrise app with slug '{appSlug}' is visible to this token: check the slug (Get-BitriseApp lists them).", cancellationToken);
}
