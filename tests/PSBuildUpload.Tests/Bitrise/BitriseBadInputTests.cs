using System;
using System.IO;
using System.Linq;
using System.Text;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Bitrise;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;
using static PSBuildUpload.Tests.Bitrise.BitriseTestSupport;

namespace PSBuildUpload.Tests.Bitrise;

/// <summary>
/// The bad-input catalogue of the Bitrise cmdlets: every refused input ends with its own ErrorId and a message that
/// says what to change, before any request. The session is connected; $App is an app slug, $Key a valid private key
/// (SecureString), $Blank and $Spaced tokens that cannot be sent. Placeholders: see <see cref="BadInputFiles"/>.
/// </summary>
public sealed class BitriseBadInputTests : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly SandboxServer _sandbox;
    private readonly BadInputFiles _files = new();

    public BitriseBadInputTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    public void Dispose() => _files.Dispose();

    [Theory]
    // Accounts and apps
    [InlineData("Get-BitriseApp -AppSlug ''", "Bitrise.InvalidSlug", "-AppSlug is empty")]
    [InlineData("Get-BitriseApp -UserSlug ' '", "Bitrise.InvalidSlug", "-UserSlug is empty")]
    [InlineData("Get-BitriseApp -OrganizationSlug 'my org'", "Bitrise.InvalidSlug", "letters, digits, '-' and '_' only")]
    [InlineData("Get-BitriseApp -SortBy Name", "CannotConvertArgumentNoMessage", "LastBuildAt, CreatedAt")]
    [InlineData("Get-BitriseUser -UserSlug 'me?x=1'", "Bitrise.InvalidSlug", "is not a Bitrise slug")]
    [InlineData("Get-BitriseOrganization -OrganizationSlug '..'", "Bitrise.InvalidSlug", "is not a Bitrise slug")]
    // App setup
    [InlineData("Register-BitriseApp -RepoUrl '   '", "Bitrise.InvalidArgument", "is not a repository URL")]
    [InlineData("Register-BitriseApp -RepoUrl 'git@:repo.git'", "Bitrise.InvalidArgument", "Give the clone URL")]
    [InlineData("Register-BitriseApp -RepoUrl https://github.com/a/b.git -Provider svn", "Bitrise.InvalidArgument", "github, bitbucket, gitlab, gitlab-self-hosted, custom")]
    [InlineData("Register-BitriseApp -RepoUrl https://github.com/a/b.git -OrganizationSlug 'a/b'", "Bitrise.InvalidSlug", "-OrganizationSlug")]
    [InlineData("Set-BitriseAppSshKey -AppSlug 'a b' -PrivateKey $Key", "Bitrise.InvalidSlug", "-AppSlug 'a b'")]
    [InlineData("Set-BitriseAppSshKey -AppSlug $App -PrivateKeyPath ''", "Bitrise.InvalidArgument", "-PrivateKeyPath is empty")]
    [InlineData("Set-BitriseAppSshKey -AppSlug $App -PrivateKeyPath <<missing:id_ed25519>>", "Bitrise.FileNotFound", "does not exist")]
    [InlineData("Set-BitriseAppSshKey -AppSlug $App -PrivateKeyPath <<dir>>", "Bitrise.PathIsDirectory", "is a folder")]
    [InlineData("Set-BitriseAppSshKey -AppSlug $App -PrivateKeyPath <<empty:id_rsa>>", "Bitrise.FileEmpty", "(0 bytes)")]
    [InlineData("Set-BitriseAppSshKey -AppSlug $App -PrivateKeyPath <<locked:id_rsa>>", "Bitrise.FileUnreadable", "cannot be read")]
    [InlineData("Set-BitriseAppSshKey -AppSlug $App -PrivateKeyPath <<id_ecdsa>>", "Bitrise.InvalidSshKey", "is not a PEM or OpenSSH private key")]
    [InlineData("Set-BitriseAppSshKey -AppSlug $App -PrivateKey $Key -PublicKeyPath ' '", "Bitrise.InvalidArgument", "-PublicKeyPath is empty")]
    [InlineData("Set-BitriseAppSshKey -AppSlug $App -PrivateKey $Key -PublicKey ''", "Bitrise.InvalidArgument", "-PublicKey is empty")]
    [InlineData("Set-BitriseAppSshKey -AppSlug $App -PrivateKey $Key -PublicKeyPath <<missing:id.pub>>", "Bitrise.FileNotFound", "-PublicKeyPath")]
    [InlineData("Set-BitriseAppSshKey -AppSlug $App -PrivateKey \"-----BEGIN OPENSSH PRIVATE KEY-----\"", "ParameterArgumentTransformationError", "the value given is not repeated here")]
    [InlineData("Register-BitriseAppWebhook -AppSlug ''", "Bitrise.InvalidSlug", "-AppSlug is empty")]
    [InlineData("Complete-BitriseApp -AppSlug $App -ProjectType '' -StackId osx-xcode-16.0.x", "Bitrise.InvalidArgument", "-ProjectType is empty")]
    [InlineData("Complete-BitriseApp -AppSlug $App -ProjectType ios -StackId ' '", "Bitrise.InvalidArgument", "-StackId is empty")]
    [InlineData("Complete-BitriseApp -AppSlug $App -ProjectType ios -StackId osx -Environment @{ 'GRADLE-TASK' = 'x' }", "Bitrise.InvalidArgument", "not an environment variable name")]
    [InlineData("Complete-BitriseApp -AppSlug $App -ProjectType ios -StackId osx -OrganizationSlug '/'", "Bitrise.InvalidSlug", "-OrganizationSlug")]
    // bitrise.yml
    [InlineData("Get-BitriseAppConfig -AppSlug ' '", "Bitrise.InvalidSlug", "-AppSlug is empty")]
    [InlineData("Get-BitriseAppConfig -AppSlug $App -BuildSlug 'x/../y'", "Bitrise.InvalidSlug", "-BuildSlug")]
    [InlineData("Get-BitriseAppConfig -AppSlug $App -OutFile ''", "Bitrise.InvalidDestination", "-OutFile is empty")]
    [InlineData("Get-BitriseAppConfig -AppSlug $App -OutFile <<dir>>", "Bitrise.InvalidDestination", "is a folder")]
    [InlineData("Set-BitriseAppConfig -AppSlug $App -Path ''", "Bitrise.InvalidArgument", "-Path is empty")]
    [InlineData("Set-BitriseAppConfig -AppSlug $App -Path <<dir>>", "Bitrise.PathIsDirectory", "is a folder")]
    [InlineData("Set-BitriseAppConfig -AppSlug $App -Path <<empty:bitrise.yml>>", "Bitrise.FileEmpty", "(0 bytes)")]
    [InlineData("Set-BitriseAppConfig -AppSlug $App -Path <<missing:bitrise.yml>>", "Bitrise.FileNotFound", "does not exist")]
    [InlineData("Set-BitriseAppConfig -AppSlug $App -Path <<locked:bitrise.yml>>", "Bitrise.FileUnreadable", "cannot be read")]
    [InlineData("Set-BitriseAppConfig -AppSlug $App -Yaml ''", "Bitrise.InvalidYaml", "the YAML is empty")]
    [InlineData("Set-BitriseAppConfig -AppSlug $App -Yaml \"workflows:`n  primary: {steps: [\"", "Bitrise.InvalidYaml", "line ")]
    [InlineData("Set-BitriseAppConfig -AppSlug $App -Yaml '# only a comment'", "Bitrise.InvalidYaml", "holds no document")]
    // Code signing
    [InlineData("Add-BitriseProvisioningProfile -AppSlug $App -Path <<cert.p12>>", "Bitrise.UnsupportedFileType", "ending in .mobileprovision or .provisionprofile")]
    [InlineData("Add-BitriseProvisioningProfile -AppSlug $App -Path ''", "Bitrise.InvalidArgument", "-Path is empty")]
    [InlineData("Add-BitriseProvisioningProfile -AppSlug $App -Path <<dir>>", "Bitrise.PathIsDirectory", "is a folder")]
    [InlineData("Add-BitriseProvisioningProfile -AppSlug $App -Path <<empty:dev.mobileprovision>>", "Bitrise.FileEmpty", "(0 bytes)")]
    [InlineData("Add-BitriseProvisioningProfile -AppSlug $App -Path <<locked:dev.mobileprovision>>", "Bitrise.FileUnreadable", "cannot be read")]
    [InlineData("Add-BitriseProvisioningProfile -AppSlug '' -Path <<dev.mobileprovision>>", "Bitrise.InvalidSlug", "-AppSlug is empty")]
    [InlineData("Add-BitriseBuildCertificate -AppSlug $App -Path <<dev.mobileprovision>>", "Bitrise.UnsupportedFileType", "ending in .p12 or .pfx")]
    [InlineData("Add-BitriseBuildCertificate -AppSlug $App -Path <<missing:cert.p12>>", "Bitrise.FileNotFound", "does not exist")]
    [InlineData("Add-BitriseBuildCertificate -AppSlug $App -Path <<empty:cert.p12>>", "Bitrise.FileEmpty", "(0 bytes)")]
    [InlineData("Add-BitriseBuildCertificate -AppSlug $App -Path <<cert.p12>> -Password 'p12-password'", "ParameterArgumentTransformationError", "the value given is not repeated here")]
    [InlineData("Get-BitriseProvisioningProfile -AppSlug $App -ProvisioningProfileSlug ''", "Bitrise.InvalidSlug", "-ProvisioningProfileSlug is empty")]
    [InlineData("Get-BitriseBuildCertificate -AppSlug $App -BuildCertificateSlug 'a?b'", "Bitrise.InvalidSlug", "-BuildCertificateSlug")]
    [InlineData("Set-BitriseProvisioningProfile -AppSlug $App -ProvisioningProfileSlug ' ' -Protected", "Bitrise.InvalidSlug", "-ProvisioningProfileSlug is empty")]
    [InlineData("Set-BitriseBuildCertificate -AppSlug 'x y' -BuildCertificateSlug abc -Exposed", "Bitrise.InvalidSlug", "-AppSlug 'x y'")]
    [InlineData("Set-BitriseBuildCertificate -AppSlug $App -BuildCertificateSlug abc", "Bitrise.NothingToSet", "give -Protected, -Exposed, -Processed")]
    // Builds
    [InlineData("Get-BitriseBuild -AppSlug $App -Before 'last tuesday'", "CannotConvertArgumentNoMessage", "System.DateTime")]
    [InlineData("Get-BitriseBuild -AppSlug $App -After '2024-02-30'", "CannotConvertArgumentNoMessage", "System.DateTime")]
    [InlineData("Get-BitriseBuild -AppSlug $App -After '2024-05-01T10:00:00Z' -Before '2024-05-01T10:00:00Z'", "Bitrise.InvalidDateRange", "is not earlier than -Before")]
    [InlineData("Get-BitriseBuild -AppSlug $App -Status Done", "CannotConvertArgumentNoMessage", "InProgress, Success, Failed, Aborted, AbortedWithSuccess")]
    [InlineData("Get-BitriseBuild -AppSlug $App -BuildNumber -3", "Bitrise.InvalidBuildNumber", "they start at 1")]
    [InlineData("Get-BitriseBuild -AppSlug $App -Workflow ' '", "Bitrise.InvalidArgument", "-Workflow is empty")]
    [InlineData("Get-BitriseBuild -AppSlug $App -CommitMessage ''", "Bitrise.InvalidArgument", "-CommitMessage is empty")]
    [InlineData("Start-BitriseBuild -AppSlug '' -Branch main", "Bitrise.InvalidSlug", "-AppSlug is empty")]
    [InlineData("Start-BitriseBuild -AppSlug $App -Workflow '  '", "Bitrise.InvalidArgument", "-Workflow is empty")]
    [InlineData("Start-BitriseBuild -AppSlug $App -Tag ''", "Bitrise.InvalidArgument", "-Tag is empty")]
    [InlineData("Start-BitriseBuild -AppSlug $App -Branch main -TriggeredBy ' '", "Bitrise.InvalidArgument", "-TriggeredBy is empty")]
    [InlineData("Start-BitriseBuild -AppSlug $App -Branch main -Environment @{ 'API-KEY' = 'x' }", "Bitrise.InvalidEnvironment", "not an environment variable name")]
    [InlineData("Stop-BitriseBuild -AppSlug $App -BuildSlug '' -Confirm:$false", "Bitrise.InvalidSlug", "-BuildSlug is empty")]
    [InlineData("Wait-BitriseBuild -AppSlug $App -BuildSlug 'b 1'", "Bitrise.InvalidSlug", "-BuildSlug 'b 1'")]
    [InlineData("Wait-BitriseBuild -AppSlug $App -BuildSlug abc -Timeout 700000", "Bitrise.InvalidTimeout", "at most 604800")]
    [InlineData("Wait-BitriseBuild -AppSlug $App -BuildSlug abc -PollInterval 0", "Bitrise.InvalidPollInterval", "above 0")]
    [InlineData("Wait-BitriseBuild -AppSlug $App -BuildSlug abc -Timeout forever", "CannotConvertArgumentNoMessage", "System.Double")]
    // Logs
    [InlineData("Get-BitriseBuildLog -AppSlug $App -BuildSlug ''", "Bitrise.InvalidSlug", "-BuildSlug is empty")]
    [InlineData("Get-BitriseBuildLog -AppSlug $App -BuildSlug abc -OutFile ' '", "Bitrise.InvalidDestination", "-OutFile is empty")]
    [InlineData("Get-BitriseBuildLog -AppSlug $App -BuildSlug abc -OutFile <<nofolder>>", "Bitrise.InvalidDestination", "does not exist")]
    [InlineData("Get-BitriseBuildLog -AppSlug $App -BuildSlug abc -PollInterval 3601", "Bitrise.InvalidPollInterval", "at most 3600")]
    // Artifacts
    [InlineData("Get-BitriseArtifact -AppSlug $App -BuildSlug abc -ArtifactSlug '..'", "Bitrise.InvalidSlug", "-ArtifactSlug '..'")]
    [InlineData("Get-BitriseArtifact -AppSlug $App -BuildSlug ''", "Bitrise.InvalidSlug", "-BuildSlug is empty")]
    [InlineData("Set-BitriseArtifact -AppSlug $App -BuildSlug abc -ArtifactSlug '' -PublicPageEnabled $true", "Bitrise.InvalidSlug", "-ArtifactSlug is empty")]
    [InlineData("Set-BitriseArtifact -AppSlug $App -BuildSlug abc -ArtifactSlug def -PublicPageEnabled maybe", "CannotConvertArgument", "System.Boolean")]
    [InlineData("Remove-BitriseArtifact -AppSlug $App -BuildSlug abc -ArtifactSlug 'a/b' -Confirm:$false", "Bitrise.InvalidSlug", "-ArtifactSlug 'a/b'")]
    [InlineData("Save-BitriseArtifact -AppSlug $App -BuildSlug abc -ArtifactSlug def -Destination ''", "Bitrise.InvalidDestination", "-Destination is empty")]
    [InlineData("Save-BitriseArtifact -AppSlug $App -BuildSlug abc -ArtifactSlug def -Destination <<file>>", "Bitrise.InvalidDestination", "is a file")]
    [InlineData("Save-BitriseArtifact -AppSlug '  ' -BuildSlug abc -ArtifactSlug def -Destination <<dir>>", "Bitrise.InvalidSlug", "-AppSlug is empty")]
    // Tokens and addresses
    [InlineData("Get-BitriseUser -Token $Blank", "Bitrise.TokenEmpty", "Give the token itself")]
    [InlineData("Get-BitriseUser -Token $Spaced", "Bitrise.TokenMalformed", "as one word")]
    [InlineData("Get-BitriseApp -Token 'btr_pat_plain_text'", "ParameterArgumentTransformationError", "takes a SecureString")]
    [InlineData("Get-BitriseApp -BaseUri 'http://api.bitrise.example.com'", "Bitrise.InsecureBaseUri", "Use https://")]
    [InlineData("Get-BitriseApp -BaseUri 'https://api.bitrise.io/v0.2'", "Bitrise.InvalidBaseUri", "replaces only scheme, host and port")]
    [InlineData("Connect-BuildService -Service Bitrise -RetryIntervalSec -0.5", "PSBuildUpload.SettingOutOfRange", "from 0 to 600 seconds")]
    public void A_refused_input_ends_with_its_ErrorId_before_any_request(string script, string errorId, string says)
    {
        using var session = Connected(_sandbox);
        session.Set("App", "f46e89061e967f27");
        session.Set("Key", PsSession.Secure(BitriseTestData.OpenSshKey().PrivateKey));
        session.Set("Blank", PsSession.Secure("\n"));
        session.Set("Spaced", PsSession.Secure("btr_pat_abc\tdef"));
        BadInput.AssertRefused(_sandbox, session, _files.Expand(script), errorId, says);
    }

    /// <summary>A token pasted with spaces, a line break or a "token " prefix is trimmed, not refused.</summary>
    [Theory]
    [InlineData("  {0}  ")]
    [InlineData("{0}\n")]
    [InlineData("\r\n{0}\t")]
    [InlineData("token {0}")]
    public void A_token_with_surrounding_whitespace_is_trimmed_and_works(string shape)
    {
        using var session = new PsSession(_sandbox);
        session.Set("Padded", PsSession.Secure(string.Format(System.Globalization.CultureInfo.InvariantCulture, shape, _sandbox.Tokens.Bitrise)));
        var result = session.Run("Get-BitriseUser -Token $Padded -BaseUri $Base; Connect-BuildService -Service Bitrise -Token $Padded -BaseUri $Base; Get-BitriseUser");
        BitriseTestData.NoErrors(result);
        Assert.Equal(2, result.Output.Count);
        Assert.All(_sandbox.Requests.All.TakeLast(2), r => Assert.Equal("token " + _sandbox.Tokens.Bitrise, r.Header("Authorization")));
    }

    /// <summary>
    /// Whatever an artifact's title says, the file lands inside -Destination: titles the server sends back are not
    /// paths to follow. (BitriseArtifactTests has ../../x, /etc/passwd, ..\..\x, sub/dir/../../../x and C:\...)
    /// </summary>
    [Fact]
    public void Artifact_titles_that_try_to_leave_the_destination_are_saved_inside_it()
    {
        var app = NewApp(_sandbox, "traversal-more");
        var build = Finished(_sandbox, app.Slug);
        var titles = new[] { "../../../../../../tmp/escaped.txt", "~/.ssh/authorized_keys", "./../.bashrc", "..\\..\\..\\Windows\\System32\\drivers\\etc\\hosts", "a/\u0000/b.txt", "%2e%2e%2fencoded.txt", "...", "/" };
        var added = titles.Select(t => _sandbox.Bitrise.AddArtifact(build, t, Encoding.UTF8.GetBytes(t))).ToArray();
        var root = NewFolder();
        var destination = Path.Combine(root, "out");
        using var session = Connected(_sandbox);
        var result = session.Run($"Get-BitriseArtifact -AppSlug {app.Slug} -BuildSlug {build.Slug} | Save-BitriseArtifact -Destination {Quote(destination)}");

        BitriseTestData.NoErrors(result);
        Assert.Equal(titles.Length, result.Output.Count);
        Assert.All(result.Output, o => Assert.Equal(destination, Path.GetDirectoryName(o.P<string>("Path"))));
        Assert.Equal(new[] { destination }, Directory.GetFileSystemEntries(root));
        Assert.Equal(titles.Length, Directory.GetFiles(destination).Length);
        Assert.Empty(Directory.GetDirectories(destination));
        foreach (var (title, artifact) in titles.Zip(added))
        {
            var saved = result.Output.Single(o => o.P<string>("ArtifactSlug") == artifact.Slug).P<string>("Path")!;
            Assert.Equal(title, File.ReadAllText(saved));
        }
    }

    /// <summary>Files and names in other scripts than Latin go up and come down unchanged.</summary>
    [Fact]
    public void Non_ASCII_file_names_and_titles_work()
    {
        var app = NewApp(_sandbox, "Приложение ü");
        var build = Finished(_sandbox, app.Slug);
        var artifact = _sandbox.Bitrise.AddArtifact(build, "Сборка ünïcode 版本.apk", Encoding.UTF8.GetBytes("содержимое"));
        var folder = Path.Combine(NewFolder(), "выход ü");
        var profile = Path.Combine(NewFolder(), "Профиль é.mobileprovision");
        File.WriteAllBytes(profile, new byte[] { 1, 2, 3, 4 });
        var yaml = Path.Combine(NewFolder(), "конфиг ü.yml");
        File.WriteAllText(yaml, "format_version: '13'\nworkflows:\n  primary:\n    title: Сборка — ✓\n");
        using var session = Connected(_sandbox);
        var result = session.Run($@"
            Get-BitriseArtifact -AppSlug {app.Slug} -BuildSlug {build.Slug} | Save-BitriseArtifact -Destination {Quote(folder)}
            Add-BitriseProvisioningProfile -AppSlug {app.Slug} -Path {Quote(profile)}
            Set-BitriseAppConfig -AppSlug {app.Slug} -Path {Quote(yaml)}
            Get-BitriseAppConfig -AppSlug {app.Slug} -OutFile {Quote(Path.Combine(folder, "конфиг.yml"))}");

        BitriseTestData.NoErrors(result);
        Assert.Equal("содержимое", File.ReadAllText(Path.Combine(folder, "Сборка ünïcode 版本.apk")));
        Assert.Equal(artifact.Slug, result.Output[0].P<string>("ArtifactSlug"));
        Assert.Equal("Профиль é.mobileprovision", result.Output[1].P<string>("UploadFileName"));
        Assert.Equal(File.ReadAllText(yaml), _sandbox.Bitrise.ConfigOf(app.Slug));
        Assert.Equal(File.ReadAllText(yaml), File.ReadAllText(Path.Combine(folder, "конфиг.yml")));
    }
}
