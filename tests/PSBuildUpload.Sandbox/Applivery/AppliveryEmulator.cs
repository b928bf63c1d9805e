using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using PSBuildUpload.Sandbox.Infrastructure;

namespace PSBuildUpload.Sandbox.Applivery;

/// <summary>A file part of an upload as the emulator received it: hashed while streaming, never held whole.</summary>
public sealed class AppliveryReceivedFile
{
    public required string FieldName { get; init; }

    public required string FileName { get; init; }

    public string? ContentType { get; init; }

    public long Length { get; init; }

    /// <summary>Lowercase hex SHA-256 of the part's content.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The first 64 KiB of the content.</summary>
    public required byte[] Head { get; init; }
}

/// <summary>Everything an upload request carried, as the multipart parser read it.</summary>
public sealed class AppliveryReceivedUpload
{
    /// <summary>"Integrations" or "Workspace".</summary>
    public required string Api { get; init; }

    public string? OrganizationId { get; init; }

    public string? ApplicationId { get; init; }

    /// <summary>The text fields, in the order they came, duplicates kept.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Fields { get; init; }

    /// <summary>The names of all parts, files included, in order.</summary>
    public required IReadOnlyList<string> PartNames { get; init; }

    public AppliveryReceivedFile? Build { get; init; }

    public AppliveryReceivedFile? PackageIcon { get; init; }

    public string? RequestContentType { get; init; }

    public long? RequestContentLength { get; init; }

    /// <summary>The last value of a text field, or null.</summary>
    public string? Field(string name) => Fields.LastOrDefault(f => f.Key == name).Value;

    /// <summary><c>filter[i][j]</c> fields as the nested array they stand for (outer OR, inner AND).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Filter
    {
        get
        {
            var cells = new SortedDictionary<int, SortedDictionary<int, string>>();
            foreach (var (name, value) in Fields)
            {
                var match = Regex.Match(name, @"^filter\[(\d+)\]\[(\d+)\]$", RegexOptions.CultureInvariant);
                if (match.Success)
                {
                    var i = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                    var j = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
                    if (!cells.TryGetValue(i, out var row))
                    {
                        cells[i] = row = new SortedDictionary<int, string>();
                    }

                    row[j] = value;
                }
            }

            return cells.Values.Select(row => (IReadOnlyList<string>)row.Values.ToArray()).ToArray();
        }
    }

    /// <summary>The dot-named deployer fields without their "deployer." prefix: name, info.commit, …</summary>
    public IReadOnlyDictionary<string, string> Deployer =>
        Fields.Where(f => f.Key.StartsWith("deployer.", StringComparison.Ordinal))
            .GroupBy(f => f.Key["deployer.".Length..])
            .ToDictionary(g => g.Key, g => g.Last().Value);

