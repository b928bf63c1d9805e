using System;
using System.Collections.Concurrent;
using System.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace PSBuildUpload.Sandbox.Bitrise;

/// <summary>
/// Accounts: <c>GET /me</c>, <c>/users/{slug}</c>, <c>/organizations</c>, <c>/organizations/{slug}</c>, with the seed's
/// fields (a user's avatar_url, slug, username; an organization's avatar_icon_url, name, slug) and, where the
/// official spec lists more, those too for the token's own profile and for organizations.
/// </summary>
public sealed partial class BitriseEmulator
{
    private void MapAccounts(RouteGroupBuilder api)
    {
        api.MapGet("/me", (HttpContext c) => Authorized(c, () => Data(UserJson(Me, own: true))));
        api.MapGet("/users/{userSlug}", (HttpContext c, string userSlug) => Authorized(c, () =>
            Users.TryGetValue(userSlug, out var user) ? Data(UserJson(user, own: user.Slug == Me.Slug)) : NotFound("User not found")));

        // Neither the seed nor the spec pages this list: one answer with every organization, no paging object.
        api.MapGet("/organizations", (HttpContext c) => Authorized(c, () =>
            Results.Json(new { data = Organizations.Values.OrderBy(o => o.CreatedAt).ThenBy(o => o.Slug, StringComparer.Ordinal).Select(OrganizationJson).ToArray() }, Json)));
        api.MapGet("/organizations/{orgSlug}", (HttpContext c, string orgSlug) => Authorized(c, () =>
            Organizations.TryGetValue(orgSlug, out var org) ? Data(OrganizationJson(org)) : NotFound("Organization not found")));
    }

    /// <summary>The default avatar each organization shows (01 unless set), as in the seed's examples.</summary>
    private readonly ConcurrentDictionary<string, int> _organizationAvatars = new();

    /// <summary>Adds a member organization of the token's user.</summary>
    public SbAccount AddOrganization(string slug, string name, int avatar = 1)
    {
        var org = new SbAccount { Slug = slug, Name = name, AccountType = "organization" };
        Organizations[slug] = org;
        _organizationAvatars[slug] = avatar;
        return org;
    }

    /// <summary>Adds another user the token can see.</summary>
    public SbAccount AddUser(string slug, string name)
    {
        var user = new SbAccount { Slug = slug, Name = name, AccountType = "user", Email = name + "@example.com" };
        Users[slug] = user;
        return user;
    }

    private static object UserJson(SbAccount user, bool own) => own
        ? new
        {
            avatar_url = string.Empty,
            slug = user.Slug,
            username = user.Name,
            email = user.Email,
            created_at = user.CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            has_used_organization_trial = false,
        }
        : new { avatar_url = string.Empty, slug = user.Slug, username = user.Name };

    private object OrganizationJson(SbAccount org) => new
    {
        avatar_icon_url = string.Format(
            System.Globalization.CultureInfo.InvariantCulture,
            "https://bitrise-public-content-production.s3.amazonaws.com/org-icons/default_avatar-{0:00}.png",
            _organizationAvatars.TryGetValue(org.Slug, out var avatar) ? avatar : 1),
        name = org.Name,
        slug = org.Slug,
        concurrency_count = 2,
        owners = new[] { new { email = Me.Email, slug = Me.Slug, username = Me.Name } },
    };
}
