using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PSBuildUpload.Sandbox.Infrastructure;

namespace PSBuildUpload.Sandbox.ProductScience;

/// <summary>An upload context as the emulator stores it.</summary>
public sealed record PsUploadContext(string Project, long Id, DateTimeOffset DateCreated);

/// <summary>A build as the emulator stores it; <see cref="UploadState"/> turns FINISHED when its file arrives.</summary>
public sealed class PsBuild
{
    public required string Project { get; init; }

    public long Id { get; init; }

    public long? ContextId { get; init; }

    public required string BuildType { get; init; }

    public required string BuildFileName { get; init; }

    public string? Name { get; init; }

    public string? Description { get; init; }

    public string? SourceControlId { get; init; }

    public string? SourceControlIsoTimestamp { get; init; }

    public DateTimeOffset DateCreated { get; init; }

    public string UploadState { get; set; } = "UPLOADING";

    public required string StorageKey { get; init; }

    /// <summary>The request body exactly as received.</summary>
    public required string RequestJson { get; init; }
}

/// <summary>The Product Science Tool upload API (seeds 000/001): contexts, builds with upload specs, storage.</summary>
public sealed class ProductScienceEmulator
{
    private static readonly string[] BuildTypes = ["APK", "INSTRUMENTED_APK"];

    private readonly SandboxServer _sandbox;
    private readonly ConcurrentDictionary<string, byte> _projects = new(StringComparer.Ordinal);
    private long _nextContext = 27;
    private long _nextBuild = 69;

    internal ProductScienceEmulator(SandboxServer sandbox)
    {
        _sandbox = sandbox;
        AddProject("demo");
        sandbox.Storage.Uploaded += stored =>
        {
            foreach (var build in Builds.Values.Where(b => b.StorageKey == stored.Key))
            {
                build.UploadState = "FINISHED";
            }
        };
    }

    public ConcurrentDictionary<long, PsUploadContext> Contexts { get; } = new();

    public ConcurrentDictionary<long, PsBuild> Builds { get; } = new();

    /// <summary>The upper bound of X-Goog-Content-Length-Range handed out (the seed's 1 GiB by default).</summary>
    public long MaximumUploadBytes { get; set; } = 1073741824;

    public void AddProject(string name) => _projects[name] = 0;

    internal void Map(WebApplication app)
    {
        app.MapPost("/api/v1/projects/{projectName}/build-uploads", CreateContext);
        app.MapPost("/api/v1/projects/{projectName}/builds", CreateBuildAsync);
    }

    private IResult? Check(HttpContext context, string project)
    {
        if (SandboxAuth.Match(context.Request, "Bearer", _sandbox.Tokens.ProductScience) is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Json(new { message = "Unauthorized: missing or invalid token" }, statusCode: 401);
        }

        return _projects.ContainsKey(project)
            ? null
            : Results.Json(new { message = $"Project '{project}' not found" }, statusCode: 404);
    }

    private IResult CreateContext(HttpContext context, string projectName)
    {
        if (Check(context, projectName) is { } refused)
        {
            return refused;
        }

        var upload = new PsUploadContext(projectName, Interlocked.Increment(ref _nextContext), DateTimeOffset.UtcNow);
        Contexts[upload.Id] = upload;
        return Results.Json(new { id = upload.Id, dateCreated = Iso(upload.DateCreated) });
    }

    private async Task<IResult> CreateBuildAsync(HttpContext context, string projectName)
    {
        if (Check(context, projectName) is { } refused)
        {
            return refused;
        }

        string json;
        using (var reader = new System.IO.StreamReader(context.Request.Body))
        {
            json = await reader.ReadToEndAsync(context.RequestAborted);
        }

        JsonElement body;
        try
        {
            body = JsonDocument.Parse(json).RootElement;
        }
        catch (JsonException e)
        {
            return Results.Json(new { message = "Malformed JSON: " + e.Message }, statusCode: 400);
        }

        var buildType = Text(body, "buildType");
        if (buildType is null || !BuildTypes.Contains(buildType))
        {
            return Results.Json(new { message = "buildType must be APK or INSTRUMENTED_APK" }, statusCode: 400);
        }

        var fileName = Text(body, "buildFileName");
        if (string.IsNullOrWhiteSpace(fileName))
        {
            return Results.Json(new { message = "buildFileName is required" }, statusCode: 400);
        }

        long? contextId = null;
        if (body.TryGetProperty("contextId", out var rawContext) && rawContext.ValueKind != JsonValueKind.Null)
        {
            var text = rawContext.ValueKind == JsonValueKind.String ? rawContext.GetString() : rawContext.GetRawText();
            if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
                || !Contexts.TryGetValue(parsed, out var upload) || upload.Project != projectName)
            {
                return Results.Json(new { message = $"Upload context '{text}' not found in project '{projectName}'" }, statusCode: 404);
            }

            contextId = parsed;
        }

        var id = Interlocked.Increment(ref _nextBuild);
        var key = $"productscience/{Uri.EscapeDataString(projectName)}/{id}/{fileName}";
        var build = new PsBuild
        {
            Project = projectName,
            Id = id,
            ContextId = contextId,
            BuildType = buildType,
            BuildFileName = fileName!,
            Name = Text(body, "name"),
            Description = Text(body, "description"),
            SourceControlId = Text(body, "sourceControlId"),
            SourceControlIsoTimestamp = Text(body, "sourceControlIsoTimestamp"),
            DateCreated = DateTimeOffset.UtcNow,
            StorageKey = key,
            RequestJson = json,
        };
        Builds[id] = build;
        var headers = new Dictionary<string, string>
        {
            ["Content-Type"] = "application/octet-stream",
            ["X-Goog-Content-Length-Range"] = "0," + MaximumUploadBytes.ToString(CultureInfo.InvariantCulture),
        };
        var url = _sandbox.Storage.GrantUpload(key, headers, 0, MaximumUploadBytes);
        return Results.Json(new
        {
            uploadSpec = new { method = "PUT", url = url.AbsoluteUri, headers },
            build = new
            {
                id = build.Id,
                contextId = build.ContextId,
                buildType = build.BuildType,
                buildFileName = build.BuildFileName,
                name = build.Name,
                description = build.Description,
                sourceControlId = build.SourceControlId,
                sourceControlIsoTimestamp = build.SourceControlIsoTimestamp,
                dateCreated = Iso(build.DateCreated),
                uploadState = build.UploadState,
            },
        });
    }

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
