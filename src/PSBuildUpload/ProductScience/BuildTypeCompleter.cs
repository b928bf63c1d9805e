using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using PSBuildUpload.Engine.ProductScience;

namespace PSBuildUpload.ProductScience;

/// <summary>Tab completion of -BuildType: APK, INSTRUMENTED_APK.</summary>
public sealed class BuildTypeCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        return Enum.GetNames(typeof(ProductScienceBuildType))
            .Where(name => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(name => new CompletionResult(name, name, CompletionResultType.ParameterValue, name == "APK" ? "A release APK" : "An APK instrumented by the Product Science plugin"));
    }
}
