using System;
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace PSBuildUpload.Sandbox.Bitrise;

/// <summary>
/// bitrise.yml: <c>GET</c>/<c>POST /apps/{slug}/bitrise.yml</c> and <c>GET /apps/{slug}/builds/{slug}/bitrise.yml</c>.
/// GETs answer the YAML as text/plain; a POST takes <c>app_config_datastore_yaml</c> as a string (seed) or an object
/// (spec), refuses YAML that does not parse with 400 as the service does, and answers the config as JSON (seed).
/// </summary>
public sealed partial class BitriseEmulator
{
    /// <summary>The seed's example bitrise.yml, which every app has until one is uploaded.</summary>
    /// <summary>A bitrise.yml with two runnable workflows (with a title and a summary) and a utility one.</summary>
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

    public const string DefaultYaml = """
        app:
          envs:
          - BITRISE_PROJECT_PATH: sample-apps-osx-10-12.xcodeproj
            opts:
              is_expand: false
          - BITRISE_SCHEME: sample-apps-osx-10-12
            opts:
              is_expand: false
        default_step_lib_source: https://github.com/bitrise-io/bitrise-steplib.git
        format_version: 1.3.1
        trigger_map:
        - push_branch: '*'
          workflow: primary
        - pull_request_source_branch: '*'
          workflow: primary
        workflows:
          primary:
            steps:
            - activate-ssh-key@3.1.1:
                run_if: ''
            - git-clone@3.4.2: {}
            - script@1.1.3:
                title: Do anything with Script step
            - certificate-and-profile-installer@1.8.4: {}
            - xcode-test-mac@1.1.0:
                inputs:
                - project_path: $BITRISE_PROJECT_PATH
                - scheme: $BITRISE_SCHEME
            - deploy-to-bitrise-io@1.2.9: {}

        """;

    /// <summary>Each app's current bitrise.yml (apps not listed have <see cref="DefaultYaml"/>).</summary>
    public ConcurrentDictionary<string, string> Configs { get; } = new();

    /// <summary>
    /// The bitrise.yml each build ran with, by (app slug, build slug). The builds part of the emulator records one
    /// with <see cref="RecordBuildConfig"/> when a build starts; a build without one answers 404.
    /// </summary>
    public ConcurrentDictionary<(string App, string Build), string> BuildConfigs { get; } = new();

    /// <summary>Keeps the app's current config as the one <paramref name="buildSlug"/> runs with.</summary>
    public void RecordBuildConfig(string appSlug, string buildSlug, string? yaml = null) =>
        BuildConfigs[(appSlug, buildSlug)] = yaml ?? ConfigOf(appSlug);

    public string ConfigOf(string appSlug) => Configs.TryGetValue(appSlug, out var yaml) ? yaml : DefaultYaml;

    private void MapConfig(RouteGroupBuilder api)
    {
        api.MapGet("/apps/{appSlug}/bitrise.yml", (HttpContext c, string appSlug) => Authorized(c, () =>
            WithApp(appSlug, app => Results.Text(ConfigOf(app.Slug), "text/plain; charset=utf-8"))));
        api.MapGet("/apps/{appSlug}/builds/{buildSlug}/bitrise.yml", (HttpContext c, string appSlug, string buildSlug) => Authorized(c, () =>
            WithApp(appSlug, app => BuildConfigs.TryGetValue((app.Slug, buildSlug), out var yaml)
                ? Results.Text(yaml, "text/plain; charset=utf-8")
                : NotFound("Build not found"))));
        api.MapPost("/apps/{appSlug}/bitrise.yml", (HttpContext c, string appSlug) => WithBodyAsync(c, text => WithApp(appSlug, app => SaveConfig(text, app))));
    }

    private IResult SaveConfig(string? text, SbApp app)
    {
        if (ParseObject(text) is not { } body || !body.TryGetProperty("app_config_datastore_yaml", out var field))
        {
            return Rejected("app_config_datastore_yaml is required");
        }

        string yaml;
        switch (field.ValueKind)
        {
            case JsonValueKind.String:
                yaml = field.GetString()!;
                break;
            case JsonValueKind.Object:
                // The spec's form: the config as a JSON object, which is also YAML.
                yaml = field.GetRawText();
                break;
            default:
                return Rejected("app_config_datastore_yaml must be the YAML as a string");
        }

        if (!SandboxYaml.TryParse(yaml, out var config, out var fault))
        {
            return Rejected($"Invalid bitrise.yml: (Line: {fault.Line}, Col: {fault.Column}) {fault.Message}");
        }

        if (config is not System.Collections.Generic.Dictionary<string, object?> map)
        {
            return Rejected("Invalid bitrise.yml: the top level must be a map");
        }

        Configs[app.Slug] = yaml;
        return Results.Json(map, Json);
    }
}
