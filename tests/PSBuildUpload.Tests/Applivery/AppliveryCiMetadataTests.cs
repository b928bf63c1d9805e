using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;
using static PSBuildUpload.Tests.Applivery.AppliveryFiles;

namespace PSBuildUpload.Tests.Applivery;

/// <summary>The deployer fields filled from a faked CI environment, and the token taken from (or missing in) the environment.</summary>
[Collection(ProcessStateCollection.Name)]
public sealed class AppliveryCiMetadataTests : IClassFixture<SandboxFixture>
{
    /// <summary>Every variable the detector or the token resolver reads first; cleared so the real environment cannot leak in.</summary>
    private static readonly string[] Cleared =
    {
        "TF_BUILD", "GITHUB_ACTIONS", "GITLAB_CI", "BITRISE_IO", "BITRISE_BUILD_URL", "JENKINS_URL", "JENKINS_HOME", "CIRCLECI", "APPLIVERY_TOKEN",
    };

    private readonly SandboxServer _sandbox;

    public AppliveryCiMetadataTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    private static Dictionary<string, string?> AzureDevOps => new()
    {
        ["TF_BUILD"] = "True",
        ["BUILD_SOURCEVERSION"] = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
        ["BUILD_SOURCEVERSIONMESSAGE"] = "Fix crash on login",
        ["BUILD_SOURCEBRANCH"] = "refs/heads/release/2.4",
        ["BUILD_SOURCEBRANCHNAME"] = "2.4",
        ["BUILD_BUILDNUMBER"] = "20240307.3",
        ["BUILD_REPOSITORY_URI"] = "https://dev.azure.com/contoso/Mobile%20Apps/_git/app",
        ["SYSTEM_TEAMFOUNDATIONCOLLECTIONURI"] = "https://dev.azure.com/contoso/",
        ["SYSTEM_TEAMPROJECT"] = "Mobile Apps",
        ["BUILD_BUILDID"] = "1234",
        ["SYSTEM_PIPELINESTARTTIME"] = "2024-03-07 14:55:43+00:00",
    };

