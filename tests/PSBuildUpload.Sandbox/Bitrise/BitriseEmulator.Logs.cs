using System;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace PSBuildUpload.Sandbox.Bitrise;

/// <summary>
/// Build logs: while a build runs, its chunks so far (out of order, with positions) and a <c>timestamp</c> cursor
/// that returns the chunks written at or after it (so the last ones come again: the real cursor has one-second
/// resolution); right after it finishes, no link and <c>is_archived</c> false; then the archived log behind an
/// expiring link that refuses an Authorization header. A build that never ran answers 404.
/// </summary>
public sealed partial class BitriseEmulator
{
    /// <summary>The key of a build's archived log in the presigned storage.</summary>
    public static string LogKey(SbBuild build)
    {
        ArgumentNullException.ThrowIfNull(build);
        return $"build-logs-v2/{build.AppSlug}/{build.Slug}/{build.Slug}.log";
    }

    /// <summary>The text of a build's whole log: its written chunks in position order.</summary>
    public static string LogText(SbBuild build)
    {
        ArgumentNullException.ThrowIfNull(build);
        lock (build)
        {
            return string.Concat(build.Published.Select(p => p.Chunk).DistinctBy(c => c.Position).OrderBy(c => c.Position).Select(c => c.Text));
        }
    }

    private void MapLogs(RouteGroupBuilder api)
    {
        api.MapGet("/apps/{appSlug}/builds/{buildSlug}/log", (HttpContext c, string appSlug, string buildSlug) => Authorized(c, () => Log(c, appSlug, buildSlug)));
    }

    private IResult Log(HttpContext context, string appSlug, string buildSlug)
    {
        if (FindBuild(appSlug, buildSlug) is not { } build)
        {
            return NotFound("Not Found");
        }

        var query = context.Request.Query;
        var limit = MaximumLimit;
        if (query.ContainsKey("limit"))
        {
            if (!int.TryParse(query["limit"], NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit < 1)
            {
                return BadRequest("Invalid limit");
            }

            limit = Math.Min(limit, MaximumLimit);
        }

        long? cursor = null;
        if (query.ContainsKey("timestamp"))
        {
            if (!double.TryParse(query["timestamp"], NumberStyles.Float, CultureInfo.InvariantCulture, out var stamp))
            {
                return BadRequest("Invalid timestamp: it must be a Unix timestamp");
            }

            cursor = (long)stamp;
        }

        lock (build)
        {
            Advance(build);
            if (build.StartedOnWorkerAt is null)
            {
                // Queued, or aborted before it started: there is no log.
                return NotFound("Not Found");
            }

            if (build.IsFinished)
            {
                if (build.LogPollsSinceFinished >= build.Timings.ArchiveDelayPolls)
                {
                    return Archived(build);
                }

                build.LogPollsSinceFinished++;
            }

            var chosen = cursor is { } after
                ? build.Published.Where(p => p.Timestamp >= after).Take(limit).ToList()
                : build.Published.Skip(Math.Max(0, build.Published.Count - limit)).ToList();
            long? timestamp = chosen.Count > 0 ? chosen.Max(p => p.Timestamp) : cursor;
            return Results.Json(new
            {
                expiring_raw_log_url = (string?)null,
                generated_log_chunks_num = build.Published.Count,
                is_archived = false,
                log_chunks = chosen.Select(p => new { chunk = p.Chunk.Text, position = p.Chunk.Position }).ToArray(),
                timestamp,
            }, Json);
        }
    }

    private IResult Archived(SbBuild build)
    {
        var key = LogKey(build);
        var chunks = build.Published.Select(p => p.Chunk).DistinctBy(c => c.Position).OrderBy(c => c.Position).ToList();
        if (_sandbox.Storage.Get(key) is null)
        {
            _sandbox.Storage.Put(key, Encoding.UTF8.GetBytes(string.Concat(chunks.Select(c => c.Text))), "text/plain; charset=utf-8");
        }

        return Results.Json(new
        {
            expiring_raw_log_url = _sandbox.Storage.GrantDownload(key).AbsoluteUri,
            generated_log_chunks_num = chunks.Count,
            is_archived = true,
            log_chunks = chunks.Select(c => new { chunk = c.Text, position = c.Position }).ToArray(),
            timestamp = (long?)null,
        }, Json);
    }
}
