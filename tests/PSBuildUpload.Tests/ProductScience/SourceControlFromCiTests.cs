using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;

namespace PSBuildUpload.Tests.ProductScience;

/// <summary>Submit-Build fills the source-control fields from the CI and asks git for the commit time.</summary>
[Collection(ProcessStateCollection.Name)]
public sealed class SourceControlFromCiTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _sandbox;

    public SourceControlFromCiTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Fact]
    public void Azure_DevOps_commit_is_sent_and_git_gives_its_time()
    {
        var (repo, commit, time) = GitRepository();
        var apk = Path.Combine(repo, "app.apk");
        File.WriteAllBytes(apk, new byte[] { 1, 2, 3 });
        var body = SubmitWith(new Dictionary<string, string?> { ["TF_BUILD"] = "True", ["BUILD_SOURCEVERSION"] = commit }, repo, apk, extra: string.Empty);
        Assert.Equal(commit, body.GetProperty("sourceControlId").GetString());
        Assert.Equal(time.ToUniversalTime(), DateTimeOffset.Parse(body.GetProperty("sourceControlIsoTimestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void GitHub_Actions_commit_is_sent_and_an_unknown_commit_has_no_time()
    {
        var folder = Directory.CreateTempSubdirectory("psbu-nogit-").FullName;
        var apk = Path.Combine(folder, "app.apk");
        File.WriteAllBytes(apk, new byte[] { 1 });
        var body = SubmitWith(new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_SHA"] = "f52ace0" }, folder, apk, extra: string.Empty);
        Assert.Equal("f52ace0", body.GetProperty("sourceControlId").GetString());
        Assert.False(body.TryGetProperty("sourceControlIsoTimestamp", out _));
    }

    [Fact]
    public void NoCiMetadata_and_explicit_values_win_over_the_CI()
    {
        var folder = Directory.CreateTempSubdirectory("psbu-noci-").FullName;
        var apk = Path.Combine(folder, "app.apk");
        File.WriteAllBytes(apk, new byte[] { 1 });
        var ci = new Dictionary<string, string?> { ["TF_BUILD"] = "True", ["BUILD_SOURCEVERSION"] = "from-ci" };
        Assert.False(SubmitWith(ci, folder, apk, "-NoCiMetadata").TryGetProperty("sourceControlId", out _));
        Assert.Equal("mine", SubmitWith(ci, folder, apk, "-SourceControlId mine").GetProperty("sourceControlId").GetString());
    }

    private JsonElement SubmitWith(Dictionary<string, string?> environment, string directory, string apk, string extra)
    {
        foreach (var (name, value) in environment)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        try
        {
            using var session = new PsSession(_sandbox);
            var result = session.Run($"$null = $ExecutionContext.SessionState.Path.SetLocation('{directory}'); Submit-Build -Project demo -Path {TestFiles.Quote(apk)} -BuildType APK {extra} -Token $PsToken -BaseUri $Base");
            Assert.Empty(result.AllErrors);
            return JsonDocument.Parse(_sandbox.ProductScience.Builds[result.Output.Single().P<long>("BuildId")].RequestJson).RootElement;
        }
        finally
        {
            foreach (var name in environment.Keys)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }
    }

    private static (string Folder, string Commit, DateTimeOffset Time) GitRepository()
    {
        var folder = Directory.CreateTempSubdirectory("psbu-git-").FullName;
        Git(folder, "init -q");
        File.WriteAllText(Path.Combine(folder, "readme.txt"), "x");
        Git(folder, "add readme.txt");
        Git(folder, "-c user.email=ci@example.com -c user.name=CI commit -q -m first --date=2024-03-07T14:55:43+02:00", ("GIT_COMMITTER_DATE", "2024-03-07T14:55:43+02:00"));
        var commit = Git(folder, "rev-parse HEAD").Trim();
        return (folder, commit, new DateTimeOffset(2024, 3, 7, 14, 55, 43, TimeSpan.FromHours(2)));
    }

    private static string Git(string folder, string arguments, params (string Name, string Value)[] environment)
    {
        var info = new ProcessStartInfo("git", arguments) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "git " + arguments + ": " + process.StandardError.ReadToEnd());
        return output;
    }
}
