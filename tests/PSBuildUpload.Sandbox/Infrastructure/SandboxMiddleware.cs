using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace PSBuildUpload.Sandbox.Infrastructure;

/// <summary>Records every request, then applies the first matching fault or lets the emulator answer.</summary>
internal static class SandboxMiddleware
{
    private const long CaptureLimit = 1024 * 1024;

    public static async Task InvokeAsync(HttpContext context, Func<Task> next, SandboxServer sandbox)
    {
        var request = context.Request;
        var recorded = new RecordedRequest
        {
            Method = request.Method,
            Host = request.Host.Value ?? string.Empty,
            Path = request.Path.Value ?? string.Empty,
            Query = request.QueryString.Value ?? string.Empty,
            Headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            ClientPort = context.Connection.RemotePort,
        };
        var isControl = recorded.Path.StartsWith("/_sandbox", StringComparison.Ordinal);
        if (!isControl)
        {
            sandbox.Requests.Add(recorded);
        }

        using var aborted = context.RequestAborted.Register(() => recorded.AbortedAt ??= DateTimeOffset.UtcNow);
        try
        {
            await HandleAsync(context, next, sandbox, recorded, isControl);
        }
        finally
        {
            recorded.EndedAt = DateTimeOffset.UtcNow;
        }
    }

    private static async Task HandleAsync(HttpContext context, Func<Task> next, SandboxServer sandbox, RecordedRequest recorded, bool isControl)
    {
        var request = context.Request;

        var fault = isControl ? null : sandbox.Faults.Take(request.Method, recorded.Path);
        if (fault is null || fault.Kind is FaultKind.ResetDuringRequestBody)
        {
            if (fault is null && ShouldCapture(request))
            {
                request.EnableBuffering();
                using var copy = new MemoryStream();
                await request.Body.CopyToAsync(copy, context.RequestAborted);
                recorded.Body = copy.ToArray();
                request.Body.Position = 0;
            }
        }

        if (fault is null)
        {
            await next();
            recorded.StatusCode = context.Response.StatusCode;
            return;
        }

        recorded.Fault = fault.ToString();
        try
        {
            await ApplyAsync(context, next, sandbox, fault, recorded);
        }
        catch (OperationCanceledException)
        {
            // The client went away during the fault.
        }
        catch (IOException)
        {
        }

        recorded.StatusCode = context.Response.HasStarted || fault.Kind is FaultKind.Status or FaultKind.HtmlPage or FaultKind.RedirectToOtherHost or FaultKind.RefuseNextConnections
            ? context.Response.StatusCode
            : null;
    }

    private static bool ShouldCapture(HttpRequest request)
    {
        var type = request.ContentType ?? string.Empty;
        return request.ContentLength is > 0 and <= CaptureLimit
               && (type.Contains("json", StringComparison.OrdinalIgnoreCase)
                   || type.Contains("x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
                   || type.StartsWith("text/", StringComparison.OrdinalIgnoreCase));
    }

    private static async Task ApplyAsync(HttpContext context, Func<Task> next, SandboxServer sandbox, FaultRule fault, RecordedRequest recorded)
    {
        var aborted = context.RequestAborted;
        switch (fault.Kind)
        {
            case FaultKind.Delay:
                await Task.Delay(fault.DelayMs, aborted);
                await next();
                return;

            case FaultKind.SlowResponse:
                // The endpoint reads the body again after the wait: keep it (large bodies go to a temporary file).
                context.Request.EnableBuffering();
                await context.Request.Body.CopyToAsync(Stream.Null, aborted);
                context.Request.Body.Position = 0;
                await Task.Delay(fault.DelayMs, aborted);
                await next();
                return;

            case FaultKind.RefuseNextConnections:
                var port = context.Request.Host.Port;
                var relay = port is { } p ? sandbox.RelayFor(p) : null;
                if (relay is null)
                {
                    throw new InvalidOperationException($"RefuseNextConnections needs a request that came through a relay of SandboxServer.StartRelay; this one came to {context.Request.Host}.");
                }

                // This connection carries the answer, then closes; every other one is closed now.
                relay.Refuse(keepUpstreamPort: context.Connection.RemotePort);
                context.Response.Headers.Connection = "close";
                await next();
                return;

            case FaultKind.ResetBeforeResponse:
                await DrainAsync(context);
                context.Abort();
                return;

            case FaultKind.ResetDuringRequestBody:
                var buffer = new byte[16 * 1024];
                long read = 0;
                while (read < fault.AfterBytes)
                {
                    var n = await context.Request.Body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, fault.AfterBytes - read)), aborted);
                    if (n == 0)
                    {
                        break;
                    }

                    read += n;
                }

