using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace PSBuildUpload.Sandbox.Bitrise;

/// <summary>
/// The read of an app's bitrise.yml that -Workflow completion needs (GET /apps/{slug}/bitrise.yml), kept apart
/// and minimal: when the full configuration area (Get/Set-BitriseAppConfig) lands with its own endpoint, this file
/// and its line in Map() go.
/// </summary>
public sealed partial class BitriseEmulator
{
    /// <summary>A stored bitrise.yml with two runnable workflows and a utility one.</summary>
    public const string SampleBitriseYml = """
        format_version: "13"
        default_step_lib_source: https://github.com/bitrise-io/bitrise-steplib.git
        project_type: android
        workflows:
          primary:
            title: Build and test on every push
            steps:
            - git-clone@8: {}
          deploy:
            summary: Build a signed release and deploy it
            steps:
            - git-clone@8: {}
          _setup:
            steps:
            - activate-ssh-key@4: {}
        """;

    /// <summary>bitrise.yml per app slug, for tests to replace; apps without one get <see cref="SampleBitriseYml"/>.</summary>
    public ConcurrentDictionary<string, string> CompletionConfigs { get; } = new();

    private void MapCompletion(RouteGroupBuilder api) =>
        api.MapGet("/apps/{appSlug}/bitrise.yml", (HttpContext c, string appSlug) => Authorized(c, () =>
            Apps.ContainsKey(appSlug)
                ? Results.Text(CompletionConfigs.TryGetValue(appSlug, out var yml) ? yml : SampleBitriseYml, "text/yaml")
                : NotFound("Not Found")));
}
