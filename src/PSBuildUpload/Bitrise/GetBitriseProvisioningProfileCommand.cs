using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Completion;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// Lists an app's provisioning profiles (streamed, paged), or gets one by slug; only the one-item call carries a
/// DownloadUrl, and only for a profile that is not protected.
/// </summary>
[Cmdlet(VerbsCommon.Get, "BitriseProvisioningProfile", SupportsPaging = true)]
[OutputType(typeof(BitriseProvisioningProfile))]
public sealed class GetBitriseProvisioningProfileCommand : BitriseCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BitriseAppSlugCompleter))]
    public string AppSlug { get; set; } = string.Empty;

    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    public string? ProvisioningProfileSlug { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var appSlug = ValidateSlug(AppSlug, nameof(AppSlug));
            if (ProvisioningProfileSlug is not null)
            {
                var slug = ValidateSlug(ProvisioningProfileSlug, nameof(ProvisioningProfileSlug));
                Emit(await Client.GetProvisioningProfileAsync(appSlug, slug, cancellationToken).ConfigureAwait(false));
                return;
            }

            var (wanted, onItem, onTotal) = Pager<BitriseProvisioningProfile>();
            await Client.ListProvisioningProfilesAsync(appSlug, wanted, onItem, onTotal, cancellationToken).ConfigureAwait(false);
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
