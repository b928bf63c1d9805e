using System.IO;
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
/// Step 2 of adding an app: registers the SSH key Bitrise clones the repository with (POST /apps/{slug}/register-ssh-key).
/// The private key comes as a SecureString or from a file and goes into the request body only: no stream ever shows
/// it. The public key is read from -PublicKey, -PublicKeyPath, the private key file's .pub twin, or the OpenSSH
/// private key itself.
/// </summary>
[Cmdlet(VerbsCommon.Set, "BitriseAppSshKey", SupportsShouldProcess = true, DefaultParameterSetName = FileSet)]
[OutputType(typeof(BitriseSshKeyRegistration))]
public sealed class SetBitriseAppSshKeyCommand : BitriseCmdlet
{
    private const string FileSet = "File";
    private const string SecureSet = "Secure";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BitriseAppSlugCompleter))]
    public string AppSlug { get; set; } = string.Empty;

    /// <summary>The private key file (PEM or OpenSSH format, without a passphrase).</summary>
    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    [AllowEmptyString]
    public string PrivateKeyPath { get; set; } = string.Empty;

    /// <summary>The private key text as a SecureString.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SecureSet)]
    [SecretParameter]
    public SecureString PrivateKey { get; set; } = null!;

    /// <summary>The public key text ("ssh-ed25519 AAAA… comment").</summary>
    [Parameter]
    public string? PublicKey { get; set; }

    /// <summary>The public key file (.pub).</summary>
    [Parameter]
    public string? PublicKeyPath { get; set; }

    /// <summary>Asks Bitrise to add the key to the git provider as well (is_register_key_into_provider_service).</summary>
    [Parameter]
    public SwitchParameter RegisterWithProvider { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var appSlug = ValidateSlug(AppSlug, nameof(AppSlug));
            string privateKey;
            string source;
            var publicKey = BitriseChecks.OptionalText(PublicKey, nameof(PublicKey));
            var publicKeyPath = BitriseChecks.OptionalText(PublicKeyPath, nameof(PublicKeyPath));
            if (ParameterSetName == FileSet)
            {
                var file = FileChecks.RequireFile(Service.ToKind(), ResolvePath(PrivateKeyPath), "-PrivateKeyPath");
                source = file.FullName;
                privateKey = File.ReadAllText(file.FullName);
                var twin = file.FullName + ".pub";
                if (publicKey is null && publicKeyPath is null && File.Exists(twin))
                {
                    publicKey = File.ReadAllText(twin);
                }
            }
            else
            {
                source = "-PrivateKey";
                privateKey = ServiceDefaults.ReadSecure(PrivateKey);
            }

            if (publicKey is null && publicKeyPath is not null)
            {
                publicKey = File.ReadAllText(FileChecks.RequireFile(Service.ToKind(), ResolvePath(publicKeyPath), "-PublicKeyPath").FullName);
            }

            publicKey = BitriseSshKeys.Prepare(privateKey, publicKey, source);
            var (type, fingerprint) = BitriseSshKeys.Describe(publicKey);
            if (!await ShouldProcessAsync($"Bitrise app {appSlug}", $"Register the SSH key {type} {fingerprint}{(RegisterWithProvider ? " (and add it to the git provider)" : string.Empty)}").ConfigureAwait(false))
            {
                return;
            }

            Emit(await Client.RegisterSshKeyAsync(appSlug, privateKey, publicKey, RegisterWithProvider.IsPresent, cancellationToken).ConfigureAwait(false));
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
