using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PSBuildUpload.Sandbox.Infrastructure;

namespace PSBuildUpload.Sandbox.Bitrise;

/// <summary>What the emulator recorded while an app went through the four setup calls.</summary>
public sealed class SbAppSetup
{
    public required string AppSlug { get; init; }

    /// <summary>The raw JSON of each call, in order: "register", "register-ssh-key", "register-webhook", "finish".</summary>
    public List<(string Step, string Json)> Calls { get; } = new();

    public string? PrivateKey { get; set; }

    public string? PublicKey { get; set; }

    public bool RegisterKeyIntoProvider { get; set; }

    public bool WebhookRegistered { get; set; }

    public bool Finished { get; set; }

    public string? StackId { get; set; }

    public string? Config { get; set; }

    public string? Mode { get; set; }

    public Dictionary<string, string> Envs { get; } = new(StringComparer.Ordinal);

    public string? BuildTriggerToken { get; set; }

    public string DefaultBranch { get; set; } = "master";
}

/// <summary>
/// Adding an app: <c>POST /apps/register</c>, <c>/apps/{slug}/register-ssh-key</c>, <c>/register-webhook</c>,
/// <c>/finish</c>, with the checks the spec states (required fields, known providers, mode "manual").
/// </summary>
public sealed partial class BitriseEmulator
{
    private static readonly string[] KnownProviders = { "github", "bitbucket", "gitlab", "gitlab-self-hosted", "custom" };

    /// <summary>The setup state of apps added through the API.</summary>
    public ConcurrentDictionary<string, SbAppSetup> Setups { get; } = new();

    private void MapRegistration(RouteGroupBuilder api)
    {
        api.MapPost("/apps/register", (Func<HttpContext, Task<IResult>>)(c => WithBodyAsync(c, Register)));
        api.MapPost("/apps/{appSlug}/register-ssh-key", (HttpContext c, string appSlug) => WithBodyAsync(c, text => WithApp(appSlug, app => RegisterSshKey(text, app))));
        api.MapPost("/apps/{appSlug}/register-webhook", (HttpContext c, string appSlug) => WithBodyAsync(c, text => WithApp(appSlug, app =>
        {
            var setup = SetupOf(app);
            lock (setup)
            {
                setup.Calls.Add(("register-webhook", text ?? string.Empty));
                setup.WebhookRegistered = true;
            }

            return Results.Json(new { status = "ok" }, Json);
        })));
        api.MapPost("/apps/{appSlug}/finish", (HttpContext c, string appSlug) => WithBodyAsync(c, text => WithApp(appSlug, app => Finish(text, app))));
    }

    internal IResult WithApp(string appSlug, Func<SbApp, IResult> endpoint) =>
        Apps.TryGetValue(appSlug, out var app) ? endpoint(app) : NotFound("Not Found");

    internal static IResult Rejected(string message) => Results.Json(new { message }, Json, statusCode: 400);

    /// <summary>Reads the body (as text), then answers 401 or runs the endpoint with it.</summary>
    internal async Task<IResult> WithBodyAsync(HttpContext context, Func<string?, IResult> endpoint)
    {
        string? text = null;
        if (context.Request.ContentLength is not 0)
        {
            using var reader = new System.IO.StreamReader(context.Request.Body, System.Text.Encoding.UTF8);
            text = await reader.ReadToEndAsync(context.RequestAborted);
        }

        return Authorized(context, () => endpoint(text));
    }

