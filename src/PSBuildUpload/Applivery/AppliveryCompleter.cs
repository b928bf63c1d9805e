using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using PSBuildUpload.Engine.Applivery;

namespace PSBuildUpload.Applivery;

/// <summary>Tab completion of the Applivery parameters that take one of the API's words.</summary>
public sealed class AppliveryCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        IEnumerable<string> values = parameterName switch
        {
            "BuildPlatform" => AppliveryUpload.BuildPlatforms,
            "NotifyLanguage" => AppliveryUpload.NotifyLanguages,
            "Status" => AppliveryBuildStatus.Filterable,
            "Os" => new[] { "ios", "android" },
            _ => Array.Empty<string>(),
        };
        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        return values
            .Where(value => value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(value => new CompletionResult(value, value, CompletionResultType.ParameterValue, value == "ge" ? "ge (German)" : value));
    }
}
