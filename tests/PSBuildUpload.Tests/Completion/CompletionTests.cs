using System;
using System.Linq;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;

namespace PSBuildUpload.Tests.Completion;

/// <summary>Tab completion as a user gets it: through TabExpansion2 in the hosted engine.</summary>
public sealed class CompletionTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _sandbox;

    public CompletionTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    /// <summary>Completes the end of <paramref name="line"/>; each result as "text|list item|tooltip".</summary>
    private static string[] Complete(PsSession session, string line)
    {
        session.Set("Line", line);
        var result = session.Run("(TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches | ForEach-Object { $_.CompletionText + '|' + $_.ListItemText + '|' + $_.ToolTip }");
        Assert.Empty(result.AllErrors);
        return result.Output.Select(o => o.ToString()).ToArray();
    }

    [Fact]
    public void Service_completes_the_three_services()
    {
        // -Service is an enum: PowerShell completes its names itself (it would ignore an ArgumentCompleter there).
        using var session = new PsSession();
        var all = Complete(session, "Connect-BuildService -Service ");
        Assert.Equal(new[] { "Applivery", "Bitrise", "ProductScience" }, all.Select(r => r.Split('|')[0]).OrderBy(x => x, StringComparer.Ordinal));
        Assert.Equal("Bitrise", Complete(session, "Get-BuildServiceConnection -Service bi").Single().Split('|')[0]);
        Assert.Equal("Applivery", Complete(session, "Disconnect-BuildService -Service A").Single().Split('|')[0]);
    }

    [Fact]
    public void BuildType_completes_the_Product_Science_build_types()
    {
        using var session = new PsSession();
        Assert.Equal(new[] { "APK", "INSTRUMENTED_APK" }, Complete(session, "Submit-Build -BuildType ").Select(r => r.Split('|')[0]));
        Assert.Equal("INSTRUMENTED_APK", Complete(session, "Submit-Build -BuildType ins").Single().Split('|')[0]);
    }

    [Fact]
    public void AppSlug_completes_the_apps_of_the_sessions_connection_by_slug_or_title_showing_the_title()
    {
        using var session = new PsSession(_sandbox);
        session.Run("Connect-BuildService -Service Bitrise -Token $BitriseToken -BaseUri $Base");
        var all = Complete(session, "Get-BitriseApp -AppSlug ");
        Assert.Contains("93f256e365d929d3|93f256e365d929d3 (sample-apps-ios-swift-xcode6)|sample-apps-ios-swift-xcode6 - ios, owned by APIDemoOrg", all);
        Assert.Contains(all, r => r.StartsWith("f46e89061e967f27|", StringComparison.Ordinal));

        Assert.Equal("93f256e365d929d3", Complete(session, "Get-BitriseApp -AppSlug 93f").Single().Split('|')[0]);
        Assert.Equal("f46e89061e967f27", Complete(session, "Get-BitriseApp -AppSlug sample-apps-xamarin").Single().Split('|')[0]);
    }

    [Theory]
    [InlineData("Set-BitriseAppSshKey")]
    [InlineData("Register-BitriseAppWebhook")]
    [InlineData("Complete-BitriseApp")]
    [InlineData("Get-BitriseAppConfig")]
    [InlineData("Set-BitriseAppConfig")]
    [InlineData("Add-BitriseProvisioningProfile")]
    [InlineData("Get-BitriseProvisioningProfile")]
    [InlineData("Set-BitriseProvisioningProfile")]
    [InlineData("Add-BitriseBuildCertificate")]
    [InlineData("Get-BitriseBuildCertificate")]
    [InlineData("Set-BitriseBuildCertificate")]
    public void AppSlug_completes_apps_on_the_app_setup_and_code_signing_cmdlets(string command)
    {
        using var session = new PsSession(_sandbox);
        session.Run("Connect-BuildService -Service Bitrise -Token $BitriseToken -BaseUri $Base");
        Assert.Equal("93f256e365d929d3|93f256e365d929d3 (sample-apps-ios-swift-xcode6)", string.Join('|', Complete(session, command + " -AppSlug 93f").Single().Split('|').Take(2)));
        Assert.Equal("f46e89061e967f27", Complete(session, command + " -AppSlug sample-apps-xamarin").Single().Split('|')[0]);
    }

    [Fact]
    public void AppSlug_completion_uses_the_command_lines_own_token_and_address()
    {
        using var session = new PsSession(_sandbox);
        var all = Complete(session, "Get-BitriseApp -Token $BitriseToken -BaseUri $Base -AppSlug ");
        Assert.Contains(all, r => r.StartsWith("93f256e365d929d3|", StringComparison.Ordinal));
    }

    [Fact]
    public void AppSlug_completion_is_cached_per_runspace()
    {
        using var first = new PsSession(_sandbox);
        using var second = new PsSession(_sandbox);
        foreach (var session in new[] { first, second })
        {
            session.Run("Connect-BuildService -Service Bitrise -Token $BitriseToken -BaseUri $Base");
        }

        var before = _sandbox.Requests.Matching("GET", "/v0.1/apps").Count;
        Assert.NotEmpty(Complete(first, "Get-BitriseApp -AppSlug "));
        Assert.NotEmpty(Complete(first, "Get-BitriseApp -AppSlug 9"));
        Assert.Equal(before + 1, _sandbox.Requests.Matching("GET", "/v0.1/apps").Count);
        Assert.NotEmpty(Complete(second, "Get-BitriseApp -AppSlug "));
        Assert.Equal(before + 2, _sandbox.Requests.Matching("GET", "/v0.1/apps").Count);
    }

    [Fact]
    public void AppSlug_completion_is_silently_empty_with_a_wrong_token_or_an_unreachable_service()
    {
        using var session = new PsSession(_sandbox);
        session.Set("Wrong", PsSession.Secure("btr_wrong_token_000000"));
        session.Run("Connect-BuildService -Service Bitrise -Token $Wrong -BaseUri $Base");
        Assert.Empty(Complete(session, "Get-BitriseApp -AppSlug "));

        // Nothing listens on port 9 of this machine.
        session.Run("Connect-BuildService -Service Bitrise -Token $BitriseToken -BaseUri 'http://127.0.0.1:9'");
        Assert.Empty(Complete(session, "Get-BitriseApp -AppSlug "));
    }

    [Fact]
    public void Workflow_completes_the_workflows_of_the_bound_apps_bitrise_yml()
    {
        _sandbox.Bitrise.Configs["93f256e365d929d3"] = PSBuildUpload.Sandbox.Bitrise.BitriseEmulator.SampleBitriseYml;
        using var session = new PsSession(_sandbox);
        session.Run("""
            Connect-BuildService -Service Bitrise -Token $BitriseToken -BaseUri $Base
            function Start-TestBuild {
                param(
                    [ArgumentCompleter([PSBuildUpload.Completion.BitriseAppSlugCompleter])] [string] $AppSlug,
                    [ArgumentCompleter([PSBuildUpload.Completion.BitriseWorkflowCompleter])] [string] $Workflow)
            }
            """);
        var all = Complete(session, "Start-TestBuild -AppSlug 93f256e365d929d3 -Workflow ");
        Assert.Equal(new[] { "primary|primary|Build and test on every push", "deploy|deploy|Build a signed release and deploy it" }, all);
        Assert.Equal("deploy", Complete(session, "Start-TestBuild -AppSlug 93f256e365d929d3 -Workflow d").Single().Split('|')[0]);
        Assert.Contains(_sandbox.Requests.All, r => r.Path == "/v0.1/apps/93f256e365d929d3/bitrise.yml");

        // No app on the line, or an app Bitrise does not know: nothing, and no error.
        Assert.Empty(Complete(session, "Start-TestBuild -Workflow "));
        Assert.Empty(Complete(session, "Start-TestBuild -AppSlug 0000000000000000 -Workflow "));
    }

    [Fact]
    public void Build_log_and_artifact_cmdlets_complete_app_workflow_and_status()
    {
        _sandbox.Bitrise.Configs["93f256e365d929d3"] = PSBuildUpload.Sandbox.Bitrise.BitriseEmulator.SampleBitriseYml;
        using var session = new PsSession(_sandbox);
        session.Run("Connect-BuildService -Service Bitrise -Token $BitriseToken -BaseUri $Base");
        foreach (var command in new[] { "Get-BitriseBuild", "Start-BitriseBuild", "Stop-BitriseBuild", "Wait-BitriseBuild", "Get-BitriseBuildLog", "Get-BitriseArtifact", "Set-BitriseArtifact", "Remove-BitriseArtifact", "Save-BitriseArtifact" })
        {
            Assert.Equal("93f256e365d929d3", Assert.Single(Complete(session, command + " -AppSlug 93f")).Split('|')[0]);
        }

        foreach (var command in new[] { "Get-BitriseBuild", "Start-BitriseBuild" })
        {
            Assert.Equal(new[] { "primary", "deploy" }, Complete(session, command + " -AppSlug 93f256e365d929d3 -Workflow ").Select(r => r.Split('|')[0]));
        }

        // Get-BitriseBuild -Status is an enum (PowerShell completes it); Get-AppliveryBuild -Status is text, with the API's words and what they mean.
        Assert.Equal(new[] { "Failed" }, Complete(session, "Get-BitriseBuild -AppSlug 93f256e365d929d3 -Status F").Select(r => r.Split('|')[0]));
        var applivery = Complete(session, "Get-AppliveryBuild -Status ");
        Assert.Equal(new[] { "pending", "in_progress", "processed", "error" }, applivery.Select(r => r.Split('|')[0]));
        Assert.Contains("error|error|Processing failed (see the build's errorCode and processLogs)", applivery);
    }

    [Fact]
    public void Status_completers_offer_each_services_build_states()
    {
        using var session = new PsSession();
        session.Run("""
            function Get-TestBuild {
                param(
                    [ArgumentCompleter([PSBuildUpload.Completion.BitriseBuildStatusCompleter])] [string] $Status,
                    [ArgumentCompleter([PSBuildUpload.Completion.AppliveryBuildStatusCompleter])] [string] $AppliveryStatus)
            }
            """);
        Assert.Equal(new[] { "InProgress", "Success", "Failed", "Aborted", "AbortedWithSuccess" }, Complete(session, "Get-TestBuild -Status ").Select(r => r.Split('|')[0]));
        Assert.Equal(new[] { "Aborted", "AbortedWithSuccess" }, Complete(session, "Get-TestBuild -Status ab").Select(r => r.Split('|')[0]));
        Assert.Equal(new[] { "pending", "in_progress", "processed", "error" }, Complete(session, "Get-TestBuild -AppliveryStatus ").Select(r => r.Split('|')[0]));
    }
}

[Collection(ProcessStateCollection.Name)]
public sealed class CompletionWithoutTokenTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _sandbox;

    public CompletionWithoutTokenTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Fact]
    public void AppSlug_completion_offers_nothing_and_asks_nothing_without_a_token()
    {
        var saved = Environment.GetEnvironmentVariable("BITRISE_TOKEN");
        Environment.SetEnvironmentVariable("BITRISE_TOKEN", null);
        try
        {
            using var session = new PsSession(_sandbox);
            session.Run("Connect-BuildService -Service Bitrise -BaseUri $Base");
            var before = _sandbox.Requests.All.Count;
            session.Set("Line", "Get-BitriseApp -AppSlug ");
            var result = session.Run("(TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches");
            Assert.Empty(result.AllErrors);
            Assert.Empty(result.Output);
            Assert.Equal(before, _sandbox.Requests.All.Count);
        }
        finally
        {
            Environment.SetEnvironmentVariable("BITRISE_TOKEN", saved);
        }
    }
}
