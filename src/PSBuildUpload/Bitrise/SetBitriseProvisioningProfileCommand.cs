using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Bitrise;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// Changes a provisioning profile's is_protected, is_expose and processed flags (PATCH). What the API forbids is
/// refused before the PATCH, each with its own ErrorId: unprotecting a protected profile
/// (Bitrise.UnprotectNotAllowed), changing expose on a protected one (Bitrise.ExposeOfProtectedNotAllowed),
/// un-processing (Bitrise.UnprocessNotAllowed). The flow is <see cref="SetBitriseCodeSigningFileCommand"/>'s.
/// </summary>
[Cmdlet(VerbsCommon.Set, "BitriseProvisioningProfile", SupportsShouldProcess = true, DefaultParameterSetName = ObjectSet)]
[OutputType(typeof(BitriseProvisioningProfile))]
public sealed class SetBitriseProvisioningProfileCommand : SetBitriseCodeSigningFileCommand
{
    /// <summary>A profile from Get- or Add-BitriseProvisioningProfile; its flags are the state the checks use.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
    public BitriseProvisioningProfile InputObject { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = SlugSet)]
    [AllowEmptyString]
    public string ProvisioningProfileSlug { get; set; } = string.Empty;

    private protected override string Noun => "provisioning profile";

    private protected override string SlugParameter => nameof(ProvisioningProfileSlug);

    private protected override string SlugArgument => ProvisioningProfileSlug;

    private protected override CodeSigningItem? Piped => InputObject is null ? null : CodeSigningItem.Of(InputObject);

    private protected override async Task<CodeSigningItem> GetAsync(BitriseClient client, string appSlug, string slug, CancellationToken cancellationToken) =>
        CodeSigningItem.Of(await client.GetProvisioningProfileAsync(appSlug, slug, cancellationToken).ConfigureAwait(false));

    private protected override async Task<object> SetAsync(BitriseClient client, string appSlug, string slug, BitriseCodeSigningChange change, CancellationToken cancellationToken) =>
        await client.SetProvisioningProfileAsync(appSlug, slug, change, cancellationToken).ConfigureAwait(false);
}
