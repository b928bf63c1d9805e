using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Diagnostics;
using PSBuildUpload.Engine.Errors;
using PSBuildUpload.Engine.Http;

namespace PSBuildUpload.Engine.Bitrise;

/// <summary>Build logs: the archived log of a finished build, the chunks of a running one.</summary>
public sealed partial class BitriseClient
{
    /// <summary>The <c>limit</c> sent to <c>/log</c>: the document's default, said out loud.</summary>
    internal const int LogChunkLimit = 50;

    /// <summary>How long a finished build's log may take to be archived before the module gives up.</summary>
    private static readonly TimeSpan ArchiveWaitLimit = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Hands a build's log to <paramref name="onText"/> as raw text pieces, in order (ANSI codes included; pieces
    /// do not end on line boundaries). A finished build's whole archived log is downloaded from its expiring URL
    /// (without Authorization), waiting for the archive when the build has only just finished. A running build gives
    /// the chunks Bitrise holds so far, or with <paramref name="follow"/> every new chunk until it finishes, ordered
    /// by position and each once.
    /// </summary>
    public async Task ReadLogAsync(string appSlug, string buildSlug, bool follow, TimeSpan pollInterval, Action<string> onText, CancellationToken cancellationToken)
    {
        if (onText is null)
        {
            throw new ArgumentNullException(nameof(onText));
        }

        var build = await GetBuildAsync(appSlug, buildSlug, cancellationToken).ConfigureAwait(false);
        if (build.IsFinished)
        {
            await ReadArchivedLogAsync(build, pollInterval, onText, cancellationToken).ConfigureAwait(false);
        }
        else if (follow)
        {
            await FollowLogAsync(build, pollInterval, onText, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await ReadLogSoFarAsync(build, onText, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The log info; null when the service answers 404 for the log of a build that exists.</summary>
    private async Task<BitriseLogInfo?> GetLogInfoAsync(BitriseBuild build, string? timestamp, CancellationToken cancellationToken)
    {
        // The Swagger lists no parameters on /log; the document has timestamp (the cursor) and limit: both are sent.
        var query = new List<KeyValuePair<string, string?>>
        {
            new("timestamp", timestamp),
            new("limit", LogChunkLimit.ToString(CultureInfo.InvariantCulture)),
        };
        var request = new ApiRequest(HttpMethod.Get, Api(BuildPath(build.AppSlug, build.BuildSlug) + "/log", query))
        {
            Target = build.BuildSlug,
            NotFoundMessage = BuildNotFound(build.AppSlug, build.BuildSlug),
        };
        try
        {
            var info = await SendJsonAsync(request, r => Deserialize<BitriseLogInfo>(r), cancellationToken).ConfigureAwait(false);
            if (info.ExpiringRawLogUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Query.Length > 1)
            {
                Redactor.Register(uri.Query.Substring(1));
            }

            return info;
        }
        catch (BuildServiceException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task ReadArchivedLogAsync(BitriseBuild build, TimeSpan pollInterval, Action<string> onText, CancellationToken cancellationToken)
    {
        var waiting = Stopwatch.StartNew();
        var renewed = false;
        while (true)
        {
            var info = await GetLogInfoAsync(build, null, cancellationToken).ConfigureAwait(false) ?? throw LogNotAvailable(build);
            if (info.IsArchived && Uri.TryCreate(info.ExpiringRawLogUrl, UriKind.Absolute, out var uri))
            {
                try
                {
                    await DownloadLogTextAsync(build, uri, onText, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (BuildServiceException e) when (!renewed && e.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden)
                {
                    // The link expires within minutes: ask for a fresh one, once.
                    renewed = true;
                    Observer.Verbose("The log link was refused (" + e.ServerMessage + "); asking Bitrise for a new one.");
                    continue;
                }
            }

            if (waiting.Elapsed > ArchiveWaitLimit)
            {
                throw new BuildServiceException(
                    ErrorIds.Bitrise.LogNotArchived,
                    ErrorKind.OperationTimeout,
                    string.Format(CultureInfo.InvariantCulture, "Build #{0} ('{1}') of app '{2}' finished, but Bitrise has not archived its log within {3:0} minutes. Run the command again later.", build.BuildNumber, build.BuildSlug, build.AppSlug, ArchiveWaitLimit.TotalMinutes),
                    build.BuildSlug);
            }

            // Right after a build finishes the archive is not ready: expiring_raw_log_url is null, is_archived false.
            Observer.Verbose(string.Format(CultureInfo.InvariantCulture, "The log of build #{0} is not archived yet; asking again in {1:0.##} s.", build.BuildNumber, pollInterval.TotalSeconds));
            await Task.Delay(pollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Streams the archive to a temporary file (retries restart cleanly), then hands its text on in pieces.</summary>
    private async Task DownloadLogTextAsync(BitriseBuild build, Uri uri, Action<string> onText, CancellationToken cancellationToken)
    {
        var request = new ApiRequest(HttpMethod.Get, uri)
        {
            Authenticated = false,
            Presigned = true,
            CreatesResource = false,
            Target = build.BuildSlug,
        };
        var temporary = Path.Combine(Path.GetTempPath(), "psbuildupload-" + Guid.NewGuid().ToString("N") + ".log");
        try
        {
            await DownloadToFileAsync(request, temporary, overwrite: true, string.Format(CultureInfo.InvariantCulture, "Downloading the log of Bitrise build #{0}", build.BuildNumber), null, cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(temporary, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
            var buffer = new char[64 * 1024];
            int read;
            while ((read = await reader.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                onText(new string(buffer, 0, read));
            }
        }
        finally
        {
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
                // A leftover temporary file is harmless.
            }
        }
    }

    private async Task ReadLogSoFarAsync(BitriseBuild build, Action<string> onText, CancellationToken cancellationToken)
    {
        var info = await GetLogInfoAsync(build, null, cancellationToken).ConfigureAwait(false);
        var chunks = (info?.LogChunks ?? new List<BitriseLogChunk>())
            .GroupBy(c => c.Position)
            .Select(g => g.First())
            .OrderBy(c => c.Position)
            .ToList();
        foreach (var chunk in chunks)
        {
            onText(chunk.Chunk ?? string.Empty);
        }

        Observer.Warning(chunks.Count == 0
            ? string.Format(CultureInfo.InvariantCulture, "Build #{0} ('{1}') is {2} and has no log yet. Use -Follow to stream the log as it runs.", build.BuildNumber, build.BuildSlug, build.State)
            : string.Format(CultureInfo.InvariantCulture, "Build #{0} ('{1}') is still {2}: this is its log so far (the latest chunks Bitrise holds). Use -Follow to stream it to the end, or run again once it has finished for the whole log.", build.BuildNumber, build.BuildSlug, build.State));
    }

    private async Task FollowLogAsync(BitriseBuild build, TimeSpan pollInterval, Action<string> onText, CancellationToken cancellationToken)
    {
        string? cursor = null;
        long? next = null;
        var pending = new SortedDictionary<long, string>();
        var finished = false;
        var sinceFinish = new Stopwatch();
        var emitted = 0L;

        void EmitInOrder()
        {
            while (next is { } position && pending.TryGetValue(position, out var text))
            {
                pending.Remove(position);
                onText(text);
                emitted++;
                next = position + 1;
            }
        }

        void EmitRest()
        {
            if (pending.Count == 0)
            {
                return;
            }

            var missing = pending.Keys.Last() + 1 - (next ?? 0) - pending.Count;
            foreach (var chunk in pending)
            {
                onText(chunk.Value);
                emitted++;
            }

            next = pending.Keys.Last() + 1;
            pending.Clear();
            if (missing > 0)
            {
                Observer.Warning(string.Format(CultureInfo.InvariantCulture, "{0} chunk(s) of the log of build #{1} never arrived while following it; Get-BitriseBuildLog without -Follow gives the whole archived log.", missing, build.BuildNumber));
            }
        }

        while (true)
        {
            var info = await GetLogInfoAsync(build, cursor, cancellationToken).ConfigureAwait(false);
            if (info is not null)
            {
                var chunks = info.LogChunks ?? new List<BitriseLogChunk>();
                if (next is null && chunks.Count > 0)
                {
                    // A running build's first answer holds its latest chunks: when it is full, what came before is
                    // out of reach until the build is archived, so start from what is there.
                    var lowest = chunks.Min(c => c.Position);
                    next = lowest > 0 && chunks.Count >= LogChunkLimit ? lowest : 0;
                    if (next > 0)
                    {
                        Observer.Warning(string.Format(CultureInfo.InvariantCulture, "Following build #{0} from chunk {1}: Bitrise gives only the latest {2} chunks of a running build. Once it has finished, Get-BitriseBuildLog without -Follow gives the whole log.", build.BuildNumber, next, LogChunkLimit));
                    }
                }

                foreach (var chunk in chunks)
                {
                    // Chunks come out of order and, with the cursor, again: each position is emitted once, in order.
                    if (chunk.Position >= (next ?? 0) && !pending.ContainsKey(chunk.Position))
                    {
                        pending[chunk.Position] = chunk.Chunk ?? string.Empty;
                    }
                }

                EmitInOrder();
                if (!string.IsNullOrEmpty(info.Timestamp))
                {
                    cursor = info.Timestamp;
                }

                if (finished)
                {
                    if ((next ?? 0) >= (info.GeneratedLogChunksNum ?? 0) && pending.Count == 0)
                    {
                        return;
                    }

                    if (info.IsArchived)
                    {
                        EmitRest();
                        return;
                    }
                }
            }
            else if (finished)
            {
                if (emitted == 0)
                {
                    throw LogNotAvailable(build);
                }

                EmitRest();
                return;
            }

            if (finished)
            {
                if (sinceFinish.Elapsed > ArchiveWaitLimit)
                {
                    EmitRest();
                    return;
                }
            }
            else
            {
                build = await GetBuildAsync(build.AppSlug, build.BuildSlug, cancellationToken).ConfigureAwait(false);
                if (build.IsFinished)
                {
                    // Ask for the log again at once: chunks written just before the end are still to come.
                    finished = true;
                    sinceFinish.Start();
                    Observer.Verbose(string.Format(CultureInfo.InvariantCulture, "Build #{0} finished ({1}); reading the rest of its log.", build.BuildNumber, build.State));
                    continue;
                }
            }

            await Task.Delay(pollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static BuildServiceException LogNotAvailable(BitriseBuild build) => new(
        ErrorIds.Bitrise.LogNotAvailable,
        ErrorKind.ObjectNotFound,
        build.StartedOnWorkerAt is null && build.Status is BitriseBuildStatus.Aborted or BitriseBuildStatus.AbortedWithSuccess
            ? $"Build #{build.BuildNumber} ('{build.BuildSlug}') of app '{build.AppSlug}' has no log: it was aborted before it started, so it never wrote one."
            : $"Build #{build.BuildNumber} ('{build.BuildSlug}') of app '{build.AppSlug}' has no log: Bitrise answers 404 for it ({build.State}; a build aborted very early never writes one).",
        build.BuildSlug);
}