    /// <summary>The body as a JSON object, or null when it is missing or not an object.</summary>
    internal static JsonElement? ParseObject(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static string? String(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal static bool? Bool(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    private SbAppSetup SetupOf(SbApp app) => Setups.GetOrAdd(app.Slug, slug => new SbAppSetup { AppSlug = slug });

    private IResult Register(string? text)
    {
        // The spec answers this endpoint's errors as {"error_msg": …} (ProxyErrorRespModel).
        static IResult Refuse(string message) => Results.Json(new { error_msg = message }, Json, statusCode: 400);

        if (ParseObject(text) is not { } body)
        {
            return Refuse("The request body must be a JSON object.");
        }

        var repoUrl = String(body, "repo_url");
        if (string.IsNullOrWhiteSpace(repoUrl))
        {
            return Refuse("repo_url is required");
        }

        if (Bool(body, "is_public") is not { } isPublic)
        {
            return Refuse("is_public is required and must be a boolean");
        }

        var provider = String(body, "provider") ?? "github";
        if (!KnownProviders.Contains(provider))
        {
            return Refuse($"Unknown provider: {provider}");
        }

        var owner = Me;
        if (String(body, "organization_slug") is { } orgSlug)
        {
            if (!Organizations.TryGetValue(orgSlug, out var org))
            {
                return NotFound("Organization not found");
            }

            owner = org;
        }

        var repoSlug = String(body, "git_repo_slug") ?? repoUrl.TrimEnd('/').Split('/', ':').Last().Replace(".git", string.Empty, StringComparison.Ordinal);
        var app = AddApp(new SbApp
        {
            Slug = NewSlug(),
            Title = String(body, "title") ?? repoSlug,
            Provider = provider,
            RepoUrl = repoUrl,
            RepoSlug = repoSlug,
            RepoOwner = String(body, "git_owner") ?? string.Empty,
            IsPublic = isPublic,
            Owner = owner,
            Status = 0,
            ProjectType = "other",
        });
        var setup = SetupOf(app);
        lock (setup)
        {
            setup.Calls.Add(("register", text!));
            setup.DefaultBranch = String(body, "default_branch_name") ?? "master";
        }

        return Results.Json(new { status = "ok", slug = app.Slug }, Json);
    }

    private IResult RegisterSshKey(string? text, SbApp app)
    {
        if (ParseObject(text) is not { } body)
        {
            return Rejected("The request body must be a JSON object.");
        }

        var privateKey = String(body, "auth_ssh_private_key");
        var publicKey = String(body, "auth_ssh_public_key");
        if (string.IsNullOrWhiteSpace(privateKey) || string.IsNullOrWhiteSpace(publicKey))
        {
            return Rejected("auth_ssh_private_key and auth_ssh_public_key are required");
        }

        var setup = SetupOf(app);
        lock (setup)
        {
            setup.Calls.Add(("register-ssh-key", text!));
            setup.PrivateKey = privateKey;
            setup.PublicKey = publicKey;
            setup.RegisterKeyIntoProvider = Bool(body, "is_register_key_into_provider_service") ?? false;
        }

        return Results.Json(new { status = "ok" }, Json);
    }

    private IResult Finish(string? text, SbApp app)
    {
        if (ParseObject(text) is not { } body)
        {
            return Rejected("The request body must be a JSON object.");
        }

        var projectType = String(body, "project_type");
        var stack = String(body, "stack_id");
        if (string.IsNullOrWhiteSpace(projectType) || string.IsNullOrWhiteSpace(stack))
        {
            return Rejected("project_type and stack_id are required");
        }

        var mode = String(body, "mode");
        if (mode is not null && mode != "manual")
        {
            return Rejected("mode has to be 'manual'");
        }

        var envs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body.TryGetProperty("envs", out var envElement))
        {
            if (envElement.ValueKind != JsonValueKind.Object)
            {
                return Rejected("envs must be an object of strings");
            }

            foreach (var env in envElement.EnumerateObject())
            {
                if (env.Value.ValueKind != JsonValueKind.String)
                {
                    return Rejected($"envs.{env.Name} must be a string");
                }

                envs[env.Name] = env.Value.GetString()!;
            }
        }

        SbAccount? newOwner = null;
        if (String(body, "organization_slug") is { } orgSlug && !Organizations.TryGetValue(orgSlug, out newOwner))
        {
            return NotFound("Organization not found");
        }

        var setup = SetupOf(app);
        lock (setup)
        {
            setup.Calls.Add(("finish", text!));
            setup.Finished = true;
            setup.StackId = stack;
            setup.Config = String(body, "config") ?? "other-config";
            setup.Mode = mode;
            foreach (var (name, value) in envs)
            {
                setup.Envs[name] = value;
            }

            setup.BuildTriggerToken ??= SandboxTokens.Random(11);
            if (newOwner is not null && newOwner != app.Owner)
            {
                // The owner is fixed at creation in this model: the finished app is a copy with the new owner.
                app = new SbApp
                {
                    Slug = app.Slug,
                    Title = app.Title,
                    Provider = app.Provider,
                    RepoOwner = app.RepoOwner,
                    RepoSlug = app.RepoSlug,
                    RepoUrl = app.RepoUrl,
                    IsPublic = app.IsPublic,
                    IsDisabled = app.IsDisabled,
                    Owner = newOwner,
                    CreatedAt = app.CreatedAt,
                    LastBuildAt = app.LastBuildAt,
                };
                Apps[app.Slug] = app;
            }

            app.ProjectType = projectType;
            app.Status = 1;
            return Results.Json(new { status = "ok", build_trigger_token = setup.BuildTriggerToken, branch_name = setup.DefaultBranch, is_webhook_auto_reg_supported = app.Provider != "custom" }, Json);
        }
    }
}
