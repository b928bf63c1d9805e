using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// Turns an artifact's public install page on or off and emits the updated artifact. Only Android APKs and iOS
/// IPAs have one: any other type is refused before the change is sent.
/// </summary>
[Cmdlet(VerbsCommon.Set, "BitriseArtifact", SupportsShouldProcess = true)]
[OutputType(typeof(BitriseArtifact))]
public sealed class SetBitriseArtifactCommand : BitriseArtifactCmdlet
{
    [Parameter(Mandatory = true)]
    public bool PublicPageEnabled { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (app, build, slug) = ValidateSlugs();

            // The type decides whether the change is possible: read it from the service, not from a piped object.
            var artifact = await Client.GetArtifactAsync(app, build, slug, cancellationToken).ConfigureAwait(false);
            BitriseClient.CheckPublicPageSupported(artifact);
            var action = PublicPageEnabled ? "Enable the public install page" : "Disable the public install page";
            if (!await ShouldProcessAsync($"Bitrise artifact '{artifact.Title}' ({slug}) of build '{build}'", action).ConfigureAwait(false))
            {
                return;
            }

            Emit(await Client.SetArtifactPublicPageAsync(app, build, slug, PublicPageEnabled, cancellationToken).ConfigureAwait(false));
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
