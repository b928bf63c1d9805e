using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using PSBuildUpload.Engine.Ci;
using PSBuildUpload.Engine.Errors;
using PSBuildUpload.Engine.Transfers;

namespace PSBuildUpload.Engine.Applivery;

/// <summary>
/// What Publish-AppliveryBuild sends: the build file and the form fields of the upload. <see cref="Validate"/>
/// refuses anything the service would refuse, before a byte is sent.
/// </summary>
public sealed class AppliveryUpload
{
    /// <summary>Build files the service accepts, by extension (.tar.gz is the one with two dots).</summary>
    public static readonly string[] Extensions =
    {
        ".ipa", ".apk", ".aab", ".dmg", ".pkg", ".exe", ".msi", ".msix", ".msixbundle", ".appx", ".appxbundle", ".nsp", ".zip", ".tar.gz",
    };

    /// <summary>Files the service reads its package name, version and icon from; any other needs them given.</summary>
    public static readonly string[] ProcessableExtensions = { ".ipa", ".apk", ".aab" };

    public static readonly string[] BuildPlatforms = { "ios", "macos", "android", "ps4", "ps5", "switch", "xbox-one", "xbox-series" };

    /// <summary>Notification languages; German is <c>ge</c>, as the service spells it.</summary>
    public static readonly string[] NotifyLanguages = { "es", "en", "fr", "ge", "it", "zh", "pt", "ru" };

    /// <summary>Full path of the build file.</summary>
    public string Path { get; set; } = string.Empty;

    public string? BuildPlatform { get; set; }

    public string? PackageName { get; set; }

    public string? PackageVersion { get; set; }

    /// <summary>Full path of a .png or .jpeg icon.</summary>
    public string? PackageIconPath { get; set; }

    public string? VersionName { get; set; }

    public IList<string>? Tags { get; set; }

    public string? Changelog { get; set; }

    public bool? NotifyCollaborators { get; set; }

    public bool? NotifyEmployees { get; set; }

    public string? NotifyMessage { get; set; }

    public string? NotifyLanguage { get; set; }

    /// <summary>Employee groups to notify: each inner list is an AND, the outer list an OR.</summary>
    public IList<IList<string>>? NotifyFilter { get; set; }

    public AppliveryDeployer? Deployer { get; set; }

    /// <summary>The Workspace API's organization and application; null for the Integrations API.</summary>
    public AppliveryWorkspace? Workspace { get; set; }

    /// <summary>The build file, once validated.</summary>
    public FileInfo? BuildFile { get; private set; }

    /// <summary>The icon file, once validated.</summary>
    public FileInfo? PackageIconFile { get; private set; }

    /// <summary>The icon's media type, once validated.</summary>
    public string? PackageIconContentType { get; private set; }

