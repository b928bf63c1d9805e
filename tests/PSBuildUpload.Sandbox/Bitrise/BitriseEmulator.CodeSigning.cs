using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PSBuildUpload.Sandbox.Infrastructure;

namespace PSBuildUpload.Sandbox.Bitrise;

/// <summary>A provisioning profile or build certificate as the emulator stores it.</summary>
public sealed class SbCodeSigningFile
{
    public const string Profiles = "provisioning-profiles";
    public const string Certificates = "build-certificates";

    public required string Slug { get; init; }

    public required string AppSlug { get; init; }

    /// <summary><see cref="Profiles"/> or <see cref="Certificates"/> (the path segment).</summary>
    public required string Kind { get; init; }

    public required string UploadFileName { get; init; }

    /// <summary>The size announced by the create call; the storage accepts exactly this many bytes.</summary>
    public required long UploadFileSize { get; init; }

    /// <summary>Where the presigned PUT stores the file.</summary>
    public required string StorageKey { get; init; }

    public long Sequence { get; init; }

    public bool Processed { get; set; }

    public bool IsExpose { get; set; } = true;

    public bool IsProtected { get; set; }

    public string CertificatePassword { get; set; } = string.Empty;

    /// <summary>The raw JSON of every PATCH received, in order.</summary>
    public List<string> Patches { get; } = new();

    /// <summary>The JSON of the create call.</summary>
    public string CreateJson { get; init; } = string.Empty;
}

/// <summary>
/// Provisioning profiles and build certificates: the three-phase upload (create with name and size, PUT to a
/// presigned URL on the other host name that refuses Authorization, confirm), lists, one item with a download URL
/// when not protected, and PATCH with the API's constraints (each violation is 400, as the seed says).
/// </summary>
public sealed partial class BitriseEmulator
{
    private long _codeSigningSequence;

    public ConcurrentDictionary<string, SbCodeSigningFile> CodeSigningFiles { get; } = new();

    /// <summary>Adds a profile or certificate whose file is already stored (for Get/Set tests).</summary>
    public SbCodeSigningFile AddCodeSigningFile(string appSlug, string kind, string fileName, byte[] content, bool isProtected = false, bool isExpose = true, string password = "")
    {
        ArgumentNullException.ThrowIfNull(content);
        var slug = NewCodeSigningSlug();
        var key = $"bitrise/{kind}/{slug}";
        _sandbox.Storage.Put(key, content);
        var item = new SbCodeSigningFile
        {
            Slug = slug,
            AppSlug = appSlug,
            Kind = kind,
            UploadFileName = fileName,
            UploadFileSize = content.Length,
            StorageKey = key,
            Sequence = Interlocked.Increment(ref _codeSigningSequence),
            Processed = true,
            IsProtected = isProtected,
            IsExpose = isExpose,
            CertificatePassword = password,
        };
        CodeSigningFiles[slug] = item;
        return item;
    }

    /// <summary>Whether the storage holds the file with the size that was announced.</summary>
    public bool FileArrived(SbCodeSigningFile item) =>
        _sandbox.Storage.Get(item.StorageKey) is { } stored && stored.Length == item.UploadFileSize;

    /// <summary>A slug like the API's (26 characters, ULID-like).</summary>
    private static string NewCodeSigningSlug() => "01" + SandboxTokens.Random(12).ToUpperInvariant();

    private void MapCodeSigning(RouteGroupBuilder api)
    {
        foreach (var kind in new[] { SbCodeSigningFile.Profiles, SbCodeSigningFile.Certificates })
        {
            api.MapPost($"/apps/{{appSlug}}/{kind}", (HttpContext c, string appSlug) => WithBodyAsync(c, text => WithApp(appSlug, app => CreateCodeSigningFile(text, app, kind))));
            api.MapPost($"/apps/{{appSlug}}/{kind}/{{slug}}/uploaded", (HttpContext c, string appSlug, string slug) => Authorized(c, () => WithItem(appSlug, kind, slug, ConfirmCodeSigningFile)));
            api.MapGet($"/apps/{{appSlug}}/{kind}", (HttpContext c, string appSlug) => Authorized(c, () => WithApp(appSlug, app =>
                Page(c, CodeSigningFiles.Values.Where(f => f.AppSlug == app.Slug && f.Kind == kind).OrderBy(f => f.Sequence).ToList(), f => CodeSigningJson(f, null, null), f => f.Slug))));
            api.MapGet($"/apps/{{appSlug}}/{kind}/{{slug}}", (HttpContext c, string appSlug, string slug) => Authorized(c, () => WithItem(appSlug, kind, slug, item =>
            {
                // The seed: download_url is generated only when the item is not protected.
                var download = !item.IsProtected && FileArrived(item) ? _sandbox.Storage.GrantDownload(item.StorageKey, TimeSpan.FromMinutes(10)) : null;
                return Data(CodeSigningJson(item, null, download));
            })));
            api.MapMethods($"/apps/{{appSlug}}/{kind}/{{slug}}", new[] { "PATCH" }, (HttpContext c, string appSlug, string slug) => WithBodyAsync(c, text => WithItem(appSlug, kind, slug, item => PatchCodeSigningFile(text, item))));
        }
    }

