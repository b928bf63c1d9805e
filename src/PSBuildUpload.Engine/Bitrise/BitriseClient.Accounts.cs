using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Http;

namespace PSBuildUpload.Engine.Bitrise;

/// <summary>Accounts: the token's user, other users, organizations.</summary>
public sealed partial class BitriseClient
{
    /// <summary><c>GET /me</c>, or <c>GET /users/{slug}</c> when <paramref name="userSlug"/> is given.</summary>
    public Task<BitriseUser> GetUserAsync(string? userSlug, CancellationToken cancellationToken) =>
        userSlug is null
            ? GetOneAsync<BitriseUser>("me", null, null, cancellationToken)
            : GetOneAsync<BitriseUser>(
                $"users/{Segment(userSlug)}",
                userSlug,
                $"No Bitrise user with slug '{userSlug}' is visible to this token: check the slug (Get-BitriseUser without -UserSlug shows your own).",
                cancellationToken);

    public Task<BitriseOrganization> GetOrganizationAsync(string organizationSlug, CancellationToken cancellationToken) =>
        GetOneAsync<BitriseOrganization>(
            $"organizations/{Segment(organizationSlug)}",
            organizationSlug,
            $"No Bitrise organization with slug '{organizationSlug}' is visible to this token: check the slug (Get-BitriseOrganization lists yours).",
            cancellationToken);

    /// <summary>
    /// The organizations of the token's user. Neither the seed nor the spec pages this list (no limit, no next), so
    /// it is one request; the total is the page's own count when the answer has no paging object.
    /// </summary>
    public async Task ListOrganizationsAsync(Func<BitriseOrganization, bool> onItem, Action<long?>? onTotal, CancellationToken cancellationToken)
    {
        if (onItem is null)
        {
            throw new ArgumentNullException(nameof(onItem));
        }

        var request = new ApiRequest(HttpMethod.Get, Api("organizations"));
        var page = await SendJsonAsync(request, r => Deserialize<BitrisePage<BitriseOrganization>>(r), cancellationToken).ConfigureAwait(false);
        var items = page.Data ?? new List<BitriseOrganization>();
        onTotal?.Invoke(page.Paging?.TotalItemCount ?? items.Count);
        foreach (var organization in items)
        {
            if (!onItem(organization))
            {
                return;
            }
        }
    }

    /// <summary>GET of a <c>{"data":{…}}</c> object whose errors name <paramref name="target"/> (a slug).</summary>
    private async Task<T> GetOneAsync<T>(string path, string? target, string? notFoundMessage, CancellationToken cancellationToken)
        where T : class
    {
        var request = new ApiRequest(HttpMethod.Get, Api(path)) { NotFoundMessage = notFoundMessage, Target = target };
        var envelope = await SendJsonAsync(request, r => Deserialize<BitriseData<T>>(r), cancellationToken).ConfigureAwait(false);
        return envelope.Data ?? throw InvalidResponse(request, 200, "no 'data' object");
    }
}