    /// <summary>
    /// Checks every value and returns a normalised copy (trimmed, lower-case codes, files found), or throws a
    /// <see cref="BuildServiceException"/> whose ErrorId names the value to change.
    /// </summary>
    public AppliveryUpload Validate()
    {
        // The name is checked before the disk: a wrong kind of file is the first thing to fix.
        if (!string.IsNullOrWhiteSpace(Path) && !Directory.Exists(Path) && ExtensionOf(System.IO.Path.GetFileName(Path)) is null)
        {
            throw Invalid(
                ErrorIds.Applivery.UnsupportedFileType,
                $"-Path '{Path}' is not a build file Applivery accepts. Give a file ending in {string.Join(" ", Extensions)}.",
                Path);
        }

        var file = FileChecks.RequireFile(ServiceKind.Applivery, Path, "-Path");
        var extension = ExtensionOf(file.Name)!;

        var result = new AppliveryUpload
        {
            Path = file.FullName,
            BuildFile = file,
            BuildPlatform = Code(BuildPlatform, BuildPlatforms, ErrorIds.Applivery.InvalidBuildPlatform, "-BuildPlatform", null),
            PackageName = Text(PackageName),
            PackageVersion = Text(PackageVersion),
            PackageIconPath = Text(PackageIconPath),
            VersionName = Text(VersionName),
            Tags = ValidateTags(Tags),
            Changelog = string.IsNullOrWhiteSpace(Changelog) ? null : Changelog!.Trim(),
            NotifyCollaborators = NotifyCollaborators,
            NotifyEmployees = NotifyEmployees,
            NotifyMessage = Text(NotifyMessage),
            NotifyLanguage = Code(
                NotifyLanguage,
                NotifyLanguages,
                ErrorIds.Applivery.InvalidNotifyLanguage,
                "-NotifyLanguage",
                string.Equals(NotifyLanguage?.Trim(), "de", StringComparison.OrdinalIgnoreCase) ? " Applivery spells German 'ge'." : null),
            NotifyFilter = ValidateFilter(NotifyFilter),
            Deployer = Deployer,
            Workspace = Workspace is null ? null : ValidateWorkspace(Workspace.OrganizationId, Workspace.ApplicationId),
        };

        CheckPlatformFitsFile(result.BuildPlatform, extension, file.FullName);
        var given = new[] { result.PackageName is not null, result.PackageVersion is not null, result.PackageIconPath is not null };
        var processable = ProcessableExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase);
        var complete = given.All(g => g);
        var none = !given.Any(g => g);
        if (!complete && (!none || !processable))
        {
            var missing = new List<string>();
            if (result.PackageName is null)
            {
                missing.Add("-PackageName");
            }

            if (result.PackageVersion is null)
            {
                missing.Add("-PackageVersion");
            }

            if (result.PackageIconPath is null)
            {
                missing.Add("-PackageIcon");
            }

            var why = processable
                ? "-PackageName, -PackageVersion and -PackageIcon go together"
                : $"Applivery cannot read the package name, version and icon of a {extension} file, so they must be given";
            throw Invalid(
                ErrorIds.Applivery.PackageFieldsRequired,
                $"{why}: add {string.Join(", ", missing)}.",
                file.FullName);
        }

        if (result.PackageIconPath is not null)
        {
            (result.PackageIconFile, result.PackageIconContentType) = ValidateIcon(result.PackageIconPath);
            result.PackageIconPath = result.PackageIconFile.FullName;
        }

