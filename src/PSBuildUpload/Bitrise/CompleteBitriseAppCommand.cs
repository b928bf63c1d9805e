using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Completion;
using PSBuildUpload.Core;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// Step 4 of adding an app: saves it (POST /apps/{slug}/finish) with its project type, stack, initial config,
/// app-level environment variables and, optionally, the organization that owns it.
/// </summary>
[Cmdlet(VerbsLifecycle.Complete, "BitriseApp", SupportsShouldProcess = true)]
[OutputType(typeof(BitriseAppFinish))]
public sealed class CompleteBitriseAppCommand : BitriseCmdlet
{
    private static readonly Regex EnvironmentName = new("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BitriseAppSlugCompleter))]
    public string AppSlug { get; set; } = string.Empty;

    /// <summary>android, ios, cordova, other, xamarin, macos, ionic, react-native, fastlane, flutter.</summary>
    [Parameter(Mandatory = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BitriseProjectTypeCompleter))]
    public string ProjectType { get; set; } = string.Empty;

    /// <summary>The stack the builds run on, e.g. osx-xcode-16.0.x or linux-docker-android-22.04.</summary>
    [Parameter(Mandatory = true)]
    [AllowEmptyString]
    public string StackId { get; set; } = string.Empty;

    /// <summary>The initial config, e.g. default-ios-config; Bitrise uses other-config when it is not given.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(BitriseConfigCompleter))]
    public string? Config { get; set; }

    /// <summary>The config mode; the API wants "manual".</summary>
    [Parameter]
    public string Mode { get; set; } = "manual";

    /// <summary>App-level environment variables, sent as the object envs: @{ GRADLE_TASK = 'assembleRelease' }.</summary>
    [Parameter]
    [Alias("Envs")]
    public Hashtable? Environment { get; set; }

    /// <summary>The organization that will own the app; by default the token's user.</summary>
    [Parameter]
    public string? OrganizationSlug { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var appSlug = ValidateSlug(AppSlug, nameof(AppSlug));
            var finish = new BitriseAppFinishRequest
            {
                ProjectType = Required(ProjectType, nameof(ProjectType), "the project type, e.g. ios or android"),
                StackId = Required(StackId, nameof(StackId), "the stack, e.g. osx-xcode-16.0.x"),
                Config = Config,
                Mode = string.IsNullOrWhiteSpace(Mode) ? "manual" : Mode.Trim(),
                Envs = Environments(),
                OrganizationSlug = OrganizationSlug is null ? null : ValidateSlug(OrganizationSlug, nameof(OrganizationSlug)),
            };
            if (!await ShouldProcessAsync($"Bitrise app {appSlug}", $"Save the app as {finish.ProjectType} on {finish.StackId}").ConfigureAwait(false))
            {
                return;
            }

            Emit(await Client.FinishAppAsync(appSlug, finish, cancellationToken).ConfigureAwait(false));
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }

    private static string Required(string value, string parameter, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw ErrorRecords.InvalidArgument(ErrorIds.For(Engine.ServiceKind.Bitrise, ErrorReason.InvalidArgument), $"-{parameter} is empty. Give {what}.", value);
        }

        return value.Trim();
    }

    private Dictionary<string, string>? Environments()
    {
        if (Environment is null || Environment.Count == 0)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment)
        {
            var name = Convert.ToString(entry.Key, CultureInfo.InvariantCulture)?.Trim() ?? string.Empty;
            if (!EnvironmentName.IsMatch(name))
            {
                throw ErrorRecords.InvalidArgument(
                    ErrorIds.For(Engine.ServiceKind.Bitrise, ErrorReason.InvalidArgument),
                    $"-Environment has the name '{name}', which is not an environment variable name (letters, digits and '_', not starting with a digit).",
                    name);
            }

            var value = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
            result[name] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
        }

        return result;
    }
}
