using System;
using System.Text.Json.Serialization;

namespace PSBuildUpload.Engine.Bitrise;

/// <summary>The owner of an app: a user or an organization.</summary>
public sealed class BitriseOwner
{
    public string? AccountType { get; set; }

    public string? Name { get; set; }

    public string? Slug { get; set; }

    public override string ToString() => $"{Name} ({AccountType})";
}

/// <summary>A Bitrise app. <see cref="AppSlug"/> is named like the parameter that takes it, so apps pipe into build cmdlets.</summary>
public sealed class BitriseApp
{
    [JsonPropertyName("slug")]
    public string AppSlug { get; set; } = string.Empty;

    public string? Title { get; set; }

    public string? ProjectType { get; set; }

    public string? Provider { get; set; }

    public string? RepoOwner { get; set; }

    public string? RepoSlug { get; set; }

    public string? RepoUrl { get; set; }

    public bool IsDisabled { get; set; }

    public bool IsPublic { get; set; }

    public bool? IsGithubChecksEnabled { get; set; }

    public int? Status { get; set; }

    public BitriseOwner? Owner { get; set; }

    public string? AvatarUrl { get; set; }

    public string? ProjectId { get; set; }

    public override string ToString() => $"{Title} ({AppSlug})";
}
