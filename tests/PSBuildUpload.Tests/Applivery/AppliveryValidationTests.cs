using System;
using System.IO;
using System.Linq;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;
using static PSBuildUpload.Tests.Applivery.AppliveryFiles;

namespace PSBuildUpload.Tests.Applivery;

/// <summary>Every refused input ends with its own ErrorId and a message saying what to change, before any request.</summary>
public sealed class AppliveryValidationTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _sandbox;
    private readonly string _ipa = Build("app.ipa");
    private readonly string _zip = Build("game.zip");
    private readonly string _txt = Build("notes.txt");
    private readonly string _icon = Png();
    private readonly string _notPng = Build("icon.png", 100);
    private readonly string _changelog = Build("changelog.md", 100);

    public AppliveryValidationTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Theory]
    [InlineData("Publish-AppliveryBuild -Path {txt} {app}", "Applivery.UnsupportedFileType", "ending in .ipa .apk .aab")]
    [InlineData("Publish-AppliveryBuild -Path {missingExe} {app}", "Applivery.FileNotFound", "does not exist")]
    [InlineData("Publish-AppliveryBuild -Path '' {app}", "Applivery.InvalidArgument", "-Path is empty")]
    [InlineData("Publish-AppliveryBuild -Path {zip} -BuildPlatform ps5 {app}", "Applivery.PackageFieldsRequired", "add -PackageName, -PackageVersion, -PackageIcon")]
    [InlineData("Publish-AppliveryBuild -Path {zip} -PackageName a.b -PackageVersion 1.0 {app}", "Applivery.PackageFieldsRequired", "add -PackageIcon")]
    [InlineData("Publish-AppliveryBuild -Path {ipa} -PackageName a.b {app}", "Applivery.PackageFieldsRequired", "go together")]
    [InlineData("Publish-AppliveryBuild -Path {zip} -PackageName a.b -PackageVersion 1.0 -PackageIcon {notPng} {app}", "Applivery.InvalidPackageIcon", "not a PNG or JPEG")]
    [InlineData("Publish-AppliveryBuild -Path {ipa} -NotifyLanguage de {app}", "Applivery.InvalidNotifyLanguage", "Applivery spells German 'ge'")]
    [InlineData("Publish-AppliveryBuild -Path {ipa} -NotifyLanguage klingon {app}", "Applivery.InvalidNotifyLanguage", "es, en, fr, ge, it, zh, pt, ru")]
    [InlineData("Publish-AppliveryBuild -Path {ipa} -BuildPlatform windows {app}", "Applivery.InvalidBuildPlatform", "xbox-series")]
    [InlineData("Publish-AppliveryBuild -Path {ipa} -Tag 'a,b' {app}", "Applivery.InvalidTag", "-Tag a, b")]
    [InlineData("Publish-AppliveryBuild -Path {ipa} -Tag 'a', ' ' {app}", "Applivery.InvalidTag", "empty tag")]
    [InlineData("Publish-AppliveryBuild -Path {ipa} -NotifyFilter @(@('g1'), @()) {app}", "Applivery.InvalidNotifyFilter", "empty group list")]
    [InlineData("Publish-AppliveryBuild -Path {ipa} -NotifyFilter @(@('g1', '')) {app}", "Applivery.InvalidNotifyFilter", "empty group name")]
    [InlineData("Publish-AppliveryBuild -Path {ipa} -Changelog x -ChangelogPath {changelog} {app}", "Applivery.InvalidChangelog", "both given")]
    [InlineData("Publish-AppliveryBuild -Path {ipa} -ChangelogPath {missing} {app}", "Applivery.FileNotFound", "-ChangelogPath")]
    [InlineData("Publish-AppliveryBuild -Path {ipa} -OrganizationId '' -ApplicationId app {app}", "Applivery.InvalidOrganizationId", "-OrganizationId is empty")]
    [InlineData("Publish-AppliveryBuild -Path {ipa} -OrganizationId org -ApplicationId 'a/b' {app}", "Applivery.InvalidApplicationId", "not an id")]
    [InlineData("Publish-AppliveryBuild -Path {ipa} -Timeout 60 {app}", "Applivery.InvalidTimeout", "add -Wait")]
    [InlineData("Publish-AppliveryBuild -Path {ipa} -Wait -PollInterval 0 {app}", "Applivery.InvalidPollInterval", "must be positive")]
    [InlineData("Publish-AppliveryBuild -Path {ipa} -Wait -Timeout -5 {app}", "Applivery.InvalidTimeout", "not a positive time")]
    [InlineData("Publish-AppliveryBuild -Path {ipa} -Token $AppToken -BaseUri http://applivery.example.com", "Applivery.InsecureBaseUri", "plain http")]
    [InlineData("Publish-AppliveryBuild -Path {ipa} -Token $AppToken -UploadBaseUri ftp://x", "Applivery.InvalidBaseUri", "-UploadBaseUri 'ftp://x/' is not")]
    [InlineData("Publish-AppliveryBuild -Path {ipa} -Token $AppToken -ApiBaseUri https://api.example.com/v1/x", "Applivery.InvalidBaseUri", "-ApiBaseUri replaces only")]
    [InlineData("Get-AppliveryBuild -BuildId '' {app}", "Applivery.InvalidBuildId", "-BuildId is empty")]
    [InlineData("Get-AppliveryBuild -BuildId '../x' {app}", "Applivery.InvalidBuildId", "not an id")]
    [InlineData("Get-AppliveryBuild -Status done {app}", "Applivery.InvalidStatus", "pending, in_progress, processed, error")]
    [InlineData("Get-AppliveryBuild -Os windows {app}", "Applivery.InvalidOs", "ios, android")]
    [InlineData("Get-AppliveryBuild -PageSize 500 {app}", "Applivery.InvalidPageSize", "from 1 to 100")]
    [InlineData("Get-AppliveryBuild -OrganizationId org {app}", "Applivery.InvalidApplicationId", "go together")]
    [InlineData("Wait-AppliveryBuild -BuildId abc -Timeout 0 {app}", "Applivery.InvalidTimeout", "not a positive time")]
    [InlineData("Wait-AppliveryBuild -BuildId abc -Timeout 5 -PollInterval 10 {app}", "Applivery.InvalidPollInterval", "no longer than -Timeout")]
    [InlineData("Wait-AppliveryBuild -BuildId ' ' {app}", "Applivery.InvalidBuildId", "-BuildId is empty")]
    public void A_refused_input_ends_with_its_ErrorId_before_any_request(string script, string errorId, string says)
    {
        using var session = new PsSession(_sandbox);
        var text = script
            .Replace("{app}", AppliverySandbox.App, StringComparison.Ordinal)
            .Replace("{ipa}", Q(_ipa), StringComparison.Ordinal)
            .Replace("{zip}", Q(_zip), StringComparison.Ordinal)
            .Replace("{txt}", Q(_txt), StringComparison.Ordinal)
            .Replace("{icon}", Q(_icon), StringComparison.Ordinal)
            .Replace("{notPng}", Q(_notPng), StringComparison.Ordinal)
            .Replace("{changelog}", Q(_changelog), StringComparison.Ordinal)
            .Replace("{missingExe}", Q(Path.Combine(Path.GetTempPath(), "psbu-missing-" + Guid.NewGuid().ToString("N") + ".exe")), StringComparison.Ordinal)
            .Replace("{missing}", Q(Path.Combine(Path.GetTempPath(), "psbu-missing-" + Guid.NewGuid().ToString("N"))), StringComparison.Ordinal);
        var before = AppliverySandbox.Requests(_sandbox);

        var result = session.Run(text);

        Assert.Equal(errorId, Assert.Single(result.ErrorIds));
        var error = result.AllErrors.Single();
        Assert.Contains(says, error.ErrorDetails?.Message ?? error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(result.Output);
        Assert.Equal(before, AppliverySandbox.Requests(_sandbox));
    }

    [Fact]
    public void Timeout_and_PollInterval_take_seconds_or_a_TimeSpan()
    {
        using var session = new PsSession(_sandbox);
        var result = session.Run(@"
            $c = Get-Command Wait-AppliveryBuild
            $c.Parameters['Timeout'].ParameterType.FullName
            $c.Parameters['Timeout'].Attributes.Where({ $_ -is [System.Management.Automation.ArgumentTransformationAttribute] }).Count");
        Assert.Empty(result.AllErrors);
        Assert.Equal("System.TimeSpan", result.Output[0].ToString());
        Assert.Equal("1", result.Output[1].ToString());

        // '00:00:00' is zero either way; 90 is ninety seconds, not ninety ticks (which would pass as positive).
        var zero = session.Run($"Wait-AppliveryBuild -BuildId abc -Timeout '00:00:00' {AppliverySandbox.App}");
        Assert.Equal("Applivery.InvalidTimeout", zero.ErrorIds.Single());
        var shortPoll = session.Run($"Wait-AppliveryBuild -BuildId abc -Timeout 90 -PollInterval 91 {AppliverySandbox.App}");
        Assert.Contains("00:01:30", shortPoll.AllErrors.Single().ErrorDetails.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tab_completion_offers_the_APIs_words()
    {
        using var session = new PsSession(_sandbox);
        var result = session.Run(@"
            (TabExpansion2 -inputScript 'Publish-AppliveryBuild -NotifyLanguage ' -cursorColumn 39).CompletionMatches.CompletionText -join ','
            (TabExpansion2 -inputScript 'Get-AppliveryBuild -Status in' -cursorColumn 29).CompletionMatches.CompletionText -join ','
            (TabExpansion2 -inputScript 'Publish-AppliveryBuild -BuildPlatform xb' -cursorColumn 40).CompletionMatches.CompletionText -join ','");
        Assert.Empty(result.AllErrors);
        Assert.Equal("es,en,fr,ge,it,zh,pt,ru", result.Output[0].ToString());
        Assert.Equal("in_progress", result.Output[1].ToString());
        Assert.Equal("xbox-one,xbox-series", result.Output[2].ToString());
    }

    [Fact]
    public void The_cmdlets_are_exported_typed_and_Publish_supports_WhatIf()
    {
        using var session = new PsSession();
        var result = session.Run(@"
            foreach ($name in 'Publish-AppliveryBuild', 'Get-AppliveryBuild', 'Wait-AppliveryBuild') {
                $c = Get-Command $name
                '{0}|{1}|{2}' -f $name, ($c.OutputType.Name -join ','), $c.Parameters.ContainsKey('WhatIf')
            }
            (Get-Command Get-AppliveryBuild).Parameters['BuildId'].Aliases -join ','
            (Get-Command Wait-AppliveryBuild).Parameters['BuildId'].Aliases -join ','");
        Assert.Empty(result.AllErrors);
        Assert.Equal("Publish-AppliveryBuild|PSBuildUpload.Engine.Applivery.AppliveryBuild|True", result.Output[0].ToString());
        Assert.Equal("Get-AppliveryBuild|PSBuildUpload.Engine.Applivery.AppliveryBuild|False", result.Output[1].ToString());
        Assert.Equal("Wait-AppliveryBuild|PSBuildUpload.Engine.Applivery.AppliveryBuild|False", result.Output[2].ToString());
        Assert.Equal("Id", result.Output[3].ToString());
        Assert.Equal("Id", result.Output[4].ToString());
    }
}
