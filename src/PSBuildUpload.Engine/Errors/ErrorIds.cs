using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace PSBuildUpload.Engine.Errors;

/// <summary>
/// Reasons any service can fail for; the ErrorId is <c>Service.Reason</c> (for example <c>Bitrise.NotFound</c>).
/// docs/errors.md documents each, and a test keeps the two in step.
/// </summary>
public static class ErrorReason
{
    public const string Unauthorized = nameof(Unauthorized);
    public const string Forbidden = nameof(Forbidden);
    public const string NotFound = nameof(NotFound);
    public const string Conflict = nameof(Conflict);
    public const string BadRequest = nameof(BadRequest);
    public const string RateLimited = nameof(RateLimited);
    public const string ServerError = nameof(ServerError);
    public const string Timeout = nameof(Timeout);
    public const string TransferStalled = nameof(TransferStalled);
    public const string ConnectionFailed = nameof(ConnectionFailed);
    public const string InvalidResponse = nameof(InvalidResponse);
    public const string TooManyRedirects = nameof(TooManyRedirects);
    public const string RedirectNotFollowed = nameof(RedirectNotFollowed);
    public const string TokenMissing = nameof(TokenMissing);
    public const string TokenEmpty = nameof(TokenEmpty);
    public const string TokenMalformed = nameof(TokenMalformed);
    public const string InvalidBaseUri = nameof(InvalidBaseUri);
    public const string InsecureBaseUri = nameof(InsecureBaseUri);
    public const string InvalidProxy = nameof(InvalidProxy);
    public const string FileNotFound = nameof(FileNotFound);
    public const string PathIsDirectory = nameof(PathIsDirectory);
    public const string FileEmpty = nameof(FileEmpty);
    public const string FileUnreadable = nameof(FileUnreadable);
    public const string FileChangedDuringUpload = nameof(FileChangedDuringUpload);
    public const string InvalidArgument = nameof(InvalidArgument);
    public const string DestinationExists = nameof(DestinationExists);
}

/// <summary>ErrorIds that belong to one service only, or to the module as a whole.</summary>
public static class ErrorIds
{
    public static string For(ServiceKind service, string reason) => service + "." + reason;

    public static class Module
    {
        /// <summary>A Connect-BuildService setting (retries, timeouts) outside its range.</summary>
        public const string SettingOutOfRange = "PSBuildUpload.SettingOutOfRange";

        /// <summary>A failure no more specific ErrorId describes (the parameterless exception constructors).</summary>
        public const string Unknown = "PSBuildUpload.Unknown";
    }

    public static class ProductScience
    {
        public const string InvalidProject = "ProductScience.InvalidProject";
        public const string InvalidBuildType = "ProductScience.InvalidBuildType";
        public const string InvalidContextId = "ProductScience.InvalidContextId";

        /// <summary>-Path is not an .apk, the only kind of file both build types are.</summary>
        public const string UnsupportedFileType = "ProductScience.UnsupportedFileType";
        public const string FileTooLarge = "ProductScience.FileTooLarge";
        public const string FileTooSmall = "ProductScience.FileTooSmall";
        public const string InvalidUploadSpec = "ProductScience.InvalidUploadSpec";
        public const string UploadRejected = "ProductScience.UploadRejected";
        public const string TokenFileInvalid = "ProductScience.TokenFileInvalid";
    }

    public static class Bitrise
    {
        public const string InvalidSlug = "Bitrise.InvalidSlug";
        public const string RequestFailed = "Bitrise.RequestFailed";

        // App setup and code signing: refused before any request (the API would refuse them too).
        public const string InvalidSshKey = "Bitrise.InvalidSshKey";
        public const string InvalidYaml = "Bitrise.InvalidYaml";
        public const string UnprotectNotAllowed = "Bitrise.UnprotectNotAllowed";
        public const string ExposeOfProtectedNotAllowed = "Bitrise.ExposeOfProtectedNotAllowed";
        public const string UnprocessNotAllowed = "Bitrise.UnprocessNotAllowed";
        public const string NothingToSet = "Bitrise.NothingToSet";
        public const string InvalidUploadUrl = "Bitrise.InvalidUploadUrl";

        /// <summary>A provisioning profile that is not .mobileprovision/.provisionprofile, a certificate that is not .p12/.pfx.</summary>
        public const string UnsupportedFileType = "Bitrise.UnsupportedFileType";
        public const string UploadRejected = "Bitrise.UploadRejected";

