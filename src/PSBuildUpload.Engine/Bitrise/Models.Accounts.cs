using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace PSBuildUpload.Engine.Bitrise;

/// <summary>
/// A Bitrise user (<c>GET /me</c>, <c>GET /users/{slug}</c>). <see cref="UserSlug"/> is named like Get-BitriseApp's
/// parameter, so a user pipes into it and lists that user's apps. The seed documents avatar_url, slug and username;
/// the official spec adds the rest, read when present.
/// </summary>
public sealed class BitriseUser
{
    [JsonPropertyName("slug")]
    public string UserSlug { get; set; } = string.Empty;

    public string? Username { get; set; }

    public string? Email { get; set; }

    public string? UnconfirmedEmail { get; set; }

    public string? AvatarUrl { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public long? DataId { get; set; }

    public bool? HasUsedOrganizationTrial { get; set; }

    public string? PaymentProcessor { get; set; }

    public override string ToString() => $"{Username} ({UserSlug})";
}

/// <summary>An owner of an organization, as the official spec lists them.</summary>
public sealed class BitriseOrganizationOwner
{
    public string? Slug { get; set; }

    public string? Username { get; set; }

    public string? Email { get; set; }

    public override string ToString() => Username ?? Slug ?? string.Empty;
}

/// <summary>
/// A Bitrise organization (<c>GET /organizations</c>, <c>GET /organizations/{slug}</c>). <see cref="OrganizationSlug"/>
/// is named like Get-BitriseApp's parameter, so an organization pipes into it and lists its apps.
/// </summary>
public sealed class BitriseOrganization
{
    [JsonPropertyName("slug")]
    public string OrganizationSlug { get; set; } = string.Empty;

    public string? Name { get; set; }

    public string? AvatarIconUrl { get; set; }

    public int? ConcurrencyCount { get; set; }

    public List<BitriseOrganizationOwner>? Owners { get; set; }

    public override string ToString() => $"{Name} ({OrganizationSlug})";
}
