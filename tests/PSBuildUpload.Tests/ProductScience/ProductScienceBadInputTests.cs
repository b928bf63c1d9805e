using System;
using System.IO;
using System.Linq;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;

namespace PSBuildUpload.Tests.ProductScience;

/// <summary>
/// The bad-input catalogue of the Product Science cmdlets and of the connection cmdlets: every refused input ends
/// with its own ErrorId and a message that says what to change, before any request. Placeholders: see
/// <see cref="BadInputFiles"/>; $Blank, $Spaced and $BearerOnly are tokens (SecureStrings) that cannot be sent.
/// </summary>
public sealed class ProductScienceBadInputTests : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly SandboxServer _sandbox;
    private readonly BadInputFiles _files = new();

    public ProductScienceBadInputTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    public void Dispose() => _files.Dispose();

    /// <summary>Cmdlet, parameter, wrong value → ErrorId and the words of the message that say what to change.</summary>
    [Theory]
    // New-UploadContext -Project
    [InlineData("New-UploadContext -Project ''", "ProductScience.InvalidProject", "-Project is empty")]
    [InlineData("New-UploadContext -Project \"`t\"", "ProductScience.InvalidProject", "-Project is empty")]
    [InlineData("New-UploadContext -Project \"de`r`nmo\"", "ProductScience.InvalidProject", "control character")]
    [InlineData("New-UploadContext -Project demo -Token $Blank", "ProductScience.TokenEmpty", "Give the token itself")]
    [InlineData("New-UploadContext -Project demo -Token $Spaced", "ProductScience.TokenMalformed", "Copy the token again as one word")]
    [InlineData("New-UploadContext -Project demo -Token $BearerOnly", "ProductScience.TokenEmpty", "is empty")]
    [InlineData("New-UploadContext -Project demo -BaseUri 'http://productscience.example.com'", "ProductScience.InsecureBaseUri", "Use https://")]
    [InlineData("New-UploadContext -Project demo -BaseUri 'ftp://127.0.0.1'", "ProductScience.InvalidBaseUri", "not an absolute http:// or https:// address")]
    [InlineData("New-UploadContext -Project demo -BaseUri 'https://productscience.app/api/v1'", "ProductScience.InvalidBaseUri", "replaces only scheme, host and port")]
    [InlineData("New-UploadContext -Project demo -Token 'pst_plain_text'", "ParameterArgumentTransformationError", "takes a SecureString, not a String; the value given is not repeated here")]
    // Submit-Build -Project, -Path, -BuildType, -ContextId, -SourceControlTimestamp
    [InlineData("Submit-Build -Project ' ' -Path <<app.apk>> -BuildType APK", "ProductScience.InvalidProject", "-Project is empty")]
    [InlineData("Submit-Build -Project demo -Path '' -BuildType APK", "ProductScience.InvalidArgument", "-Path is empty")]
    [InlineData("Submit-Build -Project demo -Path '   ' -BuildType APK", "ProductScience.InvalidArgument", "-Path is empty")]
    [InlineData("Submit-Build -Project demo -Path <<missing:gone.apk>> -BuildType APK", "ProductScience.FileNotFound", "does not exist")]
    [InlineData("Submit-Build -Project demo -Path <<dir>> -BuildType APK", "ProductScience.PathIsDirectory", "is a folder")]
    [InlineData("Submit-Build -Project demo -Path <<empty:zero.apk>> -BuildType INSTRUMENTED_APK", "ProductScience.FileEmpty", "(0 bytes)")]
    [InlineData("Submit-Build -Project demo -Path <<locked:held.apk>> -BuildType APK", "ProductScience.FileUnreadable", "cannot be read")]
    [InlineData("Submit-Build -Project demo -Path <<app-release.aab>> -BuildType APK", "ProductScience.UnsupportedFileType", "is not an .apk file")]
    [InlineData("Submit-Build -Project demo -Path <<app.ipa>> -BuildType INSTRUMENTED_APK", "ProductScience.UnsupportedFileType", "Android APKs only")]
    [InlineData("Submit-Build -Project demo -Path <<app.apk>> -BuildType ''", "ProductScience.InvalidBuildType", "Use APK or INSTRUMENTED_APK")]
    [InlineData("Submit-Build -Project demo -Path <<app.apk>> -BuildType AAB", "ProductScience.InvalidBuildType", "Use APK or INSTRUMENTED_APK")]
    [InlineData("Submit-Build -Project demo -Path <<app.apk>> -BuildType 'APK,INSTRUMENTED_APK'", "ProductScience.InvalidBuildType", "Use APK or INSTRUMENTED_APK")]
    [InlineData("Submit-Build -Project demo -Path <<app.apk>> -BuildType APK -ContextId 0", "ProductScience.InvalidContextId", "positive numbers")]
    [InlineData("Submit-Build -Project demo -Path <<app.apk>> -BuildType APK -ContextId -28", "ProductScience.InvalidContextId", "Pipe New-UploadContext")]
    [InlineData("Submit-Build -Project demo -Path <<app.apk>> -BuildType APK -ContextId twenty-eight", "CannotConvertArgumentNoMessage", "System.Int64")]
    [InlineData("Submit-Build -Project demo -Path <<app.apk>> -BuildType APK -SourceControlTimestamp '2024-13-45T99:00'", "CannotConvertArgumentNoMessage", "DateTimeOffset")]
    // Send-BuildFile -Path, -UploadSpec ($s is a real submitted build; $small one whose spec allows 1000 bytes)
    [InlineData("$s | Send-BuildFile -Path ''", "ProductScience.InvalidArgument", "-Path is empty")]
    [InlineData("$s | Send-BuildFile -Path <<dir>>", "ProductScience.PathIsDirectory", "is a folder")]
    [InlineData("$s | Send-BuildFile -Path <<empty:zero.apk>>", "ProductScience.FileEmpty", "(0 bytes)")]
    [InlineData("$s | Send-BuildFile -Path <<missing:gone.apk>>", "ProductScience.FileNotFound", "does not exist")]
    [InlineData("$s | Send-BuildFile -Path <<locked:held.apk>>", "ProductScience.FileUnreadable", "cannot be read")]
    [InlineData("$small | Send-BuildFile", "ProductScience.FileTooLarge", "at most 1000 bytes")]
    [InlineData("Send-BuildFile -UploadSpec 'PUT https://storage.example.com/x' -Path <<app.apk>>", "CannotConvertArgumentNoMessage", "UploadSpec")]
    // Connect-BuildService / Disconnect-BuildService / Get-BuildServiceConnection
    [InlineData("Connect-BuildService -Service ProductScience -MaximumRetryCount 21", "PSBuildUpload.SettingOutOfRange", "from 0 to 20 times")]
    [InlineData("Connect-BuildService -Service ProductScience -MaximumRetryCount -1", "PSBuildUpload.SettingOutOfRange", "-MaximumRetryCount -1 is out of range")]
    [InlineData("Connect-BuildService -Service ProductScience -RetryIntervalSec 601", "PSBuildUpload.SettingOutOfRange", "from 0 to 600 seconds")]
    [InlineData("Connect-BuildService -Service ProductScience -TimeoutSec 0", "PSBuildUpload.SettingOutOfRange", "from 0.1 to 3600 seconds")]
    [InlineData("Connect-BuildService -Service ProductScience -TransferIdleTimeoutSec ([double]::NaN)", "PSBuildUpload.SettingOutOfRange", "-TransferIdleTimeoutSec NaN is out of range")]
    [InlineData("Connect-BuildService -Service ProductScience -Proxy 'socks5://127.0.0.1:1080'", "ProductScience.InvalidProxy", "http://proxy.example.com:8080")]
    [InlineData("Connect-BuildService -Service ProductScience -Token $Blank", "ProductScience.TokenEmpty", "Give the token itself")]
    [InlineData("Connect-BuildService -Service ProductScience -Token $Spaced", "ProductScience.TokenMalformed", "as one word")]
    [InlineData("Connect-BuildService -Service ProductScience -BaseUri 'http://10.0.0.5'", "ProductScience.InsecureBaseUri", "plain http")]
    [InlineData("Connect-BuildService -Service 'Product Science'", "CannotConvertArgumentNoMessage", "ProductScience, Applivery, Bitrise")]
    [InlineData("Disconnect-BuildService -Service Jenkins", "CannotConvertArgumentNoMessage", "ProductScience, Applivery, Bitrise")]
    [InlineData("Get-BuildServiceConnection -Service ''", "CannotConvertArgumentNoMessage", "ProductScience, Applivery, Bitrise")]
    public void A_refused_input_ends_with_its_ErrorId_before_any_request(string script, string errorId, string says)
    {
        using var session = Connected();
        if (script.Contains("$s ", StringComparison.Ordinal))
        {
            Setup(session, "$s = Submit-Build -Project demo -Path " + BadInputFiles.Quote(_files.Path("sent.apk")) + " -BuildType APK -NoCiMetadata");
        }

        if (script.Contains("$small", StringComparison.Ordinal))
        {
            var big = TestFiles.Create("big.apk", 5000);
            _sandbox.ProductScience.MaximumUploadBytes = 1000;
            try
            {
                Setup(session, $"$small = Submit-Build -Project demo -Path {TestFiles.Quote(big)} -BuildType APK -NoCiMetadata");
            }
            finally
            {
                _sandbox.ProductScience.MaximumUploadBytes = 1073741824;
            }
        }

        BadInput.AssertRefused(_sandbox, session, _files.Expand(script), errorId, says);
    }

    [Theory]
    [InlineData("productscience.yaml", "productscience:\n  token: [unclosed\n", "is not valid YAML")]
    [InlineData("productscience.yml", "productscience.token: 'a\n\tb: c\n", "is not valid YAML")]
    public void A_token_file_that_is_not_YAML_is_TokenFileInvalid(string name, string text, string says)
    {
        var folder = Directory.CreateTempSubdirectory("psbu-tokenfile-").FullName;
        File.WriteAllText(Path.Combine(folder, name), text);
        using var session = new PsSession(_sandbox);
        session.Set("Folder", folder);
        session.Run("$ExecutionContext.SessionState.Path.SetLocation($Folder) | Out-Null");
        BadInput.AssertRefused(_sandbox, session, "New-UploadContext -Project demo -BaseUri $Base", "ProductScience.TokenFileInvalid", says);
    }

    /// <summary>A token pasted with spaces, a line break or a "Bearer " prefix is trimmed, not refused.</summary>
    [Theory]
    [InlineData("  {0}  ")]
    [InlineData("{0}\n")]
    [InlineData("\r\n\t{0}\r\n")]
    [InlineData("Bearer {0}")]
    public void A_token_with_surrounding_whitespace_is_trimmed_and_works(string shape)
    {
        using var session = new PsSession(_sandbox);
        session.Set("Padded", PsSession.Secure(string.Format(System.Globalization.CultureInfo.InvariantCulture, shape, _sandbox.Tokens.ProductScience)));
        var direct = session.Run("New-UploadContext -Project demo -Token $Padded -BaseUri $Base");
        BitriseTestDataNoErrors(direct);
        Assert.Single(direct.Output);
        Assert.Equal("Bearer " + _sandbox.Tokens.ProductScience, _sandbox.Requests.All[^1].Header("Authorization"));

        var connected = session.Run("Connect-BuildService -Service ProductScience -Token $Padded -BaseUri $Base; New-UploadContext -Project demo");
        BitriseTestDataNoErrors(connected);
        Assert.Single(connected.Output);
        Assert.Equal("Bearer " + _sandbox.Tokens.ProductScience, _sandbox.Requests.All[^1].Header("Authorization"));
    }

    /// <summary>A project and a file named in other scripts than Latin go through all three steps unchanged.</summary>
    [Fact]
    public void Non_ASCII_project_and_file_names_work()
    {
        const string project = "Démo Проект 示例";
        _sandbox.ProductScience.AddProject(project);
        var apk = TestFiles.Create("Сборка ünïcode 版本.apk", 300_000);
        using var session = Connected();
        session.Set("Project", project);
        var result = session.Run($"New-UploadContext -Project $Project | Submit-Build -Path {TestFiles.Quote(apk)} -BuildType APK -Name 'версия 5' -NoCiMetadata | Send-BuildFile");

        BitriseTestDataNoErrors(result);
        var upload = Assert.Single(result.Output);
        Assert.Equal(project, upload.P<string>("Project"));
        Assert.Equal(TestFiles.Sha256(apk), upload.P<string>("Sha256"));
        var build = _sandbox.ProductScience.Builds.Values.Single(b => b.Project == project);
        Assert.Equal("Сборка ünïcode 版本.apk", build.BuildFileName);
        Assert.Equal("версия 5", build.Name);
        Assert.Equal("FINISHED", build.UploadState);
        Assert.Equal(TestFiles.Sha256(apk), _sandbox.Storage.Get(build.StorageKey)!.Sha256);
    }

    private PsSession Connected()
    {
        var session = new PsSession(_sandbox);
        session.Set("Blank", PsSession.Secure("  \r\n\t "));
        session.Set("Spaced", PsSession.Secure("pst_abc def"));
        session.Set("BearerOnly", PsSession.Secure("Bearer "));
        Setup(session, "Connect-BuildService -Service ProductScience -Token $PsToken -BaseUri $Base -RetryIntervalSec 0");
        return session;
    }

    private static void Setup(PsSession session, string script)
    {
        var result = session.Run(script);
        Assert.True(!result.AllErrors.Any(), "The setup failed: " + string.Join(" | ", result.AllErrors));
    }

    private static void BitriseTestDataNoErrors(PsResult result) =>
        Assert.True(!result.AllErrors.Any(), string.Join("\n", result.AllErrors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
}
