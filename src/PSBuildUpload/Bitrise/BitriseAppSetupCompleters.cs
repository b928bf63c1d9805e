using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PSBuildUpload.Bitrise;

/// <summary>Tab completion of Complete-BitriseApp -ProjectType: the values the API documents.</summary>
public sealed class BitriseProjectTypeCompleter : IArgumentCompleter
{
    private static readonly string[] Values = { "android", "ios", "cordova", "other", "xamarin", "macos", "ionic", "react-native", "fastlane", "flutter" };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Complete(Values, wordToComplete);

    internal static IEnumerable<CompletionResult> Complete(IEnumerable<string> values, string? word)
    {
        var prefix = (word ?? string.Empty).Trim('\'', '"');
        return values
            .Where(value => value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(value => new CompletionResult(value, value, CompletionResultType.ParameterValue, value));
    }
}

/// <summary>Tab completion of Complete-BitriseApp -Config: the initial configs the API documents.</summary>
public sealed class BitriseConfigCompleter : IArgumentCompleter
{
    private static readonly string[] Values =
    {
        "default-android-config", "default-cordova-config", "default-fastlane-android-config", "default-fastlane-ios-config",
        "flutter-config-test-android-2", "flutter-config-test-both-0", "flutter-config-test-ios-1", "default-ionic-config",
        "default-ios-config", "default-macos-config", "default-react-native-config", "default-react-native-expo-config", "other-config",
    };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        BitriseProjectTypeCompleter.Complete(Values, wordToComplete);
}

/// <summary>
/// Tab completion of Register-BitriseApp -Provider. A completer rather than ValidateSet, so that a wrong value is
/// refused by the module's own check (Bitrise.InvalidArgument, naming the values) instead of the binder's.
/// </summary>
public sealed class BitriseProviderCompleter : IArgumentCompleter
{
    private static readonly string[] Values = { "github", "bitbucket", "gitlab", "gitlab-self-hosted", "custom" };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        BitriseProjectTypeCompleter.Complete(Values, wordToComplete);
}
