using System;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace PSBuildUpload.Sandbox.Bitrise;

/// <summary>A build artifact as the emulator stores it; its content is in the presigned storage under <see cref="StorageKey"/>.</summary>
public sealed class SbArtifact
{
    public string Slug { get; init; } = BitriseEmulator.NewSlug();

    public required string Title { get; set; }

    /// <summary>file, android-apk, ios-ipa…</summary>
    public string ArtifactType { get; set; } = "file";

    public long FileSizeBytes { get; set; }

    public bool IsPublicPageEnabled { get; set; }

    public string? PublicInstallPageUrl { get; set; }

    public required string StorageKey { get; init; }
}

/// <summary>Artifacts: list (paged), show with an expiring download link, switch the public page, delete.</summary>
public sealed partial class BitriseEmulator
{
    /// <summary>Adds an artifact with the given content to a build.</summary>
    public SbArtifact AddArtifact(SbBuild build, string title, byte[] content, string artifactType = "file", string? slug = null)
    {
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(content);
        var artifact = NewArtifact(build, title, artifactType, slug);
        _sandbox.Storage.Put(artifact.StorageKey, content);
        artifact.FileSizeBytes = content.Length;
        lock (build)
        {
            build.Artifacts.Add(artifact);
        }

        return artifact;
    }

    /// <summary>Adds a large artifact whose content the storage generates (<see cref="Infrastructure.PresignedStorage.PutGenerated"/>).</summary>
    public SbArtifact AddGeneratedArtifact(SbBuild build, string title, long length, string artifactType = "file", byte seed = 7, string? slug = null)
    {
        ArgumentNullException.ThrowIfNull(build);
        var artifact = NewArtifact(build, title, artifactType, slug);
        _sandbox.Storage.PutGenerated(artifact.StorageKey, length, seed);
        artifact.FileSizeBytes = length;
        lock (build)
        {
            build.Artifacts.Add(artifact);
        }

        return artifact;
    }

    private static SbArtifact NewArtifact(SbBuild build, string title, string artifactType, string? slug)
    {
        var artifactSlug = slug ?? NewSlug();
        return new SbArtifact { Slug = artifactSlug, Title = title, ArtifactType = artifactType, StorageKey = $"builds/{build.Slug}/artifacts/{artifactSlug}" };
    }

    private void MapArtifacts(RouteGroupBuilder api)
    {
        api.MapGet("/apps/{appSlug}/builds/{buildSlug}/artifacts", (HttpContext c, string appSlug, string buildSlug) => Authorized(c, () =>
        {
            if (FindBuild(appSlug, buildSlug) is not { } build)
            {
                return NotFound("Not Found");
            }

            SbArtifact[] artifacts;
            lock (build)
            {
                artifacts = build.Artifacts.ToArray();
            }

            return Page(c, artifacts, ArtifactListJson, a => a.Slug);
        }));
        api.MapGet("/apps/{appSlug}/builds/{buildSlug}/artifacts/{artifactSlug}", (HttpContext c, string appSlug, string buildSlug, string artifactSlug) => Authorized(c, () =>
            FindArtifact(appSlug, buildSlug, artifactSlug) is { } artifact ? Data(ArtifactJson(artifact)) : NotFound("Not Found")));
        api.MapPatch("/apps/{appSlug}/builds/{buildSlug}/artifacts/{artifactSlug}", async (HttpContext c, string appSlug, string buildSlug, string artifactSlug) =>
        {
            var body = await ReadJsonAsync(c);
            return Authorized(c, () =>
            {
                if (FindArtifact(appSlug, buildSlug, artifactSlug) is not { } artifact)
                {
                    return NotFound("Not Found");
                }

                if (body is not JsonObject root || root["is_public_page_enabled"] is not JsonValue value || !value.TryGetValue<bool>(out var enabled))
                {
                    return BadRequest("is_public_page_enabled (bool) is required");
                }

                if (artifact.ArtifactType is not ("android-apk" or "ios-ipa"))
                {
                    return BadRequest("Public install page can only be enabled for android-apk and ios-ipa artifacts");
                }

                artifact.IsPublicPageEnabled = enabled;
                artifact.PublicInstallPageUrl ??= $"https://www.bitrise.io/artifact/{Random.Shared.Next(1_000_000, 9_999_999)}/p/{Infrastructure.SandboxTokens.Random(16)}";
                return Data(ArtifactJson(artifact));
            });
        });
        api.MapDelete("/apps/{appSlug}/builds/{buildSlug}/artifacts/{artifactSlug}", (HttpContext c, string appSlug, string buildSlug, string artifactSlug) => Authorized(c, () =>
        {
            if (FindBuild(appSlug, buildSlug) is not { } build || FindArtifact(appSlug, buildSlug, artifactSlug) is not { } artifact)
            {
                return NotFound("Not Found");
            }

            lock (build)
            {
                build.Artifacts.Remove(artifact);
            }

            return Data(ArtifactListJson(artifact));
        }));
    }

    private SbArtifact? FindArtifact(string appSlug, string buildSlug, string artifactSlug)
    {
        if (FindBuild(appSlug, buildSlug) is not { } build)
        {
            return null;
        }

        lock (build)
        {
            return build.Artifacts.FirstOrDefault(a => a.Slug == artifactSlug);
        }
    }

    /// <summary>The document's artifact examples: two text files of build 9fb8eaaa4bdd3763 and an APK of build ddf4134555e833d8.</summary>
    private void SeedDocumentArtifacts()
    {
        if (Builds.TryGetValue("9fb8eaaa4bdd3763", out var texts))
        {
            var first = AddArtifact(texts, "artifact-1.txt", Encoding.UTF8.GetBytes("artifact 1"), slug: "0d2277e50b8d32ce");
            first.IsPublicPageEnabled = true;
            first.PublicInstallPageUrl = "https://www.bitrise.io/artifact/2138393/p/6e7dc9c2b99492e6aa997a2e5d3f7413";
            AddArtifact(texts, "artifact-2.txt", Encoding.UTF8.GetBytes("artifact 2\n"), slug: "b69c23de1f13b998");
        }

        if (Builds.TryGetValue("ddf4134555e833d8", out var apk))
        {
            var app = AddGeneratedArtifact(apk, "app-debug.apk", 607185, "android-apk", slug: "5a9f5da8d5f1057c");
            app.IsPublicPageEnabled = true;
            app.PublicInstallPageUrl = "https://www.bitrise.io/artifact/3205846/p/300e0121b50985fd631fe304d549006f";
        }
    }

    internal static object ArtifactListJson(SbArtifact a) => new
    {
        artifact_type = a.ArtifactType,
        file_size_bytes = a.FileSizeBytes,
        is_public_page_enabled = a.IsPublicPageEnabled,
        slug = a.Slug,
        title = a.Title,
    };

    private object ArtifactJson(SbArtifact a) => new
    {
        artifact_type = a.ArtifactType,
        expiring_download_url = _sandbox.Storage.GrantDownload(a.StorageKey).AbsoluteUri,
        file_size_bytes = a.FileSizeBytes,
        is_public_page_enabled = a.IsPublicPageEnabled,
        public_install_page_url = a.PublicInstallPageUrl,
        slug = a.Slug,
        title = a.Title,
    };
}
