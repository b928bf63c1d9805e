using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Completion;
using PSBuildUpload.Core;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Diagnostics;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// Triggers a build of an app (a branch, tag or commit, and/or a workflow) and emits its keys, which pipe into
/// Wait-BitriseBuild. The trigger is sent once: it is never repeated on a failure that may have started a build.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "BitriseBuild", SupportsShouldProcess = true)]
[OutputType(typeof(BitriseTriggeredBuild))]
public sealed class StartBitriseBuildCommand : BitriseCmdlet
{
    private static readonly Regex VariableName = new("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BitriseAppSlugCompleter))]
    public string AppSlug { get; set; } = string.Empty;

    [Parameter]
    public string? Branch { get; set; }

    [Parameter]
    public string? Tag { get; set; }

    [Parameter]
    [Alias("Commit")]
    public string? CommitHash { get; set; }

    /// <summary>The workflow to run; without it Bitrise picks one by its trigger map.</summary>
    [Parameter]
    [Alias("WorkflowId")]
    [ArgumentCompleter(typeof(BitriseWorkflowCompleter))]
    public string? Workflow { get; set; }

    [Parameter]
    public string? CommitMessage { get; set; }

    /// <summary>
    /// Environment variables for the build: name = value (text, or a SecureString for a secret), sent with is_expand
    /// true; a value given as @{ Value = '…'; IsExpand = $false } sets is_expand itself.
    /// </summary>
    [Parameter]
    public IDictionary? Environment { get; set; }

    /// <summary>Shown by Bitrise as who triggered the build.</summary>
    [Parameter]
    public string? TriggeredBy { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var app = ValidateSlug(AppSlug, nameof(AppSlug));
            var request = new BitriseBuildRequest
            {
                Branch = BitriseChecks.OptionalText(Branch, nameof(Branch)),
                Tag = BitriseChecks.OptionalText(Tag, nameof(Tag)),
                CommitHash = BitriseChecks.OptionalText(CommitHash, nameof(CommitHash)),
                Workflow = BitriseChecks.OptionalText(Workflow, nameof(Workflow)),
                CommitMessage = CommitMessage,
                TriggeredBy = BitriseChecks.OptionalText(TriggeredBy, nameof(TriggeredBy)),
            };
            if (request.Branch is null && request.Tag is null && request.CommitHash is null && request.Workflow is null)
            {
                throw ErrorRecords.InvalidArgument(
                    ErrorIds.Bitrise.MissingBuildTarget,
                    "Say what to build: give -Branch, -Tag, -CommitHash or -Workflow (at least one; Bitrise needs it to pick the code and the workflow).",
                    app);
            }

            foreach (var variable in Variables())
            {
                request.Environments.Add(variable);
            }

            var what = new[]
            {
                request.Workflow is null ? "the workflow of the trigger map" : "workflow '" + request.Workflow + "'",
                request.Branch is null ? null : "branch '" + request.Branch + "'",
                request.Tag is null ? null : "tag '" + request.Tag + "'",
                request.CommitHash is null ? null : "commit " + request.CommitHash,
            };
            if (!await ShouldProcessAsync($"Bitrise app '{app}'", "Start a build of " + string.Join(" on ", what.Where(w => w is not null))).ConfigureAwait(false))
            {
                return;
            }

            foreach (var triggered in await Client.TriggerBuildAsync(app, request, cancellationToken).ConfigureAwait(false))
            {
                EmitVerbose(string.Format(CultureInfo.InvariantCulture, "Started build #{0} ({1}) of app '{2}': {3}", triggered.BuildNumber, triggered.BuildSlug, app, triggered.BuildUrl));
                Emit(triggered);
            }
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }

    private List<BitriseBuildEnvironment> Variables()
    {
        var variables = new List<BitriseBuildEnvironment>();
        if (Environment is null)
        {
            return variables;
        }

        foreach (DictionaryEntry entry in Environment)
        {
            var name = (entry.Key as PSObject)?.BaseObject as string ?? entry.Key as string ?? Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty;
            if (!VariableName.IsMatch(name))
            {
                throw ErrorRecords.InvalidArgument(
                    ErrorIds.Bitrise.InvalidEnvironment,
                    $"-Environment has the name '{name}', which is not an environment variable name (letters, digits and '_', not starting with a digit).",
                    name);
            }

            var value = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
            var isExpand = true;
            if (value is IDictionary options)
            {
                value = Option(options, "Value");
                if (Option(options, "IsExpand") is { } expand)
                {
                    isExpand = LanguagePrimitives.IsTrue(expand);
                }
            }

            string text;
            if (value is SecureString secret)
            {
                // A secret given as a SecureString goes to Bitrise as its text and is never shown by this module.
                text = Connection.ServiceDefaults.ReadSecure(secret);
                Redactor.Register(text);
            }
            else
            {
                text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
            }

            variables.Add(new BitriseBuildEnvironment(name, text, isExpand));
        }

        return variables;
    }

    private static object? Option(IDictionary options, string key)
    {
        foreach (DictionaryEntry entry in options)
        {
            if (string.Equals(Convert.ToString(entry.Key, CultureInfo.InvariantCulture), key, StringComparison.OrdinalIgnoreCase))
            {
                return entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
            }
        }

        return null;
    }
}
