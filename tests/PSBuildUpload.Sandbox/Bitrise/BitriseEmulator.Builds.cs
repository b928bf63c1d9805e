using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace PSBuildUpload.Sandbox.Bitrise;

/// <summary>
/// How a build the emulator runs moves along. Each look at it (<c>GET …/builds/{slug}</c> or <c>GET …/log</c>) is
/// one poll: it stays on hold for <see cref="OnHoldPolls"/> polls, then runs for <see cref="RunningPolls"/> polls
/// (writing <see cref="ChunksPerPoll"/> log chunks each time), then ends with <see cref="FinalStatus"/>; its log is
/// archived after <see cref="ArchiveDelayPolls"/> more looks at the log. Small numbers keep tests fast.
/// </summary>
public sealed class SbBuildTimings
{
    public int OnHoldPolls { get; set; } = 1;

    /// <summary>-1: runs until aborted.</summary>
    public int RunningPolls { get; set; } = 4;

    public int ChunksPerPoll { get; set; } = 1;

    public int ArchiveDelayPolls { get; set; } = 1;

    public int FinalStatus { get; set; } = 1;

    /// <summary>Writes the chunks of each pair in reverse (1, 0, 3, 2…), as the real service sometimes does.</summary>
    public bool OutOfOrderChunks { get; set; } = true;

    /// <summary>
    /// Chunks written with a timestamp from before the cursor (a late write of an earlier second): following the
    /// cursor never returns them, only the archived log has them.
    /// </summary>
    public HashSet<long> BackdatedPositions { get; set; } = new();

    public SbBuildTimings Clone()
    {
        var copy = (SbBuildTimings)MemberwiseClone();
        copy.BackdatedPositions = new HashSet<long>(BackdatedPositions);
        return copy;
    }
}

/// <summary>A log chunk: its text and its position in the log.</summary>
public sealed record SbLogChunk(long Position, string Text);

/// <summary>A build as the emulator stores it; lock it to change it.</summary>
public sealed class SbBuild
{
    public required string AppSlug { get; init; }

    public string Slug { get; init; } = BitriseEmulator.NewSlug();

    public long BuildNumber { get; set; }

    /// <summary>0 not finished, 1 success, 2 failed, 3 aborted, 4 aborted with success.</summary>
    public int Status { get; set; }

    public bool IsOnHold { get; set; }

    public string? Branch { get; set; } = "master";

    public string? Tag { get; set; }

    public string? CommitHash { get; set; }

    public string? CommitMessage { get; set; }

    public string? CommitViewUrl { get; set; }

    public string TriggeredWorkflow { get; set; } = "primary";

    public string? TriggeredBy { get; set; }

    public DateTimeOffset TriggeredAt { get; set; } = DateTimeOffset.UtcNow;

    public DateTimeOffset? StartedOnWorkerAt { get; set; }

    public DateTimeOffset? EnvironmentPrepareFinishedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public string? AbortReason { get; set; }

    public long PullRequestId { get; set; }

    public string? PullRequestTargetBranch { get; set; }

    public string? PullRequestViewUrl { get; set; }

    public string? StackConfigType { get; set; } = "standard1";

    public string? StackIdentifier { get; set; } = "linux-docker-android";

    public JsonNode? OriginalBuildParams { get; set; }

    /// <summary>How it moves along while polled (copied from the emulator's defaults when added).</summary>
    public SbBuildTimings Timings { get; set; } = new();

    /// <summary>The whole log, in position order; written out chunk by chunk while the build runs.</summary>
    public List<SbLogChunk> LogChunks { get; set; } = new();

    /// <summary>The chunks written so far, each with the Unix time the cursor compares.</summary>
    public List<(SbLogChunk Chunk, long Timestamp)> Published { get; } = new();

    public int Polls { get; set; }

    public int LogPollsSinceFinished { get; set; }

    public List<SbArtifact> Artifacts { get; } = new();

    public bool IsFinished => Status != 0;

    public string StatusText => Status switch
    {
        0 => IsOnHold ? "on-hold" : "in-progress",
        1 => "success",
        2 => "error",
        3 => "aborted",
        4 => "aborted-with-success",
        _ => "unknown",
    };

