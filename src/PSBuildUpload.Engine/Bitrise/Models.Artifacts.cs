using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json.Serialization;
using PSBuildUpload.Engine.Diagnostics;
using PSBuildUpload.Engine.Transfers;

namespace PSBuildUpload.Engine.Bitrise;

/// <summary>
/// A build artifact. <see cref="AppSlug"/>, <see cref="BuildSlug"/> and <see cref="ArtifactSlug"/> are named like the
/// parameters that take them, so artifacts pipe into Set-, Remove- and Save-BitriseArtifact. The expiring download URL
/// is a credential: <see cref="DownloadUrl"/> shows it without its signature.
/// </summary>
public sealed class BitriseArtifact
{
    public const string AndroidApk = "android-apk";
    public const string IosIpa = "ios-ipa";

    /// <summary>Filled in by the client: the API leaves the parents' keys out of the artifact.</summary>
    [JsonIgnore]
    public string AppSlug { get; set; } = string.Empty;

    [JsonIgnore]
    public string BuildSlug { get; set; } = string.Empty;

    [JsonPropertyName("slug")]
    public string ArtifactSlug { get; set; } = string.Empty;

    public string? Title { get; set; }

    /// <summary>file, android-apk, ios-ipa, …</summary>
    public string? ArtifactType { get; set; }

    public long? FileSizeBytes { get; set; }

    public bool IsPublicPageEnabled { get; set; }

    public string? PublicInstallPageUrl { get; set; }

    [JsonConverter(typeof(LooseObjectConverter))]
    public Dictionary<string, object?>? ArtifactMeta { get; set; }

    /// <summary>The expiring download URL without its signature (only single-artifact answers carry one).</summary>
    [JsonIgnore]
    public string? DownloadUrl => GetDownloadUri() is { } uri ? Redactor.DisplayUrl(uri, presigned: true) : null;

    /// <summary>Whether the public install page can be switched for this type (Android APKs and iOS IPAs only).</summary>
    [JsonIgnore]
    public bool SupportsPublicPage =>
        string.Equals(ArtifactType, AndroidApk, StringComparison.OrdinalIgnoreCase)
        || string.Equals(ArtifactType, IosIpa, StringComparison.OrdinalIgnoreCase);

    [JsonInclude]
    [JsonPropertyName("expiring_download_url")]
    internal string? ExpiringDownloadUrl { get; set; }

    /// <summary>The real, signed download address, for the code that downloads.</summary>
    public Uri? GetDownloadUri() =>
        Uri.TryCreate(ExpiringDownloadUrl, UriKind.Absolute, out var uri) ? uri : null;

    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "{0} ({1}, {2})", Title, ArtifactType, FileSizeBytes is { } size ? Size.Format(size) : "size unknown");
}

/// <summary>What Save-BitriseArtifact emits: where the file went and the SHA-256 of what was received.</summary>
public sealed class SavedBitriseArtifact
{
    public string AppSlug { get; set; } = string.Empty;

    public string BuildSlug { get; set; } = string.Empty;

    public string ArtifactSlug { get; set; } = string.Empty;

    public string? Title { get; set; }

    /// <summary>Full path of the saved file.</summary>
    public string Path { get; set; } = string.Empty;

    public long Length { get; set; }

    /// <summary>Lowercase hex SHA-256 of the bytes received.</summary>
    public string Sha256 { get; set; } = string.Empty;

    public TimeSpan Elapsed { get; set; }

    public override string ToString() => Path;
}
