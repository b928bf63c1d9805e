using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Core;
using PSBuildUpload.Engine;
using PSBuildUpload.Engine.Applivery;
using PSBuildUpload.Engine.Ci;
using PSBuildUpload.Engine.Errors;
using PSBuildUpload.Engine.Transfers;

namespace PSBuildUpload.Applivery;

/// <summary>
/// Uploads a build to Applivery: with an app token through the Integrations API, or with a service-account token
/// through the Workspace API (-OrganizationId and -ApplicationId). The file streams from disk with progress; every
/// value is checked first; -Wait follows the build until Applivery has processed it.
/// </summary>
[Cmdlet(VerbsData.Publish, "AppliveryBuild", SupportsShouldProcess = true, DefaultParameterSetName = IntegrationSet)]
[OutputType(typeof(AppliveryBuild))]
public sealed class PublishAppliveryBuildCommand : AppliveryCmdlet
{
    private const string IntegrationSet = "Integration";
    private const string WorkspaceSet = "Workspace";

    /// <summary>The build file: .ipa .apk .aab .dmg .pkg .exe .msi .msix .msixbundle .appx .appxbundle .nsp .zip .tar.gz.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [Alias("FullName")]
    public string Path { get; set; } = string.Empty;

    /// <summary>The organization of the Workspace API (with a service-account token).</summary>
    [Parameter(Mandatory = true, ParameterSetName = WorkspaceSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string OrganizationId { get; set; } = string.Empty;

    /// <summary>The application of the Workspace API.</summary>
    [Parameter(Mandatory = true, ParameterSetName = WorkspaceSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string ApplicationId { get; set; } = string.Empty;

    /// <summary>A custom build platform: ios macos android ps4 ps5 switch xbox-one xbox-series.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(AppliveryCompleter))]
    public string? BuildPlatform { get; set; }

    /// <summary>Required, with -PackageVersion and -PackageIcon, for files Applivery cannot read (all but .ipa .apk .aab).</summary>
    [Parameter]
    public string? PackageName { get; set; }

    [Parameter]
    public string? PackageVersion { get; set; }

    /// <summary>A .png or .jpeg icon file.</summary>
    [Parameter]
    public string? PackageIcon { get; set; }

    [Parameter]
    public string? VersionName { get; set; }

    /// <summary>Tags, sent comma-joined.</summary>
    [Parameter]
    public string[]? Tag { get; set; }

    [Parameter]
    public string? Changelog { get; set; }

    /// <summary>A text file whose content is the changelog (instead of -Changelog).</summary>
    [Parameter]
    public string? ChangelogPath { get; set; }

    /// <summary>Sends notifyCollaborators=true (or false with -NotifyCollaborators:$false); not sent when absent.</summary>
    [Parameter]
    public SwitchParameter NotifyCollaborators { get; set; }

    [Parameter]
    public SwitchParameter NotifyEmployees { get; set; }

    [Parameter]
    public string? NotifyMessage { get; set; }

    /// <summary>es en fr ge it zh pt ru (German is ge).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(AppliveryCompleter))]
    public string? NotifyLanguage { get; set; }

    /// <summary>Employee groups to notify: @(@('group1','group2'), @('group3')) is group1 AND group2, OR group3.</summary>
    [Parameter]
    public string[][]? NotifyFilter { get; set; }

    /// <summary>deployer.name; by default the name of the CI system the command runs in.</summary>
    [Parameter]
    public string? DeployerName { get; set; }

    [Parameter]
    public string? CommitMessage { get; set; }

    [Parameter]
    public string? Commit { get; set; }

    [Parameter]
    public string? Branch { get; set; }

    /// <summary>The git tag (deployer.info.tag); the build's own tags are -Tag.</summary>
    [Parameter]
    public string? GitTag { get; set; }

    /// <summary>When the CI build was triggered: a date, or Unix milliseconds.</summary>
    [Parameter]
    [UnixTime]
    public DateTimeOffset? TriggerTimestamp { get; set; }

    [Parameter]
    public string? BuildUrl { get; set; }

    [Parameter]
    public string? CiUrl { get; set; }

    [Parameter]
    public string? RepositoryUrl { get; set; }

    [Parameter]
    public string? BuildNumber { get; set; }

    /// <summary>Do not fill the deployer fields from the CI environment (docs/ci-metadata.md).</summary>
    [Parameter]
    public SwitchParameter NoCiMetadata { get; set; }

    /// <summary>After the upload, wait until Applivery has processed the build and emit it then.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>How long -Wait waits: seconds or a TimeSpan (default 20 minutes).</summary>
    [Parameter]
    [TimeSpanSeconds]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>How often -Wait asks: seconds or a TimeSpan (default 5 seconds).</summary>
    [Parameter]
    [TimeSpanSeconds]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var upload = Describe().Validate();
            CheckWaitSettings();
            var file = upload.BuildFile!;
            var where = upload.Workspace is { } w
                ? $"Applivery organization '{w.OrganizationId}', application '{w.ApplicationId}'"
                : "Applivery (the app of the token)";
            if (!await ShouldProcessAsync($"{file.FullName} ({Size.Format(file.Length)})", "Upload the build to " + where).ConfigureAwait(false))
            {
                return;
            }

            var client = NewClient();
            var build = await client.PublishBuildAsync(upload, cancellationToken).ConfigureAwait(false);
            if (!Wait)
            {
                Emit(build);
                return;
            }

            if (string.IsNullOrWhiteSpace(build.Id))
            {
                throw new BuildServiceException(
                    ErrorIds.For(ServiceKind.Applivery, ErrorReason.InvalidResponse),
                    ErrorKind.InvalidData,
                    "Applivery accepted the upload but its answer has no build id, so -Wait cannot follow it. The build is in the error's TargetObject; look for it in the Applivery dashboard.",
                    build);
            }

            EmitVerbose($"Uploaded as build {build.Id} ({build.Status}); waiting for Applivery to process it.");
            await WaitAndEmitAsync(client, build.Id!, upload.Workspace, Timeout, PollInterval, cancellationToken).ConfigureAwait(false);
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }

    /// <summary>The upload as the parameters describe it, with the deployer filled from CI where not given.</summary>
    private AppliveryUpload Describe()
    {
        var given = new AppliveryDeployer
        {
            Name = DeployerName,
            Info = new AppliveryDeployerInfo
            {
                CommitMessage = CommitMessage,
                Commit = Commit,
                Branch = Branch,
                Tag = GitTag,
                TriggerTimestamp = TriggerTimestamp is { } at ? AppliveryDeployerInfo.FormatTimestamp(at) : null,
                BuildUrl = BuildUrl,
                CiUrl = CiUrl,
                RepositoryUrl = RepositoryUrl,
                BuildNumber = BuildNumber,
            },
        };
        var ci = NoCiMetadata ? null : CiEnvironment.Detect();
        if (ci is not null)
        {
            EmitVerbose($"Running in {ci.Name}: the deployer fields not given as parameters are taken from it (-NoCiMetadata turns this off).");
        }

        return new AppliveryUpload
        {
            Path = ResolvePath(Path),
            BuildPlatform = BuildPlatform,
            PackageName = PackageName,
            PackageVersion = PackageVersion,
            PackageIconPath = string.IsNullOrWhiteSpace(PackageIcon) ? null : ResolvePath(PackageIcon!),
            VersionName = VersionName,
            Tags = Tag,
            Changelog = ReadChangelog(),
            NotifyCollaborators = Given(nameof(NotifyCollaborators)) ? NotifyCollaborators.IsPresent : null,
            NotifyEmployees = Given(nameof(NotifyEmployees)) ? NotifyEmployees.IsPresent : null,
            NotifyMessage = NotifyMessage,
            NotifyLanguage = NotifyLanguage,
            NotifyFilter = NotifyFilter?.Select(clause => (System.Collections.Generic.IList<string>)(clause ?? Array.Empty<string>())).ToList(),
            Deployer = AppliveryUpload.MergeDeployer(given, ci),
            Workspace = ParameterSetName == WorkspaceSet ? new AppliveryWorkspace(OrganizationId, ApplicationId) : null,
        };
    }

    private string? ReadChangelog()
    {
        if (ChangelogPath is null)
        {
            return Changelog;
        }

        if (!string.IsNullOrWhiteSpace(Changelog))
        {
            throw ErrorRecords.InvalidArgument(
                ErrorIds.Applivery.InvalidChangelog,
                "-Changelog and -ChangelogPath were both given. Give the text with -Changelog, or the file that holds it with -ChangelogPath.",
                ChangelogPath);
        }

        var file = FileChecks.RequireFile(ServiceKind.Applivery, ResolvePath(ChangelogPath), "-ChangelogPath");
        try
        {
            return File.ReadAllText(file.FullName, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            throw new BuildServiceException(
                ErrorIds.For(ServiceKind.Applivery, ErrorReason.FileUnreadable),
                ErrorKind.ReadError,
                $"-ChangelogPath '{file.FullName}' cannot be read: {e.Message} Check its permissions.",
                file.FullName,
                e);
        }
    }

    private void CheckWaitSettings()
    {
        if (Wait)
        {
            Engine.Applivery.AppliveryClient.ValidateWait(Timeout, PollInterval);
            return;
        }

        if (Given(nameof(Timeout)) || Given(nameof(PollInterval)))
        {
            throw ErrorRecords.InvalidArgument(
                Given(nameof(Timeout)) ? ErrorIds.Applivery.InvalidTimeout : ErrorIds.Applivery.InvalidPollInterval,
                "-Timeout and -PollInterval say how -Wait waits; add -Wait, or leave them out.",
                null);
        }
    }

    private bool Given(string parameter) => MyInvocation.BoundParameters.ContainsKey(parameter);
}
