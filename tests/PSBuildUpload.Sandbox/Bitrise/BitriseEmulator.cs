using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PSBuildUpload.Sandbox.Infrastructure;

namespace PSBuildUpload.Sandbox.Bitrise;

/// <summary>An account (the token's user, another user, or an organization) as the emulator stores it.</summary>
public sealed class SbAccount
{
    public required string Slug { get; init; }

    public required string Name { get; init; }

    /// <summary>"user" or "organization".</summary>
    public required string AccountType { get; init; }

    public string? Email { get; init; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow.AddYears(-2);
}

/// <summary>An app as the emulator stores it.</summary>
public sealed class SbApp
{
    public required string Slug { get; init; }

    public required string Title { get; set; }

    public string ProjectType { get; set; } = "android";

    public string Provider { get; set; } = "github";

    public string RepoOwner { get; set; } = "bitrise-samples";

    public string RepoSlug { get; set; } = "sample-app";

    public string RepoUrl { get; set; } = "https://github.com/bitrise-samples/sample-app.git";

    public bool IsDisabled { get; set; }

    public bool IsPublic { get; set; }

    public int Status { get; set; } = 1;

    public required SbAccount Owner { get; init; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow.AddDays(-30);

    public DateTimeOffset? LastBuildAt { get; set; }
}

/// <summary>
/// The Bitrise API v0.1 (seed 003 and the official Swagger): one partial file per area. This file holds the shared
/// parts (auth, JSON, paging with next anchors and limit capped at 50, accounts) and the apps.
/// </summary>
public sealed partial class BitriseEmulator
{
    public const int MaximumLimit = 50;

    /// <summary>Bitrise's JSON: snake_case, nulls written out.</summary>
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly SandboxServer _sandbox;

    internal BitriseEmulator(SandboxServer sandbox)
    {
        _sandbox = sandbox;
        Me = new SbAccount { Slug = "8e82ac7601178f17", Name = "api-demo", AccountType = "user", Email = "api-demo@example.com" };
        Users[Me.Slug] = Me;
        var org = new SbAccount { Slug = "e1ec3dea540bcf21", Name = "APIDemoOrg", AccountType = "organization" };
        Organizations[org.Slug] = org;
        AddApp(new SbApp { Slug = "93f256e365d929d3", Title = "sample-apps-ios-swift-xcode6", ProjectType = "ios", Owner = org, RepoSlug = "sample-apps-ios-swift-xcode6", RepoUrl = "https://github.com/bitrise-samples/sample-apps-ios-swift-xcode6.git" });
        AddApp(new SbApp { Slug = "f46e89061e967f27", Title = "sample-apps-xamarin-cross-platform", ProjectType = "xamarin", Owner = Me, RepoSlug = "sample-apps-xamarin-cross-platform", RepoUrl = "https://github.com/bitrise-samples/sample-apps-xamarin-cross-platform.git" });
    }

    /// <summary>The token's own user (GET /me).</summary>
    public SbAccount Me { get; }

    public ConcurrentDictionary<string, SbAccount> Users { get; } = new();

    public ConcurrentDictionary<string, SbAccount> Organizations { get; } = new();

    /// <summary>Apps in creation order (the default list order).</summary>
    public ConcurrentDictionary<string, SbApp> Apps { get; } = new();

    private readonly List<string> _appOrder = new();

    public SbApp AddApp(SbApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        Apps[app.Slug] = app;
        lock (_appOrder)
        {
            _appOrder.Add(app.Slug);
        }

        return app;
    }

    /// <summary>A new random 16-hex-digit slug, as Bitrise's.</summary>
    public static string NewSlug() => SandboxTokens.Random(8);

    internal void Map(WebApplication app)
    {
        var api = app.MapGroup("/v0.1");
        api.MapGet("/apps", (HttpContext c) => Authorized(c, () => Page(c, OrderedApps(c, _ => true), AppJson)));
        api.MapGet("/users/{userSlug}/apps", (HttpContext c, string userSlug) => Authorized(c, () =>
            Users.ContainsKey(userSlug)
                ? Page(c, OrderedApps(c, a => a.Owner.Slug == userSlug), AppJson)
                : NotFound("User not found")));
        api.MapGet("/organizations/{orgSlug}/apps", (HttpContext c, string orgSlug) => Authorized(c, () =>
            Organizations.ContainsKey(orgSlug)
                ? Page(c, OrderedApps(c, a => a.Owner.Slug == orgSlug), AppJson)
                : NotFound("Organization not found")));
        api.MapGet("/apps/{appSlug}", (HttpContext c, string appSlug) => Authorized(c, () =>
            Apps.TryGetValue(appSlug, out var found) ? Data(AppJson(found)) : NotFound("Not Found")));
        MapCompletion(api);
        MapAreas(api);
    }

