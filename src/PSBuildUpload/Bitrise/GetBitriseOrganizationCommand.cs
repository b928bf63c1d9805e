using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// Lists the Bitrise organizations the token's user belongs to, or gets one by slug. Organizations carry
/// OrganizationSlug, so <c>Get-BitriseOrganization | Get-BitriseApp</c> lists their apps.
/// </summary>
[Cmdlet(VerbsCommon.Get, "BitriseOrganization", DefaultParameterSetName = ListSet, SupportsPaging = true)]
[OutputType(typeof(BitriseOrganization))]
public sealed class GetBitriseOrganizationCommand : BitriseCmdlet
{
    private const string ListSet = "List";
    private const string OneSet = "One";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = OneSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string OrganizationSlug { get; set; } = string.Empty;

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (ParameterSetName == OneSet)
            {
                Emit(await Client.GetOrganizationAsync(ValidateSlug(OrganizationSlug, nameof(OrganizationSlug)), cancellationToken).ConfigureAwait(false));
                return;
            }

            var (_, onItem, onTotal) = Pager<BitriseOrganization>();
            await Client.ListOrganizationsAsync(onItem, onTotal, cancellationToken).ConfigureAwait(false);
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
