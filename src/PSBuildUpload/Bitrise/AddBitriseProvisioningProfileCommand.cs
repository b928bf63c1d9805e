using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Completion;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;
using PSBuildUpload.Engine.Transfers;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// Adds an iOS provisioning profile to an app in the API's three steps (create with name and size, PUT the file to
/// the presigned URL without the token, confirm) and emits the confirmed profile.
/// </summary>
[Cmdlet(VerbsCommon.Add, "BitriseProvisioningProfile", SupportsShouldProcess = true)]
[OutputType(typeof(BitriseProvisioningProfile))]
public sealed class AddBitriseProvisioningProfileCommand : BitriseCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BitriseAppSlugCompleter))]
    public string AppSlug { get; set; } = string.Empty;

    /// <summary>The .mobileprovision (or .provisionprofile) file; files from Get-ChildItem bind by FullName.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [Alias("FullName")]
    public string Path { get; set; } = string.Empty;

    /// <summary>The name Bitrise shows (upload_file_name); by default the file's name.</summary>
    [Parameter]
    public string? Name { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var appSlug = ValidateSlug(AppSlug, nameof(AppSlug));
            var path = ResolvePath(Path);
            BitriseChecks.FileType(path, "an iOS provisioning profile", ".mobileprovision", ".provisionprofile");
            var file = FileChecks.RequireFile(Service.ToKind(), path, "-Path");
            if (!await ShouldProcessAsync($"Bitrise app {appSlug}", $"Upload the provisioning profile {file.FullName}").ConfigureAwait(false))
            {
                return;
            }

            Emit(await Client.AddProvisioningProfileAsync(appSlug, file.FullName, Name, cancellationToken).ConfigureAwait(false));
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
