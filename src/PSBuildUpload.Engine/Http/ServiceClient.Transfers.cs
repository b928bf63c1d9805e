using System;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Diagnostics;
using PSBuildUpload.Engine.Errors;
using PSBuildUpload.Engine.Transfers;

namespace PSBuildUpload.Engine.Http;

/// <summary>Streamed uploads and downloads: no overall timeout, an idle watchdog, progress, hashing.</summary>
public abstract partial class ServiceClient
{
    private const int MaximumErrorBody = 64 * 1024;

    /// <summary>
    /// Sends a body made fresh for each try by <paramref name="contentFactory"/> and returns the (small) response.
    /// </summary>
    internal Task<ApiResponse> SendContentAsync(
        ApiRequest request,
        Func<IdleWatchdog, ProgressReporter, HttpContent> contentFactory,
        ProgressReporter progress,
        CancellationToken cancellationToken)
    {
        return RunAsync(request, null, async (state, token) =>
        {
            progress.Restart();
            using var watchdog = new IdleWatchdog(Settings.TransferIdleTimeout, token);
            using var message = new HttpRequestMessage(request.Method, request.Url);
            message.Headers.TryAddWithoutValidation("User-Agent", HttpCore.UserAgent);
            var content = contentFactory(watchdog, progress);
            foreach (var header in request.Headers)
            {
                if (header.Key.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
                {
                    if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
                    {
                        content.Headers.Remove(header.Key);
                        content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                    }
                }
                else
                {
                    message.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            if (request.Authenticated)
            {
                message.Headers.TryAddWithoutValidation("Authorization", AuthorizationValue());
            }

            message.Content = content;
            try
            {
                using var response = await Transport.Client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, watchdog.Token).ConfigureAwait(false);
                var apiResponse = await ReadSmallAsync(response, watchdog).ConfigureAwait(false);
                state.StatusCode = apiResponse.StatusCode;
                state.ReasonPhrase = apiResponse.ReasonPhrase;
                state.Note = Size.Format(progress.Done) + " sent";
                ThrowIfFailed(request, apiResponse);
                return apiResponse;
            }
            catch (Exception e) when (FindFileChanged(e) is { } changed)
            {
                throw new BuildServiceException(
                    ErrorIds.For(Service, ErrorReason.FileChangedDuringUpload),
                    ErrorKind.InvalidData,
                    changed.Message + " Another process is writing it; upload it once it is complete.",
                    changed.Path,
                    e);
            }
            catch (Exception e) when (watchdog.Expired && e is not AttemptFailedException)
            {
                state.Note = Size.Format(progress.Done) + " sent";
                throw new AttemptFailedException(FailureKind.Timeout, Stalled(request, watchdog, progress, "upload"));
            }
        }, cancellationToken);
    }

    /// <summary>Sends a file as the whole request body (a presigned PUT) and returns the response and the SHA-256 sent.</summary>
    internal async Task<(ApiResponse Response, string Sha256, TimeSpan Elapsed)> UploadFileAsync(
        ApiRequest request,
        FileInfo file,
        string? contentType,
        string activity,
        CancellationToken cancellationToken)
    {
        var progress = new ProgressReporter(Observer, activity, file.Length);
        IncrementalHash? hash = null;
        try
        {
            var response = await SendContentAsync(
                request,
                (watchdog, reporter) =>
                {
                    hash?.Dispose();
                    hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    return new FileContent(file.FullName, file.Length, watchdog, reporter, hash, contentType);
                },
                progress,
                cancellationToken).ConfigureAwait(false);
            progress.Complete();
            return (response, Hex(hash!.GetHashAndReset()), progress.Elapsed);
        }
        finally
        {
            hash?.Dispose();
        }
    }

    /// <summary>
    /// Downloads to a temporary name beside <paramref name="destination"/> and renames it when complete, so a failed
    /// or stopped download never leaves a partial file under the final name. Returns the length and SHA-256.
    /// <paramref name="listedLength"/> is the size the service lists for the file, when it does: a download of
    /// another length is not the file (an error page served with 200, a body cut short with a Content-Length to match)
    /// and is tried again rather than saved.
    /// </summary>
    internal async Task<(long Length, string Sha256, TimeSpan Elapsed)> DownloadToFileAsync(
        ApiRequest request,
        string destination,
        bool overwrite,
        string activity,
        long? listedLength,
        CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(destination);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        if (!overwrite && File.Exists(full))
        {
            throw DestinationExists(full);
        }

        var temporary = Path.Combine(folder, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".partial");
        var progress = new ProgressReporter(Observer, activity, null);
        try
        {
            var (length, sha) = await RunAsync(request, null, async (state, token) =>
            {
                progress.Restart();
                using var watchdog = new IdleWatchdog(Settings.TransferIdleTimeout, token);
                using var message = new HttpRequestMessage(HttpMethod.Get, request.Url);
                message.Headers.TryAddWithoutValidation("User-Agent", HttpCore.UserAgent);
                if (request.Authenticated)
                {
                    message.Headers.TryAddWithoutValidation("Authorization", AuthorizationValue());
                }

                try
                {
                    using var response = await Transport.Client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, watchdog.Token).ConfigureAwait(false);
                    state.StatusCode = (int)response.StatusCode;
                    state.ReasonPhrase = response.ReasonPhrase;
                    if (!response.IsSuccessStatusCode)
                    {
                        ThrowIfFailed(request, await ReadSmallAsync(response, watchdog).ConfigureAwait(false));
                    }

                    var total = response.Content.Headers.ContentLength;
                    var reporter = total is { } t ? new ProgressReporter(Observer, activity, t) : progress;
                    using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    long written = 0;
                    using (var source = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                    using (var target = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.SequentialScan))
                    {
                        // Two buffers: while one chunk is hashed and written to disk the next one is read from the network.
                        var buffers = new[] { new byte[FileContent.ChunkSize], new byte[FileContent.ChunkSize] };
                        var current = 0;
                        var read = await source.ReadAsync(buffers[current], 0, FileContent.ChunkSize, watchdog.Token).ConfigureAwait(false);
                        while (read > 0)
                        {
                            var writing = target.WriteAsync(buffers[current], 0, read, watchdog.Token);
                            hash.AppendData(buffers[current], 0, read);
                            var next = await source.ReadAsync(buffers[1 - current], 0, FileContent.ChunkSize, watchdog.Token).ConfigureAwait(false);
                            await writing.ConfigureAwait(false);
                            written += read;
                            watchdog.Touch();
                            reporter.Add(read);
                            current = 1 - current;
                            read = next;
                        }
                    }

                    state.Note = Size.Format(written) + " received";
                    if (total is { } expected && written != expected)
                    {
                        throw new IOException($"The connection closed after {written} of {expected} bytes.");
                    }

                    if (listedLength is { } listed && listed > 0 && written != listed)
                    {
                        throw new AttemptFailedException(FailureKind.InvalidResponse, InvalidResponse(
                            request,
                            state.StatusCode ?? 0,
                            string.Format(
                                CultureInfo.InvariantCulture,
                                "{0:N0} bytes, but {1} lists the file as {2:N0} bytes: what arrived is not the file (an error page of the storage, or a body cut short). Nothing was saved; run the command again",
                                written,
                                Service,
                                listed)));
                    }

                    reporter.Complete();
                    return (written, Hex(hash.GetHashAndReset()));
                }
                catch (Exception e) when (watchdog.Expired && e is not AttemptFailedException)
                {
                    throw new AttemptFailedException(FailureKind.Timeout, Stalled(request, watchdog, progress, "download"));
                }
            }, cancellationToken).ConfigureAwait(false);

            if (File.Exists(full))
            {
                if (!overwrite)
                {
                    throw DestinationExists(full);
                }

                File.Delete(full);
            }

            File.Move(temporary, full);
            return (length, sha, progress.Elapsed);
        }
        finally
        {
            TryDelete(temporary);
        }
    }

    internal static string Hex(byte[] bytes)
    {
        var chars = new char[bytes.Length * 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            chars[2 * i] = "0123456789abcdef"[b >> 4];
            chars[(2 * i) + 1] = "0123456789abcdef"[b & 15];
        }

        return new string(chars);
    }

    private BuildServiceException DestinationExists(string path) => new(
        ErrorIds.For(Service, ErrorReason.DestinationExists),
        ErrorKind.ResourceExists,
        $"'{path}' already exists. Use -Force to overwrite it, or choose another -Destination.",
        path);

    private BuildServiceException Stalled(ApiRequest request, IdleWatchdog watchdog, ProgressReporter progress, string what) => new(
        ErrorIds.For(Service, ErrorReason.TransferStalled),
        ErrorKind.OperationTimeout,
        Redactor.Scrub(string.Format(
            CultureInfo.InvariantCulture,
            "The {0} of {1} {2} moved no byte for {3:0} s (after {4}). Check the network, or allow longer with Connect-BuildService -Service {5} -TransferIdleTimeoutSec.",
            what,
            request.Method.Method,
            request.DisplayUrl,
            watchdog.Period.TotalSeconds,
            Size.Format(progress.Done),
            Service)),
        request.Target ?? request.DisplayUrl);

    private static async Task<ApiResponse> ReadSmallAsync(HttpResponseMessage response, IdleWatchdog watchdog)
    {
        using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while (buffer.Length < MaximumErrorBody * 16 && (read = await stream.ReadAsync(chunk, 0, chunk.Length, watchdog.Token).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            watchdog.Touch();
        }

        return new ApiResponse(
            (int)response.StatusCode,
            response.ReasonPhrase,
            buffer.ToArray(),
            response.Content.Headers.ContentType?.ToString(),
            name =>
            {
                if (response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values))
                {
                    return string.Join(",", values);
                }

                return null;
            });
    }

    private static FileChangedException? FindFileChanged(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is FileChangedException changed)
            {
                return changed;
            }
        }

        return null;
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover .partial file is visible and harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
