using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PSBuildUpload.Completion;

/// <summary>Completes a fixed list of values, each with a tooltip that says what it means.</summary>
public abstract class ValueListCompleter : IArgumentCompleter
{
    /// <summary>The values in the order they are offered, with their tooltips.</summary>
    protected abstract IReadOnlyList<KeyValuePair<string, string>> Values { get; }

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = CompletionSupport.Word(wordToComplete);
        return Values
            .Where(v => CompletionSupport.StartsWith(v.Key, word))
            .Select(v => new CompletionResult(v.Key, v.Key, CompletionResultType.ParameterValue, v.Value))
            .ToArray();
    }

    protected static KeyValuePair<string, string> Value(string value, string toolTip) => new(value, toolTip);
}

/// <summary>Tab completion of a Bitrise build's -Status.</summary>
public sealed class BitriseBuildStatusCompleter : ValueListCompleter
{
    private static readonly KeyValuePair<string, string>[] Statuses =
    {
        Value("InProgress", "Not finished yet: running, or queued/on hold (status 0)"),
        Value("Success", "Finished successfully (status 1)"),
        Value("Failed", "Finished with a failure (status 2)"),
        Value("Aborted", "Aborted (status 3)"),
        Value("AbortedWithSuccess", "Aborted and marked successful (status 4)"),
    };

    protected override IReadOnlyList<KeyValuePair<string, string>> Values => Statuses;
}

/// <summary>Tab completion of an Applivery build's -Status, spelled as the API spells it.</summary>
public sealed class AppliveryBuildStatusCompleter : ValueListCompleter
{
    private static readonly KeyValuePair<string, string>[] Statuses =
    {
        Value("pending", "Uploaded, waiting to be processed"),
        Value("in_progress", "Being processed"),
        Value("processed", "Processed and ready to install"),
        Value("error", "Processing failed (see the build's errorCode and processLogs)"),
    };

    protected override IReadOnlyList<KeyValuePair<string, string>> Values => Statuses;
}