    private IResult WithItem(string appSlug, string kind, string slug, Func<SbCodeSigningFile, IResult> endpoint)
    {
        if (!Apps.ContainsKey(appSlug))
        {
            return NotFound("Not Found");
        }

        return CodeSigningFiles.TryGetValue(slug, out var item) && item.AppSlug == appSlug && item.Kind == kind
            ? endpoint(item)
            : NotFound("Not Found");
    }

    private IResult CreateCodeSigningFile(string? text, SbApp app, string kind)
    {
        if (ParseObject(text) is not { } body
            || String(body, "upload_file_name") is not { Length: > 0 } name
            || !body.TryGetProperty("upload_file_size", out var sizeElement)
            || sizeElement.ValueKind != JsonValueKind.Number
            || !sizeElement.TryGetInt64(out var size))
        {
            return Rejected("upload_file_name and upload_file_size are required");
        }

        if (size <= 0)
        {
            return Rejected("upload_file_size must be positive");
        }

        var slug = NewCodeSigningSlug();
        var item = new SbCodeSigningFile
        {
            Slug = slug,
            AppSlug = app.Slug,
            Kind = kind,
            UploadFileName = name,
            UploadFileSize = size,
            StorageKey = $"bitrise/{kind}/{slug}",
            Sequence = Interlocked.Increment(ref _codeSigningSequence),
            CreateJson = text!,
        };
        CodeSigningFiles[slug] = item;

        // Signed for exactly the announced size, like an S3 URL signed over content-length.
        var upload = _sandbox.Storage.GrantUpload(item.StorageKey, new Dictionary<string, string>(), size, size, TimeSpan.FromMinutes(10));
        return Results.Json(new { data = CodeSigningJson(item, upload, null) }, Json, statusCode: 201);
    }

    private IResult ConfirmCodeSigningFile(SbCodeSigningFile item)
    {
        lock (item)
        {
            if (!FileArrived(item))
            {
                return Rejected($"The file of {item.Slug} has not been uploaded (or not with the {item.UploadFileSize} bytes announced).");
            }

            // The seed: this has the same effect as PATCH {"processed":true}.
            item.Processed = true;
            return Data(CodeSigningJson(item, null, null));
        }
    }

    private IResult PatchCodeSigningFile(string? text, SbCodeSigningFile item)
    {
        if (ParseObject(text) is not { } body)
        {
            return Rejected("The request body must be a JSON object.");
        }

        lock (item)
        {
            var isProtected = Bool(body, "is_protected");
            var isExpose = Bool(body, "is_expose");
            var processed = Bool(body, "processed");

            // The seed's three constraints, checked against the state before the change.
            if (item.IsProtected && isProtected == false)
            {
                return Rejected("is_protected cannot be changed once it is true");
            }

            if (item.IsProtected && isExpose is { } expose && expose != item.IsExpose)
            {
                return Rejected("is_expose cannot be changed while is_protected is true");
            }

            if (item.Processed && processed == false)
            {
                return Rejected("processed cannot be changed once it is true");
            }

            item.Patches.Add(text!);
            item.IsProtected = isProtected ?? item.IsProtected;
            item.IsExpose = isExpose ?? item.IsExpose;
            item.Processed = processed ?? item.Processed;
            if (item.Kind == SbCodeSigningFile.Certificates && String(body, "certificate_password") is { } password)
            {
                item.CertificatePassword = password;
            }

            return Data(CodeSigningJson(item, null, null));
        }
    }

    /// <summary>The seed's JSON of a profile or certificate (certificates carry their password in clear, as the API's do).</summary>
    private static Dictionary<string, object?> CodeSigningJson(SbCodeSigningFile item, Uri? upload, Uri? download)
    {
        var json = new Dictionary<string, object?>
        {
            ["upload_file_name"] = item.UploadFileName,
            ["upload_file_size"] = item.UploadFileSize,
            ["slug"] = item.Slug,
            ["processed"] = item.Processed,
        };
        if (item.Kind == SbCodeSigningFile.Certificates)
        {
            json["certificate_password"] = item.CertificatePassword;
        }

        json["is_expose"] = item.IsExpose;
        json["is_protected"] = item.IsProtected;
        if (upload is not null)
        {
            json["upload_url"] = upload.AbsoluteUri;
        }

        if (download is not null)
        {
            json["download_url"] = download.AbsoluteUri;
        }

        return json;
    }
}
