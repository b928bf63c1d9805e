using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Completion;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>How Get-BitriseApp sorts.</summary>
public enum BitriseAppSortBy
{
    LastBuildAt,
    CreatedAt,
}

/// <summary>Lists the Bitrise apps the token can see (all, a user's or an organization's), or gets one by slug.</summary>
[Cmdlet(VerbsCommon.Get, "BitriseApp", DefaultParameterSetName = ListSet, SupportsPaging = true)]
[OutputType(typeof(BitriseApp))]
public sealed class GetBitriseAppCommand : BitriseCmdlet
{
    private const string ListSet = "List";
    private const string UserSet = "User";
    private const string OrganizationSet = "Organization";
    private const string OneSet = "One";

    /// <summary>The slug of one app to get (as in the app's URL on bitrise.io).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = OneSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BitriseAppSlugCompleter))]
    public string AppSlug { get; set; } = string.Empty;

    /// <summary>Lists the apps of this user (Get-BitriseUser shows slugs).</summary>
    [Parameter(Mandatory = true, ParameterSetName = UserSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string UserSlug { get; set; } = string.Empty;

    /// <summary>Lists the apps of this organization (Get-BitriseOrganization shows slugs).</summary>
    [Parameter(Mandatory = true, ParameterSetName = OrganizationSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string OrganizationSlug { get; set; } = string.Empty;

    /// <summary>Sorts the list by the time of the last build or of creation, newest first.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [Parameter(ParameterSetName = UserSet)]
    [Parameter(ParameterSetName = OrganizationSet)]
    public BitriseAppSortBy? SortBy { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (ParameterSetName == OneSet)
            {
                Emit(await Client.GetAppAsync(ValidateSlug(AppSlug, nameof(AppSlug)), cancellationToken).ConfigureAwait(false));
                return;
            }

            var user = ParameterSetName == UserSet ? ValidateSlug(UserSlug, nameof(UserSlug)) : null;
            var organization = ParameterSetName == OrganizationSet ? ValidateSlug(OrganizationSlug, nameof(OrganizationSlug)) : null;
            var sort = SortBy switch
            {
                BitriseAppSortBy.CreatedAt => "created_at",
                BitriseAppSortBy.LastBuildAt => "last_build_at",
                _ => null,
            };
            var (wanted, onItem, onTotal) = Pager<BitriseApp>();
            await Client.ListAppsAsync(user, organization, sort, wanted, onItem, onTotal, cancellationToken).ConfigureAwait(false);
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
