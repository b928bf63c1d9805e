using System;
using System.IO;
using System.Linq;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Infrastructure;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;
using static PSBuildUpload.Tests.Bitrise.BitriseTestSupport;

namespace PSBuildUpload.Tests.Bitrise;

/// <summary>
/// Every file the module writes (Save-BitriseArtifact, Get-BitriseBuildLog -OutFile, Get-BitriseAppConfig -OutFile)
/// is written under a temporary name in the destination folder and renamed when complete: a download reset in the
/// middle of its body, on every try, leaves nothing under the final name (an existing file, replaced with -Force,
/// keeps its content) and no temporary file behind.
/// </summary>
public sealed class BitriseDownloadFailureTests : IClassFixture<SandboxFixture>
{
    private const string Retries = "Connect-BuildService -Service Bitrise -Token $BitriseToken -BaseUri $Base -RetryIntervalSec 0 -MaximumRetryCount 1 | Out-Null\n";
    private readonly SandboxServer _sandbox;

    public BitriseDownloadFailureTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    /// <summary>
    /// What is written, the request path its download resets on, the file's name and the command ({0}: -Force where
    /// the cmdlet has it; Get-BitriseBuildLog -OutFile replaces a file without asking).
    /// </summary>
    public static TheoryData<string, string, string, string> Writers => new()
    {
        { "Save-BitriseArtifact", "^/storage/builds/", "app-release.apk", "Get-BitriseArtifact -AppSlug $App -BuildSlug $Build | Save-BitriseArtifact -Destination $Folder {0}" },
        { "Get-BitriseBuildLog -OutFile", "^/storage/build-logs", "build.log", "Get-BitriseBuildLog -AppSlug $App -BuildSlug $Build -OutFile $Target" },
        { "Get-BitriseAppConfig -OutFile", "/bitrise.yml$", "bitrise.yml", "Get-BitriseAppConfig -AppSlug $App -OutFile $Target {0}" },
    };

    [Theory]
    [MemberData(nameof(Writers))]
    public void A_download_reset_mid_body_leaves_nothing_under_the_final_name(string writer, string path, string name, string command)
    {
        var (folder, target, result, tries) = Download(path, name, command, existing: null);

        Assert.NotEmpty(result.AllErrors);
        Assert.Equal("Bitrise.ConnectionFailed", result.ErrorIds.First());
        Assert.True(tries == 2, $"{writer}: expected the download and one retry, got {tries} tries.");
        Assert.Empty(result.Output);
        Assert.False(File.Exists(target), $"{writer} left a partial file under the final name.");
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    [Theory]
    [MemberData(nameof(Writers))]
    public void A_failed_download_with_Force_keeps_the_existing_file_whole(string writer, string path, string name, string command)
    {
        var (folder, target, result, _) = Download(path, name, command, existing: "the file that was here");

        Assert.NotEmpty(result.AllErrors);
        Assert.Equal("the file that was here", File.ReadAllText(target));
        Assert.True(new[] { name }.SequenceEqual(Directory.GetFileSystemEntries(folder).Select(Path.GetFileName)), $"{writer} left a temporary file behind: {string.Join(", ", Directory.GetFileSystemEntries(folder))}");
    }

    [Theory]
    [MemberData(nameof(Writers))]
    public void Without_a_fault_the_file_appears_whole_under_its_name_and_nothing_else(string writer, string path, string name, string command)
    {
        _ = path;
        var app = NewApp(_sandbox, "download-ok");
        var build = Finished(_sandbox, app.Slug);
        _sandbox.Bitrise.AddGeneratedArtifact(build, "app-release.apk", 2_000_000, "android-apk");
        var folder = NewFolder();
        using var session = new PsSession(_sandbox);
        session.Set("App", app.Slug);
        session.Set("Build", build.Slug);
        session.Set("Folder", folder);
        session.Set("Target", Path.Combine(folder, name));
        var result = session.Run(Retries + string.Format(System.Globalization.CultureInfo.InvariantCulture, command, string.Empty));

        BitriseTestData.NoErrors(result);
        Assert.True(new[] { name }.SequenceEqual(Directory.GetFileSystemEntries(folder).Select(Path.GetFileName)), $"{writer}: {string.Join(", ", Directory.GetFileSystemEntries(folder))}");
        Assert.True(new FileInfo(Path.Combine(folder, name)).Length > 0);
    }

    [Theory]
    [InlineData(FaultKind.HtmlPage)]
    [InlineData(FaultKind.TruncatedJson)]
    public void An_artifact_download_of_another_length_than_Bitrise_lists_is_not_saved(FaultKind fault)
    {
        // Answered with 200 and a Content-Length that matches what arrives: only the listed file_size_bytes tells.
        var app = NewApp(_sandbox, "download-not-the-file");
        var build = Finished(_sandbox, app.Slug);
        var artifact = _sandbox.Bitrise.AddGeneratedArtifact(build, "app-release.apk", 2_000_000, "android-apk");
        var folder = NewFolder();
        using var session = new PsSession(_sandbox);
        var rule = _sandbox.Faults.Add(new FaultRule { Method = "GET", PathPattern = "^/storage/builds/", Kind = fault, Times = -1 });
        try
        {
            var result = session.Run(Retries + $"Save-BitriseArtifact -AppSlug {app.Slug} -BuildSlug {build.Slug} -ArtifactSlug {artifact.Slug} -Destination {Quote(folder)}");

            Assert.Equal("Bitrise.InvalidResponse", result.ErrorIds.Single());
            Assert.Contains("lists the file as 2,000,000 bytes", result.AllErrors.Single().ToString(), StringComparison.Ordinal);
            Assert.Equal(2, rule.Applied);
            Assert.Empty(result.Output);
            Assert.Empty(Directory.GetFileSystemEntries(folder));
        }
        finally
        {
            _sandbox.Faults.Clear();
        }
    }

    private (string Folder, string Target, PsResult Result, int Tries) Download(string path, string name, string command, string? existing)
    {
        var app = NewApp(_sandbox, "download-reset");
        var build = Finished(_sandbox, app.Slug);
        _sandbox.Bitrise.AddGeneratedArtifact(build, "app-release.apk", 2_000_000, "android-apk");
        var folder = NewFolder();
        var target = Path.Combine(folder, name);
        if (existing is not null)
        {
            File.WriteAllText(target, existing);
        }

        using var session = new PsSession(_sandbox);
        session.Set("App", app.Slug);
        session.Set("Build", build.Slug);
        session.Set("Folder", folder);
        session.Set("Target", target);
        var rule = _sandbox.Faults.Add(new FaultRule { Method = "GET", PathPattern = path, Kind = FaultKind.ResetDuringResponseBody, AfterBytes = 30, Times = -1 });
        try
        {
            var result = session.Run(Retries + string.Format(System.Globalization.CultureInfo.InvariantCulture, command, existing is null ? string.Empty : "-Force"));
            return (folder, target, result, rule.Applied);
        }
        finally
        {
            _sandbox.Faults.Clear();
        }
    }
}
