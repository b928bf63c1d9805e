using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Diagnostics;

namespace PSBuildUpload.Completion;

/// <summary>
/// Tab completion of -Workflow: the workflows of the bitrise.yml of the app named by -AppSlug on the same command
/// line, with their titles. Offers nothing until -AppSlug is given, and nothing on any error.
/// </summary>
public sealed class BitriseWorkflowCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = CompletionSupport.Word(wordToComplete);
        var appSlug = CompletionSupport.Bound(fakeBoundParameters, "AppSlug")?.ToString()?.Trim();
        if (!CompletionSupport.IsSlug(appSlug))
        {
            return Array.Empty<CompletionResult>();
        }

        IReadOnlyList<KeyValuePair<string, string?>> workflows;
        try
        {
            var endpoint = CompletionSupport.BitriseEndpoint(fakeBoundParameters, out var key);
            if (endpoint is null)
            {
                return Array.Empty<CompletionResult>();
            }

            workflows = CompletionSupport.Cached("workflows|" + appSlug + "|" + key, () =>
            {
                using var timeout = new CancellationTokenSource(CompletionSupport.FetchTimeout);
                return new BitriseClient(endpoint, NullObserver.Instance).ListWorkflowNamesAsync(appSlug!, timeout.Token).GetAwaiter().GetResult();
            });
        }
        catch (Exception)
        {
            return Array.Empty<CompletionResult>();
        }

        return workflows
            .Where(w => CompletionSupport.StartsWith(w.Key, word))
            .Select(w => new CompletionResult(w.Key, w.Key, CompletionResultType.ParameterValue, string.IsNullOrEmpty(w.Value) ? w.Key : w.Value))
            .ToArray();
    }
}
