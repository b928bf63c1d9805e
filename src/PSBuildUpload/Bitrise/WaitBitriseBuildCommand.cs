using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Completion;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// Waits for builds to finish and emits each finished build, showing progress meanwhile. A timeout is an error; with
/// -AbortOnTimeout a timeout, or stopping the command (Ctrl+C), also aborts the remote build so it stops using credits.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "BitriseBuild")]
[OutputType(typeof(BitriseBuild))]
public sealed class WaitBitriseBuildCommand : BitriseCmdlet
{
    private const double MaximumSeconds = 7 * 24 * 3600;
    private TimeSpan? _timeout;
    private TimeSpan _pollInterval;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BitriseAppSlugCompleter))]
    public string AppSlug { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string BuildSlug { get; set; } = string.Empty;

    /// <summary>Seconds to wait for each build; without it, as long as the build takes.</summary>
    [Parameter]
    public double? Timeout { get; set; }

    /// <summary>Seconds between two looks at the build (default 10).</summary>
    [Parameter]
    public double PollInterval { get; set; } = 10;

    /// <summary>Aborts the build when the wait times out or is stopped.</summary>
    [Parameter]
    public SwitchParameter AbortOnTimeout { get; set; }

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        _timeout = Timeout is { } seconds ? BitriseChecks.Seconds(seconds, nameof(Timeout), ErrorIds.Bitrise.InvalidTimeout, MaximumSeconds) : null;
        _pollInterval = BitriseChecks.Seconds(PollInterval, nameof(PollInterval), ErrorIds.Bitrise.InvalidPollInterval, 3600);
        return Task.CompletedTask;
    }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var app = ValidateSlug(AppSlug, nameof(AppSlug));
            var build = ValidateSlug(BuildSlug, nameof(BuildSlug));
            Emit(await Client.WaitForBuildAsync(app, build, _timeout, _pollInterval, AbortOnTimeout, cancellationToken).ConfigureAwait(false));
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
