using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Bitrise;
using PSBuildUpload.Sandbox.Infrastructure;
using PSBuildUpload.Tests.Bitrise;
using PSBuildUpload.Tests.Infrastructure;
using PSBuildUpload.Tests.ProductScience;
using Xunit;

namespace PSBuildUpload.Tests.Faults;

/// <summary>
/// A sandbox for one class of the matrix, reached only through two relays (the APIs, the presigned storage) so that
/// connections can be refused, and one session connected to all three services with short retry intervals and
/// time limits so a class runs in seconds.
/// </summary>
public sealed class FaultMatrixFixture : IAsyncLifetime
{
    /// <summary>Limit of one JSON call; the slow fault answers after 8 s.</summary>
    public const double TimeoutSec = 2;

    /// <summary>Limit of a transfer without a byte moving.</summary>
    public const double TransferIdleTimeoutSec = 2;

    private readonly Lazy<string> _largeApk = new(() => TestFiles.Create("large.apk", LargeApkLength));

    /// <summary>
    /// Large enough that every buffer between the client and the server together (socket buffers on both sides of
    /// the relay, the server's request pipe) cannot hold it: a cut in the body is then a cut before its end.
    /// </summary>
    public const int LargeApkLength = 32 * 1024 * 1024;

    public SandboxServer Sandbox { get; private set; } = null!;

    /// <summary>In front of the sandbox for every API (-BaseUri of every connection).</summary>
    public TcpRelay Api { get; private set; } = null!;

    /// <summary>In front of the sandbox for presigned and expiring URLs (<see cref="SandboxServer.StorageUri"/>).</summary>
    public TcpRelay Storage { get; private set; } = null!;

    public PsSession Session { get; private set; } = null!;

    /// <summary>An app with a finished build (which holds the artifacts of the runs) and the running builds of the runs.</summary>
    public SbApp App { get; private set; } = null!;

    public SbBuild Build { get; private set; } = null!;

    /// <summary>The app builds are triggered in.</summary>
    public SbApp TriggerApp { get; private set; } = null!;

    /// <summary>An app with 120 builds: three pages.</summary>
    public SbApp ListApp { get; private set; } = null!;

    public string SmallApk { get; private set; } = null!;

    public string LargeApk => _largeApk.Value;

    public string LargeApkSha256 => _largeApkSha256 ??= TestFiles.Sha256(LargeApk);

    private string? _largeApkSha256;

    public async Task InitializeAsync()
    {
        Sandbox = await SandboxServer.StartAsync();
        Api = Sandbox.StartRelay();
        Storage = Sandbox.StartRelay();
        Sandbox.StorageUri = new Uri($"http://localhost:{Storage.Port}/");

        App = BitriseTestSupport.NewApp(Sandbox, "faults");
        Build = BitriseTestSupport.Finished(Sandbox, App.Slug);
        TriggerApp = BitriseTestSupport.NewApp(Sandbox, "faults-trigger");
        ListApp = BitriseTestSupport.NewApp(Sandbox, "faults-list");
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        for (var i = 0; i < 120; i++)
        {
            var triggered = start.AddMinutes(i);
            BitriseTestSupport.Finished(Sandbox, ListApp.Slug, configure: b => b.TriggeredAt = triggered);
        }

        SmallApk = TestFiles.Create("small.apk", 1024 * 1024);

        Session = new PsSession(Sandbox);
        Session.Set("Relay", Api.Uri.AbsoluteUri);
        var connected = Session.Run(
            "$VerbosePreference = 'Continue'; $ProgressPreference = 'SilentlyContinue'; $ConfirmPreference = 'None'; " +
            "$PSDefaultParameterValues['Wait-BitriseBuild:PollInterval'] = 0.05; " +
            "$PSDefaultParameterValues['Get-BitriseBuildLog:PollInterval'] = 0.05; " +
            ConnectAll(TimeoutSec, TransferIdleTimeoutSec));
        if (connected.AllErrors.Any())
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, connected.AllErrors));
        }
    }

    /// <summary>
    /// Runs a preparing command with no fault in the way and returns its one output. It is not what a cell asserts, so
    /// it runs with ordinary time limits (a busy machine must not fail it); the short ones are back for the cell.
    /// </summary>
    public PSObject RunClean(string script)
    {
        Sandbox.Faults.Clear();
        var result = Session.Run($"{ConnectAll(100, 100)}; try {{ {script} }} finally {{ {ConnectAll(TimeoutSec, TransferIdleTimeoutSec)} }}");
        if (result.AllErrors.Any() || result.Output.Count != 1)
        {
            throw new InvalidOperationException($"Preparing '{script}' failed: {string.Join(Environment.NewLine, result.AllErrors)}");
        }

        return result.Output[0];
    }

    /// <summary>Connects the session to the three services through the API relay with these time limits.</summary>
    private static string ConnectAll(double timeoutSec, double transferIdleTimeoutSec)
    {
        var limits = string.Create(CultureInfo.InvariantCulture, $"-BaseUri $Relay -RetryIntervalSec 0.02 -MaximumRetryCount 6 -TimeoutSec {timeoutSec} -TransferIdleTimeoutSec {transferIdleTimeoutSec}");
        return $"Connect-BuildService -Service ProductScience -Token $PsToken {limits}; " +
               $"Connect-BuildService -Service Bitrise -Token $BitriseToken {limits}; " +
               $"Connect-BuildService -Service Applivery -Token $AppToken {limits}";
    }

    public async Task DisposeAsync()
    {
        Session.Dispose();
        await Sandbox.DisposeAsync();
        foreach (var file in new[] { SmallApk, _largeApk.IsValueCreated ? _largeApk.Value : null })
        {
            if (file is not null)
            {
                Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
            }
        }
    }
}
