using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace PSBuildUpload.Sandbox.Infrastructure;

/// <summary>
/// A loopback port in front of the sandbox that can stop listening (connections are then refused, as by a server that
/// is down) and start again on the same port. Bytes are relayed both ways untouched.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly int _targetPort;

    /// <summary>The relayed connections, by the local port of their upstream side (the client port the sandbox sees).</summary>
    private readonly ConcurrentDictionary<int, (TcpClient Client, TcpClient Upstream)> _open = new();
    private TcpListener? _listener;
    private CancellationTokenSource? _accepting;

    public TcpRelay(int targetPort)
    {
        _targetPort = targetPort;
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    public Uri Uri => new($"http://127.0.0.1:{Port}/");

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    private int _accepted;

    public void Start()
    {
        if (_listener is not null)
        {
            return;
        }

        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        _accepting = new CancellationTokenSource();
        var token = _accepting.Token;
        _ = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(token);
                }
                catch (Exception) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (SocketException)
                {
                    return;
                }

                Interlocked.Increment(ref _accepted);
                _ = Task.Run(() => RelayAsync(client));
            }
        });
    }

    /// <summary>Stops listening: new connections are refused until <see cref="Start"/>.</summary>
    public void Stop()
    {
        _accepting?.Cancel();
        _listener?.Stop();
        _listener = null;
    }

    /// <summary>
    /// Refuses new connections until <see cref="Start"/> and closes the open ones (kept alive by a client's pool),
    /// except the one whose upstream side has the local port <paramref name="keepUpstreamPort"/>, so that the next
    /// request on this port surely needs a new connection and is refused.
    /// </summary>
    public void Refuse(int? keepUpstreamPort = null)
    {
        Stop();
        foreach (var (port, pair) in _open)
        {
            if (port != keepUpstreamPort && _open.TryRemove(port, out _))
            {
                pair.Client.Dispose();
                pair.Upstream.Dispose();
            }
        }
    }

    /// <summary>Refused now, listening again after <paramref name="delay"/>.</summary>
    public void RefuseFor(TimeSpan delay)
    {
        Stop();
        _ = Task.Delay(delay).ContinueWith(_ => Start(), TaskScheduler.Default);
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _targetPort);
                var key = ((IPEndPoint)upstream.Client.LocalEndPoint!).Port;
                _open[key] = (client, upstream);
                try
                {
                    var a = client.GetStream().CopyToAsync(upstream.GetStream());
                    var b = upstream.GetStream().CopyToAsync(client.GetStream());
                    await Task.WhenAny(a, b);
                }
                finally
                {
                    _open.TryRemove(key, out _);
                }
            }
            catch (Exception e) when (e is SocketException or System.IO.IOException or ObjectDisposedException or InvalidOperationException)
            {
                // A relay ends when either side does.
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        _accepting?.Dispose();
        return ValueTask.CompletedTask;
    }
}
