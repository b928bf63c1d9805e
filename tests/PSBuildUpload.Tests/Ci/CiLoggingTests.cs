using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Tests.Infrastructure;
using PSBuildUpload.Tests.ProductScience;
using Xunit;

namespace PSBuildUpload.Tests.Ci;

/// <summary>
/// The logging commands for CI agents, with the agents' variables faked: Azure DevOps (TF_BUILD) and GitHub Actions
/// (GITHUB_ACTIONS). They reach the information stream tagged PSHOST, as Write-Host output does.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public sealed class CiLoggingTests : IClassFixture<SandboxFixture>
{
    private static readonly string[] Variables = { "TF_BUILD", "GITHUB_ACTIONS", "PRODUCTSCIENCE_TOKEN" };

    private readonly SandboxServer _sandbox;

    public CiLoggingTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    private static void WithEnvironment(IDictionary<string, string?> values, Action action)
    {
        var saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var name in Variables)
            {
                Environment.SetEnvironmentVariable(name, values.TryGetValue(name, out var value) ? value : null);
            }

            action();
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }

    private static IEnumerable<string> CommandLines(PsResult result) =>
        result.Information.Where(l => l.StartsWith("##vso[", StringComparison.Ordinal) || l.StartsWith("::", StringComparison.Ordinal));

    private string Upload(string name) =>
        $"New-UploadContext -Project demo -BaseUri $Base | Submit-Build -Path {TestFiles.Quote(TestFiles.Create(name, 3 * 1024 * 1024))} -BuildType APK -NoCiMetadata -BaseUri $Base | Send-BuildFile";

    [Fact]
    public void Azure_DevOps_gets_transfer_progress_errors_with_their_id_and_the_environment_token_masked_once()
    {
        WithEnvironment(new Dictionary<string, string?> { ["TF_BUILD"] = "True", ["PRODUCTSCIENCE_TOKEN"] = _sandbox.Tokens.ProductScience }, () =>
        {
            using var session = new PsSession(_sandbox);
            var first = session.Run(Upload("app-release.apk"));
            Assert.Empty(first.AllErrors);
            var lines = CommandLines(first).ToList();
            Assert.Equal(1, lines.Count(l => l == "##vso[task.setsecret]" + _sandbox.Tokens.ProductScience));
            Assert.Contains("##vso[task.setprogress value=100;]Uploading app-release.apk to Product Science", lines);
            Assert.All(lines.Where(l => l.Contains("setprogress", StringComparison.Ordinal)), l => Assert.Matches(@"^##vso\[task\.setprogress value=\d{1,3};\]Uploading app-release\.apk to Product Science$", l));

            // Once per process: neither a later command nor another session announces it again.
            var again = session.Run(Upload("app-2.apk"));
            using var other = new PsSession(_sandbox);
            var third = other.Run("New-UploadContext -Project demo -BaseUri $Base");
            Assert.DoesNotContain(CommandLines(again).Concat(CommandLines(third)), l => l.StartsWith("##vso[task.setsecret]", StringComparison.Ordinal));

            var failed = session.Run("New-UploadContext -Project demo -BaseUri 'http://example.com'");
            Assert.Equal("ProductScience.InsecureBaseUri", failed.ErrorIds.Single());
            var issue = CommandLines(failed).Single();
            Assert.StartsWith("##vso[task.logissue type=error;code=ProductScience.InsecureBaseUri]-BaseUri 'http://example.com' uses plain http", issue, StringComparison.Ordinal);

            // A terminating error of the connection cmdlet and of a missing token are reported too.
            Assert.StartsWith("##vso[task.logissue type=error;code=ProductScience.InvalidProxy]", CommandLines(session.Run("Connect-BuildService -Service ProductScience -Proxy 'socks5://proxy:1080'")).Single(), StringComparison.Ordinal);
            Environment.SetEnvironmentVariable("PRODUCTSCIENCE_TOKEN", null);
            Assert.StartsWith("##vso[task.logissue type=error;code=ProductScience.TokenMissing]No ProductScience token was found.", CommandLines(other.Run("New-UploadContext -Project demo -BaseUri $Base")).Single(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task GitHub_Actions_gets_error_annotations_and_the_environment_token_masked_once_but_no_progress()
    {
        // A token of its own: "once per process" must not be satisfied by another test's announcement.
        await using var sandbox = await SandboxServer.StartAsync();
        WithEnvironment(new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = "true", ["PRODUCTSCIENCE_TOKEN"] = sandbox.Tokens.ProductScience }, () =>
        {
            using var session = new PsSession(sandbox);
            var upload = session.Run(Upload("app-release.apk"));
            Assert.Empty(upload.AllErrors);
            Assert.Equal(new[] { "::add-mask::" + sandbox.Tokens.ProductScience }, CommandLines(upload));
            Assert.Empty(CommandLines(session.Run("New-UploadContext -Project demo -BaseUri $Base")));

            var failed = session.Run("Submit-Build -Project demo -Path ./missing.apk -BuildType APK -BaseUri 'ftp://127.0.0.1/'");
            Assert.StartsWith("::error title=ProductScience.InvalidBaseUri::-BaseUri 'ftp://127.0.0.1/' is not an absolute http", CommandLines(failed).Single(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Outside_CI_no_logging_command_is_written()
    {
        WithEnvironment(new Dictionary<string, string?> { ["PRODUCTSCIENCE_TOKEN"] = _sandbox.Tokens.ProductScience }, () =>
        {
            using var session = new PsSession(_sandbox);
            var upload = session.Run(Upload("app-release.apk"));
            Assert.Empty(upload.AllErrors);
            Assert.NotEmpty(upload.Progress);
            var failed = session.Run("New-UploadContext -Project demo -BaseUri 'http://example.com'");
            Assert.NotNull(failed.Terminating);
            Assert.Empty(upload.Information.Concat(failed.Information));
        });
    }

    [Fact]
    public void The_lines_go_to_the_host_as_Write_Host_output_does_and_InformationAction_Ignore_silences_them()
    {
        WithEnvironment(new Dictionary<string, string?> { ["TF_BUILD"] = "true" }, () =>
        {
            using var session = new PsSession(_sandbox);
            var tagged = session.Run("""
                try { New-UploadContext -Project demo -BaseUri 'http://example.com' -InformationVariable records } catch { }
                $records | ForEach-Object { ($_.Tags -join ',') + '|' + $_.MessageData }
                """);
            Assert.StartsWith("PSHOST|##vso[task.logissue type=error;code=ProductScience.InsecureBaseUri]", tagged.Output.Single().ToString(), StringComparison.Ordinal);

            var silenced = session.Run("New-UploadContext -Project demo -BaseUri 'http://example.com' -InformationAction Ignore");
            Assert.NotNull(silenced.Terminating);
            Assert.Empty(silenced.Information);
        });
    }
}