        return result;
    }

    /// <summary>
    /// Refuses a -BuildPlatform the file cannot be for: an .ipa is iOS, an .apk or .aab Android, a .dmg macOS and an
    /// .nsp Switch. Other file types (.zip, .pkg, .exe…) can hold builds of several platforms and are not checked.
    /// </summary>
    private static void CheckPlatformFitsFile(string? platform, string extension, string path)
    {
        var fits = extension.ToLowerInvariant() switch
        {
            ".ipa" => "ios",
            ".apk" or ".aab" => "android",
            ".dmg" => "macos",
            ".nsp" => "switch",
            _ => null,
        };
        if (platform is null || fits is null || string.Equals(platform, fits, StringComparison.Ordinal))
        {
            return;
        }

        throw Invalid(
            ErrorIds.Applivery.InvalidBuildPlatform,
            $"-BuildPlatform '{platform}' does not fit '{path}': {extension} files are {fits} builds. Give -BuildPlatform {fits}, or leave -BuildPlatform out.",
            platform);
    }

    /// <summary>The extension Applivery sees (.tar.gz included), or null when it accepts none of it.</summary>
    public static string? ExtensionOf(string fileName)
    {
        var name = fileName ?? string.Empty;
        return Extensions.FirstOrDefault(e => name.Length > e.Length && name.EndsWith(e, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The text fields of the form, in the order they are sent: all before the files, so a server that reads the
    /// stream in order knows them when the build arrives.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> FormFields()
    {
        var fields = new List<KeyValuePair<string, string>>();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                fields.Add(new KeyValuePair<string, string>(name, value));
            }
        }

        Add("buildPlatform", BuildPlatform);
        Add("packageName", PackageName);
        Add("packageVersion", PackageVersion);
        Add("versionName", VersionName);
        Add("tags", Tags is { Count: > 0 } ? string.Join(",", Tags) : null);
        Add("changelog", Changelog);
        Add("notifyCollaborators", Bool(NotifyCollaborators));
        Add("notifyEmployees", Bool(NotifyEmployees));
        Add("notifyMessage", NotifyMessage);
        Add("notifyLanguage", NotifyLanguage);
        if (NotifyFilter is not null)
        {
            for (var i = 0; i < NotifyFilter.Count; i++)
            {
                for (var j = 0; j < NotifyFilter[i].Count; j++)
                {
                    Add(string.Format(CultureInfo.InvariantCulture, "filter[{0}][{1}]", i, j), NotifyFilter[i][j]);
                }
            }
        }

        if (Deployer is { } deployer)
        {
            Add("deployer.name", Text(deployer.Name));
            var info = deployer.Info;
            if (info is not null)
            {
                Add("deployer.info.commitMessage", Text(info.CommitMessage));
                Add("deployer.info.commit", Text(info.Commit));
                Add("deployer.info.branch", Text(info.Branch));
                Add("deployer.info.tag", Text(info.Tag));
                Add("deployer.info.triggerTimestamp", Text(info.TriggerTimestamp));
                Add("deployer.info.buildUrl", Text(info.BuildUrl));
                Add("deployer.info.ciUrl", Text(info.CiUrl));
                Add("deployer.info.repositoryUrl", Text(info.RepositoryUrl));
                Add("deployer.info.buildNumber", Text(info.BuildNumber));
            }
        }

        return fields;
    }

    /// <summary>
    /// The deployer fields: each one given explicitly wins; the others come from the CI system when there is one
    /// (and its name becomes deployer.name). Null when nothing is known.
    /// </summary>
    public static AppliveryDeployer? MergeDeployer(AppliveryDeployer? given, CiEnvironment? ci)
    {
        var info = given?.Info ?? new AppliveryDeployerInfo();
        var merged = new AppliveryDeployer
        {
            Name = Text(given?.Name) ?? Text(ci?.Name),
            Info = new AppliveryDeployerInfo
            {
                CommitMessage = Text(info.CommitMessage) ?? Text(ci?.CommitMessage),
                Commit = Text(info.Commit) ?? Text(ci?.Commit),
                Branch = Text(info.Branch) ?? Text(ci?.Branch),
                Tag = Text(info.Tag) ?? Text(ci?.Tag),
                TriggerTimestamp = Text(info.TriggerTimestamp) ?? (ci?.TriggeredAt is { } at ? AppliveryDeployerInfo.FormatTimestamp(at) : null),
                BuildUrl = Text(info.BuildUrl) ?? Text(ci?.BuildUrl),
                CiUrl = Text(info.CiUrl) ?? Text(ci?.CiUrl),
                RepositoryUrl = Text(info.RepositoryUrl) ?? Text(ci?.RepositoryUrl),
                BuildNumber = Text(info.BuildNumber) ?? Text(ci?.BuildNumber),
            },
        };
        var i = merged.Info;
        var anyInfo = new[] { i.CommitMessage, i.Commit, i.Branch, i.Tag, i.TriggerTimestamp, i.BuildUrl, i.CiUrl, i.RepositoryUrl, i.BuildNumber }.Any(v => v is not null);
        if (!anyInfo)
        {
            merged.Info = null;
        }

        return merged.Name is null && merged.Info is null ? null : merged;
    }

    /// <summary>Checks the Workspace API's path values: present, and usable as one path segment each.</summary>
    public static AppliveryWorkspace ValidateWorkspace(string? organizationId, string? applicationId) => new(
        Segment(organizationId, ErrorIds.Applivery.InvalidOrganizationId, "-OrganizationId", "the organization's id (Workspace settings in the Applivery dashboard)"),
        Segment(applicationId, ErrorIds.Applivery.InvalidApplicationId, "-ApplicationId", "the application's id (its settings page in the Applivery dashboard)"));

    /// <summary>Checks a build id: present and one path segment.</summary>
    public static string ValidateBuildId(string? buildId) =>
        Segment(buildId, ErrorIds.Applivery.InvalidBuildId, "-BuildId", "the build's id, as Publish-AppliveryBuild or Get-AppliveryBuild emit it in Id");

    internal static string Segment(string? value, string errorId, string parameter, string what)
    {
        var trimmed = value?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            throw Invalid(errorId, $"{parameter} is empty. Give {what}.", value);
        }

        if (trimmed == "." || trimmed == ".." || trimmed.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '/' or '\\' or '?' or '#' or '%'))
        {
            throw Invalid(errorId, $"{parameter} '{trimmed}' is not an id: it contains a space, slash or other character ids do not have. Give {what}.", value);
        }

        return trimmed;
    }

    private static (FileInfo File, string ContentType) ValidateIcon(string path)
    {
        var file = FileChecks.RequireFile(ServiceKind.Applivery, path, "-PackageIcon");
        var header = new byte[8];
        int read;
        using (var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1))
        {
            read = stream.Read(header, 0, header.Length);
        }

        // The content decides, not the name: a renamed .webp would be refused by the service after the whole upload.
        if (read >= 8 && header[0] == 0x89 && header[1] == (byte)'P' && header[2] == (byte)'N' && header[3] == (byte)'G')
        {
            return (file, "image/png");
        }

        if (read >= 3 && header[0] == 0xFF && header[1] == 0xD8 && header[2] == 0xFF)
        {
            return (file, "image/jpeg");
        }

        throw Invalid(
            ErrorIds.Applivery.InvalidPackageIcon,
            $"-PackageIcon '{file.FullName}' is not a PNG or JPEG image. Give the icon as a .png or .jpeg file.",
            file.FullName);
    }

    private static List<string>? ValidateTags(IList<string>? tags)
    {
        if (tags is null || tags.Count == 0)
        {
            return null;
        }

        var result = new List<string>();
        foreach (var tag in tags)
        {
            var trimmed = tag?.Trim() ?? string.Empty;
            if (trimmed.Length == 0)
            {
                throw Invalid(ErrorIds.Applivery.InvalidTag, "-Tag contains an empty tag. Remove it, or give each tag as text: -Tag staging, sprint-42.", tag);
            }

            if (trimmed.IndexOf(',') >= 0)
            {
                throw Invalid(
                    ErrorIds.Applivery.InvalidTag,
                    $"-Tag '{trimmed}' contains a comma, which separates tags in the upload. Give the tags as an array: -Tag {string.Join(", ", trimmed.Split(',').Select(t => t.Trim()).Where(t => t.Length > 0))}.",
                    tag);
            }

            result.Add(trimmed);
        }

        return result;
    }

    private static List<IList<string>>? ValidateFilter(IList<IList<string>>? filter)
    {
        if (filter is null || filter.Count == 0)
        {
            return null;
        }

        const string Example = "for group1 AND group2, OR group3: -NotifyFilter @(@('group1', 'group2'), @('group3'))";
        var result = new List<IList<string>>();
        foreach (var clause in filter)
        {
            if (clause is null || clause.Count == 0)
            {
                throw Invalid(ErrorIds.Applivery.InvalidNotifyFilter, $"-NotifyFilter contains an empty group list. Give each OR clause as a list of groups ({Example}).", null);
            }

            var groups = new List<string>();
            foreach (var group in clause)
            {
                var trimmed = group?.Trim() ?? string.Empty;
                if (trimmed.Length == 0)
                {
                    throw Invalid(ErrorIds.Applivery.InvalidNotifyFilter, $"-NotifyFilter contains an empty group name. Give group names ({Example}).", null);
                }

                groups.Add(trimmed);
            }

            result.Add(groups);
        }

        return result;
    }

    private static string? Code(string? value, string[] allowed, string errorId, string parameter, string? hint)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var trimmed = value!.Trim();
        var match = allowed.FirstOrDefault(a => string.Equals(a, trimmed, StringComparison.OrdinalIgnoreCase));
        return match ?? throw Invalid(errorId, $"{parameter} '{trimmed}' is not one of Applivery's values.{hint} Use one of: {string.Join(", ", allowed)}.", value);
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();

    private static string? Bool(bool? value) => value is { } b ? (b ? "true" : "false") : null;

    private static BuildServiceException Invalid(string errorId, string message, object? target) =>
        new(errorId, ErrorKind.InvalidArgument, message, target);
}
