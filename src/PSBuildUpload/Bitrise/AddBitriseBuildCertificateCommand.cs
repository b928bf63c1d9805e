using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Completion;
using PSBuildUpload.Connection;
using PSBuildUpload.Core;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;
using PSBuildUpload.Engine.Transfers;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// Adds a code-signing certificate (.p12) to an app in the API's three steps (create with name and size, PUT the
/// file to the presigned URL without the token, confirm) and emits the confirmed certificate. The create call does
/// not take a password: -Password is set afterwards with PATCH certificate_password, and never written to a stream.
/// </summary>
[Cmdlet(VerbsCommon.Add, "BitriseBuildCertificate", SupportsShouldProcess = true)]
[OutputType(typeof(BitriseBuildCertificate))]
public sealed class AddBitriseBuildCertificateCommand : BitriseCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BitriseAppSlugCompleter))]
    public string AppSlug { get; set; } = string.Empty;

    /// <summary>The .p12 file; files from Get-ChildItem bind by FullName.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [Alias("FullName")]
    public string Path { get; set; } = string.Empty;

    /// <summary>The certificate's password.</summary>
    [Parameter]
    [SecretParameter]
    public SecureString? Password { get; set; }

    /// <summary>The name Bitrise shows (upload_file_name); by default the file's name.</summary>
    [Parameter]
    public string? Name { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var appSlug = ValidateSlug(AppSlug, nameof(AppSlug));
            var path = ResolvePath(Path);
            BitriseChecks.FileType(path, "a code-signing certificate (PKCS#12)", ".p12", ".pfx");
            var file = FileChecks.RequireFile(Service.ToKind(), path, "-Path");
            var password = Password is null ? null : ServiceDefaults.ReadSecure(Password);
            var action = $"Upload the build certificate {file.FullName}{(string.IsNullOrEmpty(password) ? string.Empty : " and set its password")}";
            if (!await ShouldProcessAsync($"Bitrise app {appSlug}", action).ConfigureAwait(false))
            {
                return;
            }

            Emit(await Client.AddBuildCertificateAsync(appSlug, file.FullName, Name, password, cancellationToken).ConfigureAwait(false));
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