    /// <summary>The tags field split as the service splits it.</summary>
    public IReadOnlyList<string> Tags =>
        (Field("tags") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>A build as the emulator stores it; its status moves on as it is polled.</summary>
public sealed class AppliveryStoredBuild
{
    public required string Id { get; init; }

    public required string OrganizationId { get; init; }

    public required string ApplicationId { get; init; }

    public long Sequence { get; init; }

    /// <summary>The upload that made it; null for builds a test added directly.</summary>
    public AppliveryReceivedUpload? Upload { get; init; }

    public string? VersionName { get; init; }

    public string? Changelog { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();

    public required string Os { get; init; }

    public string? Extension { get; init; }

    public long Size { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public required string UploadedBy { get; init; }

    public string Status { get; set; } = "pending";

    public int Polls { get; set; }

    public string? ErrorCode { get; set; }

    public string? Error { get; set; }

    public string[]? ProcessLogs { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>How processing of an uploaded file (by its file name) ends, when a test says so.</summary>
public sealed record AppliveryProcessingOutcome(string? ErrorCode, string? Error, string[]? ProcessLogs, bool Stuck);

/// <summary>
/// Applivery's upload, build-details and build-list APIs (seed 002), in both their Integrations (app token) and
/// Workspace (service-account token) forms, with the service's envelope <c>{"status":…,"data"|"error":…}</c>.
/// </summary>
public sealed class AppliveryEmulator
{
    public const string DefaultOrganizationId = "demo-org";

    /// <summary>The app the sandbox's app token belongs to; it is also an app of <see cref="DefaultOrganizationId"/>.</summary>
    public const string DefaultApplicationId = "5f0c2b1e5d1a4c8e9a572f4b";

    private static readonly string[] Extensions = [".ipa", ".apk", ".aab", ".dmg", ".pkg", ".exe", ".msi", ".msix", ".msixbundle", ".appx", ".appxbundle", ".nsp", ".zip", ".tar.gz"];
    private static readonly string[] Platforms = ["ios", "macos", "android", "ps4", "ps5", "switch", "xbox-one", "xbox-series"];
    private static readonly string[] Languages = ["es", "en", "fr", "ge", "it", "zh", "pt", "ru"];

    private readonly SandboxServer _sandbox;
    private readonly ConcurrentDictionary<(string Org, string App), byte> _workspaceApps = new();
    private readonly ConcurrentDictionary<string, AppliveryProcessingOutcome> _outcomes = new(StringComparer.OrdinalIgnoreCase);
    private long _sequence;

    internal AppliveryEmulator(SandboxServer sandbox)
    {
        _sandbox = sandbox;
        AddWorkspaceApp(DefaultOrganizationId, DefaultApplicationId);
    }

    /// <summary>An app token the service answers with 3002 Token Expired.</summary>
    public string ExpiredAppToken { get; } = "apv_app_" + SandboxTokens.Random(24);

    public ConcurrentDictionary<string, AppliveryStoredBuild> Builds { get; } = new();

    /// <summary>How many polls of a build move it one state on (pending → in_progress → processed).</summary>
    public int PollsPerStep { get; set; } = 1;

    /// <summary>How many states a build moves on when it moves (2: a pending build is processed at the first poll).</summary>
    public int StepsPerPoll { get; set; } = 1;

    public void AddWorkspaceApp(string organizationId, string applicationId) => _workspaceApps[(organizationId, applicationId)] = 0;

    /// <summary>Processing of a file with this name ends in <c>error</c> with the code and log lines given.</summary>
    public void FailProcessing(string fileName, string errorCode, string error, params string[] processLogs) =>
        _outcomes[fileName] = new AppliveryProcessingOutcome(errorCode, error, processLogs, Stuck: false);

    /// <summary>Processing of a file with this name never ends (it stays <c>in_progress</c>).</summary>
    public void NeverFinish(string fileName) => _outcomes[fileName] = new AppliveryProcessingOutcome(null, null, null, Stuck: true);

    /// <summary>Adds a build without an upload, for list tests.</summary>
    public AppliveryStoredBuild AddBuild(string versionName, string status = "processed", string os = "android", string? organizationId = null, string? applicationId = null)
    {
        var build = new AppliveryStoredBuild
        {
            Id = NextId(out var sequence),
            Sequence = sequence,
            OrganizationId = organizationId ?? DefaultOrganizationId,
            ApplicationId = applicationId ?? DefaultApplicationId,
            VersionName = versionName,
            Os = os,
            Extension = os == "ios" ? ".ipa" : ".apk",
            Size = 1234,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
            UploadedBy = "user",
            Status = status,
        };
        Builds[build.Id] = build;
        return build;
    }

    internal void Map(WebApplication app)
    {
        app.MapPost("/v1/integrations/builds", context => UploadAsync(context, null, null));
        app.MapPost("/v1/organizations/{organizationId}/apps/{applicationId}/builds", (HttpContext context, string organizationId, string applicationId) => UploadAsync(context, organizationId, applicationId));
        app.MapGet("/v1/integrations/builds", (HttpContext context) => List(context, null, null));
        app.MapGet("/v1/organizations/{organizationId}/apps/{applicationId}/builds", (HttpContext context, string organizationId, string applicationId) => List(context, organizationId, applicationId));
        app.MapGet("/v1/integrations/builds/{buildId}", (HttpContext context, string buildId) => Get(context, null, null, buildId));
        app.MapGet("/v1/organizations/{organizationId}/apps/{applicationId}/builds/{buildId}", (HttpContext context, string organizationId, string applicationId, string buildId) => Get(context, organizationId, applicationId, buildId));
    }

    /// <summary>
    /// The token check of each API: an app token only on Integrations paths, a service-account token only on
    /// Workspace paths. Returns the failure to send, or null.
    /// </summary>
    private IResult? Authorize(HttpContext context, bool workspace)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Trim().Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return Error(401, 4002, "Token empty");
        }

        if (!workspace && SandboxAuth.Match(context.Request, "Bearer", ExpiredAppToken) is not null)
        {
            return Error(401, 3002, "Token Expired");
        }

        var accepted = workspace ? _sandbox.Tokens.AppliveryServiceAccount : _sandbox.Tokens.AppliveryApp;
        return SandboxAuth.Match(context.Request, "Bearer", accepted) is null ? Error(401, 4004, "Invalid token") : null;
    }

    private async Task UploadAsync(HttpContext context, string? organizationId, string? applicationId)
    {
        var workspace = organizationId is not null;
        var refused = Authorize(context, workspace)
            ?? (workspace && !_workspaceApps.ContainsKey((organizationId!, applicationId!)) ? Error(404, 3001, "Entity not found") : null);
        if (refused is not null)
        {
            await DrainAsync(context);
            await refused.ExecuteAsync(context);
            return;
        }

        var request = context.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 } boundary)
        {
            await DrainAsync(context);
            await Error(400, 4000, "The request must be multipart/form-data").ExecuteAsync(context);
            return;
        }

        var fields = new List<KeyValuePair<string, string>>();
        var names = new List<string>();
        var files = new Dictionary<string, AppliveryReceivedFile>(StringComparer.Ordinal);
        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
        MultipartSection? section;
        while ((section = await reader.ReadNextSectionAsync(context.RequestAborted)) is not null)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
            {
                await DrainAsync(context);
                await Error(400, 4000, "A part without Content-Disposition: form-data").ExecuteAsync(context);
                return;
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? string.Empty;
            names.Add(name);
            if (disposition.FileName.HasValue || disposition.FileNameStar.HasValue)
            {
                var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value! : HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? string.Empty;
                files[name] = await ReceiveFileAsync(section, name, fileName, context.RequestAborted);
            }
            else
            {
                using var text = new StreamReader(section.Body, Encoding.UTF8);
                fields.Add(new KeyValuePair<string, string>(name, await text.ReadToEndAsync(context.RequestAborted)));
            }
        }

        var upload = new AppliveryReceivedUpload
        {
            Api = workspace ? "Workspace" : "Integrations",
            OrganizationId = organizationId,
            ApplicationId = applicationId,
            Fields = fields,
            PartNames = names,
            Build = files.GetValueOrDefault("build"),
            PackageIcon = files.GetValueOrDefault("packageIcon"),
            RequestContentType = request.ContentType,
            RequestContentLength = request.ContentLength,
        };
        LastUpload = upload;
        if (Check(upload) is { } invalid)
        {
            await invalid.ExecuteAsync(context);
            return;
        }

        var extension = Extensions.First(e => upload.Build!.FileName.EndsWith(e, StringComparison.OrdinalIgnoreCase));
        var build = new AppliveryStoredBuild
        {
            Id = NextId(out var sequence),
            Sequence = sequence,
            OrganizationId = organizationId ?? DefaultOrganizationId,
            ApplicationId = applicationId ?? DefaultApplicationId,
            Upload = upload,
            VersionName = upload.Field("versionName"),
            Changelog = upload.Field("changelog"),
            Tags = upload.Tags,
            Os = OsOf(extension, upload.Field("buildPlatform")),
            Extension = extension,
            Size = upload.Build!.Length,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
            UploadedBy = workspace ? "service-account" : "app-token",
        };
        Builds[build.Id] = build;
        await Ok(Json(build)).ExecuteAsync(context);
    }

    /// <summary>The last upload request that reached the parser, valid or not.</summary>
    public AppliveryReceivedUpload? LastUpload { get; private set; }

    private static IResult? Check(AppliveryReceivedUpload upload)
    {
        if (upload.Build is not { } build || !Extensions.Any(e => build.FileName.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
        {
            return Error(400, 5006, "Invalid build file");
        }

        var processable = new[] { ".ipa", ".apk", ".aab" }.Any(e => build.FileName.EndsWith(e, StringComparison.OrdinalIgnoreCase));
        if (!processable && (upload.Field("packageName") is null || upload.Field("packageVersion") is null || upload.PackageIcon is null))
        {
            return Error(400, 5006, "Invalid build file: packageName, packageVersion and packageIcon are required for this build");
        }

        if (upload.Field("buildPlatform") is { } platform && !Platforms.Contains(platform))
        {
            return Error(400, 4000, "Invalid buildPlatform");
        }

        if (upload.Field("notifyLanguage") is { } language && !Languages.Contains(language))
        {
            return Error(400, 4000, "Invalid notifyLanguage");
        }

        foreach (var name in new[] { "notifyCollaborators", "notifyEmployees" })
        {
            if (upload.Field(name) is { } flag && flag is not ("true" or "false"))
            {
                return Error(400, 4000, $"{name} must be true or false");
            }
        }

        return null;
    }

    private IResult Get(HttpContext context, string? organizationId, string? applicationId, string buildId)
    {
        var workspace = organizationId is not null;
        if (Authorize(context, workspace) is { } refused)
        {
            return refused;
        }

        if (!Builds.TryGetValue(buildId, out var build) || !Owns(build, organizationId, applicationId))
        {
            return Error(404, 3001, "Entity not found");
        }

        lock (build)
        {
            build.Polls++;
            if (build.Polls % Math.Max(1, PollsPerStep) == 0)
            {
                for (var step = 0; step < Math.Max(1, StepsPerPoll); step++)
                {
                    Advance(build);
                }
            }

            return Ok(Json(build));
        }
    }

    private IResult List(HttpContext context, string? organizationId, string? applicationId)
    {
        var workspace = organizationId is not null;
        if (Authorize(context, workspace) is { } refused)
        {
            return refused;
        }

        if (workspace && !_workspaceApps.ContainsKey((organizationId!, applicationId!)))
        {
            return Error(404, 3001, "Entity not found");
        }

        var query = context.Request.Query;
        var page = int.TryParse(query["page"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : 1;
        var limit = int.TryParse(query["limit"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : 10;
        if (page < 1 || limit < 1 || limit > 100)
        {
            return Error(400, 4000, "Invalid page or limit");
        }

        var status = query["status"].ToString();
        if (status.Length > 0 && status is not ("pending" or "in_progress" or "processed" or "error"))
        {
            return Error(400, 4000, "Invalid status");
        }

        var os = query["os"].ToString();
        var versionName = query["versionName"].ToString();
        var matching = Builds.Values
            .Where(b => Owns(b, organizationId, applicationId))
            .Where(b => versionName.Length == 0 || b.VersionName == versionName)
            .Where(b => status.Length == 0 || b.Status == status)
            .Where(b => os.Length == 0 || b.Os == os)
            .OrderByDescending(b => b.Sequence)
            .ToArray();
        var totalPages = (matching.Length + limit - 1) / limit;
        var items = matching.Skip((page - 1) * limit).Take(limit).Select(Json).ToArray();
        return Ok(new
        {
            items,
            totalDocs = matching.Length,
            limit,
            page,
            totalPages,
            hasNextPage = page < totalPages,
            hasPrevPage = page > 1,
            nextPage = page < totalPages ? page + 1 : (int?)null,
            prevPage = page > 1 ? page - 1 : (int?)null,
        });
    }

    private static bool Owns(AppliveryStoredBuild build, string? organizationId, string? applicationId) =>
        organizationId is null
            ? build.ApplicationId == DefaultApplicationId
            : build.OrganizationId == organizationId && build.ApplicationId == applicationId;

    private void Advance(AppliveryStoredBuild build)
    {
        var outcome = build.Upload?.Build is { } file && _outcomes.TryGetValue(file.FileName, out var o) ? o : null;
        switch (build.Status)
        {
            case "pending":
                build.Status = "in_progress";
                break;
            case "in_progress" when outcome is { Stuck: true }:
                break;
            case "in_progress" when outcome is not null:
                build.Status = "error";
                build.ErrorCode = outcome.ErrorCode;
                build.Error = outcome.Error;
                build.ProcessLogs = outcome.ProcessLogs;
                break;
            case "in_progress":
                build.Status = "processed";
                break;
            default:
                return;
        }

        build.UpdatedAt = DateTimeOffset.UtcNow;
    }

    private static async Task<AppliveryReceivedFile> ReceiveFileAsync(MultipartSection section, string fieldName, string fileName, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        var head = new MemoryStream();
        long length = 0;
        int read;
        while ((read = await section.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            if (head.Length < buffer.Length)
            {
                head.Write(buffer, 0, (int)Math.Min(read, buffer.Length - head.Length));
            }

            length += read;
        }

        return new AppliveryReceivedFile
        {
            FieldName = fieldName,
            FileName = fileName,
            ContentType = section.ContentType,
            Length = length,
            Sha256 = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant(),
            Head = head.ToArray(),
        };
    }

    private static string OsOf(string extension, string? platform) => extension switch
    {
        ".ipa" => "ios",
        ".apk" or ".aab" => "android",
        ".dmg" or ".pkg" => "macos",
        ".exe" or ".msi" or ".msix" or ".msixbundle" or ".appx" or ".appxbundle" => "windows",
        _ => platform ?? "custom",
    };

    private string NextId(out long sequence)
    {
        sequence = Interlocked.Increment(ref _sequence);
        return "65a1" + sequence.ToString("x20", CultureInfo.InvariantCulture);
    }

    private static object Json(AppliveryStoredBuild build)
    {
        var upload = build.Upload;
        var deployer = upload?.Deployer ?? new Dictionary<string, string>();
        var info = deployer.Where(d => d.Key.StartsWith("info.", StringComparison.Ordinal)).ToDictionary(d => d.Key["info.".Length..], d => d.Value);
        var processed = build.Status == "processed";
        return new Dictionary<string, object?>
        {
            ["id"] = build.Id,
            ["status"] = build.Status,
            ["tags"] = build.Tags,
            ["versionName"] = build.VersionName,
            ["application"] = build.ApplicationId,
            ["applicationInfo"] = new { id = build.ApplicationId, name = "Demo App", slug = "demo-app", picture = (string?)null },
            ["changelog"] = build.Changelog,
            ["info"] = !processed ? new Dictionary<string, object?>() : build.Os switch
            {
                "ios" => new Dictionary<string, object?>
                {
                    ["icon"] = "icon.png",
                    ["ios"] = new
                    {
                        plist = new { CFBundleDisplayName = "Demo", CFBundleIdentifier = "com.example.demo", CFBundleShortVersionString = "1.0", CFBundleVersion = "7", CFBundleSupportedPlatforms = new[] { "iPhoneOS" } },
                        mobileprovision = new { TeamIdentifier = "ABCDE12345", TeamName = "Example", ProvisionsAllDevices = false, signingType = "ad-hoc", ExpirationDate = "2030-08-24T14:15:22Z" },
                    },
                },
                "android" => new Dictionary<string, object?>
                {
                    ["android"] = new { packageName = upload?.Field("packageName") ?? "com.example.demo", versionName = "1.0", versionCode = 7, minSDKVersion = "24", targetSdkVersion = 34 },
                },
                _ => new Dictionary<string, object?>
                {
                    ["pkg"] = new { CFBundleIdentifier = upload?.Field("packageName"), CFBundleShortVersionString = upload?.Field("packageVersion") },
                },
            },
            ["size"] = build.Size,
            ["processTime"] = processed ? 1200 : 0,
            ["queuedTime"] = 15,
            ["versionCode"] = processed ? "7" : null,
            ["os"] = build.Os,
            ["buildPlatform"] = upload?.Field("buildPlatform"),
            ["deployer"] = deployer.Count == 0 ? null : new Dictionary<string, object?>
            {
                ["name"] = deployer.GetValueOrDefault("name"),
                ["info"] = info,
            },
            ["uploadedBy"] = build.UploadedBy == "service-account"
                ? new { id = "sa-1", email = "deploy-bot@sa.applivery.io", firstName = "Deploy", lastName = "Bot", picture = (string?)null }
                : new { id = "u-1", email = "ci@example.com", firstName = "CI", lastName = "User", picture = (string?)null },
            ["originalExtension"] = build.Extension?.TrimStart('.'),
            ["storageProvider"] = new { id = "sp-1", name = "Applivery", region = "eu-west-1" },
            ["error"] = build.Error,
            ["errorCode"] = build.ErrorCode,
            ["processLogs"] = build.ProcessLogs ?? Array.Empty<string>(),
            ["updatedAt"] = Iso(build.UpdatedAt),
            ["createdAt"] = Iso(build.CreatedAt),
        };
    }

    private static IResult Ok(object data) => Results.Json(new { status = true, data });

    private static IResult Error(int httpStatus, int code, string message) =>
        Results.Json(new { status = false, error = new { code, message } }, statusCode: httpStatus);

    private static async Task DrainAsync(HttpContext context)
    {
        var buffer = new byte[64 * 1024];
        while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted) > 0)
        {
        }
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
