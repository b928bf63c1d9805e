using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;
using static PSBuildUpload.Tests.Bitrise.BitriseTestSupport;

namespace PSBuildUpload.Tests.Bitrise;

/// <summary>Get-, Set-, Remove- and Save-BitriseArtifact.</summary>
public sealed class BitriseArtifactTests : IClassFixture<SandboxFixture>
{
    private const string DocumentApp = "669403bffbe35909";
    private const string TextsBuild = "9fb8eaaa4bdd3763";
    private const string ApkBuild = "ddf4134555e833d8";

    private readonly SandboxServer _sandbox;

    public BitriseArtifactTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Fact]
    public void Lists_and_gets_the_document_artifacts_with_their_keys_and_no_link_signature()
    {
        using var session = Connected(_sandbox);
        _sandbox.Requests.Clear();
        var list = session.Run($"Get-BitriseBuild -AppSlug {DocumentApp} -BuildSlug {TextsBuild} | Get-BitriseArtifact");

        Assert.Empty(list.AllErrors);
        Assert.Equal(new[] { "artifact-1.txt", "artifact-2.txt" }, list.Output.Select(o => o.P<string>("Title")));
        Assert.Equal(new[] { "0d2277e50b8d32ce", "b69c23de1f13b998" }, list.Output.Select(o => o.P<string>("ArtifactSlug")));
        Assert.Equal(new[] { 10L, 11L }, list.Output.Select(o => o.P<long>("FileSizeBytes")));
        Assert.All(list.Output, o =>
        {
            Assert.Equal("PSBuildUpload.Engine.Bitrise.BitriseArtifact", o.TypeName());
            Assert.Equal(DocumentApp, o.P<string>("AppSlug"));
            Assert.Equal(TextsBuild, o.P<string>("BuildSlug"));
            Assert.Equal("file", o.P<string>("ArtifactType"));
        });
        Assert.Equal("?limit=50", _sandbox.Requests.Matching("GET", $"/v0.1/apps/{DocumentApp}/builds/{TextsBuild}/artifacts").Single().Query);

        var one = session.Run($"Get-BitriseArtifact -AppSlug {DocumentApp} -BuildSlug {ApkBuild} -ArtifactSlug 5a9f5da8d5f1057c");
        Assert.Empty(one.AllErrors);
        var apk = Assert.Single(one.Output);
        Assert.Equal("android-apk", apk.P<string>("ArtifactType"));
        Assert.Equal(607185L, apk.P<long>("FileSizeBytes"));
        Assert.Equal("https://www.bitrise.io/artifact/3205846/p/300e0121b50985fd631fe304d549006f", apk.P<string>("PublicInstallPageUrl"));
        Assert.EndsWith($"/storage/builds/{ApkBuild}/artifacts/5a9f5da8d5f1057c?***", apk.P<string>("DownloadUrl"), StringComparison.Ordinal);
        Assert.DoesNotMatch("X-Goog-Signature=[0-9a-f]", one.AllText());
    }

    [Fact]
    public void Set_switches_the_public_page_of_an_APK_and_refuses_other_types_before_the_call()
    {
        var app = NewApp(_sandbox, "public-page");
        var build = Finished(_sandbox, app.Slug);
        var apk = _sandbox.Bitrise.AddArtifact(build, "app-release.apk", Encoding.UTF8.GetBytes("apk"), "android-apk");
        var text = _sandbox.Bitrise.AddArtifact(build, "notes.txt", Encoding.UTF8.GetBytes("notes"));
        using var session = Connected(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run($"Get-BitriseArtifact -AppSlug {app.Slug} -BuildSlug {build.Slug} | Set-BitriseArtifact -PublicPageEnabled $true");

        var updated = Assert.Single(result.Output);
        Assert.Equal(apk.Slug, updated.P<string>("ArtifactSlug"));
        Assert.True(updated.P<bool>("IsPublicPageEnabled"));
        Assert.StartsWith("https://www.bitrise.io/artifact/", updated.P<string>("PublicInstallPageUrl"), StringComparison.Ordinal);
        Assert.True(apk.IsPublicPageEnabled);

        var error = Assert.Single(result.Errors);
        Assert.Equal("Bitrise.PublicPageNotSupported", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("notes.txt", error.ToString(), StringComparison.Ordinal);
        var patch = Assert.Single(_sandbox.Requests.Matching("PATCH", $"/v0.1/apps/{app.Slug}/builds/{build.Slug}/artifacts/"));
        Assert.EndsWith(apk.Slug, patch.Path, StringComparison.Ordinal);
        Assert.Equal("{\"is_public_page_enabled\":true}", patch.BodyText);
        Assert.False(text.IsPublicPageEnabled);

        _sandbox.Requests.Clear();
        Assert.Empty(session.Run($"Set-BitriseArtifact -AppSlug {app.Slug} -BuildSlug {build.Slug} -ArtifactSlug {apk.Slug} -PublicPageEnabled $false -WhatIf").AllErrors);
        Assert.Empty(_sandbox.Requests.Matching("PATCH", "/v0.1/"));
        Assert.True(apk.IsPublicPageEnabled);
    }

    [Fact]
    public void Remove_deletes_the_artifact_and_WhatIf_does_not()
    {
        var app = NewApp(_sandbox, "remove");
        var build = Finished(_sandbox, app.Slug);
        var artifact = _sandbox.Bitrise.AddArtifact(build, "old.zip", new byte[] { 1, 2, 3 });
        using var session = Connected(_sandbox);
        _sandbox.Requests.Clear();
        Assert.Empty(session.Run($"Get-BitriseArtifact -AppSlug {app.Slug} -BuildSlug {build.Slug} | Remove-BitriseArtifact -WhatIf").AllErrors);
        Assert.Empty(_sandbox.Requests.Matching("DELETE", "/v0.1/"));
        Assert.Single(build.Artifacts);

        var result = session.Run($"Get-BitriseArtifact -AppSlug {app.Slug} -BuildSlug {build.Slug} | Remove-BitriseArtifact -Confirm:$false");
        Assert.Empty(result.AllErrors);
        Assert.Empty(result.Output);
        Assert.Equal($"/v0.1/apps/{app.Slug}/builds/{build.Slug}/artifacts/{artifact.Slug}", _sandbox.Requests.Matching("DELETE", "/v0.1/").Single().Path);
        Assert.Empty(build.Artifacts);

        var again = session.Run($"Remove-BitriseArtifact -AppSlug {app.Slug} -BuildSlug {build.Slug} -ArtifactSlug {artifact.Slug} -Confirm:$false");
        Assert.Equal("Bitrise.NotFound", again.ErrorIds.Single());
        Assert.Contains(artifact.Slug, again.Errors.Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Save_streams_the_file_with_progress_and_its_SHA256_is_the_content_s()
    {
        var app = NewApp(_sandbox, "save");
        var build = Finished(_sandbox, app.Slug);
        var artifact = _sandbox.Bitrise.AddGeneratedArtifact(build, "app-release.aab", 3 * 1024 * 1024 + 17, "android-aab");
        var stored = _sandbox.Storage.Get(artifact.StorageKey)!;
        var folder = Path.Combine(NewFolder(), "out");
        using var session = Connected(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run($"Save-BitriseArtifact -AppSlug {app.Slug} -BuildSlug {build.Slug} -ArtifactSlug {artifact.Slug} -Destination {Quote(folder)}");

        Assert.Empty(result.AllErrors);
        var saved = Assert.Single(result.Output);
        var path = Path.Combine(folder, "app-release.aab");
        Assert.Equal("PSBuildUpload.Engine.Bitrise.SavedBitriseArtifact", saved.TypeName());
        Assert.Equal(path, saved.P<string>("Path"));
        Assert.Equal(stored.Length, saved.P<long>("Length"));
        Assert.Equal(stored.Sha256, saved.P<string>("Sha256"));
        Assert.Equal(stored.Sha256, Sha256(path));
        Assert.Equal((artifact.Slug, build.Slug, app.Slug), (saved.P<string>("ArtifactSlug"), saved.P<string>("BuildSlug"), saved.P<string>("AppSlug")));
        Assert.Equal(new[] { "app-release.aab" }, Directory.GetFiles(folder).Select(Path.GetFileName));
        Assert.Contains(result.Progress, p => p.Activity.Contains("app-release.aab", StringComparison.Ordinal));
        var download = Assert.Single(_sandbox.Requests.Matching("GET", "/storage/"));
        Assert.Null(download.Header("Authorization"));
        var signature = Regex.Match(download.Query, "X-Goog-Signature=([^&]+)").Groups[1].Value;
        Assert.DoesNotContain(signature, result.AllText(), StringComparison.Ordinal);

        var exists = session.Run($"Save-BitriseArtifact -AppSlug {app.Slug} -BuildSlug {build.Slug} -ArtifactSlug {artifact.Slug} -Destination {Quote(folder)}");
        Assert.Equal("Bitrise.DestinationExists", exists.ErrorIds.Single());
        File.WriteAllText(path, "changed");
        var forced = session.Run($"Save-BitriseArtifact -AppSlug {app.Slug} -BuildSlug {build.Slug} -ArtifactSlug {artifact.Slug} -Destination {Quote(folder)} -Force");
        Assert.Empty(forced.AllErrors);
        Assert.Equal(stored.Sha256, Sha256(path));
        Assert.Equal(new[] { "app-release.aab" }, Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Titles_that_are_paths_are_saved_inside_the_destination()
    {
        var app = NewApp(_sandbox, "traversal");
        var build = Finished(_sandbox, app.Slug);
        var dotdot = _sandbox.Bitrise.AddArtifact(build, "..", Encoding.UTF8.GetBytes("dots"));
        foreach (var title in new[] { "../../x", "/etc/passwd", "..\\..\\evil.txt", "sub/dir/../../../up.txt", "C:\\Windows\\win.ini" })
        {
            _sandbox.Bitrise.AddArtifact(build, title, Encoding.UTF8.GetBytes(title));
        }

        var root = NewFolder();
        var destination = Path.Combine(root, "a", "b", "out");
        using var session = Connected(_sandbox);
        var result = session.Run($"Get-BitriseArtifact -AppSlug {app.Slug} -BuildSlug {build.Slug} | Save-BitriseArtifact -Destination {Quote(destination)}");

        Assert.Empty(result.AllErrors);
        Assert.Equal(6, result.Output.Count);
        Assert.All(result.Output, o => Assert.Equal(destination, Path.GetDirectoryName(o.P<string>("Path"))));
        Assert.Equal(
            new[] { dotdot.Slug, "evil.txt", "passwd", "up.txt", "win.ini", "x" }.Order(StringComparer.Ordinal),
            Directory.GetFiles(destination).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("/etc/passwd", File.ReadAllText(Path.Combine(destination, "passwd")));
        Assert.Equal(new[] { destination }, Directory.GetFileSystemEntries(Path.Combine(root, "a", "b")));
        Assert.Equal(new[] { Path.Combine(root, "a") }, Directory.GetFileSystemEntries(root));
        Assert.Contains(result.Warning, w => w.Contains("../../x", StringComparison.Ordinal));
    }

    [Fact]
    public void Same_titled_artifacts_of_several_builds_saved_by_one_command_are_all_kept()
    {
        var app = NewApp(_sandbox, "same-title");
        var first = Finished(_sandbox, app.Slug);
        var second = Finished(_sandbox, app.Slug);
        var a = _sandbox.Bitrise.AddArtifact(first, "app-release.apk", Encoding.UTF8.GetBytes("first build"));
        var b = _sandbox.Bitrise.AddArtifact(second, "app-release.apk", Encoding.UTF8.GetBytes("second build"));
        var folder = NewFolder();
        File.WriteAllText(Path.Combine(folder, "app-release.apk"), "from an earlier run");
        using var session = Connected(_sandbox);
        session.Set("builds", new[] { first.Slug, second.Slug });

        var result = session.Run($"$builds | ForEach-Object {{ Get-BitriseArtifact -AppSlug {app.Slug} -BuildSlug $_ }} | Save-BitriseArtifact -Destination {Quote(folder)} -Force");

        Assert.Empty(result.AllErrors);
        Assert.Equal(2, result.Output.Count);
        var renamed = Path.Combine(folder, "app-release." + b.Slug + ".apk");
        Assert.Equal(new[] { Path.Combine(folder, "app-release.apk"), renamed }, result.Output.Select(o => o.P<string>("Path")));
        Assert.Equal("first build", File.ReadAllText(Path.Combine(folder, "app-release.apk")));
        Assert.Equal("second build", File.ReadAllText(renamed));
        var warning = Assert.Single(result.Warning, w => w.Contains(a.Slug, StringComparison.Ordinal));
        Assert.Contains(b.Slug, warning, StringComparison.Ordinal);

        // The same artifact again is the same file: -Force replaces it rather than adding a copy.
        var again = session.Run($"Get-BitriseArtifact -AppSlug {app.Slug} -BuildSlug {first.Slug} | Save-BitriseArtifact -Destination {Quote(folder)} -Force");
        Assert.Empty(again.AllErrors);
        Assert.Equal(2, Directory.GetFiles(folder).Length);
    }
}
