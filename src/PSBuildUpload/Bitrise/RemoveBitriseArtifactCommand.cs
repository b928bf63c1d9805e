using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>Deletes a build artifact. It cannot be undone, so PowerShell asks first unless -Confirm:$false.</summary>
[Cmdlet(VerbsCommon.Remove, "BitriseArtifact", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveBitriseArtifactCommand : BitriseArtifactCmdlet
{
    /// <summary>Shown in the confirmation when the artifact comes from the pipeline.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Title { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (app, build, slug) = ValidateSlugs();
            var named = string.IsNullOrEmpty(Title) ? $"'{slug}'" : $"'{Title}' ({slug})";
            if (!await ShouldProcessAsync($"Bitrise artifact {named} of build '{build}' in app '{app}'", "Delete").ConfigureAwait(false))
            {
                return;
            }

            await Client.RemoveArtifactAsync(app, build, slug, cancellationToken).ConfigureAwait(false);
            EmitVerbose($"Deleted artifact {named} of build '{build}'.");
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
