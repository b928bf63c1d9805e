using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json.Serialization;

namespace PSBuildUpload.Engine.Bitrise;

/// <summary>A build's <c>status</c> code as the service sends it.</summary>
public enum BitriseBuildStatus
{
    /// <summary>0: not finished; running, or queued when <see cref="BitriseBuild.IsOnHold"/> is true.</summary>
    InProgress = 0,
    Success = 1,
    Failed = 2,
    Aborted = 3,
    AbortedWithSuccess = 4,
}

/// <summary>
/// A Bitrise build. <see cref="AppSlug"/>, <see cref="BuildSlug"/> and <see cref="BuildNumber"/> are named like the
/// parameters that take them, so builds pipe into Wait-, Stop-BitriseBuild, Get-BitriseBuildLog and Get-BitriseArtifact.
/// </summary>
public sealed class BitriseBuild
{
    /// <summary>The app the build belongs to; the API leaves it out of the build, the client fills it in.</summary>
    [JsonIgnore]
    public string AppSlug { get; set; } = string.Empty;

    [JsonPropertyName("slug")]
    public string BuildSlug { get; set; } = string.Empty;

    public long BuildNumber { get; set; }

    public BitriseBuildStatus Status { get; set; }

    public string? StatusText { get; set; }

    /// <summary>True while the build waits for a worker (queued): status 0 but not running yet.</summary>
    public bool IsOnHold { get; set; }

    [JsonIgnore]
    public bool IsFinished => Status != BitriseBuildStatus.InProgress;

    [JsonIgnore]
    public bool IsRunning => Status == BitriseBuildStatus.InProgress && !IsOnHold;

    [JsonIgnore]
    public bool IsQueued => Status == BitriseBuildStatus.InProgress && IsOnHold;

    public string? TriggeredWorkflow { get; set; }

    public string? PipelineWorkflowId { get; set; }

    public string? TriggeredBy { get; set; }

    public DateTimeOffset? TriggeredAt { get; set; }

    public DateTimeOffset? StartedOnWorkerAt { get; set; }

    public DateTimeOffset? EnvironmentPrepareFinishedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>From the start on a worker to the end; for a running build, the time it has run so far.</summary>
    [JsonIgnore]
    public TimeSpan? Duration => StartedOnWorkerAt is not { } started ? null
        : FinishedAt is { } finished ? finished - started
        : IsFinished ? null
        : DateTimeOffset.UtcNow - started;

    public string? Branch { get; set; }

    public string? Tag { get; set; }

    public string? CommitHash { get; set; }

    public string? CommitMessage { get; set; }

    public string? CommitViewUrl { get; set; }

    public long? PullRequestId { get; set; }

    public string? PullRequestTargetBranch { get; set; }

    public string? PullRequestViewUrl { get; set; }

    public string? AbortReason { get; set; }

    public string? StackIdentifier { get; set; }

    public string? StackConfigType { get; set; }

    public string? MachineTypeId { get; set; }

    public long? CreditCost { get; set; }

    /// <summary>The parameters the build was triggered with (branch, workflow_id, environments…), as sent.</summary>
    [JsonConverter(typeof(LooseObjectConverter))]
    public Dictionary<string, object?>? OriginalBuildParams { get; set; }

    /// <summary>"queued", "running", "success", "failed", "aborted" or "aborted with success".</summary>
    [JsonIgnore]
    public string State => Status switch
    {
        BitriseBuildStatus.InProgress => IsOnHold ? "queued" : "running",
        BitriseBuildStatus.Success => "success",
        BitriseBuildStatus.Failed => "failed",
        BitriseBuildStatus.Aborted => "aborted",
        BitriseBuildStatus.AbortedWithSuccess => "aborted with success",
        _ => ((int)Status).ToString(CultureInfo.InvariantCulture),
    };

    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "#{0} {1} ({2})", BuildNumber, TriggeredWorkflow, State);
}

/// <summary>
/// What Start-BitriseBuild emits: the triggered build's keys, so it pipes into Wait-BitriseBuild, Get-BitriseBuild,
/// Stop-BitriseBuild and Get-BitriseBuildLog.
/// </summary>
public sealed class BitriseTriggeredBuild
{
    public string AppSlug { get; set; } = string.Empty;

    public string BuildSlug { get; set; } = string.Empty;

    public long BuildNumber { get; set; }

    public string? BuildUrl { get; set; }

    public string? TriggeredWorkflow { get; set; }

    public string? TriggeredPipeline { get; set; }

    /// <summary>The service's own words ("webhook processed").</summary>
    public string? Message { get; set; }

    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "#{0} {1} {2}", BuildNumber, TriggeredWorkflow ?? TriggeredPipeline, BuildUrl);
}

/// <summary>One environment variable given to a triggered build (<c>build_params.environments[]</c>).</summary>
public sealed class BitriseBuildEnvironment
{
    public BitriseBuildEnvironment(string name, string value, bool isExpand)
    {
        Name = name;
        Value = value;
        IsExpand = isExpand;
    }

    public string Name { get; }

    public string Value { get; }

    public bool IsExpand { get; }
}

/// <summary>What to build: at least one of branch, tag, commit or workflow.</summary>
public sealed class BitriseBuildRequest
{
    public string? Branch { get; set; }

    public string? Tag { get; set; }

    public string? CommitHash { get; set; }

    public string? Workflow { get; set; }

    public string? CommitMessage { get; set; }

    public string? TriggeredBy { get; set; }

    public IList<BitriseBuildEnvironment> Environments { get; } = new List<BitriseBuildEnvironment>();
}

/// <summary>The filters and order of a build list; null members are not sent.</summary>
public sealed class BitriseBuildQuery
{
    public BitriseBuildStatus? Status { get; set; }

    public string? Branch { get; set; }

    public string? Workflow { get; set; }

    /// <summary>push, pull-request or tag.</summary>
    public string? TriggerEventType { get; set; }

    public string? CommitMessage { get; set; }

    public long? BuildNumber { get; set; }

    public DateTimeOffset? Before { get; set; }

    public DateTimeOffset? After { get; set; }

    /// <summary>running_first or created_at; running_first lists everything in one answer (the API does not page it).</summary>
    public string? SortBy { get; set; }
}

/// <summary>The trigger's answer: the seed's top-level fields, or the Swagger's <c>results[]</c>.</summary>
internal sealed class BuildTriggerResponse
{
    public string? Status { get; set; }

    public string? Message { get; set; }

    public string? Slug { get; set; }

    public string? BuildSlug { get; set; }

    public long? BuildNumber { get; set; }

    public string? BuildUrl { get; set; }

    public string? TriggeredWorkflow { get; set; }

    public List<BuildTriggerResult>? Results { get; set; }
}

internal sealed class BuildTriggerResult
{
    public string? BuildSlug { get; set; }

    public long? BuildNumber { get; set; }

    public string? BuildUrl { get; set; }

    public string? TriggeredWorkflow { get; set; }

    public string? TriggeredPipeline { get; set; }

    public string? Message { get; set; }
}

/// <summary>The answer of <c>GET …/log</c>.</summary>
internal sealed class BitriseLogInfo
{
    public long? GeneratedLogChunksNum { get; set; }

    public bool IsArchived { get; set; }

    public string? ExpiringRawLogUrl { get; set; }

    public List<BitriseLogChunk>? LogChunks { get; set; }

    /// <summary>The cursor for the next call: passed back as it came.</summary>
    [JsonConverter(typeof(OpaqueTextConverter))]
    public string? Timestamp { get; set; }
}

internal sealed class BitriseLogChunk
{
    public string? Chunk { get; set; }

    public long Position { get; set; }
}
