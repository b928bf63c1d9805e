using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Connection;
using PSBuildUpload.Core;
using PSBuildUpload.Engine.Bitrise;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// Changes a build certificate's password and its is_protected, is_expose and processed flags (PATCH). What the API
/// forbids is refused before the PATCH, each with its own ErrorId: unprotecting a protected certificate
/// (Bitrise.UnprotectNotAllowed), changing expose on a protected one (Bitrise.ExposeOfProtectedNotAllowed),
/// un-processing (Bitrise.UnprocessNotAllowed). The flow is <see cref="SetBitriseCodeSigningFileCommand"/>'s. The
/// password never reaches a stream.
/// </summary>
[Cmdlet(VerbsCommon.Set, "BitriseBuildCertificate", SupportsShouldProcess = true, DefaultParameterSetName = ObjectSet)]
[OutputType(typeof(BitriseBuildCertificate))]
public sealed class SetBitriseBuildCertificateCommand : SetBitriseCodeSigningFileCommand
{
    /// <summary>A certificate from Get- or Add-BitriseBuildCertificate; its flags are the state the checks use.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
    public BitriseBuildCertificate InputObject { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = SlugSet)]
    [AllowEmptyString]
    public string BuildCertificateSlug { get; set; } = string.Empty;

    /// <summary>The certificate's password (certificate_password).</summary>
    [Parameter]
    [SecretParameter]
    public SecureString? Password { get; set; }

    private protected override string Noun => "build certificate";

    private protected override string SlugParameter => nameof(BuildCertificateSlug);

    private protected override string SlugArgument => BuildCertificateSlug;

    private protected override CodeSigningItem? Piped => InputObject is null ? null : CodeSigningItem.Of(InputObject);

    private protected override string? NewPassword => Password is null ? null : ServiceDefaults.ReadSecure(Password);

    private protected override async Task<CodeSigningItem> GetAsync(BitriseClient client, string appSlug, string slug, CancellationToken cancellationToken) =>
        CodeSigningItem.Of(await client.GetBuildCertificateAsync(appSlug, slug, cancellationToken).ConfigureAwait(false));

    private protected override async Task<object> SetAsync(BitriseClient client, string appSlug, string slug, BitriseCodeSigningChange change, CancellationToken cancellationToken) =>
        await client.SetBuildCertificateAsync(appSlug, slug, change, cancellationToken).ConfigureAwait(false);
}
