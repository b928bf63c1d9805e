using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Core;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// Downloads artifacts into a folder under their titles (made safe: a title never leads outside the folder),
/// streamed with progress, and emits where each went with its SHA-256. An existing file is an error unless -Force;
/// two artifacts of one command with the same title both arrive (the later one with its slug in its name).
/// </summary>
[Cmdlet(VerbsData.Save, "BitriseArtifact")]
[OutputType(typeof(SavedBitriseArtifact))]
public sealed class SaveBitriseArtifactCommand : BitriseArtifactCmdlet
{
    /// <summary>The folder to save into (created when missing).</summary>
    [Parameter(Mandatory = true)]
    [AllowEmptyString]
    public string Destination { get; set; } = string.Empty;

    /// <summary>Replaces a file of the same name.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>What this command saved so far (full path → artifact slug); one command never replaces its own files.</summary>
    private readonly Dictionary<string, string> _saved = new(StringComparer.OrdinalIgnoreCase);

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (app, build, slug) = ValidateSlugs();
            if (string.IsNullOrWhiteSpace(Destination))
            {
                throw new BuildServiceException(
                    ErrorIds.Bitrise.InvalidDestination,
                    ErrorKind.InvalidArgument,
                    "-Destination is empty. Give the folder to save the artifacts in, for example -Destination ./out.",
                    Destination)
                {
                    IsTerminating = true,
                };
            }

            Emit(await Client.SaveArtifactAsync(app, build, slug, ResolvePath(Destination), Force, _saved, cancellationToken).ConfigureAwait(false));
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
