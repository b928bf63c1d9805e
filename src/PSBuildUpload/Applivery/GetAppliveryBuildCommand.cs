using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Completion;
using PSBuildUpload.Engine.Applivery;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Applivery;

/// <summary>
/// One build by id (GET /v1/integrations/builds/{id} on the api host), or the app's builds page by page, each
/// written as its page arrives. -OrganizationId and -ApplicationId switch to the Workspace API.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AppliveryBuild", DefaultParameterSetName = ListSet, SupportsPaging = true)]
[OutputType(typeof(AppliveryBuild))]
public sealed class GetAppliveryBuildCommand : AppliveryCmdlet
{
    private const string OneSet = "One";
    private const string ListSet = "List";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = OneSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [Alias("Id")]
    public string BuildId { get; set; } = string.Empty;

    /// <summary>With -ApplicationId: the Workspace API (service-account token).</summary>
    /// <remarks>
    /// Taken from the pipeline in the One set only: were they pipeline-bound in the List set too, a piped build
    /// would satisfy List and PowerShell would then bind the whole object to -BuildId as text.
    /// </remarks>
    [Parameter(ParameterSetName = OneSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ListSet)]
    public string? OrganizationId { get; set; }

    [Parameter(ParameterSetName = OneSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ListSet)]
    public string? ApplicationId { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    public string? VersionName { get; set; }

    /// <summary>pending, in_progress, processed or error.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ArgumentCompleter(typeof(AppliveryBuildStatusCompleter))]
    public string? Status { get; set; }

    /// <summary>ios or android.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ArgumentCompleter(typeof(AppliveryCompleter))]
    public string? Os { get; set; }

    /// <summary>Builds asked for per request (the API's limit), 1 to 100.</summary>
    [Parameter(ParameterSetName = ListSet)]
    public int PageSize { get; set; } = 50;

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var workspace = OptionalWorkspace(OrganizationId, ApplicationId);
            if (ParameterSetName == OneSet)
            {
                var buildId = AppliveryUpload.ValidateBuildId(BuildId);
                Emit(await NewClient().GetBuildAsync(buildId, workspace, cancellationToken).ConfigureAwait(false));
                return;
            }

            await ListAsync(workspace, cancellationToken).ConfigureAwait(false);
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }

    private async Task ListAsync(AppliveryWorkspace? workspace, CancellationToken cancellationToken)
    {
        var query = AppliveryClient.ValidateQuery(new AppliveryBuildQuery
        {
            VersionName = VersionName,
            Status = Status,
            Os = Os,
            PageSize = PageSize,
        });
        var skip = PagingParameters.Skip;
        var first = PagingParameters.First;
        if (first == 0)
        {
            if (PagingParameters.IncludeTotalCount)
            {
                Emit(PagingParameters.NewTotalCount(0, 0.0));
            }

            return;
        }

        // -Skip starts at the page that holds the first wanted build; only the rest of that page is skipped.
        var pageSize = (ulong)query.PageSize;
        query.FirstPage = (int)Math.Min(int.MaxValue, (skip / pageSize) + 1);
        var skipInPage = skip % pageSize;
        ulong written = 0;
        var totalWritten = false;
        await NewClient().ListBuildsAsync(query, workspace, page =>
        {
            if (PagingParameters.IncludeTotalCount && !totalWritten)
            {
                Emit(PagingParameters.NewTotalCount(page.TotalDocs is { } total ? (ulong)Math.Max(0, total) : 0, page.TotalDocs is null ? 0.0 : 1.0));
                totalWritten = true;
            }

            foreach (var build in page.Items)
            {
                if (skipInPage > 0)
                {
                    skipInPage--;
                    continue;
                }

                Emit(build);
                if (++written >= first)
                {
                    return false;
                }
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
    }
}
