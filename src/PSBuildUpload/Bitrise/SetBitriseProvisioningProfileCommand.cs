using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Completion;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// Changes a provisioning profile's is_protected, is_expose and processed flags (PATCH). What the API forbids is
/// refused before the PATCH, each with its own ErrorId: unprotecting a protected profile
/// (Bitrise.UnprotectNotAllowed), changing expose on a protected one (Bitrise.ExposeOfProtectedNotAllowed),
/// un-processing (Bitrise.UnprocessNotAllowed). A piped profile's own state is used, so nothing at all is sent
/// for a refused change; given by slugs, the profile is read first.
/// </summary>
[Cmdlet(VerbsCommon.Set, "BitriseProvisioningProfile", SupportsShouldProcess = true, DefaultParameterSetName = ObjectSet)]
[OutputType(typeof(BitriseProvisioningProfile))]
public sealed class SetBitriseProvisioningProfileCommand : BitriseCmdlet
{
    private const string SlugSet = "Slug";
    private const string ObjectSet = "Object";

    /// <summary>A profile from Get- or Add-BitriseProvisioningProfile; its flags are the state the checks use.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
    public BitriseProvisioningProfile InputObject { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = SlugSet)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BitriseAppSlugCompleter))]
    public string AppSlug { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = SlugSet)]
    [AllowEmptyString]
    public string ProvisioningProfileSlug { get; set; } = string.Empty;

    /// <summary>-Protected protects the profile for good (its file can no longer be downloaded); -Protected:$false is refused on a protected one.</summary>
    [Parameter]
    public SwitchParameter Protected { get; set; }

    /// <summary>-Exposed / -Exposed:$false: whether builds of pull requests from forks may use it.</summary>
    [Parameter]
    public SwitchParameter Exposed { get; set; }

    /// <summary>-Processed marks it processed (as confirming the upload does); -Processed:$false is refused on a processed one.</summary>
    [Parameter]
    public SwitchParameter Processed { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var known = ParameterSetName == ObjectSet ? InputObject : null;
            var appSlug = ValidateSlug(known?.AppSlug ?? AppSlug, nameof(AppSlug));
            var slug = ValidateSlug(known?.ProvisioningProfileSlug ?? ProvisioningProfileSlug, nameof(ProvisioningProfileSlug));
            var change = CodeSigningChanges.From(MyInvocation.BoundParameters, Protected, Exposed, Processed, null);
            var what = $"provisioning profile {slug} of app {appSlug}";
            BitriseClient.CheckChange(change, known?.IsProtected ?? false, known?.IsExpose ?? false, known?.Processed ?? false, what, slug);
            if (!await ShouldProcessAsync(what, CodeSigningChanges.Describe(change)).ConfigureAwait(false))
            {
                return;
            }

            var client = Client;
            if (known is null)
            {
                var current = await client.GetProvisioningProfileAsync(appSlug, slug, cancellationToken).ConfigureAwait(false);
                BitriseClient.CheckChange(change, current.IsProtected, current.IsExpose, current.Processed, what, slug);
            }

            Emit(await client.SetProvisioningProfileAsync(appSlug, slug, change, cancellationToken).ConfigureAwait(false));
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
