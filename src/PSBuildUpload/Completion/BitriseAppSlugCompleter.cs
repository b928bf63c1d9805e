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
/// Tab completion of -AppSlug: the apps the token can see, matched by slug or by title, each shown with its title.
/// Uses the command line's -Token/-BaseUri or the session's connection; silently offers nothing when there is no
/// token or the call fails (a prompt must never show an error for a Tab).
/// </summary>
public sealed class BitriseAppSlugCompleter : IArgumentCompleter
{
    /// <summary>Enough for any real account; completion never pages further.</summary>
    private const int MaximumApps = 500;

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = CompletionSupport.Word(wordToComplete);
        IReadOnlyList<AppChoice> apps;
        try
        {
            apps = Fetch(fakeBoundParameters);
        }
        catch (Exception)
        {
            return Array.Empty<CompletionResult>();
        }

        return apps
            .Where(a => CompletionSupport.StartsWith(a.Slug, word) || CompletionSupport.StartsWith(a.Title, word))
            .Select(a => new CompletionResult(a.Slug, $"{a.Slug} ({a.Title})", CompletionResultType.ParameterValue, a.ToolTip))
            .ToArray();
    }

    private static IReadOnlyList<AppChoice> Fetch(IDictionary fakeBoundParameters)
    {
        var endpoint = CompletionSupport.BitriseEndpoint(fakeBoundParameters, out var key);
        if (endpoint is null)
        {
            return Array.Empty<AppChoice>();
        }

        return CompletionSupport.Cached("apps|" + key, () =>
        {
            var apps = new List<AppChoice>();
            using var timeout = new CancellationTokenSource(CompletionSupport.FetchTimeout);
            new BitriseClient(endpoint, NullObserver.Instance)
                .ListAppsAsync(null, null, "last_build_at", MaximumApps, app =>
                {
                    apps.Add(new AppChoice(app.AppSlug, app.Title ?? string.Empty, Describe(app)));
                    return apps.Count < MaximumApps;
                }, null, timeout.Token)
                .GetAwaiter().GetResult();
            return (IReadOnlyList<AppChoice>)apps;
        });
    }

    private static string Describe(BitriseApp app)
    {
        var tip = app.Title ?? app.AppSlug;
        if (!string.IsNullOrEmpty(app.ProjectType))
        {
            tip += " - " + app.ProjectType;
        }

        return app.Owner?.Name is { Length: > 0 } owner ? tip + ", owned by " + owner : tip;
    }

    private sealed class AppChoice
    {
        public AppChoice(string slug, string title, string toolTip)
        {
            Slug = slug;
            Title = title;
            ToolTip = toolTip;
        }

        public string Slug { get; }

        public string Title { get; }

        public string ToolTip { get; }
    }
}
