using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Http;

namespace PSBuildUpload.Engine.Transfers;

/// <summary>
/// A file sent straight from disk in chunks: never held in memory, hashed on the way, counted for progress and the
/// idle watchdog, and checked to still have the length announced in Content-Length.
/// </summary>
internal sealed class FileContent : HttpContent, ITrackedContent
{
    public const int ChunkSize = 512 * 1024;

    private readonly string _path;
    private readonly long _length;
    private readonly IdleWatchdog _watchdog;
    private readonly ProgressReporter? _progress;
    private readonly IncrementalHash? _hash;
    private AttemptState? _state;

    public FileContent(string path, long length, IdleWatchdog watchdog, ProgressReporter? progress, IncrementalHash? hash, string? contentType)
    {
        _path = path;
        _length = length;
        _watchdog = watchdog;
        _progress = progress;
        _hash = hash;
        Headers.ContentLength = length;
        if (contentType is not null)
        {
            Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
    }

    public void Attach(AttemptState state) => _state = state;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        // The handler can send the body more than once in one try (a proxy's 407 challenge): start over each time.
        _hash?.GetHashAndReset();
        _progress?.Restart();
        // Two buffers: while one chunk goes to the socket, it is hashed and the next one is read from disk, so the
        // hash and the disk cost no time of their own on the wire.
        var buffers = new[] { new byte[ChunkSize], new byte[ChunkSize] };
        var token = _watchdog.Token;
        long sent = 0;
        using (var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
        {
            var current = 0;
            var read = await ReadChunkAsync(file, buffers[current], sent, token).ConfigureAwait(false);
            while (sent < _length)
            {
                var writing = stream.WriteAsync(buffers[current], 0, read, token);
                _hash?.AppendData(buffers[current], 0, read);
                var next = sent + read < _length
                    ? await ReadChunkAsync(file, buffers[1 - current], sent + read, token).ConfigureAwait(false)
                    : 0;
                await writing.ConfigureAwait(false);
                sent += read;
                _watchdog.Touch();
                _progress?.Add(read);
                if (_state is not null)
                {
                    _state.BodyBytesSent = sent;
                }

                current = 1 - current;
                read = next;
            }
        }

        await stream.FlushAsync(token).ConfigureAwait(false);
        if (_state is not null)
        {
            _state.BodyCompleted = true;
        }
    }

    /// <summary>Reads the next chunk; a file that ends before its announced length is an error, not a short upload.</summary>
    private async Task<int> ReadChunkAsync(FileStream file, byte[] buffer, long position, System.Threading.CancellationToken token)
    {
        var want = (int)Math.Min(buffer.Length, _length - position);
        var read = await file.ReadAsync(buffer, 0, want, token).ConfigureAwait(false);
        if (read == 0)
        {
            throw new FileChangedException(_path, _length, position);
        }

        return read;
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }
}

/// <summary>The file became shorter while it was being sent.</summary>
internal sealed class FileChangedException : IOException
{
    public FileChangedException(string path, long expected, long read)
        : base($"'{path}' ended after {read} of the {expected} bytes it had when the upload started.")
    {
        Path = path;
    }

    public FileChangedException()
    {
        Path = string.Empty;
    }

    public FileChangedException(string message)
        : base(message)
    {
        Path = string.Empty;
    }

    public FileChangedException(string message, Exception inner)
        : base(message, inner)
    {
        Path = string.Empty;
    }

    public string Path { get; }
}
