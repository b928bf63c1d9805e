using System;
using System.Linq;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Applivery;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;
using static PSBuildUpload.Tests.Applivery.AppliveryFiles;

namespace PSBuildUpload.Tests.Applivery;

/// <summary>
/// The bad-input catalogue of the Applivery cmdlets, beyond <see cref="AppliveryValidationTests"/>: every refused
/// input ends with its own ErrorId and a message that says what to change, before any request. The session is
/// connected with the app token; placeholders: see <see cref="BadInputFiles"/>; &lt;&lt;png&gt;&gt; is a real PNG icon.
/// </summary>
public sealed class AppliveryBadInputTests : IClassFixture<SandboxFixture>, IDisposable
{
    private const string Package = "-PackageName com.example.game -PackageVersion 1.0.0";
    private readonly SandboxServer _sandbox;
    private readonly BadInputFiles _files = new();
    private readonly string _png = Png();

    public AppliveryBadInputTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    public void Dispose() => _files.Dispose();

    [Theory]
    // Publish-AppliveryBuild -Path
    [InlineData("Publish-AppliveryBuild -Path '  '", "Applivery.InvalidArgument", "-Path is empty")]
    [InlineData("Publish-AppliveryBuild -Path <<dir>>", "Applivery.PathIsDirectory", "is a folder")]
    [InlineData("Publish-AppliveryBuild -Path <<empty:zero.ipa>>", "Applivery.FileEmpty", "(0 bytes)")]
    [InlineData("Publish-AppliveryBuild -Path <<locked:held.apk>>", "Applivery.FileUnreadable", "cannot be read")]
    [InlineData("Publish-AppliveryBuild -Path <<missing:gone.aab>>", "Applivery.FileNotFound", "does not exist")]
    [InlineData("Publish-AppliveryBuild -Path <<build.gz>>", "Applivery.UnsupportedFileType", ".zip .tar.gz")]
    [InlineData("Publish-AppliveryBuild -Path <<app.apk.txt>>", "Applivery.UnsupportedFileType", "not a build file Applivery accepts")]
    // -BuildPlatform against the file
    [InlineData("Publish-AppliveryBuild -Path <<app.apk>> -BuildPlatform ios", "Applivery.InvalidBuildPlatform", ".apk files are android builds")]
    [InlineData("Publish-AppliveryBuild -Path <<app.ipa>> -BuildPlatform android", "Applivery.InvalidBuildPlatform", "Give -BuildPlatform ios")]
    [InlineData("Publish-AppliveryBuild -Path <<game.nsp>> -BuildPlatform ps5 " + Package + " -PackageIcon <<png>>", "Applivery.InvalidBuildPlatform", "Give -BuildPlatform switch")]
    [InlineData("Publish-AppliveryBuild -Path <<app.aab>> -BuildPlatform 'android tv'", "Applivery.InvalidBuildPlatform", "is not one of Applivery's values")]
    // Package fields and icon
    [InlineData("Publish-AppliveryBuild -Path <<game.zip>> -BuildPlatform ps5 -PackageName '' -PackageVersion 1.0 -PackageIcon <<png>>", "Applivery.PackageFieldsRequired", "add -PackageName")]
    [InlineData("Publish-AppliveryBuild -Path <<game.zip>> " + Package + " -PackageIcon <<dir>>", "Applivery.PathIsDirectory", "-PackageIcon")]
    [InlineData("Publish-AppliveryBuild -Path <<game.zip>> " + Package + " -PackageIcon <<missing:icon.png>>", "Applivery.FileNotFound", "-PackageIcon")]
    [InlineData("Publish-AppliveryBuild -Path <<game.zip>> " + Package + " -PackageIcon <<empty:icon.png>>", "Applivery.FileEmpty", "-PackageIcon")]
    [InlineData("Publish-AppliveryBuild -Path <<game.zip>> " + Package + " -PackageIcon <<icon.webp>>", "Applivery.InvalidPackageIcon", "not a PNG or JPEG image")]
    // Changelog, notifications
    [InlineData("Publish-AppliveryBuild -Path <<app.ipa>> -ChangelogPath <<dir>>", "Applivery.PathIsDirectory", "-ChangelogPath")]
    [InlineData("Publish-AppliveryBuild -Path <<app.ipa>> -ChangelogPath <<locked:notes.md>>", "Applivery.FileUnreadable", "-ChangelogPath")]
    [InlineData("Publish-AppliveryBuild -Path <<app.ipa>> -NotifyLanguage 'en-US'", "Applivery.InvalidNotifyLanguage", "es, en, fr, ge, it, zh, pt, ru")]
    [InlineData("Publish-AppliveryBuild -Path <<app.ipa>> -NotifyFilter @(, @(' '))", "Applivery.InvalidNotifyFilter", "empty group name")]
    [InlineData("Publish-AppliveryBuild -Path <<app.ipa>> -Tag ''", "Applivery.InvalidTag", "empty tag")]
    // Dates, waiting
    [InlineData("Publish-AppliveryBuild -Path <<app.ipa>> -TriggerTimestamp 'the day before yesterday'", "CannotConvertArgumentNoMessage", "DateTimeOffset")]
    [InlineData("Publish-AppliveryBuild -Path <<app.ipa>> -TriggerTimestamp 99999999999999999", "ParameterArgumentTransformationError", "is not a Unix time in milliseconds")]
    [InlineData("Publish-AppliveryBuild -Path <<app.ipa>> -Wait -Timeout 10 -PollInterval 11", "Applivery.InvalidPollInterval", "no longer than -Timeout")]
    [InlineData("Publish-AppliveryBuild -Path <<app.ipa>> -PollInterval 5", "Applivery.InvalidPollInterval", "add -Wait")]
    // Workspace ids
    [InlineData("Publish-AppliveryBuild -Path <<app.ipa>> -OrganizationId 'demo org' -ApplicationId app -Token $SaToken", "Applivery.InvalidOrganizationId", "not an id")]
    [InlineData("Publish-AppliveryBuild -Path <<app.ipa>> -OrganizationId demo-org -ApplicationId '..' -Token $SaToken", "Applivery.InvalidApplicationId", "not an id")]
    [InlineData("Publish-AppliveryBuild -Path <<app.ipa>> -OrganizationId demo-org -ApplicationId ' ' -Token $SaToken", "Applivery.InvalidApplicationId", "-ApplicationId is empty")]
    // Tokens and addresses
    [InlineData("Publish-AppliveryBuild -Path <<app.ipa>> -Token $Blank", "Applivery.TokenEmpty", "Give the token itself")]
    [InlineData("Publish-AppliveryBuild -Path <<app.ipa>> -Token $Spaced", "Applivery.TokenMalformed", "as one word")]
    [InlineData("Publish-AppliveryBuild -Path <<app.ipa>> -Token 'apv_app_plain_text'", "ParameterArgumentTransformationError", "takes a SecureString")]
    [InlineData("Publish-AppliveryBuild -Path <<app.ipa>> -BaseUri 'ftp://127.0.0.1'", "Applivery.InvalidBaseUri", "not an absolute http:// or https:// address")]
    [InlineData("Publish-AppliveryBuild -Path <<app.ipa>> -UploadBaseUri 'http://upload.example.com'", "Applivery.InsecureBaseUri", "Use https://")]
    [InlineData("Get-AppliveryBuild -ApiBaseUri 'http://api.example.com'", "Applivery.InsecureBaseUri", "plain http")]
    // Get-AppliveryBuild
    [InlineData("Get-AppliveryBuild -BuildId 'a b'", "Applivery.InvalidBuildId", "not an id")]
    [InlineData("Get-AppliveryBuild -BuildId '%2e%2e'", "Applivery.InvalidBuildId", "not an id")]
    [InlineData("Get-AppliveryBuild -BuildId \"a`tb\"", "Applivery.InvalidBuildId", "not an id")]
    [InlineData("Get-AppliveryBuild -PageSize 0", "Applivery.InvalidPageSize", "from 1 to 100")]
    [InlineData("Get-AppliveryBuild -PageSize many", "CannotConvertArgumentNoMessage", "System.Int32")]
    [InlineData("Get-AppliveryBuild -Status processing", "Applivery.InvalidStatus", "pending, in_progress, processed, error")]
    [InlineData("Get-AppliveryBuild -Os macos", "Applivery.InvalidOs", "ios, android")]
    [InlineData("Get-AppliveryBuild -ApplicationId app", "Applivery.InvalidOrganizationId", "go together")]
    [InlineData("Get-AppliveryBuild -BuildId abc -OrganizationId 'o/rg' -ApplicationId app -Token $SaToken", "Applivery.InvalidOrganizationId", "not an id")]
    // Wait-AppliveryBuild
    [InlineData("Wait-AppliveryBuild -BuildId ''", "Applivery.InvalidBuildId", "-BuildId is empty")]
    [InlineData("Wait-AppliveryBuild -BuildId abc -PollInterval 0", "Applivery.InvalidPollInterval", "must be positive")]
    [InlineData("Wait-AppliveryBuild -BuildId abc -Timeout -1", "Applivery.InvalidTimeout", "not a positive time")]
    [InlineData("Wait-AppliveryBuild -BuildId abc -Timeout soon", "CannotConvertArgumentNoMessage", "System.TimeSpan")]
    [InlineData("Wait-AppliveryBuild -BuildId abc -OrganizationId demo-org", "Applivery.InvalidApplicationId", "go together")]
    public void A_refused_input_ends_with_its_ErrorId_before_any_request(string script, string errorId, string says)
    {
        using var session = Connected();
        BadInput.AssertRefused(_sandbox, session, _files.Expand(script.Replace("<<png>>", BadInputFiles.Quote(_png), StringComparison.Ordinal)), errorId, says);
    }

