using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Completion;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;
using PSBuildUpload.Engine.Transfers;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// Replaces an app's bitrise.yml (POST /apps/{slug}/bitrise.yml) with a file (-Path) or text (-Yaml). The YAML is
/// checked locally first; a syntax fault is a Bitrise.InvalidYaml error giving line and column, and nothing is sent.
/// </summary>
/// <remarks>
/// -Yaml does not take pipeline input: <c>Get-Content</c> without -Raw would send one line at a time, each of which
/// can be valid YAML on its own.
/// </remarks>
[Cmdlet(VerbsCommon.Set, "BitriseAppConfig", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(BitriseAppConfigUpload))]
public sealed class SetBitriseAppConfigCommand : BitriseCmdlet
{
    private const string PathSet = "Path";
    private const string YamlSet = "Yaml";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BitriseAppSlugCompleter))]
    public string AppSlug { get; set; } = string.Empty;

    /// <summary>The bitrise.yml file (UTF-8).</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = PathSet)]
    [AllowEmptyString]
    [Alias("FullName")]
    public string Path { get; set; } = string.Empty;

    /// <summary>The YAML text.</summary>
    [Parameter(Mandatory = true, ParameterSetName = YamlSet)]
    [AllowEmptyString]
    public string Yaml { get; set; } = string.Empty;

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var appSlug = ValidateSlug(AppSlug, nameof(AppSlug));
            string yaml;
            string? path = null;
            if (ParameterSetName == PathSet)
            {
                path = FileChecks.RequireFile(Service.ToKind(), ResolvePath(Path), "-Path").FullName;
                yaml = BitriseClient.ReadConfigFile(path);
            }
            else
            {
                yaml = Yaml;
            }

            BitriseYaml.Check(yaml, path ?? "-Yaml");
            if (!await ShouldProcessAsync($"Bitrise app {appSlug}", $"Replace its bitrise.yml with {path ?? "the YAML given"}").ConfigureAwait(false))
            {
                return;
            }

            Emit(await Client.SetAppConfigAsync(appSlug, yaml, path, cancellationToken).ConfigureAwait(false));
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
