using System;
using System.Globalization;
using System.Text.Json.Serialization;

namespace PSBuildUpload.Engine.Applivery;

/// <summary>
/// A build as Applivery describes it (the <c>data</c> of the upload and build-details answers). Every property is
/// optional: the service's documents disagree on some shapes, and an upload that succeeded must not fail on them.
/// </summary>
public sealed class AppliveryBuild
{
    public string? Id { get; set; }

    /// <summary><c>pending</c>, <c>in_progress</c>, <c>processed</c> (or <c>success</c>), <c>error</c>.</summary>
    public string? Status { get; set; }

    public string? VersionName { get; set; }

    public string? VersionCode { get; set; }

    public string[]? Tags { get; set; }

    /// <summary>The application's id.</summary>
    public string? Application { get; set; }

    public AppliveryApplicationInfo? ApplicationInfo { get; set; }

    public string? Changelog { get; set; }

    public AppliveryBuildInfo? Info { get; set; }

    /// <summary>Bytes.</summary>
    public long? Size { get; set; }

    public double? ProcessTime { get; set; }

    public double? QueuedTime { get; set; }

    public string? Os { get; set; }

    public string? BuildPlatform { get; set; }

    public AppliveryDeployer? Deployer { get; set; }

    public AppliveryUser? UploadedBy { get; set; }

    public string? OriginalExtension { get; set; }

    public AppliveryStorageProvider? StorageProvider { get; set; }

    /// <summary>Why processing failed, when <see cref="Status"/> is <c>error</c>.</summary>
    public string? Error { get; set; }

    /// <summary>The build processing code, when <see cref="Status"/> is <c>error</c>.</summary>
    public string? ErrorCode { get; set; }

    public string[]? ProcessLogs { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>
    /// Set when the build was uploaded or read through the Workspace API, so that Wait-AppliveryBuild and
    /// Get-AppliveryBuild bind it by property name and ask the same API; null for the Integrations API.
    /// </summary>
    [JsonIgnore]
    public string? OrganizationId { get; set; }

    /// <inheritdoc cref="OrganizationId"/>
    [JsonIgnore]
    public string? ApplicationId { get; set; }

    /// <summary>True once processing has ended, well or badly.</summary>
    public bool IsFinished => AppliveryBuildStatus.IsDone(Status) || AppliveryBuildStatus.IsError(Status);

    public override string ToString() => string.Format(
        CultureInfo.InvariantCulture,
        "{0} {1} ({2})",
        Id,
        VersionName ?? OriginalExtension ?? string.Empty,
        Status);
}

/// <summary>The build states, as the API spells them.</summary>
public static class AppliveryBuildStatus
{
    public const string Pending = "pending";
    public const string InProgress = "in_progress";
    public const string Processed = "processed";

    /// <summary>The upload page's word for <see cref="Processed"/>.</summary>
    public const string Success = "success";
    public const string Error = "error";

    /// <summary>The values Get-AppliveryBuild -Status filters by.</summary>
    public static readonly string[] Filterable = { Pending, InProgress, Processed, Error };

    public static bool IsDone(string? status) =>
        string.Equals(status, Processed, StringComparison.OrdinalIgnoreCase) || string.Equals(status, Success, StringComparison.OrdinalIgnoreCase);

    public static bool IsError(string? status) => string.Equals(status, Error, StringComparison.OrdinalIgnoreCase);
}

public sealed class AppliveryApplicationInfo
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? Slug { get; set; }

    public string? Picture { get; set; }

    public override string ToString() => Name ?? Slug ?? Id ?? string.Empty;
}

/// <summary>What Applivery read from the build file.</summary>
public sealed class AppliveryBuildInfo
{
    public string? Icon { get; set; }

    public AppliveryAndroidInfo? Android { get; set; }

    public AppliveryIosInfo? Ios { get; set; }

    public AppliveryPackageInfo? Pkg { get; set; }
}

public sealed class AppliveryAndroidInfo
{
    public string? TargetSdkVersion { get; set; }

    public string? MinSdkVersion { get; set; }

    public string? PackageName { get; set; }

    public string? PlatformBuildVersionName { get; set; }

    public string? PlatformBuildVersionCode { get; set; }

    public string? VersionName { get; set; }

    public string? VersionCode { get; set; }

    public string? Icon { get; set; }
}

public sealed class AppliveryIosInfo
{
    public AppliveryPlist? Plist { get; set; }

    public AppliveryMobileProvision? MobileProvision { get; set; }
}

