using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PSBuildUpload.Sandbox.Applivery;
using PSBuildUpload.Sandbox.Bitrise;
using PSBuildUpload.Sandbox.Infrastructure;
using PSBuildUpload.Sandbox.ProductScience;

namespace PSBuildUpload.Sandbox;

/// <summary>
/// The loopback emulator of the services: one Kestrel server on a free port answering the real paths of every
/// service, so a cmdlet's -BaseUri (scheme, host, port) is all that points it here. Presigned storage is served on the
/// other host name (localhost vs 127.0.0.1) so that "another host" is real.
/// </summary>
public sealed class SandboxServer : IAsyncDisposable, IDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<int, TcpRelay> _relays = new();

    private SandboxServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
        OtherHostUri = new Uri($"http://localhost:{port}/");
        StorageUri = OtherHostUri;
        Storage = new PresignedStorage(this);
        ProductScience = new ProductScienceEmulator(this);
        Bitrise = new BitriseEmulator(this);
        Applivery = new AppliveryEmulator(this);
    }

    public int Port { get; }

    /// <summary>What a test gives as -BaseUri.</summary>
    public Uri BaseUri { get; }

    /// <summary>The same server under another host name; presigned URLs point here.</summary>
    public Uri OtherHostUri { get; }

    /// <summary>Where presigned URLs point: <see cref="OtherHostUri"/> unless a test puts a relay in between.</summary>
    public Uri StorageUri { get; set; }

    public SandboxTokens Tokens { get; } = new();

    public RequestLog Requests { get; } = new();

    public FaultInjector Faults { get; } = new();

    public PresignedStorage Storage { get; }

    public ProductScienceEmulator ProductScience { get; }

    public BitriseEmulator Bitrise { get; }

    /// <summary>Applivery's upload host and api host, both at this address (their paths differ).</summary>
    public AppliveryEmulator Applivery { get; }

    /// <summary>Starts a sandbox on <paramref name="port"/>, or on a free port when it is 0.</summary>
    public static async Task<SandboxServer> StartAsync(int port = 0, CancellationToken cancellationToken = default)
    {
        if (port == 0)
        {
            port = FreePort();
        }

        EnsureThreadPoolHeadroom();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production", ApplicationName = "PSBuildUpload.Sandbox" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.ListenLocalhost(port);
            options.AddServerHeader = false;
            options.Limits.MaxRequestBodySize = null;
            options.Limits.MinRequestBodyDataRate = null;
            options.Limits.MinResponseDataRate = null;
        });
        var app = builder.Build();
        var sandbox = new SandboxServer(app, port);
        app.Use((context, next) => SandboxMiddleware.InvokeAsync(context, () => next(context), sandbox));
        ControlEndpoints.Map(app, sandbox);
        sandbox.Storage.Map(app);
        sandbox.ProductScience.Map(app);
        sandbox.Bitrise.Map(app);
        sandbox.Applivery.Map(app);
        await app.StartAsync(cancellationToken);
        return sandbox;
    }

    /// <summary>
    /// In-process, the server shares the thread pool with callers that block a pool thread for a whole PowerShell
    /// pipeline (tests run several at once). With the default minimum (one thread per core) the server's own work then
    /// waits for the pool to grow, about a thread per half second, and a 2 s request limit can pass before the answer
    /// is even started; a separate service process never competes like that.
    /// </summary>
    private static void EnsureThreadPoolHeadroom()
    {
        const int Minimum = 64;
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        if (workers < Minimum || completionPorts < Minimum)
        {
            ThreadPool.SetMinThreads(Math.Max(workers, Minimum), Math.Max(completionPorts, Minimum));
        }
    }

    /// <summary>The other host name for a request that came in under <paramref name="host"/>.</summary>
    public Uri OtherHostFor(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? BaseUri : OtherHostUri;

    /// <summary>
    /// A started relay in front of this sandbox (see <see cref="TcpRelay"/>), known to the fault injector so that
    /// <see cref="FaultKind.RefuseNextConnections"/> can make it refuse; disposed with the sandbox.
    /// </summary>
    public TcpRelay StartRelay()
    {
        var relay = new TcpRelay(Port);
        relay.Start();
        _relays[relay.Port] = relay;
        return relay;
    }

    /// <summary>The relay listening on <paramref name="port"/>, if <see cref="StartRelay"/> made one.</summary>
    public TcpRelay? RelayFor(int port) => _relays.TryGetValue(port, out var relay) ? relay : null;

    /// <summary>Forgets recorded requests and faults (state of the emulated services stays).</summary>
    public void Reset()
    {
        Requests.Clear();
        Faults.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var relay in _relays.Values)
        {
            await relay.DisposeAsync();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