    /// <summary>push, pull-request or tag, as the trigger_event_type filter sees it.</summary>
    public string TriggerEventType => PullRequestId > 0 ? "pull-request" : Tag is not null ? "tag" : "push";
}

/// <summary>Builds: list (filters, sorting, paging), show, trigger, abort; and the simulation of running builds.</summary>
public sealed partial class BitriseEmulator
{
    private static readonly HashSet<string> DefaultWorkflows = new(StringComparer.Ordinal) { "primary", "secondary", "deploy", "gen-apk" };

    private long _logClock = 1_534_999_279;

    /// <summary>How builds added or triggered from now on move along.</summary>
    public SbBuildTimings BuildTimings { get; } = new();

    /// <summary>The workflows a trigger may name; any other answers 2xx with <c>"status":"error"</c>.</summary>
    public HashSet<string> Workflows { get; } = new(DefaultWorkflows, StringComparer.Ordinal);

    /// <summary>The answer shape of a trigger: the document's top-level fields, or only the Swagger's results[].</summary>
    public bool TriggerAnswersWithResultsOnly { get; set; }

    public ConcurrentDictionary<string, SbBuild> Builds { get; } = new();

    /// <summary>Adds a build: numbered after the app's last one unless it has a number; a finished build gets its whole log.</summary>
    public SbBuild AddBuild(SbBuild build)
    {
        ArgumentNullException.ThrowIfNull(build);
        lock (Builds)
        {
            if (build.BuildNumber == 0)
            {
                build.BuildNumber = Builds.Values.Where(b => b.AppSlug == build.AppSlug).Select(b => b.BuildNumber).DefaultIfEmpty(0).Max() + 1;
            }

            if (build.LogChunks.Count == 0)
            {
                build.LogChunks = DocumentLogChunks();
            }

            if (build.IsFinished && build.StartedOnWorkerAt is not null && build.Published.Count == 0)
            {
                var stamp = NextLogTimestamp();
                build.Published.AddRange(build.LogChunks.Select(c => (c, stamp)));
            }

            Builds[build.Slug] = build;
            RecordBuildConfig(build.AppSlug, build.Slug);
        }

        return build;
    }

    /// <summary>The builds of an app, newest first.</summary>
    public IReadOnlyList<SbBuild> BuildsOf(string appSlug) =>
        Builds.Values.Where(b => b.AppSlug == appSlug).OrderByDescending(b => b.BuildNumber).ToArray();

    /// <summary>The document's six log chunks.</summary>
    public static List<SbLogChunk> DocumentLogChunks()
    {
        using var document = JsonDocument.Parse(BitriseDocumentExamples.LogChunks);
        return document.RootElement.EnumerateArray()
            .Select(c => new SbLogChunk(c.GetProperty("position").GetInt64(), c.GetProperty("chunk").GetString()!))
            .ToList();
    }

    private void MapBuilds(RouteGroupBuilder api)
    {
        SeedDocumentBuilds();
        api.MapGet("/apps/{appSlug}/builds", (HttpContext c, string appSlug) => Authorized(c, () => ListBuilds(c, appSlug)));
        api.MapGet("/apps/{appSlug}/builds/{buildSlug}", (HttpContext c, string appSlug, string buildSlug) => Authorized(c, () =>
        {
            if (FindBuild(appSlug, buildSlug) is not { } build)
            {
                return NotFound("Not Found");
            }

            lock (build)
            {
                Advance(build);
                return Data(BuildJson(build));
            }
        }));
        api.MapPost("/apps/{appSlug}/builds", async (HttpContext c, string appSlug) =>
        {
            var body = await ReadJsonAsync(c);
            return Authorized(c, () => TriggerBuild(appSlug, body));
        });
        api.MapPost("/apps/{appSlug}/builds/{buildSlug}/abort", async (HttpContext c, string appSlug, string buildSlug) =>
        {
            var body = await ReadJsonAsync(c);
            return Authorized(c, () => AbortBuild(appSlug, buildSlug, body));
        });
    }

    internal SbBuild? FindBuild(string appSlug, string buildSlug) =>
        Apps.ContainsKey(appSlug) && Builds.TryGetValue(buildSlug, out var build) && build.AppSlug == appSlug ? build : null;

