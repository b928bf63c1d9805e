using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Completion;
using PSBuildUpload.Connection;
using PSBuildUpload.Core;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// Changes a build certificate's password and its is_protected, is_expose and processed flags (PATCH). What the API
/// forbids is refused before the PATCH, each with its own ErrorId: unprotecting a protected certificate
/// (Bitrise.UnprotectNotAllowed), changing expose on a protected one (Bitrise.ExposeOfProtectedNotAllowed),
/// un-processing (Bitrise.UnprocessNotAllowed). A piped certificate's own state is used, so nothing at all is sent
/// for a refused change; given by slugs, the certificate is read first. The password never reaches a stream.
/// </summary>
[Cmdlet(VerbsCommon.Set, "BitriseBuildCertificate", SupportsShouldProcess = true, DefaultParameterSetName = ObjectSet)]
[OutputType(typeof(BitriseBuildCertificate))]
public sealed class SetBitriseBuildCertificateCommand : BitriseCmdlet
{
    private const string SlugSet = "Slug";
    private const string ObjectSet = "Object";

    /// <summary>A certificate from Get- or Add-BitriseBuildCertificate; its flags are the state the checks use.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
    public BitriseBuildCertificate InputObject { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = SlugSet)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BitriseAppSlugCompleter))]
    public string AppSlug { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = SlugSet)]
    [AllowEmptyString]
    public string BuildCertificateSlug { get; set; } = string.Empty;

    /// <summary>The certificate's password (certificate_password).</summary>
    [Parameter]
    [SecretParameter]
    public SecureString? Password { get; set; }

    /// <summary>-Protected protects the certificate for good (its file can no longer be downloaded); -Protected:$false is refused on a protected one.</summary>
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
            var slug = ValidateSlug(known?.BuildCertificateSlug ?? BuildCertificateSlug, nameof(BuildCertificateSlug));
            var password = Password is null ? null : ServiceDefaults.ReadSecure(Password);
            var change = CodeSigningChanges.From(MyInvocation.BoundParameters, Protected, Exposed, Processed, password);
            var what = $"build certificate {slug} of app {appSlug}";
            BitriseClient.CheckChange(change, known?.IsProtected ?? false, known?.IsExpose ?? false, known?.Processed ?? false, what, slug);
            if (!await ShouldProcessAsync(what, CodeSigningChanges.Describe(change)).ConfigureAwait(false))
            {
                return;
            }

            var client = Client;
            if (known is null)
            {
                var current = await client.GetBuildCertificateAsync(appSlug, slug, cancellationToken).ConfigureAwait(false);
                BitriseClient.CheckChange(change, current.IsProtected, current.IsExpose, current.Processed, what, slug);
            }

            Emit(await client.SetBuildCertificateAsync(appSlug, slug, change, cancellationToken).ConfigureAwait(false));
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
