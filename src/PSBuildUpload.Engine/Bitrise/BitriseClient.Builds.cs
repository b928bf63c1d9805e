using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Diagnostics;
using PSBuildUpload.Engine.Errors;
using PSBuildUpload.Engine.Http;

namespace PSBuildUpload.Engine.Bitrise;

/// <summary>Builds: list, get, trigger, abort, wait.</summary>
public sealed partial class BitriseClient
{
    /// <summary>How long aborting a build may take when the wait for it was stopped (Ctrl+C): the pipeline waits for it.</summary>
    private static readonly TimeSpan AbortOnStopLimit = TimeSpan.FromSeconds(20);

    private static int _nextWaitActivityId = 8000;

    /// <summary>An app's builds, streamed page by page (newest first unless <see cref="BitriseBuildQuery.SortBy"/> says otherwise).</summary>
    public Task ListBuildsAsync(string appSlug, BitriseBuildQuery query, long? wanted, Func<BitriseBuild, bool> onItem, Action<long?>? onTotal, CancellationToken cancellationToken)
    {
        if (query is null)
        {
            throw new ArgumentNullException(nameof(query));
        }

        if (onItem is null)
        {
            throw new ArgumentNullException(nameof(onItem));
        }

        var parameters = new List<KeyValuePair<string, string?>>();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                parameters.Add(new KeyValuePair<string, string?>(name, value));
            }
        }

        Add("status", query.Status is { } status ? ((int)status).ToString(CultureInfo.InvariantCulture) : null);
        Add("branch", query.Branch);
        Add("workflow", query.Workflow);
        Add("trigger_event_type", query.TriggerEventType);
        Add("commit_message", query.CommitMessage);
        Add("build_number", query.BuildNumber?.ToString(CultureInfo.InvariantCulture));
        Add("before", query.Before?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        Add("after", query.After?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        Add("sort_by", query.SortBy);

        // The document: "Sorting the list by running_first doesn't support paging parameters."
        var pageable = !string.Equals(query.SortBy, "running_first", StringComparison.Ordinal);
        return ListAsync<BitriseBuild>(
            $"apps/{Segment(appSlug)}/builds",
            parameters,
            wanted,
            build =>
            {
                build.AppSlug = appSlug;
                return onItem(build);
            },
            onTotal,
            AppNotFound(appSlug),
            cancellationToken,
            pageable);
    }

    public async Task<BitriseBuild> GetBuildAsync(string appSlug, string buildSlug, CancellationToken cancellationToken)
    {
        var build = await GetDataAsync<BitriseBuild>(BuildPath(appSlug, buildSlug), BuildNotFound(appSlug, buildSlug), cancellationToken).ConfigureAwait(false);
        build.AppSlug = appSlug;
        return build;
    }

    /// <summary>
    /// Triggers a build. Sent once: the retry loop repeats a POST only when the service surely did not act (refused
    /// connection, 429, 503), and a 2xx answer with <c>"status":"error"</c> is a failure.
    /// </summary>
    public async Task<IReadOnlyList<BitriseTriggeredBuild>> TriggerBuildAsync(string appSlug, BitriseBuildRequest build, CancellationToken cancellationToken)
    {
        if (build is null)
        {
            throw new ArgumentNullException(nameof(build));
        }

        var buildParams = new Dictionary<string, object?>();
        void Set(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                buildParams[name] = value;
            }
        }

        Set("branch", build.Branch);
        Set("tag", build.Tag);
        Set("commit_hash", build.CommitHash);
        Set("workflow_id", build.Workflow);
        Set("commit_message", build.CommitMessage);
        if (build.Environments.Count > 0)
        {
            buildParams["environments"] = build.Environments
                .Select(e => new Dictionary<string, object?> { ["mapped_to"] = e.Name, ["value"] = e.Value, ["is_expand"] = e.IsExpand })
                .ToList();
        }

        var body = new Dictionary<string, object?>
        {
            ["hook_info"] = new Dictionary<string, object?> { ["type"] = "bitrise" },
            ["build_params"] = buildParams,
        };
        if (!string.IsNullOrEmpty(build.TriggeredBy))
        {
            body["triggered_by"] = build.TriggeredBy;
        }

        var request = new ApiRequest(HttpMethod.Post, Api($"apps/{Segment(appSlug)}/builds"))
        {
            JsonBody = Serialize(body),
            CreatesResource = true,
            Target = appSlug,
            NotFoundMessage = AppNotFound(appSlug),
        };
        var answer = await SendJsonAsync(request, r => Deserialize<BuildTriggerResponse>(r), cancellationToken).ConfigureAwait(false);

        var triggered = new List<BitriseTriggeredBuild>();
        if (!string.IsNullOrEmpty(answer.BuildSlug))
        {
            triggered.Add(new BitriseTriggeredBuild
            {
                AppSlug = appSlug,
                BuildSlug = answer.BuildSlug!,
                BuildNumber = answer.BuildNumber ?? 0,
                BuildUrl = answer.BuildUrl,
                TriggeredWorkflow = answer.TriggeredWorkflow,
                Message = answer.Message,
            });
        }
        else
        {
            // The Swagger's shape: the top-level fields are deprecated in favour of results[].
            foreach (var result in answer.Results ?? new List<BuildTriggerResult>())
            {
                if (string.IsNullOrEmpty(result.BuildSlug))
                {
                    continue;
                }

                triggered.Add(new BitriseTriggeredBuild
                {
                    AppSlug = appSlug,
                    BuildSlug = result.BuildSlug!,
                    BuildNumber = result.BuildNumber ?? 0,
                    BuildUrl = result.BuildUrl,
                    TriggeredWorkflow = result.TriggeredWorkflow,
                    TriggeredPipeline = result.TriggeredPipeline,
                    Message = result.Message ?? answer.Message,
                });
            }
        }

        if (triggered.Count == 0)
        {
            throw InvalidResponse(request, 201, "no build slug (neither 'build_slug' nor 'results[].build_slug'); the build may still have been started: check Get-BitriseBuild before triggering again");
        }

        return triggered;
    }

    /// <summary>
    /// Aborts a build. All three fields are always sent (the Swagger marks them required). A build that already
    /// finished is refused by the service: that is a <see cref="ErrorIds.Bitrise.AbortRefused"/> with its words.
    /// </summary>
    public async Task AbortBuildAsync(string appSlug, string buildSlug, string? reason, bool abortWithSuccess, bool skipNotifications, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, object?>
        {
            ["abort_reason"] = reason ?? string.Empty,
            ["abort_with_success"] = abortWithSuccess,
            ["skip_notifications"] = skipNotifications,
        };
        var request = new ApiRequest(HttpMethod.Post, Api(BuildPath(appSlug, buildSlug) + "/abort"))
        {
            JsonBody = Serialize(body),
            // It creates nothing: repeating it at worst finds the build already aborted, which is checked below.
            CreatesResource = false,
            Target = buildSlug,
            NotFoundMessage = BuildNotFound(appSlug, buildSlug),
        };
        try
        {
            await SendJsonAsync(request, _ => true, cancellationToken).ConfigureAwait(false);
        }
        catch (BuildServiceException e) when (IsRefusal(e))
        {
            if (request.EarlierTryMayHaveActed)
            {
                // Refused as finished after a try whose answer was lost: that try may be what aborted it.
                var now = await GetBuildAsync(appSlug, buildSlug, cancellationToken).ConfigureAwait(false);
                if (now.Status is BitriseBuildStatus.Aborted or BitriseBuildStatus.AbortedWithSuccess)
                {
                    Observer.Verbose($"Build '{buildSlug}' is aborted: an earlier try aborted it before its answer was lost.");
                    return;
                }
            }

            var said = e.ServerMessage ?? "no reason given";
            throw new BuildServiceException(
                ErrorIds.Bitrise.AbortRefused,
                ErrorKind.InvalidOperation,
                Redactor.Scrub($"Bitrise did not abort build '{buildSlug}' of app '{appSlug}': {said.TrimEnd('.')}. A build that has finished cannot be aborted (Get-BitriseBuild -AppSlug {appSlug} -BuildSlug {buildSlug} shows its status)."),
                buildSlug,
                e)
            {
                ServerMessage = e.ServerMessage,
                StatusCode = e.StatusCode,
            };
        }
    }

    /// <summary>
    /// Polls a build until it finishes and returns it, reporting progress. On timeout, and with
    /// <paramref name="abortOnTimeout"/> also when <paramref name="cancellationToken"/> is cancelled (Ctrl+C), the
    /// remote build is aborted so that it does not go on using credits.
    /// </summary>
    public async Task<BitriseBuild> WaitForBuildAsync(string appSlug, string buildSlug, TimeSpan? timeout, TimeSpan pollInterval, bool abortOnTimeout, CancellationToken cancellationToken)
    {
        var activityId = Interlocked.Increment(ref _nextWaitActivityId);
        var stopwatch = Stopwatch.StartNew();
        var activity = $"Waiting for Bitrise build '{buildSlug}'";
        try
        {
            while (true)
            {
                var build = await GetBuildAsync(appSlug, buildSlug, cancellationToken).ConfigureAwait(false);
                activity = string.Format(CultureInfo.InvariantCulture, "Waiting for Bitrise build #{0} ({1})", build.BuildNumber, build.TriggeredWorkflow ?? buildSlug);
                if (build.IsFinished)
                {
                    Observer.Progress(WaitProgress(activityId, activity, build, stopwatch.Elapsed, timeout, completed: true));
                    Observer.Verbose(string.Format(CultureInfo.InvariantCulture, "Build #{0} ({1}) finished: {2}.", build.BuildNumber, buildSlug, build.State));
                    return build;
                }

                Observer.Progress(WaitProgress(activityId, activity, build, stopwatch.Elapsed, timeout, completed: false));
                var delay = pollInterval;
                if (timeout is { } limit)
                {
                    var left = limit - stopwatch.Elapsed;
                    if (left <= TimeSpan.Zero)
                    {
                        return await TimedOutAsync(build, limit, abortOnTimeout, cancellationToken).ConfigureAwait(false);
                    }

                    if (left < delay)
                    {
                        delay = left;
                    }
                }

                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (abortOnTimeout && cancellationToken.IsCancellationRequested)
        {
            // Stopped (Ctrl+C, PowerShell.Stop): abort the remote build before giving up. The pipeline is stopping,
            // so this client reports nothing (writes would fail) and uses its own short time limit.
            using var limit = new CancellationTokenSource(AbortOnStopLimit);
            try
            {
                await new BitriseClient(Endpoint, NullObserver.Instance)
                    .AbortBuildAsync(appSlug, buildSlug, "Wait-BitriseBuild was stopped (-AbortOnTimeout)", false, false, limit.Token)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (e is BuildServiceException || e is OperationCanceledException)
            {
                // Best effort: the build may have just finished, or the service is unreachable; the stop goes on.
            }

            throw;
        }
    }

    private async Task<BitriseBuild> TimedOutAsync(BitriseBuild build, TimeSpan limit, bool abort, CancellationToken cancellationToken)
    {
        var waited = FormatSeconds(limit);
        if (!abort)
        {
            throw new BuildServiceException(
                ErrorIds.Bitrise.WaitTimedOut,
                ErrorKind.OperationTimeout,
                $"Build #{build.BuildNumber} ('{build.BuildSlug}') of app '{build.AppSlug}' did not finish within {waited}; it is still {build.State}. Wait again, allow longer with -Timeout, stop it with Stop-BitriseBuild, or use -AbortOnTimeout.",
                build.BuildSlug);
        }

        try
        {
            await AbortBuildAsync(build.AppSlug, build.BuildSlug, $"Wait-BitriseBuild timed out after {waited} (-AbortOnTimeout)", false, false, cancellationToken).ConfigureAwait(false);
        }
        catch (BuildServiceException e) when (e.ErrorId == ErrorIds.Bitrise.AbortRefused)
        {
            // It finished between the last poll and the abort: that is the result after all.
            var finished = await GetBuildAsync(build.AppSlug, build.BuildSlug, cancellationToken).ConfigureAwait(false);
            if (finished.IsFinished)
            {
                return finished;
            }

            throw;
        }

        throw new BuildServiceException(
            ErrorIds.Bitrise.WaitTimedOut,
            ErrorKind.OperationTimeout,
            $"Build #{build.BuildNumber} ('{build.BuildSlug}') of app '{build.AppSlug}' did not finish within {waited}, so it was aborted (-AbortOnTimeout).",
            build.BuildSlug);
    }

    private static TransferProgress WaitProgress(int activityId, string activity, BitriseBuild build, TimeSpan elapsed, TimeSpan? timeout, bool completed)
    {
        var running = build.IsRunning && build.Duration is { } ran
            ? "running for " + FormatDuration(ran)
            : build.State;
        var status = completed
            ? "finished: " + build.State
            : string.Format(CultureInfo.InvariantCulture, "{0}; waited {1}{2}", running, FormatDuration(elapsed), timeout is { } t ? " of " + FormatDuration(t) : string.Empty);
        return new TransferProgress(activityId, activity, status, (long)elapsed.TotalSeconds, timeout is { } limit ? (long)Math.Ceiling(limit.TotalSeconds) : null, elapsed, completed);
    }

    private static bool IsRefusal(BuildServiceException e)
    {
        if (e.ErrorId == ErrorIds.Bitrise.RequestFailed)
        {
            return true;
        }

        return e.StatusCode is { } status
               && (int)status >= 400 && (int)status < 500
               && status != HttpStatusCode.Unauthorized
               && status != HttpStatusCode.Forbidden
               && status != HttpStatusCode.NotFound
               && status != HttpStatusCode.RequestTimeout
               && (int)status != 429;
    }

    private static string FormatDuration(TimeSpan span) => span.TotalHours >= 1
        ? span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
        : span.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    private static string FormatSeconds(TimeSpan span) => span.TotalSeconds < 10
        ? span.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture) + " s"
        : Math.Round(span.TotalSeconds).ToString(CultureInfo.InvariantCulture) + " s";

    private static string BuildPath(string appSlug, string buildSlug) => $"apps/{Segment(appSlug)}/builds/{Segment(buildSlug)}";

    private static string AppNotFound(string appSlug) =>
        $"No Bitrise app with slug '{appSlug}' is visible to this token: check the slug (Get-BitriseApp lists them).";

    private static string BuildNotFound(string appSlug, string buildSlug) =>
        $"No Bitrise build with slug '{buildSlug}' in app '{appSlug}' is visible to this token: check the slugs (Get-BitriseBuild -AppSlug {appSlug} lists the builds).";
}
