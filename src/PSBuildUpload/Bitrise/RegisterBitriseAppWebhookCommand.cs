using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Completion;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// Step 3 of adding an app (optional): registers Bitrise's incoming webhook at the git provider
/// (POST /apps/{slug}/register-webhook), so that pushes and pull requests start builds.
/// </summary>
[Cmdlet(VerbsLifecycle.Register, "BitriseAppWebhook", SupportsShouldProcess = true)]
[OutputType(typeof(BitriseWebhookRegistration))]
public sealed class RegisterBitriseAppWebhookCommand : BitriseCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BitriseAppSlugCompleter))]
    public string AppSlug { get; set; } = string.Empty;

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var appSlug = ValidateSlug(AppSlug, nameof(AppSlug));
            if (!await ShouldProcessAsync($"Bitrise app {appSlug}", "Register the incoming webhook at the git provider").ConfigureAwait(false))
            {
                return;
            }

            Emit(await Client.RegisterWebhookAsync(appSlug, cancellationToken).ConfigureAwait(false));
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