    /// <summary>A token pasted with spaces, a line break or a "Bearer " prefix is trimmed, not refused.</summary>
    [Theory]
    [InlineData("  {0}  ")]
    [InlineData("{0}\n")]
    [InlineData("\t{0}\r\n")]
    [InlineData("Bearer {0}")]
    public void A_token_with_surrounding_whitespace_is_trimmed_and_works(string shape)
    {
        var build = _sandbox.Applivery.AddBuild("padded-token");
        using var session = new PsSession(_sandbox);
        session.Set("Padded", PsSession.Secure(string.Format(System.Globalization.CultureInfo.InvariantCulture, shape, _sandbox.Tokens.AppliveryApp)));
        var result = session.Run($"Get-AppliveryBuild -BuildId {build.Id} -Token $Padded -BaseUri $Base");
        Assert.Empty(result.AllErrors);
        Assert.Equal(build.Id, Assert.Single(result.Output).P<string>("Id"));
        Assert.Equal("Bearer " + _sandbox.Tokens.AppliveryApp, _sandbox.Requests.All[^1].Header("Authorization"));
    }

    /// <summary>A build file named in other scripts than Latin reaches Applivery under its own name, byte for byte.</summary>
    [Fact]
    public void Non_ASCII_file_names_work()
    {
        var ipa = Build("Приложение ünïcode 应用.ipa", 50_000);
        var changelog = Build("журнал.md", 10);
        System.IO.File.WriteAllText(changelog, "Исправлено: вход — ✓");
        using var session = new PsSession(_sandbox);
        var result = session.Run($"Publish-AppliveryBuild -Path {Q(ipa)} -ChangelogPath {Q(changelog)} -VersionName 'версия 2' -Tag 'тест' -NoCiMetadata {AppliverySandbox.App}");

        Assert.Empty(result.AllErrors);
        var id = Assert.Single(result.Output).P<string>("Id");
        var upload = _sandbox.Applivery.Builds[id!].Upload!;
        Assert.Equal("Приложение ünïcode 应用.ipa", upload.Build!.FileName);
        Assert.Equal(ProductScience.TestFiles.Sha256(ipa), upload.Build.Sha256);
        Assert.Equal("Исправлено: вход — ✓", upload.Field("changelog"));
        Assert.Equal("версия 2", upload.Field("versionName"));
        Assert.Equal(new[] { "тест" }, upload.Tags);
    }

    private PsSession Connected()
    {
        var session = new PsSession(_sandbox);
        session.Set("Blank", PsSession.Secure(" \n "));
        session.Set("Spaced", PsSession.Secure("apv_app_abc def"));
        var result = session.Run("Connect-BuildService -Service Applivery -Token $AppToken -BaseUri $Base -RetryIntervalSec 0; $PSDefaultParameterValues['Publish-AppliveryBuild:NoCiMetadata'] = $true");
        Assert.Empty(result.AllErrors);
        return session;
    }
}