    internal static async Task<JsonNode?> ReadJsonAsync(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static IResult BadRequest(string message) => Results.Json(new { message }, Json, statusCode: 400);

    internal long NextLogTimestamp() => System.Threading.Interlocked.Increment(ref _logClock);

    private IResult ListBuilds(HttpContext context, string appSlug)
    {
        if (!Apps.ContainsKey(appSlug))
        {
            return NotFound("Not Found");
        }

        var query = context.Request.Query;
        IEnumerable<SbBuild> builds = BuildsOf(appSlug);
        if (query.ContainsKey("status"))
        {
            if (!int.TryParse(query["status"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var status) || status is < 0 or > 4)
            {
                return BadRequest("Invalid status: it must be between 0 and 4");
            }

            builds = builds.Where(b => b.Status == status);
        }

        foreach (var (name, filter) in new (string, Func<SbBuild, string, bool>)[]
        {
            ("branch", (b, v) => b.Branch == v),
            ("workflow", (b, v) => b.TriggeredWorkflow == v),
            ("trigger_event_type", (b, v) => b.TriggerEventType == v),
            ("commit_message", (b, v) => b.CommitMessage?.Contains(v, StringComparison.Ordinal) == true),
        })
        {
            var value = query[name].ToString();
            if (value.Length > 0)
            {
                builds = builds.Where(b => filter(b, value));
            }
        }

        foreach (var (name, filter) in new (string, Func<SbBuild, long, bool>)[]
        {
            ("build_number", (b, v) => b.BuildNumber == v),
            ("pull_request_id", (b, v) => b.PullRequestId == v),
            ("before", (b, v) => b.TriggeredAt.ToUnixTimeSeconds() < v),
            ("after", (b, v) => b.TriggeredAt.ToUnixTimeSeconds() > v),
        })
        {
            if (!query.ContainsKey(name))
            {
                continue;
            }

            if (!long.TryParse(query[name], NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            {
                return BadRequest($"Invalid {name}: it must be an integer");
            }

            builds = builds.Where(b => filter(b, number));
        }

        var sortBy = query["sort_by"].ToString();
        switch (sortBy)
        {
            case "":
            case "created_at":
                builds = builds.OrderByDescending(b => b.TriggeredAt).ThenByDescending(b => b.BuildNumber);
                break;
            case "running_first":
                if (query.ContainsKey("limit") || query.ContainsKey("next"))
                {
                    return BadRequest("Sorting by running_first doesn't support paging parameters");
                }

                builds = builds.OrderBy(b => b.IsFinished).ThenByDescending(b => b.TriggeredAt).ThenByDescending(b => b.BuildNumber);
                break;
            default:
                return BadRequest("Invalid sort_by: it must be running_first or created_at");
        }

        return Page(context, builds.ToList(), b => { lock (b) { return BuildJson(b); } }, b => b.Slug, pageable: sortBy != "running_first");
    }

    private IResult TriggerBuild(string appSlug, JsonNode? body)
    {
        if (!Apps.TryGetValue(appSlug, out var app))
        {
            return NotFound("Not Found");
        }

        if (body is not JsonObject root || root["hook_info"]?["type"]?.GetValue<string>() != "bitrise")
        {
            return BadRequest("hook_info.type must be \"bitrise\"");
        }

        if (root["build_params"] is not JsonObject parameters)
        {
            return BadRequest("build_params is missing");
        }

        string? Text(string name) => parameters[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
        var branch = Text("branch");
        var tag = Text("tag");
        var commit = Text("commit_hash");
        var workflow = Text("workflow_id");
        if (branch is null && tag is null && commit is null && workflow is null)
        {
            return Results.Json(new { status = "error", message = "Either branch, tag, commit_hash or workflow_id must be specified" }, Json, statusCode: 200);
        }

        workflow ??= "primary";
        if (!Workflows.Contains(workflow))
        {
            // The real service answers such a trigger with a 2xx whose body says it failed.
            return Results.Json(new { status = "error", message = $"Failed to get config (bitrise.yml) from repository, error: workflow ({workflow}) not found in bitrise.yml" }, Json, statusCode: 201);
        }

        if (parameters["environments"] is { } environments)
        {
            if (environments is not JsonArray list || list.Any(e => e is not JsonObject o || o["mapped_to"] is null || o["value"] is null))
            {
                return BadRequest("build_params.environments must be a list of {mapped_to, value, is_expand}");
            }
        }

        var build = AddBuild(new SbBuild
        {
            AppSlug = appSlug,
            Branch = branch,
            Tag = tag,
            CommitHash = commit,
            CommitMessage = Text("commit_message"),
            TriggeredWorkflow = workflow,
            TriggeredBy = root["triggered_by"] is JsonValue by && by.TryGetValue<string>(out var who) ? who : null,
            IsOnHold = true,
            OriginalBuildParams = parameters.DeepClone(),
            Timings = BuildTimings.Clone(),
        });
        app.LastBuildAt = build.TriggeredAt;
        var url = "https://app.bitrise.io/build/" + build.Slug;
        object answer = TriggerAnswersWithResultsOnly
            ? new
            {
                message = "webhook processed",
                results = new[] { new { build_number = build.BuildNumber, build_slug = build.Slug, build_url = url, message = "webhook processed", status = "ok", triggered_workflow = workflow } },
                service = "bitrise",
                slug = appSlug,
                status = "ok",
            }
            : new
            {
                build_number = build.BuildNumber,
                build_slug = build.Slug,
                build_url = url,
                message = "webhook processed",
                service = "bitrise",
                slug = appSlug,
                status = "ok",
                triggered_workflow = workflow,
            };
        return Results.Json(answer, Json, statusCode: 201);
    }

    private IResult AbortBuild(string appSlug, string buildSlug, JsonNode? body)
    {
        if (FindBuild(appSlug, buildSlug) is not { } build)
        {
            return NotFound("Not Found");
        }

        // The Swagger marks all three fields required.
        if (body is not JsonObject root
            || root["abort_reason"] is not JsonValue reason || !reason.TryGetValue<string>(out var reasonText)
            || root["abort_with_success"] is not JsonValue success || !success.TryGetValue<bool>(out var withSuccess)
            || root["skip_notifications"] is not JsonValue skip || !skip.TryGetValue<bool>(out _))
        {
            return BadRequest("abort_reason (string), abort_with_success (bool) and skip_notifications (bool) are required");
        }

        lock (build)
        {
            if (build.IsFinished)
            {
                return Results.Json(new { error_msg = "Build already finished, can't abort it." }, Json, statusCode: 400);
            }

            build.Status = withSuccess ? 4 : 3;
            build.IsOnHold = false;
            build.FinishedAt = DateTimeOffset.UtcNow;
            build.AbortReason = $"User {Me.Name} requested to abort this build with reason: {reasonText}";
        }

        return Results.Json(new { status = "ok" }, Json);
    }

    /// <summary>One poll of a build: on hold, then running (writing log chunks), then finished.</summary>
    internal void Advance(SbBuild build)
    {
        if (build.IsFinished)
        {
            return;
        }

        build.Polls++;
        var timings = build.Timings;
        long Stamp(SbLogChunk chunk, long now) => timings.BackdatedPositions.Contains(chunk.Position) ? now - 100 : now;
        if (build.IsOnHold)
        {
            if (build.Polls <= timings.OnHoldPolls)
            {
                return;
            }

            build.IsOnHold = false;
            build.StartedOnWorkerAt = DateTimeOffset.UtcNow;
            build.EnvironmentPrepareFinishedAt = DateTimeOffset.UtcNow;
        }

        build.StartedOnWorkerAt ??= DateTimeOffset.UtcNow;
        var order = PublishOrder(build);
        var stamp = NextLogTimestamp();
        foreach (var chunk in order.Take(Math.Max(1, timings.ChunksPerPoll)))
        {
            build.Published.Add((chunk, Stamp(chunk, stamp)));
        }

        var ran = build.Polls - timings.OnHoldPolls;
        if (timings.RunningPolls >= 0 && ran >= timings.RunningPolls)
        {
            var last = NextLogTimestamp();
            foreach (var chunk in PublishOrder(build))
            {
                build.Published.Add((chunk, Stamp(chunk, last)));
            }

            build.Status = timings.FinalStatus;
            build.FinishedAt = DateTimeOffset.UtcNow;
        }
    }

    /// <summary>The chunks not written yet, in the order the build writes them.</summary>
    private static List<SbLogChunk> PublishOrder(SbBuild build)
    {
        var written = build.Published.Select(p => p.Chunk.Position).ToHashSet();
        var rest = build.LogChunks.Where(c => !written.Contains(c.Position)).OrderBy(c => c.Position).ToList();
        if (!build.Timings.OutOfOrderChunks)
        {
            return rest;
        }

        var swapped = new List<SbLogChunk>(rest.Count);
        for (var i = 0; i < rest.Count; i += 2)
        {
            if (i + 1 < rest.Count)
            {
                swapped.Add(rest[i + 1]);
            }

            swapped.Add(rest[i]);
        }

        return swapped;
    }

    private void SeedDocumentBuilds()
    {
        AddApp(new SbApp
        {
            Slug = BitriseDocumentExamples.AppSlug,
            Title = "sample-apps-android-sdk22",
            ProjectType = "android",
            Owner = Me,
            RepoSlug = "sample-apps-android-sdk22",
            RepoUrl = "https://github.com/bitrise-samples/sample-apps-android-sdk22.git",
        });
        using var document = JsonDocument.Parse(BitriseDocumentExamples.Builds);
        foreach (var item in document.RootElement.EnumerateArray())
        {
            string? S(string name) => item.GetProperty(name).ValueKind == JsonValueKind.String ? item.GetProperty(name).GetString() : null;
            DateTimeOffset? T(string name) => S(name) is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : null;
            var timings = BuildTimings.Clone();
            timings.ArchiveDelayPolls = 0;
            AddBuild(new SbBuild
            {
                AppSlug = BitriseDocumentExamples.AppSlug,
                Slug = S("slug")!,
                BuildNumber = item.GetProperty("build_number").GetInt64(),
                Status = item.GetProperty("status").GetInt32(),
                IsOnHold = item.GetProperty("is_on_hold").GetBoolean(),
                Branch = S("branch"),
                Tag = S("tag"),
                CommitHash = S("commit_hash"),
                CommitMessage = S("commit_message"),
                CommitViewUrl = S("commit_view_url"),
                TriggeredWorkflow = S("triggered_workflow") ?? "primary",
                TriggeredBy = S("triggered_by"),
                TriggeredAt = T("triggered_at")!.Value,
                StartedOnWorkerAt = T("started_on_worker_at"),
                EnvironmentPrepareFinishedAt = T("environment_prepare_finished_at"),
                FinishedAt = T("finished_at"),
                AbortReason = S("abort_reason"),
                PullRequestId = item.GetProperty("pull_request_id").GetInt64(),
                PullRequestTargetBranch = S("pull_request_target_branch"),
                PullRequestViewUrl = S("pull_request_view_url"),
                StackConfigType = S("stack_config_type"),
                StackIdentifier = S("stack_identifier"),
                OriginalBuildParams = JsonNode.Parse(item.GetProperty("original_build_params").GetRawText()),
                Timings = timings,
            });
        }

        SeedDocumentArtifacts();
    }

    private static string? Time(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    internal static object BuildJson(SbBuild b) => new
    {
        abort_reason = b.AbortReason,
        branch = b.Branch,
        build_number = b.BuildNumber,
        commit_hash = b.CommitHash,
        commit_message = b.CommitMessage,
        commit_view_url = b.CommitViewUrl,
        environment_prepare_finished_at = Time(b.EnvironmentPrepareFinishedAt),
        finished_at = Time(b.FinishedAt),
        is_on_hold = b.IsOnHold,
        original_build_params = b.OriginalBuildParams?.DeepClone(),
        pull_request_id = b.PullRequestId,
        pull_request_target_branch = b.PullRequestTargetBranch,
        pull_request_view_url = b.PullRequestViewUrl,
        slug = b.Slug,
        stack_config_type = b.StackConfigType,
        stack_identifier = b.StackIdentifier,
        started_on_worker_at = Time(b.StartedOnWorkerAt),
        status = b.Status,
        status_text = b.StatusText,
        tag = b.Tag,
        triggered_at = Time(b.TriggeredAt),
        triggered_by = b.TriggeredBy,
        triggered_workflow = b.TriggeredWorkflow,
    };
}
