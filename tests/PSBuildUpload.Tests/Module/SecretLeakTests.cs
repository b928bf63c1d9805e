using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Web;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Bitrise;
using PSBuildUpload.Sandbox.Infrastructure;
using PSBuildUpload.Tests.Bitrise;
using PSBuildUpload.Tests.Infrastructure;
using PSBuildUpload.Tests.ProductScience;
using Xunit;

namespace PSBuildUpload.Tests.Module;

/// <summary>
/// One run of every exported cmdlet with -Verbose -Debug against the sandbox, on success paths, retries and failures;
/// no stream, no emitted object (rendered property by property), no error and no exception may show a token, an SSH
/// private key, a certificate password, a secret build variable or a presigned URL's signature, and no request to
/// the presigned storage may carry Authorization.
/// </summary>
public sealed class SecretLeakTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _sandbox;

    public SecretLeakTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Fact]
    public void No_stream_of_any_cmdlet_shows_a_secret_and_the_storage_never_gets_Authorization()
    {
        var apk = TestFiles.Create("secret-scan.apk", 1_500_000);
        var ipa = TestFiles.Create("secret-scan.ipa", 1_200_000);
        var profile = TestFiles.Create("secret-scan.mobileprovision", 2_000);
        var p12 = TestFiles.Create("secret-scan.p12", 2_000);
        var openSsh = BitriseTestData.OpenSshKey("leak@example.com");
        var pem = BitriseTestData.RsaPemKey();
        var pemFile = BitriseTestData.WriteTemp("id_rsa", pem.PrivateKey);
        var certificatePassword = "cert-pw-" + SandboxTokens.Random(12);
        var secondPassword = "cert-pw2-" + SandboxTokens.Random(12);
        var buildSecret = "env-secret-" + SandboxTokens.Random(12);
        var output = Path.Combine(BitriseTestSupport.NewFolder(), "out");

        var app = BitriseTestSupport.NewApp(_sandbox, "secret-scan");
        var finished = BitriseTestSupport.Finished(_sandbox, app.Slug);
        _sandbox.Bitrise.AddGeneratedArtifact(finished, "app-release.apk", 1_300_000, "android-apk");
        var running = BitriseTestSupport.Running(_sandbox, app.Slug);

        // Retries that write the URL they retry into the verbose stream: a storage upload and a storage download.
        _sandbox.Faults.Add(new FaultRule { Method = "PUT", PathPattern = "^/storage/productscience/", Kind = FaultKind.Status, StatusCode = 503, RetryAfter = "0" });
        _sandbox.Faults.Add(new FaultRule { Method = "GET", PathPattern = "^/storage/", Kind = FaultKind.ResetDuringResponseBody, AfterBytes = 1000 });

        using var session = new PsSession(_sandbox);
        session.Set("Apk", apk);
        session.Set("Ipa", ipa);
        session.Set("ProfilePath", profile);
        session.Set("P12", p12);
        session.Set("PemFile", pemFile);
        session.Set("PemPublic", pem.PublicKey);
        session.Set("OpenSshKey", PsSession.Secure(openSsh.PrivateKey));
        session.Set("CertPassword", PsSession.Secure(certificatePassword));
        session.Set("SecondPassword", PsSession.Secure(secondPassword));
        session.Set("BuildSecret", PsSession.Secure(buildSecret));
        session.Set("App", app.Slug);
        session.Set("Finished", finished.Slug);
        session.Set("Running", running.Slug);
        session.Set("Out", output);
        session.Set("WrongPs", PsSession.Secure("wrong-" + _sandbox.Tokens.ProductScience));
        session.Set("WrongApp", PsSession.Secure(_sandbox.Tokens.AppliveryApp + "x"));
        session.Set("WrongBitrise", PsSession.Secure("btr_pat_" + SandboxTokens.Random(24)));
        session.Set("PlainToken", _sandbox.Tokens.ProductScience);
        session.Set("PlainPassword", certificatePassword);
        session.Set("Organization", PSBuildUpload.Sandbox.Applivery.AppliveryEmulator.DefaultOrganizationId);
        session.Set("Application", PSBuildUpload.Sandbox.Applivery.AppliveryEmulator.DefaultApplicationId);

        var script = Script.Replace("\r\n", "\n", StringComparison.Ordinal);
        var exported = session.Run("(Get-Module PSBuildUpload).ExportedCmdlets.Keys").Output.Select(o => o.ToString()).ToArray();
        Assert.True(exported.Length >= 33, "The module exports " + exported.Length + " cmdlets.");
        foreach (var cmdlet in exported)
        {
            Assert.True(Regex.IsMatch(script, @"(^|[\s|;(])" + Regex.Escape(cmdlet) + @"\s[^\n]*-Verbose -Debug", RegexOptions.Multiline), $"The secret scan does not run {cmdlet} with -Verbose -Debug: add it.");
        }

        PsResult result;
        try
        {
            result = session.Run(script);
        }
        finally
        {
            _sandbox.Faults.Clear();
        }

        var storage = _sandbox.Requests.All.Where(r => r.Path.StartsWith("/storage/", StringComparison.Ordinal)).ToArray();
        Assert.Contains(storage, r => r.Method == "PUT");
        Assert.Contains(storage, r => r.Method == "GET");
        Assert.All(storage, r => Assert.True(r.Header("Authorization") is null, $"{r} carried Authorization."));
        var signatures = storage.Select(r => HttpUtility.ParseQueryString(r.Query)["X-Goog-Signature"]).Distinct().ToArray();
        Assert.All(signatures, s => Assert.False(string.IsNullOrEmpty(s)));

        var secrets = new List<(string What, string Value)>
        {
            ("the Product Science token", _sandbox.Tokens.ProductScience),
            ("the Applivery app token", _sandbox.Tokens.AppliveryApp),
            ("the Applivery service-account token", _sandbox.Tokens.AppliveryServiceAccount),
            ("the Bitrise token", _sandbox.Tokens.Bitrise),
            ("the certificate password", certificatePassword),
            ("the second certificate password", secondPassword),
            ("the secret build variable", buildSecret),
        };
        secrets.AddRange(signatures.Select(s => ("a presigned URL's signature", s!)));
        secrets.AddRange(BitriseTestData.SecretLines(openSsh.PrivateKey).Select(l => ("a line of the OpenSSH private key", l)));
        secrets.AddRange(BitriseTestData.SecretLines(pem.PrivateKey).Select(l => ("a line of the PEM private key", l)));
        secrets.AddRange(_sandbox.Bitrise.Setups.Values.Select(s => s.BuildTriggerToken).OfType<string>().Select(t => ("a build trigger token", t)));

        var text = Everything(result);
        foreach (var (what, value) in secrets)
        {
            var at = text.IndexOf(value, StringComparison.Ordinal);
            Assert.True(at < 0, $"{what} appears in the output: …{text.Substring(Math.Max(0, at - 200), Math.Min(text.Length - Math.Max(0, at - 200), 260))}…");
        }

        // The run did what it says: successes, retries and the failures asked for, and no other failure.
        Assert.Null(result.Terminating);
        var caught = result.Output.Select(o => o.BaseObject).OfType<ErrorRecord>().ToArray();
        var errorIds = result.ErrorIds.Concat(caught.Select(e => e.FullyQualifiedErrorId.Split(',')[0])).ToArray();
        var expected = new[] { "ProductScience.NotFound", "ProductScience.Unauthorized", "ParameterArgumentTransformationError", "Bitrise.NotFound", "Bitrise.Unauthorized" };
        Assert.All(expected, id => Assert.Contains(id, errorIds));
        Assert.Equal(2, errorIds.Count(id => id == "ParameterArgumentTransformationError"));
        Assert.Equal(2, errorIds.Count(id => id.StartsWith("Applivery.", StringComparison.Ordinal)));
        Assert.True(errorIds.Length == 8, "Unexpected errors: " + string.Join(" | ", result.AllErrors.Concat(caught).Select(e => e.FullyQualifiedErrorId + ": " + e)));
        Assert.Contains(result.Verbose, v => v.Contains("Trying again", StringComparison.Ordinal));
        Assert.NotEmpty(result.Debug);
        Assert.NotEmpty(result.Progress);
        Assert.True(result.Output.Count >= 30, "Only " + result.Output.Count + " objects were emitted.");
        Assert.True(File.Exists(Path.Combine(output, "app-release.apk")));
    }

    /// <summary>Every cmdlet the module exports, with -Verbose -Debug; successes first, then failures.</summary>
    private const string Script = """
        $ProgressPreference = 'Continue'
        Connect-BuildService -Service ProductScience -Token $PsToken -BaseUri $Base -RetryIntervalSec 0 -Verbose -Debug
        Connect-BuildService -Service Applivery -Token $AppToken -BaseUri $Base -RetryIntervalSec 0 -Verbose -Debug
        Connect-BuildService -Service Bitrise -Token $BitriseToken -BaseUri $Base -RetryIntervalSec 0 -MaximumRetryCount 2 -PassThru -Verbose -Debug
        Get-BuildServiceConnection -Verbose -Debug

        # Product Science: the three steps (the storage answers 503 once), and the objects in between.
        New-UploadContext -Project demo -Verbose -Debug | Submit-Build -Path $Apk -BuildType APK -Name leak-check -NoCiMetadata -Verbose -Debug | Send-BuildFile -Verbose -Debug
        $submitted = Submit-Build -Project demo -Path $Apk -BuildType APK -NoCiMetadata -Verbose -Debug
        $submitted
        $submitted.UploadSpec
        $submitted.Build

        # Applivery: both APIs, waiting, listing.
        $published = Publish-AppliveryBuild -Path $Ipa -VersionName leak-check -NoCiMetadata -Wait -Timeout 60 -PollInterval 0.05 -Verbose -Debug
        $published
        $published.Info
        Get-AppliveryBuild -BuildId $published.Id -Verbose -Debug | Wait-AppliveryBuild -PollInterval 0.05 -Timeout 60 -Verbose -Debug
        Get-AppliveryBuild -First 3 -Verbose -Debug
        Publish-AppliveryBuild -Path $Ipa -NoCiMetadata -Token $SaToken -OrganizationId $Organization -ApplicationId $Application -Verbose -Debug

        # Bitrise: accounts, adding an app, its config, code signing, builds, logs and artifacts.
        Get-BitriseUser -Verbose -Debug
        Get-BitriseOrganization -Verbose -Debug
        Get-BitriseApp -First 2 -Verbose -Debug
        $registered = Register-BitriseApp -RepoUrl https://github.com/acme/leak-check.git -Verbose -Debug
        $registered
        $registered | Set-BitriseAppSshKey -PrivateKey $OpenSshKey -Verbose -Debug
        $registered | Set-BitriseAppSshKey -PrivateKeyPath $PemFile -PublicKey $PemPublic -Verbose -Debug
        $registered | Register-BitriseAppWebhook -Verbose -Debug
        $registered | Complete-BitriseApp -ProjectType android -StackId linux-docker-android-22.04 -Environment @{ GRADLE_TASK = 'assembleRelease' } -Verbose -Debug
        Get-BitriseAppConfig -AppSlug $App -Verbose -Debug
        Get-BitriseAppConfig -AppSlug $App -OutFile ([IO.Path]::Combine($Out, 'bitrise.yml')) -Verbose -Debug
        Set-BitriseAppConfig -AppSlug $App -Yaml "format_version: '13'`nworkflows:`n  primary: {}`n" -Verbose -Debug
        $prov = Add-BitriseProvisioningProfile -AppSlug $App -Path $ProfilePath -Verbose -Debug
        $prov
        Get-BitriseProvisioningProfile -AppSlug $App -Verbose -Debug
        Get-BitriseProvisioningProfile -AppSlug $App -ProvisioningProfileSlug $prov.ProvisioningProfileSlug -Verbose -Debug
        $prov | Set-BitriseProvisioningProfile -Exposed:$false -Verbose -Debug
        $certificate = Add-BitriseBuildCertificate -AppSlug $App -Path $P12 -Password $CertPassword -Verbose -Debug
        $certificate
        Get-BitriseBuildCertificate -AppSlug $App -Verbose -Debug
        Get-BitriseBuildCertificate -AppSlug $App -BuildCertificateSlug $certificate.BuildCertificateSlug -Verbose -Debug
        $certificate | Set-BitriseBuildCertificate -Password $SecondPassword -Verbose -Debug
        Get-BitriseBuild -AppSlug $App -Verbose -Debug
        Start-BitriseBuild -AppSlug $App -Branch main -Environment @{ RELEASE_KEY = $BuildSecret } -Verbose -Debug
        Stop-BitriseBuild -AppSlug $App -BuildSlug $Running -Reason 'leak check' -PassThru -Verbose -Debug
        Wait-BitriseBuild -AppSlug $App -BuildSlug $Finished -PollInterval 0.05 -Verbose -Debug
        Get-BitriseBuildLog -AppSlug $App -BuildSlug $Finished -Verbose -Debug
        Get-BitriseBuildLog -AppSlug $App -BuildSlug $Finished -OutFile ([IO.Path]::Combine($Out, 'build.log')) -Verbose -Debug
        $artifacts = Get-BitriseArtifact -AppSlug $App -BuildSlug $Finished -Verbose -Debug
        $artifacts
        $artifacts | ForEach-Object { Get-BitriseArtifact -AppSlug $App -BuildSlug $Finished -ArtifactSlug $_.ArtifactSlug -Verbose -Debug }
        $artifacts | Where-Object { $_.Title -eq 'app-release.apk' } | Set-BitriseArtifact -PublicPageEnabled $true -Verbose -Debug
        $artifacts | Where-Object { $_.Title -eq 'app-release.apk' } | Save-BitriseArtifact -Destination $Out -Verbose -Debug
        $artifacts | Where-Object { $_.Title -eq 'app-release.apk' } | Remove-BitriseArtifact -Confirm:$false -Verbose -Debug

        # Failures: unknown names, refused tokens, a token and a password given as plain text. A terminating error
        # would end the whole script here, so each runs on its own and its error record is emitted.
        function Invoke-Failing([scriptblock] $Command) { try { & $Command } catch { $_ } }
        Invoke-Failing { New-UploadContext -Project no-such-project -Verbose -Debug }
        Invoke-Failing { New-UploadContext -Project demo -Token $WrongPs -Verbose -Debug }
        Invoke-Failing { New-UploadContext -Project demo -Token $PlainToken -Verbose -Debug }
        Invoke-Failing { Add-BitriseBuildCertificate -AppSlug $App -Path $P12 -Password $PlainPassword -Verbose -Debug }
        Invoke-Failing { Get-AppliveryBuild -BuildId 000000000000000000000000 -Verbose -Debug }
        Invoke-Failing { Get-AppliveryBuild -BuildId 000000000000000000000000 -Token $WrongApp -Verbose -Debug }
        Invoke-Failing { Get-BitriseApp -AppSlug 0000000000000000 -Verbose -Debug }
        Invoke-Failing { Get-BitriseUser -Token $WrongBitrise -Verbose -Debug }
        Get-BuildServiceConnection -Verbose -Debug
        Disconnect-BuildService -Service ProductScience, Applivery, Bitrise -Verbose -Debug
        """;

    /// <summary>The text of every stream, with each emitted object rendered property by property (three levels deep).</summary>
    private static string Everything(PsResult result)
    {
        var text = new StringBuilder(result.AllText());
        foreach (var item in result.Output)
        {
            Render(item, text, 0, new HashSet<object>(ReferenceEqualityComparer.Instance));
        }

        foreach (var error in result.AllErrors.Concat(result.Output.Select(o => o.BaseObject).OfType<ErrorRecord>()))
        {
            text.AppendLine(error.ToString()).AppendLine(error.FullyQualifiedErrorId).AppendLine(error.CategoryInfo.ToString())
                .AppendLine(error.ErrorDetails?.Message).AppendLine(error.ErrorDetails?.RecommendedAction);
            Render(error.TargetObject, text, 0, new HashSet<object>(ReferenceEqualityComparer.Instance));
            for (var e = error.Exception; e is not null; e = e.InnerException)
            {
                text.AppendLine(e.ToString());
                foreach (DictionaryEntry entry in e.Data)
                {
                    text.Append(entry.Key).Append('=').AppendLine(entry.Value?.ToString());
                }
            }
        }

        return text.ToString();
    }

    private static void Render(object? value, StringBuilder text, int depth, HashSet<object> seen)
    {
        var item = value is PSObject wrapped ? wrapped.BaseObject : value;
        if (item is null || depth > 3 || !seen.Add(item))
        {
            return;
        }

        text.AppendLine(SafeToString(item));
        if (item is string || item.GetType().IsPrimitive || item is DateTimeOffset || item is DateTime || item is TimeSpan || item is Enum
            || item is FileSystemInfo || item is Type || item is System.Reflection.Assembly)
        {
            return;
        }

        if (item is IEnumerable sequence)
        {
            var count = 0;
            foreach (var element in sequence)
            {
                if (count++ > 50)
                {
                    break;
                }

                if (element is DictionaryEntry entry)
                {
                    Render(entry.Key, text, depth + 1, seen);
                    Render(entry.Value, text, depth + 1, seen);
                }
                else
                {
                    Render(element, text, depth + 1, seen);
                }
            }

            return;
        }

        foreach (var property in PSObject.AsPSObject(item).Properties)
        {
            object? propertyValue;
            try
            {
                propertyValue = property.Value;
            }
            catch (GetValueException)
            {
                continue;
            }

            text.Append(property.Name).Append('=');
            Render(propertyValue, text, depth + 1, seen);
        }
    }

    private static string SafeToString(object item)
    {
        try
        {
            return item.ToString() ?? string.Empty;
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException)
        {
            return string.Empty;
        }
    }
}
