using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Completion;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// Aborts a running or queued build. A build that has already finished is reported as a (non-terminating) error
/// with the service's words, and the next piped build is still aborted.
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "BitriseBuild", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BitriseBuild))]
public sealed class StopBitriseBuildCommand : BitriseCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BitriseAppSlugCompleter))]
    public string AppSlug { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string BuildSlug { get; set; } = string.Empty;

    /// <summary>Why; Bitrise shows it on the build ("… requested to abort this build with reason: …").</summary>
    [Parameter]
    public string? Reason { get; set; }

    /// <summary>The build ends as "aborted with success" (status 4), which counts as successful (on GitHub too).</summary>
    [Parameter]
    public SwitchParameter AbortWithSuccess { get; set; }

    /// <summary>No e-mail or other notification about the abort.</summary>
    [Parameter]
    public SwitchParameter SkipNotifications { get; set; }

    /// <summary>Emits the build as it is after the abort.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var app = ValidateSlug(AppSlug, nameof(AppSlug));
            var build = ValidateSlug(BuildSlug, nameof(BuildSlug));
            var how = AbortWithSuccess ? "Abort (counted as a success)" : "Abort";
            if (!await ShouldProcessAsync($"Bitrise build '{build}' of app '{app}'", how).ConfigureAwait(false))
            {
                return;
            }

            await Client.AbortBuildAsync(app, build, Reason, AbortWithSuccess, SkipNotifications, cancellationToken).ConfigureAwait(false);
            EmitVerbose($"Aborted build '{build}' of app '{app}'.");
            if (PassThru)
            {
                Emit(await Client.GetBuildAsync(app, build, cancellationToken).ConfigureAwait(false));
            }
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