    [Fact]
    public void Azure_DevOps_fills_every_deployer_field_it_knows()
    {
        var apk = Build("azure.apk");
        var result = InEnvironment(AzureDevOps, () =>
        {
            using var session = new PsSession(_sandbox);
            return session.Run($"Publish-AppliveryBuild -Path {Q(apk)} -Verbose {AppliverySandbox.App}");
        });

        Assert.Empty(result.AllErrors);
        Assert.Contains(result.Verbose, v => v.StartsWith("Running in Azure DevOps", StringComparison.Ordinal));
        var deployer = _sandbox.Applivery.LastUpload!.Deployer;
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["name"] = "Azure DevOps",
                ["info.commitMessage"] = "Fix crash on login",
                ["info.commit"] = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
                ["info.branch"] = "2.4",
                ["info.triggerTimestamp"] = new DateTimeOffset(2024, 3, 7, 14, 55, 43, TimeSpan.Zero).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["info.buildUrl"] = "https://dev.azure.com/contoso/Mobile%20Apps/_build/results?buildId=1234",
                ["info.ciUrl"] = "https://dev.azure.com/contoso/Mobile%20Apps",
                ["info.repositoryUrl"] = "https://dev.azure.com/contoso/Mobile%20Apps/_git/app",
                ["info.buildNumber"] = "20240307.3",
            },
            deployer.OrderBy(d => d.Key).ToDictionary(d => d.Key, d => d.Value));
        Assert.Equal("Azure DevOps", result.Output.Single().P<string>("Deployer.Name"));
    }

    [Fact]
    public void Parameters_win_over_the_CI_field_by_field_and_NoCiMetadata_turns_it_off()
    {
        var apk = Build("override.apk");
        var (overridden, off) = InEnvironment(AzureDevOps, () =>
        {
            using var session = new PsSession(_sandbox);
            var first = session.Run($"Publish-AppliveryBuild -Path {Q(apk)} -DeployerName 'Release bot' -Branch main -TriggerTimestamp '2024-01-01T00:00:00Z' {AppliverySandbox.App}");
            var firstDeployer = _sandbox.Applivery.LastUpload!.Deployer;
            var second = session.Run($"Publish-AppliveryBuild -Path {Q(apk)} -NoCiMetadata -Commit abc123 {AppliverySandbox.App}");
            Assert.Empty(first.AllErrors);
            Assert.Empty(second.AllErrors);
            return (firstDeployer, _sandbox.Applivery.LastUpload!.Deployer);
        });

        Assert.Equal("Release bot", overridden["name"]);
        Assert.Equal("main", overridden["info.branch"]);
        Assert.Equal("1704067200000", overridden["info.triggerTimestamp"]);
        Assert.Equal("9f8e7d6c5b4a39281706f5e4d3c2b1a098765432", overridden["info.commit"]);
        Assert.Equal("20240307.3", overridden["info.buildNumber"]);

        Assert.Equal(new Dictionary<string, string> { ["info.commit"] = "abc123" }, off);
    }

    [Fact]
    public void GitHub_Actions_fills_the_deployer_fields_with_the_commit_message_of_the_push_event()
    {
        var apk = Build("github.apk");
        var eventFile = Path.Combine(Directory.CreateTempSubdirectory("psbu-gh-").FullName, "event.json");
        File.WriteAllText(eventFile, """{ "head_commit": { "id": "f52ace0", "message": "Fix crash on login\n\nCloses #12", "timestamp": "2024-03-07T15:55:43+01:00" } }""");
        var environment = new Dictionary<string, string?>
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_SHA"] = "f52ace0f52ace0f52ace0f52ace0f52ace0f52a",
            ["GITHUB_REF_NAME"] = "release/2.4",
            ["GITHUB_REF_TYPE"] = "branch",
            ["GITHUB_SERVER_URL"] = "https://github.com",
            ["GITHUB_REPOSITORY"] = "myorg/myapp",
            ["GITHUB_RUN_ID"] = "123",
            ["GITHUB_RUN_NUMBER"] = "173",
            ["GITHUB_EVENT_PATH"] = eventFile,
        };

        var result = InEnvironment(environment, () =>
        {
            using var session = new PsSession(_sandbox);
            return session.Run($"Publish-AppliveryBuild -Path {Q(apk)} {AppliverySandbox.App}");
        });

        Assert.Empty(result.AllErrors);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["name"] = "GitHub Actions",
                ["info.commitMessage"] = "Fix crash on login\n\nCloses #12",
                ["info.commit"] = "f52ace0f52ace0f52ace0f52ace0f52ace0f52a",
                ["info.branch"] = "release/2.4",
                ["info.buildUrl"] = "https://github.com/myorg/myapp/actions/runs/123",
                ["info.ciUrl"] = "https://github.com/myorg/myapp/actions",
                ["info.repositoryUrl"] = "https://github.com/myorg/myapp",
                ["info.buildNumber"] = "173",
            },
            _sandbox.Applivery.LastUpload!.Deployer.OrderBy(d => d.Key).ToDictionary(d => d.Key, d => d.Value));

        // A tag build names the tag, not a branch.
        environment["GITHUB_REF_NAME"] = "v2.4.0";
        environment["GITHUB_REF_TYPE"] = "tag";
        environment["GITHUB_EVENT_PATH"] = null;
        var tagged = InEnvironment(environment, () =>
        {
            using var session = new PsSession(_sandbox);
            return session.Run($"Publish-AppliveryBuild -Path {Q(apk)} {AppliverySandbox.App}");
        });
        Assert.Empty(tagged.AllErrors);
        var deployer = _sandbox.Applivery.LastUpload!.Deployer;
        Assert.Equal("v2.4.0", deployer["info.tag"]);
        Assert.False(deployer.ContainsKey("info.branch"));
        Assert.False(deployer.ContainsKey("info.commitMessage"));
    }

    [Fact]
    public void Without_a_token_nothing_is_sent_and_the_environment_variable_is_used_when_set()
    {
        var apk = Build("token.apk");
        var before = AppliverySandbox.Requests(_sandbox);
        // Each command on its own: a missing token is terminating, so it would end a script of three.
        var missing = InEnvironment(new Dictionary<string, string?>(), () =>
        {
            using var session = new PsSession(_sandbox);
            return new[] { $"Publish-AppliveryBuild -Path {Q(apk)} -NoCiMetadata -BaseUri $Base", "Get-AppliveryBuild -BaseUri $Base", "Wait-AppliveryBuild -BuildId abc -BaseUri $Base" }
                .Select(script => session.Run(script)).ToArray();
        });
        Assert.All(missing, r => Assert.Equal("Applivery.TokenMissing", Assert.Single(r.ErrorIds)));
        Assert.All(missing, r => Assert.NotNull(r.Terminating));
        Assert.Contains("APPLIVERY_TOKEN", missing[0].AllErrors.First().ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Equal(before, AppliverySandbox.Requests(_sandbox));

        var fromEnvironment = InEnvironment(new Dictionary<string, string?> { ["APPLIVERY_TOKEN"] = _sandbox.Tokens.AppliveryApp }, () =>
        {
            using var session = new PsSession(_sandbox);
            return session.Run($"Publish-AppliveryBuild -Path {Q(apk)} -NoCiMetadata -BaseUri $Base");
        });
        Assert.Empty(fromEnvironment.AllErrors);
        Assert.Single(fromEnvironment.Output);
    }

    private static T InEnvironment<T>(IReadOnlyDictionary<string, string?> values, Func<T> body)
    {
        var names = Cleared.Concat(values.Keys).Distinct().ToArray();
        var saved = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var name in names)
            {
                Environment.SetEnvironmentVariable(name, values.TryGetValue(name, out var value) ? value : null);
            }

            return body();
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
