using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Completion;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// Lists an app's build certificates (.p12) (streamed, paged), or gets one by slug; only the one-item call carries a
/// DownloadUrl, and only for a certificate that is not protected. The password is never shown: HasCertificatePassword
/// says whether one is set.
/// </summary>
[Cmdlet(VerbsCommon.Get, "BitriseBuildCertificate", SupportsPaging = true)]
[OutputType(typeof(BitriseBuildCertificate))]
public sealed class GetBitriseBuildCertificateCommand : BitriseCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BitriseAppSlugCompleter))]
    public string AppSlug { get; set; } = string.Empty;

    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    public string? BuildCertificateSlug { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var appSlug = ValidateSlug(AppSlug, nameof(AppSlug));
            if (BuildCertificateSlug is not null)
            {
                var slug = ValidateSlug(BuildCertificateSlug, nameof(BuildCertificateSlug));
                Emit(await Client.GetBuildCertificateAsync(appSlug, slug, cancellationToken).ConfigureAwait(false));
                return;
            }

            var (wanted, onItem, onTotal) = Pager<BitriseBuildCertificate>();
            await Client.ListBuildCertificatesAsync(appSlug, wanted, onItem, onTotal, cancellationToken).ConfigureAwait(false);
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
