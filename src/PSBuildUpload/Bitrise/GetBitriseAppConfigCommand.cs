using System.IO;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Completion;
using PSBuildUpload.Core;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// Gets an app's bitrise.yml as text, or the one a build ran with (-BuildSlug; builds pipe in by property name).
/// With -OutFile it writes the file instead, through a temporary name renamed when complete, and emits the file.
/// </summary>
[Cmdlet(VerbsCommon.Get, "BitriseAppConfig")]
[OutputType(typeof(string), typeof(FileInfo))]
public sealed class GetBitriseAppConfigCommand : BitriseCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BitriseAppSlugCompleter))]
    public string AppSlug { get; set; } = string.Empty;

    /// <summary>The build whose bitrise.yml to get (the config it ran with).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? BuildSlug { get; set; }

    /// <summary>Writes the YAML to this file instead of emitting it.</summary>
    [Parameter]
    public string? OutFile { get; set; }

    /// <summary>Overwrites an existing -OutFile.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var appSlug = ValidateSlug(AppSlug, nameof(AppSlug));
            var buildSlug = BuildSlug is null ? null : ValidateSlug(BuildSlug, nameof(BuildSlug));
            if (OutFile is null)
            {
                Emit(await Client.GetAppConfigAsync(appSlug, buildSlug, cancellationToken).ConfigureAwait(false));
                return;
            }

            Emit(await Client.SaveAppConfigAsync(appSlug, buildSlug, Target(), Force.IsPresent, cancellationToken).ConfigureAwait(false));
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }

    /// <summary>The full path -OutFile names; an empty one or a folder is refused before any request.</summary>
    private string Target()
    {
        var path = ResolvePath(OutFile!);
        if (string.IsNullOrWhiteSpace(path))
        {
            throw ErrorRecords.InvalidArgument(ErrorIds.Bitrise.InvalidDestination, "-OutFile is empty. Give the path of the file to write the YAML to, or leave -OutFile out to get the text.", OutFile);
        }

        if (Directory.Exists(path))
        {
            throw ErrorRecords.InvalidArgument(ErrorIds.Bitrise.InvalidDestination, $"-OutFile '{path}' is a folder. Give the path of a file, for example '{Path.Combine(path, "bitrise.yml")}'.", OutFile);
        }

        return Path.GetFullPath(path);
    }
}
