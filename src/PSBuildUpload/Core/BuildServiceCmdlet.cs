using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using PSBuildUpload.Connection;

using PSBuildUpload.Engine.Auth;
using PSBuildUpload.Engine.Connection;
using PSBuildUpload.Engine.Diagnostics;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Core;

/// <summary>
/// The base of every service cmdlet: resolves the session's connection, the token and the base address once, in
/// BeginProcessing (bad configuration ends the command there), and relays the engine's verbose, warning and
/// progress reports to the pipeline thread.
/// </summary>
/// <remarks>
/// No public type of this assembly may derive from or implement an engine type: PowerShell enumerates the exported
/// types (loading their base types and interfaces) before the module initializer registers the engine's resolver.
/// </remarks>
public abstract class BuildServiceCmdlet : AsyncCmdlet
{
    private readonly Dictionary<int, int> _ciProgress = new();
    private ServiceEndpoint? _endpoint;
    private IOperationObserver? _observer;
    private bool _verboseWanted = true;

    protected abstract BuildService Service { get; }

    /// <summary>False for calls whose URL is its own credential (presigned uploads).</summary>
    protected virtual bool RequiresToken => true;

    /// <summary>The -Token parameter of cmdlets that take one; null otherwise.</summary>
    protected virtual SecureString? TokenParameter => null;

    /// <summary>The -BaseUri parameter of cmdlets that take one; null otherwise.</summary>
    protected virtual Uri? BaseUriParameter => null;

    /// <summary>Where the token came from, once resolved.</summary>
    protected ResolvedToken? ResolvedToken { get; private set; }

    protected ServiceEndpoint Endpoint => _endpoint ?? throw new InvalidOperationException("BeginProcessing has not run.");

    protected override void BeginProcessing()
    {
        // Read here, on the pipeline thread: session variables cannot be read from the async work.
        _verboseWanted = MyInvocation.BoundParameters.TryGetValue("Verbose", out var bound) && bound is SwitchParameter verbose
            ? verbose.IsPresent
            : GetVariableValue("VerbosePreference") is not ActionPreference preference || preference != ActionPreference.SilentlyContinue;
        try
        {
            _endpoint = ResolveEndpoint();
        }
        catch (BuildServiceException e)
        {
            ThrowTerminating(ErrorRecords.From(e));
        }

        base.BeginProcessing();
    }

    /// <summary>Receives the engine's reports and queues them to the pipeline thread.</summary>
    protected IOperationObserver Observer => _observer ??= new CmdletObserver(this);

    /// <summary>
    /// Shows a transfer's progress (the engine reports only transfers past its size threshold), and mirrors it to an
    /// Azure DevOps agent as <c>##vso[task.setprogress]</c> in steps of 10% so the log stays readable.
    /// </summary>
    protected virtual void ReportProgress(TransferProgress progress)
    {
        if (progress is null)
        {
            return;
        }

        var record = new ProgressRecord(progress.ActivityId, progress.Activity, progress.Status)
        {
            PercentComplete = progress.PercentComplete,
            SecondsRemaining = progress.SecondsRemaining,
            RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };
        EmitProgress(record);

        var percent = progress.Completed && progress.Total is > 0 ? 100 : progress.PercentComplete;
        var host = CiLog.Current();
        if (host != CiHost.AzureDevOps || percent < 0)
        {
            return;
        }

        lock (_ciProgress)
        {
            // Reports come from worker threads: the lock keeps one line per step even when two arrive together.
            var step = percent / 10;
            if (_ciProgress.TryGetValue(progress.ActivityId, out var last) && last >= step)
            {
                return;
            }

            _ciProgress[progress.ActivityId] = step;
        }

        if (CiLog.ProgressLine(percent, progress.Activity, host) is { } line)
        {
            EmitInformation(line, new[] { CiLog.HostTag });
        }
    }

    /// <summary>The full path of a file-system path given relative to PowerShell's current location.</summary>
    protected string ResolvePath(string path) =>
        string.IsNullOrWhiteSpace(path) ? path : SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

    protected string CurrentDirectory => SessionState.Path.CurrentFileSystemLocation.ProviderPath;

    private ServiceEndpoint ResolveEndpoint()
    {
        var connection = ConnectionStore.Get(Service);
        Uri? baseUri = null;
        if (BaseUriParameter is not null)
        {
            baseUri = ServiceEndpoint.ValidateBaseUri(Service.ToKind(), BaseUriParameter, ServiceDefaults.BasePath(Service));
        }
        else if (connection?.CustomBaseUri is not null)
        {
            baseUri = connection.CustomBaseUri;
        }

        string? token = null;
        if (RequiresToken)
        {
            ResolvedToken = TokenResolver.ResolveDeferred(
                Service.ToKind(),
                TokenParameter is null ? null : ServiceDefaults.ReadSecure(TokenParameter),
                connection?.Token is null ? null : ServiceDefaults.ReadSecure(connection.Token),
                () => CurrentDirectory);
            token = ResolvedToken.Value;
            Redactor.Register(token);
            WriteDebug($"{Service}: using the {ResolvedToken}.");
            if (ResolvedToken.Source == TokenSource.Environment && CiLog.SecretLine(token, CiLog.Current()) is { } announce)
            {
                // A pipeline variable mapped into the environment is masked by the agent only if it was declared
                // secret; announcing it makes sure the token is masked in the rest of the log whatever prints it.
                CiLog.Write(this, announce);
            }
        }

        return new ServiceEndpoint(Service.ToKind(), baseUri, token, connection?.Settings);
    }

    private sealed class CmdletObserver : IOperationObserver, IVerbosityAware
    {
        private readonly BuildServiceCmdlet _cmdlet;

        public CmdletObserver(BuildServiceCmdlet cmdlet)
        {
            _cmdlet = cmdlet;
            VerboseWanted = cmdlet._verboseWanted;
        }

        public bool VerboseWanted { get; }

        public void Verbose(string message) => _cmdlet.EmitVerbose(message);

        public void Debug(string message) => _cmdlet.EmitDebug(message);

        public void Warning(string message) => _cmdlet.EmitWarning(message);

        public void Progress(TransferProgress progress) => _cmdlet.ReportProgress(progress);
    }
}
