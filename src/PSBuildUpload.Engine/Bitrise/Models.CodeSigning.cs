using System;

namespace PSBuildUpload.Engine.Bitrise;

/// <summary>
/// An iOS provisioning profile of an app. Carries <see cref="AppSlug"/> and <see cref="ProvisioningProfileSlug"/>,
/// named like the parameters that take them, so profiles pipe into Get- and Set-BitriseProvisioningProfile.
/// </summary>
public sealed class BitriseProvisioningProfile
{
    public string AppSlug { get; set; } = string.Empty;

    public string ProvisioningProfileSlug { get; set; } = string.Empty;

    public string? UploadFileName { get; set; }

    public long? UploadFileSize { get; set; }

    /// <summary>True once the upload was confirmed; it cannot go back to false.</summary>
    public bool Processed { get; set; }

    /// <summary>Whether builds of pull requests from forks may use it; fixed once the item is protected.</summary>
    public bool IsExpose { get; set; }

    /// <summary>Once true it stays true, and the file can no longer be downloaded.</summary>
    public bool IsProtected { get; set; }

    /// <summary>A presigned link (valid about ten minutes), given only by the one-item call and only when not protected.</summary>
    public Uri? DownloadUrl { get; set; }

    public override string ToString() => $"{UploadFileName} ({ProvisioningProfileSlug})";
}

/// <summary>
/// A code-signing certificate (.p12) of an app. The API returns its password in clear text; this object says only
/// whether one is set (<see cref="HasCertificatePassword"/>) so that it never reaches a stream.
/// </summary>
public sealed class BitriseBuildCertificate
{
    public string AppSlug { get; set; } = string.Empty;

    public string BuildCertificateSlug { get; set; } = string.Empty;

    public string? UploadFileName { get; set; }

    public long? UploadFileSize { get; set; }

    public bool Processed { get; set; }

    public bool IsExpose { get; set; }

    public bool IsProtected { get; set; }

    public bool HasCertificatePassword { get; set; }

    public Uri? DownloadUrl { get; set; }

    public override string ToString() => $"{UploadFileName} ({BuildCertificateSlug})";
}

/// <summary>The changes a PATCH of a profile or certificate sends; null fields are left out.</summary>
public sealed class BitriseCodeSigningChange
{
    public bool? IsProtected { get; set; }

    public bool? IsExpose { get; set; }

    public bool? Processed { get; set; }

    /// <summary>Certificates only. Sent in the PATCH body and nowhere else.</summary>
    public string? CertificatePassword { get; set; }

    public bool IsEmpty => IsProtected is null && IsExpose is null && Processed is null && CertificatePassword is null;
}

/// <summary>The JSON of both kinds of file (the seed and the spec agree on these names).</summary>
internal sealed class BitriseCodeSigningData
{
    public string? Slug { get; set; }

    public string? UploadFileName { get; set; }

    public long? UploadFileSize { get; set; }

    public bool Processed { get; set; }

    public bool IsExpose { get; set; }

    public bool IsProtected { get; set; }

    public string? CertificatePassword { get; set; }

    public string? UploadUrl { get; set; }

    public string? DownloadUrl { get; set; }
}
