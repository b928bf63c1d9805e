using System;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using PSBuildUpload.Core;

using PSBuildUpload.Engine.Auth;
using PSBuildUpload.Engine.Connection;
using PSBuildUpload.Engine.Diagnostics;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Connection;

/// <summary>Stores a service's token, address, proxy and retry settings for the rest of this runspace.</summary>
[Cmdlet(VerbsCommunications.Connect, "BuildService")]
[OutputType(typeof(BuildServiceConnection))]
public sealed class ConnectBuildServiceCommand : PSCmdlet
{
    /// <summary>The service to connect: ProductScience, Applivery or Bitrise.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public BuildService Service { get; set; }

    /// <summary>The API token. Optional: without it, calls fall back to the environment variable (and files).</summary>
    [Parameter(Position = 1)]
    [SecretParameter]
    public SecureString? Token { get; set; }

    /// <summary>Replaces scheme, host and port of the service's address (a private instance, a test server).</summary>
    [Parameter]
    public Uri? BaseUri { get; set; }

    /// <summary>An HTTP proxy for this service's calls; otherwise HTTPS_PROXY/NO_PROXY and the system proxy apply.</summary>
    [Parameter]
    public Uri? Proxy { get; set; }

    /// <summary>The credential the proxy asks for.</summary>
    [Parameter]
    [Credential]
    public PSCredential? ProxyCredential { get; set; }

    /// <summary>How many times a failed call that is safe to repeat is sent again (0 to 20).</summary>
    [Parameter]
    public int MaximumRetryCount { get; set; } = ServiceSettings.Default.MaximumRetryCount;

    /// <summary>The first wait before a retry, in seconds; later waits double, with jitter.</summary>
    [Parameter]
    public double RetryIntervalSec { get; set; } = ServiceSettings.Default.RetryInterval.TotalSeconds;

    /// <summary>The limit of one API call, from sending to the end of the answer, in seconds.</summary>
    [Parameter]
    public double TimeoutSec { get; set; } = ServiceSettings.Default.RequestTimeout.TotalSeconds;

    /// <summary>How long a file transfer may go without moving a byte before it fails, in seconds.</summary>
    [Parameter]
    public double TransferIdleTimeoutSec { get; set; } = ServiceSettings.Default.TransferIdleTimeout.TotalSeconds;

    /// <summary>Emits the connection.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            CheckSettings();
            var baseUri = BaseUri is null ? null : ServiceEndpoint.ValidateBaseUri(Service.ToKind(), BaseUri, ServiceDefaults.BasePath(Service));
            if (Proxy is not null && (!Proxy.IsAbsoluteUri || (Proxy.Scheme != Uri.UriSchemeHttp && Proxy.Scheme != Uri.UriSchemeHttps)))
            {
                throw new BuildServiceException(
                    ErrorIds.For(Service.ToKind(), ErrorReason.InvalidProxy),
                    ErrorKind.InvalidArgument,
                    $"-Proxy '{Proxy}' is not an absolute http:// or https:// address, such as http://proxy.example.com:8080.",
                    Proxy) { IsTerminating = true };
            }

            SecureString? token = null;
            if (Token is not null)
            {
                // Checked now so a bad paste fails here rather than on the first call.
                var normalized = TokenResolver.Normalize(Service.ToKind(), ServiceDefaults.ReadSecure(Token), "-Token");
                Redactor.Register(normalized);
                token = new SecureString();
                foreach (var c in normalized)
                {
                    token.AppendChar(c);
                }

                token.MakeReadOnly();
            }

            var settings = new ServiceSettings
            {
                MaximumRetryCount = MaximumRetryCount,
                RetryInterval = TimeSpan.FromSeconds(RetryIntervalSec),
                RequestTimeout = TimeSpan.FromSeconds(TimeoutSec),
                TransferIdleTimeout = TimeSpan.FromSeconds(TransferIdleTimeoutSec),
                Proxy = Proxy,
                ProxyCredential = ProxyCredential?.GetNetworkCredential(),
            };
            Redactor.Register(settings.ProxyCredential?.Password);
            var connection = new BuildServiceConnection(Service, baseUri, token, settings)
            {
                TokenSource = token is null ? "none" : "Connect-BuildService",
            };
            if (token is null)
            {
                GetBuildServiceConnectionCommand.DescribeFallback(connection, SessionState.Path.CurrentFileSystemLocation.ProviderPath);
            }

            ConnectionStore.Set(connection);
            WriteVerbose($"{Service}: connected to {connection.BaseUri} ({(token is null ? "no token given; " + connection.TokenSource : "token set")}).");
            if (PassThru)
            {
                WriteObject(connection);
            }
        }
        catch (BuildServiceException e)
        {
            var record = ErrorRecords.From(e);
            CiLog.ReportTerminating(this, record);
            ThrowTerminatingError(record);
        }
    }

    /// <summary>
    /// The ranges of the settings, checked here rather than with ValidateRange so that a value out of range is one
    /// ErrorId (PSBuildUpload.SettingOutOfRange) whose message gives the range, like every other refused input.
    /// </summary>
    private void CheckSettings()
    {
        Range(nameof(MaximumRetryCount), MaximumRetryCount, 0, 20, "times");
        Range(nameof(RetryIntervalSec), RetryIntervalSec, 0, 600, "seconds");
        Range(nameof(TimeoutSec), TimeoutSec, 0.1, 3600, "seconds");
        Range(nameof(TransferIdleTimeoutSec), TransferIdleTimeoutSec, 0.1, 86400, "seconds");
    }

    private static void Range(string parameter, double value, double minimum, double maximum, string unit)
    {
        if (double.IsNaN(value) || value < minimum || value > maximum)
        {
            throw new BuildServiceException(
                ErrorIds.Module.SettingOutOfRange,
                ErrorKind.InvalidArgument,
                string.Format(CultureInfo.InvariantCulture, "-{0} {1} is out of range: give from {2} to {3} {4}.", parameter, value, minimum, maximum, unit),
                value) { IsTerminating = true };
        }
    }
}