    /// <summary>The other partial files map their endpoints here.</summary>
    partial void MapAreas(RouteGroupBuilder api);

    /// <summary>Answers 401 like Bitrise when the token is missing or wrong; otherwise runs the endpoint.</summary>
    internal IResult Authorized(HttpContext context, Func<IResult> endpoint) =>
        SandboxAuth.Match(context.Request, "token", _sandbox.Tokens.Bitrise) is null
            ? Results.Json(new { message = "Unauthorized" }, Json, statusCode: 401)
            : endpoint();

    internal static IResult NotFound(string message) => Results.Json(new { message }, Json, statusCode: 404);

    internal static IResult Data(object data) => Results.Json(new { data }, Json);

    /// <summary>
    /// One page of a list: <c>limit</c> (default and maximum 50), <c>next</c> = the slug of the first item of the
    /// next page, <c>paging.next</c> only when another page exists.
    /// </summary>
    internal static IResult Page<T>(HttpContext context, IReadOnlyList<T> items, Func<T, object> shape, Func<T, string>? anchor = null, bool pageable = true)
    {
        anchor ??= item => item switch
        {
            SbApp a => a.Slug,
            _ => throw new InvalidOperationException("Give an anchor for " + typeof(T).Name),
        };
        var limit = MaximumLimit;
        if (pageable && int.TryParse(context.Request.Query["limit"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var asked) && asked > 0)
        {
            limit = Math.Min(asked, MaximumLimit);
        }

        var start = 0;
        var next = context.Request.Query["next"].ToString();
        if (pageable && next.Length > 0)
        {
            start = -1;
            for (var i = 0; i < items.Count; i++)
            {
                if (anchor(items[i]) == next)
                {
                    start = i;
                    break;
                }
            }

            if (start < 0)
            {
                return Results.Json(new { message = "Invalid next anchor" }, Json, statusCode: 400);
            }
        }

        var page = pageable ? items.Skip(start).Take(limit).ToArray() : items.ToArray();
        var hasNext = pageable && start + page.Length < items.Count;
        object paging = hasNext
            ? new { total_item_count = items.Count, page_item_limit = limit, next = anchor(items[start + page.Length]) }
            : new { total_item_count = items.Count, page_item_limit = limit };
        return Results.Json(new { data = page.Select(shape).ToArray(), paging }, Json);
    }

    private List<SbApp> OrderedApps(HttpContext context, Func<SbApp, bool> filter)
    {
        List<SbApp> apps;
        lock (_appOrder)
        {
            apps = _appOrder.Select(s => Apps[s]).Where(filter).ToList();
        }

        var title = context.Request.Query["title"].ToString();
        if (title.Length > 0)
        {
            apps = apps.Where(a => a.Title.Contains(title, StringComparison.OrdinalIgnoreCase)).ToList();
        }

        return context.Request.Query["sort_by"].ToString() switch
        {
            "created_at" => apps.OrderByDescending(a => a.CreatedAt).ToList(),
            "last_build_at" => apps.OrderByDescending(a => a.LastBuildAt ?? DateTimeOffset.MinValue).ToList(),
            _ => apps,
        };
    }

    internal static object AccountJson(SbAccount owner) => new { account_type = owner.AccountType, name = owner.Name, slug = owner.Slug };

    internal static object AppJson(SbApp a) => new
    {
        is_disabled = a.IsDisabled,
        is_public = a.IsPublic,
        owner = AccountJson(a.Owner),
        project_type = a.ProjectType,
        provider = a.Provider,
        repo_owner = a.RepoOwner,
        repo_slug = a.RepoSlug,
        repo_url = a.RepoUrl,
        slug = a.Slug,
        status = a.Status,
        title = a.Title,
    };
}
