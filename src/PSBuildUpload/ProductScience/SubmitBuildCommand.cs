using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Core;
using PSBuildUpload.Engine.Ci;
using PSBuildUpload.Engine.Errors;
using PSBuildUpload.Engine.ProductScience;
using PSBuildUpload.Engine.Transfers;

namespace PSBuildUpload.ProductScience;

/// <summary>Step 2 of a Product Science upload: registers the build and gets the presigned upload spec for its file.</summary>
[Cmdlet(VerbsLifecycle.Submit, "Build", SupportsShouldProcess = true)]
[OutputType(typeof(SubmittedBuild))]
public sealed class SubmitBuildCommand : ProductScienceCmdlet
{
    /// <summary>The Product Science project, as named in the Product Science Tool.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string Project { get; set; } = string.Empty;

    /// <summary>The upload context (New-UploadContext); sent only when given.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    public long? ContextId { get; set; }

    /// <summary>The build file.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [AllowEmptyString]
    [Alias("FullName")]
    public string Path { get; set; } = string.Empty;

    /// <summary>APK for a release build, INSTRUMENTED_APK for one built with the Product Science plugin.</summary>
    [Parameter(Mandatory = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BuildTypeCompleter))]
    public string BuildType { get; set; } = string.Empty;

    /// <summary>The file name Product Science records; defaults to the name of -Path.</summary>
    [Parameter]
    public string? BuildFileName { get; set; }

    /// <summary>A name for the build, such as its version.</summary>
    [Parameter]
    public string? Name { get; set; }

    /// <summary>A description of the build.</summary>
    [Parameter]
    public string? Description { get; set; }

    /// <summary>The commit; by default taken from the CI system (docs/ci-metadata.md).</summary>
    [Parameter]
    public string? SourceControlId { get; set; }

    /// <summary>The commit's time, sent as ISO 8601; by default from the CI or <c>git show -s --format=%cI</c>.</summary>
    [Parameter]
    public DateTimeOffset? SourceControlTimestamp { get; set; }

    /// <summary>Do not fill the source-control fields from the CI environment or git.</summary>
    [Parameter]
    public SwitchParameter NoCiMetadata { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var project = ProductScienceClient.ValidateProject(Project);
            var buildType = ParseBuildType(BuildType);
            CheckContextId(ContextId);
            var path = ResolvePath(Path);
            CheckExtension(path);
            var file = FileChecks.RequireFile(Service.ToKind(), path, "-Path");
            var submission = new BuildSubmission
            {
                ContextId = ContextId,
                BuildType = buildType,
                BuildFileName = string.IsNullOrWhiteSpace(BuildFileName) ? file.Name : BuildFileName!.Trim(),
                Name = Name,
                Description = Description,
                SourceControlId = SourceControlId,
                SourceControlTimestamp = SourceControlTimestamp,
            };
            FillFromCi(submission);
            if (!await ShouldProcessAsync($"{file.FullName} ({buildType}) in Product Science project '{project}'", "Register the build").ConfigureAwait(false))
            {
                return;
            }

            Emit(await Client.SubmitBuildAsync(project, submission, file.FullName, cancellationToken).ConfigureAwait(false));
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }

    private static ProductScienceBuildType ParseBuildType(string value)
    {
        var trimmed = value?.Trim() ?? string.Empty;
        foreach (ProductScienceBuildType type in Enum.GetValues(typeof(ProductScienceBuildType)))
        {
            if (string.Equals(type.ToString(), trimmed, StringComparison.OrdinalIgnoreCase))
            {
                return type;
            }
        }

        throw ErrorRecords.InvalidArgument(
            ErrorIds.ProductScience.InvalidBuildType,
            $"-BuildType '{value}' is not a Product Science build type. Use APK or INSTRUMENTED_APK.",
            value);
    }

    private static void CheckContextId(long? contextId)
    {
        if (contextId is { } id && id < 1)
        {
            throw ErrorRecords.InvalidArgument(
                ErrorIds.ProductScience.InvalidContextId,
                $"-ContextId {id} is not an upload context id: they are positive numbers. Pipe New-UploadContext into Submit-Build, or leave -ContextId out.",
                id);
        }
    }

    /// <summary>Both build types are Android packages: anything but an .apk is refused before the disk is even read.</summary>
    private static void CheckExtension(string path)
    {
        if (string.IsNullOrWhiteSpace(path) || System.IO.Directory.Exists(path)
            || path.EndsWith(".apk", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        throw ErrorRecords.InvalidArgument(
            ErrorIds.ProductScience.UnsupportedFileType,
            $"-Path '{path}' is not an .apk file. Product Science takes Android APKs only (-BuildType APK or INSTRUMENTED_APK): give the .apk the build produced (an .aab must be turned into an APK first).",
            path);
    }

    private void FillFromCi(BuildSubmission submission)
    {
        if (NoCiMetadata)
        {
            return;
        }

        if (submission.SourceControlId is null && CiEnvironment.Detect() is { Commit: not null } ci)
        {
            submission.SourceControlId = ci.Commit;
            submission.SourceControlTimestamp ??= ci.CommitTimestamp;
            EmitVerbose($"Source control: commit {ci.Commit} from {ci.Name}.");
        }

        if (submission.SourceControlId is { } commit && submission.SourceControlTimestamp is null)
        {
            submission.SourceControlTimestamp = Git.CommitTimestamp(commit, CurrentDirectory);
            if (submission.SourceControlTimestamp is { } time)
            {
                EmitVerbose($"Source control: commit time {time:o} from git.");
            }
        }
    }
}