        // Builds, logs and artifacts.
        public const string InvalidDateRange = "Bitrise.InvalidDateRange";
        public const string InvalidBuildNumber = "Bitrise.InvalidBuildNumber";
        public const string MissingBuildTarget = "Bitrise.MissingBuildTarget";
        public const string InvalidEnvironment = "Bitrise.InvalidEnvironment";
        public const string AbortRefused = "Bitrise.AbortRefused";
        public const string InvalidTimeout = "Bitrise.InvalidTimeout";
        public const string InvalidPollInterval = "Bitrise.InvalidPollInterval";
        public const string WaitTimedOut = "Bitrise.WaitTimedOut";
        public const string LogNotAvailable = "Bitrise.LogNotAvailable";
        public const string LogNotArchived = "Bitrise.LogNotArchived";
        public const string PublicPageNotSupported = "Bitrise.PublicPageNotSupported";
        public const string ArtifactNotDownloadable = "Bitrise.ArtifactNotDownloadable";
        public const string InvalidDestination = "Bitrise.InvalidDestination";
    }

    public static class Applivery
    {
        // Refused before any request.
        public const string UnsupportedFileType = "Applivery.UnsupportedFileType";
        public const string PackageFieldsRequired = "Applivery.PackageFieldsRequired";
        public const string InvalidPackageIcon = "Applivery.InvalidPackageIcon";
        public const string InvalidBuildPlatform = "Applivery.InvalidBuildPlatform";
        public const string InvalidNotifyLanguage = "Applivery.InvalidNotifyLanguage";
        public const string InvalidNotifyFilter = "Applivery.InvalidNotifyFilter";
        public const string InvalidTag = "Applivery.InvalidTag";
        public const string InvalidChangelog = "Applivery.InvalidChangelog";
        public const string InvalidOrganizationId = "Applivery.InvalidOrganizationId";
        public const string InvalidApplicationId = "Applivery.InvalidApplicationId";
        public const string InvalidBuildId = "Applivery.InvalidBuildId";
        public const string InvalidStatus = "Applivery.InvalidStatus";
        public const string InvalidOs = "Applivery.InvalidOs";
        public const string InvalidPageSize = "Applivery.InvalidPageSize";
        public const string InvalidTimeout = "Applivery.InvalidTimeout";
        public const string InvalidPollInterval = "Applivery.InvalidPollInterval";

        // The service's numeric error codes that have a name; any other code becomes Applivery.<code>.
        public const string EntityNotFound = "Applivery.EntityNotFound";
        public const string TokenExpired = "Applivery.TokenExpired";
        public const string TokenEmpty = "Applivery.TokenEmpty";
        public const string TokenInvalid = "Applivery.TokenInvalid";
        public const string InvalidBuildFile = "Applivery.InvalidBuildFile";
        public const string SlugAlreadyUsed = "Applivery.SlugAlreadyUsed";

        /// <summary>An HTML page or other body that is not JSON, at any status.</summary>
        public const string NonJsonResponse = "Applivery.NonJsonResponse";

        /// <summary>Processing of an uploaded build ended in status <c>error</c>.</summary>
        public const string BuildProcessingFailed = "Applivery.BuildProcessingFailed";

        /// <summary>-Wait or Wait-AppliveryBuild ran out of time before processing ended.</summary>
        public const string WaitTimeout = "Applivery.WaitTimeout";

        /// <summary>The ErrorId of one of the service's numeric error codes.</summary>
        public static string ForCode(long code) => code switch
        {
            3001 => EntityNotFound,
            3002 => TokenExpired,
            4002 => TokenEmpty,
            4004 => TokenInvalid,
            5006 => InvalidBuildFile,
            5024 => SlugAlreadyUsed,
            _ => "Applivery." + code.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Every ErrorId the engine can raise: each common reason for each service, and each specific one.</summary>
    public static IReadOnlyCollection<string> All()
    {
        var common = typeof(ErrorReason).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!);
        var services = (ServiceKind[])Enum.GetValues(typeof(ServiceKind));
        var specific = typeof(ErrorIds).GetNestedTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!);
        return services.SelectMany(s => common.Select(r => For(s, r)))
            .Concat(specific)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(x => x, StringComparer.Ordinal)
            .ToArray();
    }
}