/// <summary>Info.plist keys, named as Apple names them.</summary>
public sealed class AppliveryPlist
{
    public string? CFBundleDisplayName { get; set; }

    public string[]? CFBundleSupportedPlatforms { get; set; }

    public string? MinimumOSVersion { get; set; }

    public string? CFBundleIdentifier { get; set; }

    public string? CFBundleShortVersionString { get; set; }

    public string? CFBundleVersion { get; set; }

    public string? CFBundleName { get; set; }

    public string[]? CFBundleIcons { get; set; }

    public string[]? UIDeviceFamily { get; set; }
}

public sealed class AppliveryMobileProvision
{
    public DateTimeOffset? ExpirationDate { get; set; }

    public string? TeamIdentifier { get; set; }

    public bool? ProvisionsAllDevices { get; set; }

    public string? TeamName { get; set; }

    public string? ProvisionedDevices { get; set; }

    /// <summary><c>ad-hoc</c>, <c>enterprise</c>, …</summary>
    public string? SigningType { get; set; }
}

/// <summary>What Applivery read from a macOS .pkg.</summary>
public sealed class AppliveryPackageInfo
{
    public string? CFBundleDisplayName { get; set; }

    public string? CFBundleIdentifier { get; set; }

    public string? CFBundleShortVersionString { get; set; }

    public string? CFBundleVersion { get; set; }

    public string? CFBundleName { get; set; }
}

/// <summary>The CI/CD system that uploaded a build (the <c>deployer.*</c> fields).</summary>
public sealed class AppliveryDeployer
{
    public string? Name { get; set; }

    public AppliveryDeployerInfo? Info { get; set; }

    public override string ToString() => Name ?? string.Empty;
}

public sealed class AppliveryDeployerInfo
{
    public string? CommitMessage { get; set; }

    public string? Commit { get; set; }

    public string? Branch { get; set; }

    public string? Tag { get; set; }

    /// <summary>Unix time in milliseconds, as the API carries it.</summary>
    public string? TriggerTimestamp { get; set; }

    public string? BuildUrl { get; set; }

    public string? CiUrl { get; set; }

    public string? RepositoryUrl { get; set; }

    public string? BuildNumber { get; set; }

    /// <summary>The API's form of a trigger time: Unix milliseconds.</summary>
    public static string FormatTimestamp(DateTimeOffset time) =>
        time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
}

public sealed class AppliveryUser
{
    public string? Id { get; set; }

    public string? Email { get; set; }

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public string? Picture { get; set; }

    public override string ToString()
    {
        var name = ((FirstName ?? string.Empty) + " " + (LastName ?? string.Empty)).Trim();
        return name.Length > 0 ? name : Email ?? Id ?? string.Empty;
    }
}

public sealed class AppliveryStorageProvider
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? Region { get; set; }

    public override string ToString() => Name ?? Id ?? string.Empty;
}

/// <summary>One page of a build list, as Get-AppliveryBuild reads it.</summary>
public sealed class AppliveryBuildPage
{
    public AppliveryBuildPage(int page, AppliveryBuild[] items, long? totalDocs, bool hasNextPage)
    {
        Page = page;
        Items = items;
        TotalDocs = totalDocs;
        HasNextPage = hasNextPage;
    }

    public int Page { get; }

    public AppliveryBuild[] Items { get; }

    /// <summary>All builds that match the filter, when the service says.</summary>
    public long? TotalDocs { get; }

    public bool HasNextPage { get; }
}

/// <summary>The filters of a build list.</summary>
public sealed class AppliveryBuildQuery
{
    public string? VersionName { get; set; }

    /// <summary>pending, in_progress, processed or error.</summary>
    public string? Status { get; set; }

    /// <summary>ios or android.</summary>
    public string? Os { get; set; }

    /// <summary>The <c>limit</c> of each page.</summary>
    public int PageSize { get; set; } = 50;

    /// <summary>The first page to ask for (1-based).</summary>
    public int FirstPage { get; set; } = 1;
}

/// <summary>The Workspace API's path: organization and application. Null where the Integrations API is used.</summary>
public sealed class AppliveryWorkspace
{
    public AppliveryWorkspace(string organizationId, string applicationId)
    {
        OrganizationId = organizationId;
        ApplicationId = applicationId;
    }

    public string OrganizationId { get; }

    public string ApplicationId { get; }

    public override string ToString() => $"organization '{OrganizationId}', application '{ApplicationId}'";
}
