using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace PSBuildUpload.Sandbox.Infrastructure;

/// <summary>
/// A minimal HTTP forward proxy on loopback for proxy tests: it records each request line it is asked to forward
/// (absolute-form, as clients send to a proxy), optionally demands Proxy-Authorization, and pipes the bytes both ways.
/// </summary>
public sealed class ForwardProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public ForwardProxy(string? requiredCredential = null)
    {
        RequiredAuthorization = requiredCredential is null ? null : "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(requiredCredential));
        _listener.Start();
        Uri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = Task.Run(AcceptAsync);
    }

    public Uri Uri { get; }

    /// <summary>The request lines forwarded, e.g. "PUT http://localhost:1234/storage/... HTTP/1.1".</summary>
    public ConcurrentQueue<string> RequestLines { get; } = new();

    private string? RequiredAuthorization { get; }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var head = await ReadHeadAsync(stream);
            if (head is null)
            {
                return;
            }

            var lines = head.Split("\r\n");
            var requestLine = lines[0];
            RequestLines.Enqueue(requestLine);
            if (RequiredAuthorization is not null && !Array.Exists(lines, l => l.Equals("Proxy-Authorization: " + RequiredAuthorization, StringComparison.OrdinalIgnoreCase)))
            {
                var refusal = Encoding.ASCII.GetBytes("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"sandbox\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(refusal);
                return;
            }

            var target = new Uri(requestLine.Split(' ')[1]);
            using var upstream = new TcpClient();
            await upstream.ConnectAsync(target.Host == "localhost" ? IPAddress.Loopback.ToString() : target.Host, target.Port);
            var upstreamStream = upstream.GetStream();
            await upstreamStream.WriteAsync(Encoding.ASCII.GetBytes(head));
            // One request per connection keeps the recording exact.
            var toServer = stream.CopyToAsync(upstreamStream);
            var toClient = upstreamStream.CopyToAsync(stream);
            await Task.WhenAny(toServer, toClient);
            await toClient.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 64 * 1024)
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return null;
            }

            bytes.Add(one[0]);
            var n = bytes.Count;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n')
            {
                var text = Encoding.ASCII.GetString(bytes.ToArray());
                // Ask the server to close after the answer so each request comes through as its own connection.
                return text.Replace("\r\nConnection: keep-alive", string.Empty, StringComparison.OrdinalIgnoreCase)
                    .Replace("\r\nProxy-Connection: keep-alive", string.Empty, StringComparison.OrdinalIgnoreCase)
                    .Insert(text.IndexOf("\r\n", StringComparison.Ordinal) + 2, "Connection: close\r\n");
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
