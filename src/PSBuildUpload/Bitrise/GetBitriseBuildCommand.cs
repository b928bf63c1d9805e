using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Completion;
using PSBuildUpload.Core;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>The build statuses Get-BitriseBuild filters on (the API's codes 0 to 4).</summary>
public enum BitriseBuildStatusFilter
{
    /// <summary>Not finished: running or queued.</summary>
    InProgress = 0,
    Success = 1,
    Failed = 2,
    Aborted = 3,
    AbortedWithSuccess = 4,
}

/// <summary>How Get-BitriseBuild sorts.</summary>
public enum BitriseBuildSortBy
{
    /// <summary>Running builds first; the API answers this order in one piece, without paging.</summary>
    RunningFirst,
    CreatedAt,
}

/// <summary>What triggered a build.</summary>
public enum BitriseTriggerEventType
{
    Push,
    PullRequest,
    Tag,
}

/// <summary>Lists an app's builds, filtered and streamed page by page, or gets one build by slug.</summary>
[Cmdlet(VerbsCommon.Get, "BitriseBuild", DefaultParameterSetName = ListSet, SupportsPaging = true)]
[OutputType(typeof(BitriseBuild))]
public sealed class GetBitriseBuildCommand : BitriseCmdlet
{
    private const string ListSet = "List";
    private const string OneSet = "One";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BitriseAppSlugCompleter))]
    public string AppSlug { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = OneSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string BuildSlug { get; set; } = string.Empty;

    [Parameter(ParameterSetName = ListSet)]
    public BitriseBuildStatusFilter? Status { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    public string? Branch { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    [ArgumentCompleter(typeof(BitriseWorkflowCompleter))]
    public string? Workflow { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    public BitriseTriggerEventType? TriggerEventType { get; set; }

    /// <summary>Builds whose commit message contains this text.</summary>
    [Parameter(ParameterSetName = ListSet)]
    public string? CommitMessage { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    public long? BuildNumber { get; set; }

    /// <summary>Builds triggered before this time (a time without a zone is local time).</summary>
    [Parameter(ParameterSetName = ListSet)]
    public DateTime? Before { get; set; }

    /// <summary>Builds triggered after this time (a time without a zone is local time).</summary>
    [Parameter(ParameterSetName = ListSet)]
    public DateTime? After { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    public BitriseBuildSortBy? SortBy { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var app = ValidateSlug(AppSlug, nameof(AppSlug));
            if (ParameterSetName == OneSet)
            {
                Emit(await Client.GetBuildAsync(app, ValidateSlug(BuildSlug, nameof(BuildSlug)), cancellationToken).ConfigureAwait(false));
                return;
            }

            var (wanted, onItem, onTotal) = Pager<BitriseBuild>();
            await Client.ListBuildsAsync(app, Query(), wanted, onItem, onTotal, cancellationToken).ConfigureAwait(false);
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }

    private BitriseBuildQuery Query()
    {
        var before = Before is { } b ? ToUtc(b) : (DateTimeOffset?)null;
        var after = After is { } a ? ToUtc(a) : (DateTimeOffset?)null;
        if (before is { } until && after is { } since && since >= until)
        {
            throw ErrorRecords.InvalidArgument(
                ErrorIds.Bitrise.InvalidDateRange,
                $"-After ({since:u}) is not earlier than -Before ({until:u}): no build can match. Swap them, or widen the range.",
                After);
        }

        if (BuildNumber is { } number && number < 1)
        {
            throw ErrorRecords.InvalidArgument(ErrorIds.Bitrise.InvalidBuildNumber, $"-BuildNumber {number} is not a build number: they start at 1.", number);
        }

        return new BitriseBuildQuery
        {
            Status = Status is { } status ? (BitriseBuildStatus)(int)status : null,
            Branch = BitriseChecks.OptionalText(Branch, nameof(Branch)),
            Workflow = BitriseChecks.OptionalText(Workflow, nameof(Workflow)),
            CommitMessage = BitriseChecks.OptionalText(CommitMessage, nameof(CommitMessage)),
            TriggerEventType = TriggerEventType switch
            {
                BitriseTriggerEventType.Push => "push",
                BitriseTriggerEventType.PullRequest => "pull-request",
                BitriseTriggerEventType.Tag => "tag",
                _ => null,
            },
            BuildNumber = BuildNumber,
            Before = before,
            After = after,
            SortBy = SortBy switch
            {
                BitriseBuildSortBy.RunningFirst => "running_first",
                BitriseBuildSortBy.CreatedAt => "created_at",
                _ => null,
            },
        };
    }

    /// <summary>PowerShell's [datetime] "2024-05-01" has no zone: it means local time, as elsewhere in PowerShell.</summary>
    private static DateTimeOffset ToUtc(DateTime time) =>
        new(time.Kind == DateTimeKind.Utc ? time : time.ToUniversalTime(), TimeSpan.Zero);
}