                context.Abort();
                return;

            case FaultKind.StallDuringResponseBody:
                var flowing = context.Response.Body;
                context.Response.Body = new StallAfterStream(flowing, fault.AfterBytes, fault.DelayMs, aborted);
                try
                {
                    await next();
                }
                finally
                {
                    context.Response.Body = flowing;
                }

                return;

            case FaultKind.ResetDuringResponseBody:
                var original = context.Response.Body;
                context.Response.Body = new AbortAfterStream(original, fault.AfterBytes, context);
                try
                {
                    await next();
                    await context.Response.Body.FlushAsync(aborted);
                }
                finally
                {
                    context.Response.Body = original;
                }

                context.Abort();
                return;

            case FaultKind.TruncatedJson:
                var real = context.Response.Body;
                using (var capture = new MemoryStream())
                {
                    context.Response.Body = capture;
                    try
                    {
                        await next();
                    }
                    finally
                    {
                        context.Response.Body = real;
                    }

                    var bytes = capture.ToArray();
                    var half = bytes.Length / 2;
                    context.Response.ContentLength = half;
                    await real.WriteAsync(bytes.AsMemory(0, half), aborted);
                }

                return;

            case FaultKind.HtmlPage:
                await DrainAsync(context);
                context.Response.StatusCode = 200;
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync(
                    "<!DOCTYPE html><html><head><title>Access Denied</title></head><body><h1>Proxy authentication required</h1><p>Your request was blocked by the corporate proxy.</p></body></html>",
                    aborted);
                return;

            case FaultKind.RedirectToOtherHost:
                await DrainAsync(context);
                var other = sandbox.OtherHostFor(context.Request.Host.Host);
                context.Response.StatusCode = 307;
                context.Response.Headers.Location = new Uri(other, recorded.Path + recorded.Query).AbsoluteUri;
                return;

            default:
                await DrainAsync(context);
                context.Response.StatusCode = fault.StatusCode;
                if (fault.RetryAfter is not null)
                {
                    context.Response.Headers.RetryAfter = fault.RetryAfter;
                }
                else if (fault.RetryAfterDateInSeconds is { } seconds)
                {
                    context.Response.Headers.RetryAfter = DateTimeOffset.UtcNow.AddSeconds(seconds).ToString("r", System.Globalization.CultureInfo.InvariantCulture);
                }

                context.Response.ContentType = fault.ContentType ?? "application/json";
                await context.Response.WriteAsync(fault.Body ?? "{\"message\":\"Injected " + fault.StatusCode + "\"}", aborted);
                return;
        }
    }

    private static async Task DrainAsync(HttpContext context)
    {
        var buffer = new byte[64 * 1024];
        while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted) > 0)
        {
        }
    }

    /// <summary>Passes the first bytes of a response through, then holds the next write for a while.</summary>
    private sealed class StallAfterStream(Stream inner, long limit, int delayMs, System.Threading.CancellationToken aborted) : Stream
    {
        private long _written;
        private bool _stalled;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(System.Threading.CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) =>
            WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, System.Threading.CancellationToken cancellationToken = default)
        {
            if (!_stalled && _written + buffer.Length > limit)
            {
                var allowed = (int)Math.Max(0, limit - _written);
                await inner.WriteAsync(buffer[..allowed], cancellationToken);
                await inner.FlushAsync(cancellationToken);
                _written += allowed;
                buffer = buffer[allowed..];
                _stalled = true;
                await Task.Delay(delayMs, aborted);
            }

            await inner.WriteAsync(buffer, cancellationToken);
            _written += buffer.Length;
        }
    }

    /// <summary>Passes the first bytes of a response through, then cuts the connection.</summary>
    private sealed class AbortAfterStream(Stream inner, long limit, HttpContext context) : Stream
    {
        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(System.Threading.CancellationToken cancellationToken) =>
            _written >= limit ? Task.CompletedTask : inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) =>
            WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, System.Threading.CancellationToken cancellationToken = default)
        {
            if (_written >= limit)
            {
                return;
            }

            var allowed = (int)Math.Min(buffer.Length, limit - _written);
            await inner.WriteAsync(buffer[..allowed], cancellationToken);
            _written += allowed;
            if (_written >= limit)
            {
                await inner.FlushAsync(cancellationToken);
                context.Abort();
            }
        }
    }
}
