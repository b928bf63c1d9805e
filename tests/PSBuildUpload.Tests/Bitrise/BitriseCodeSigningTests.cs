using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Bitrise;
using PSBuildUpload.Sandbox.Infrastructure;
using PSBuildUpload.Tests.Infrastructure;
using PSBuildUpload.Tests.ProductScience;
using Xunit;

namespace PSBuildUpload.Tests.Bitrise;

public sealed class BitriseCodeSigningTests : IClassFixture<SandboxFixture>
{
    private const string App = "93f256e365d929d3";
    private const string Defaults = "$PSDefaultParameterValues['*-Bitrise*:Token'] = $BitriseToken; $PSDefaultParameterValues['*-Bitrise*:BaseUri'] = $Base\n";
    private const string Password = "s0m3-s3cr3t-ch4r4ct3r5";
    private readonly SandboxServer _sandbox;

    public BitriseCodeSigningTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Fact]
    public void Add_BitriseProvisioningProfile_runs_the_three_phases_and_emits_the_confirmed_profile()
    {
        var file = TestFiles.Create("sample.mobileprovision", 2047);
        using var session = new PsSession(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run(Defaults + $"Get-BitriseApp -AppSlug {App} | Add-BitriseProvisioningProfile -Path {TestFiles.Quote(file)}");

        BitriseTestData.NoErrors(result);
        var profile = result.Output.Single();
        Assert.Equal("PSBuildUpload.Engine.Bitrise.BitriseProvisioningProfile", profile.TypeName());
        Assert.Equal(App, profile.P<string>("AppSlug"));
        var slug = profile.P<string>("ProvisioningProfileSlug");
        Assert.Matches("^[0-9A-Z]{26}$", slug);
        Assert.Equal("sample.mobileprovision", profile.P<string>("UploadFileName"));
        Assert.Equal(2047, profile.P<long>("UploadFileSize"));
        Assert.True(profile.P<bool>("Processed"));
        Assert.True(profile.P<bool>("IsExpose"));
        Assert.False(profile.P<bool>("IsProtected"));

        var requests = _sandbox.Requests.All.Skip(1).ToArray();
        Assert.Equal(
            new[] { $"POST /v0.1/apps/{App}/provisioning-profiles", "PUT /storage/bitrise/provisioning-profiles/" + slug, $"POST /v0.1/apps/{App}/provisioning-profiles/{slug}/uploaded" },
            requests.Select(r => r.Method + " " + r.Path));
        var create = BitriseTestData.Json(requests[0].BodyText);
        Assert.Equal(new[] { "upload_file_name", "upload_file_size" }, BitriseTestData.Keys(create));
        Assert.Equal("sample.mobileprovision", create.GetProperty("upload_file_name").GetString());
        Assert.Equal(2047, create.GetProperty("upload_file_size").GetInt64());

        // The file reached the storage byte for byte, on the other host name, without the token.
        var put = requests[1];
        Assert.StartsWith("localhost:", put.Host, StringComparison.Ordinal);
        Assert.Null(put.Header("Authorization"));
        Assert.Equal("2047", put.Header("Content-Length"));
        Assert.Equal("token " + _sandbox.Tokens.Bitrise, requests[0].Header("Authorization"));
        Assert.Equal("token " + _sandbox.Tokens.Bitrise, requests[2].Header("Authorization"));
        var item = _sandbox.Bitrise.CodeSigningFiles[slug];
        var stored = _sandbox.Storage.Get(item.StorageKey)!;
        Assert.Equal(TestFiles.Sha256(file), stored.Sha256);
        Assert.False(stored.Headers.ContainsKey("Authorization"));
        Assert.Equal(1, _sandbox.Storage.UploadCount(item.StorageKey));
        Assert.True(item.Processed);
    }

    [Fact]
    public void Add_BitriseBuildCertificate_sets_the_password_by_PATCH_after_the_upload_and_never_shows_it()
    {
        var file = TestFiles.Create("sample_cert.p12", 1023);
        using var session = new PsSession(_sandbox);
        session.Set("Pw", PsSession.Secure(Password));
        _sandbox.Requests.Clear();
        var result = session.Run(Defaults + $@"
            $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'
            Add-BitriseBuildCertificate -AppSlug {App} -Path {TestFiles.Quote(file)} -Password $Pw -Verbose -Debug");

        BitriseTestData.NoErrors(result);
        var certificate = result.Output.Single();
        Assert.Equal("PSBuildUpload.Engine.Bitrise.BitriseBuildCertificate", certificate.TypeName());
        var slug = certificate.P<string>("BuildCertificateSlug");
        Assert.Equal(App, certificate.P<string>("AppSlug"));
        Assert.True(certificate.P<bool>("HasCertificatePassword"));
        Assert.True(certificate.P<bool>("Processed"));

        var requests = _sandbox.Requests.All;
        Assert.Equal(
            new[]
            {
                $"POST /v0.1/apps/{App}/build-certificates",
                "PUT /storage/bitrise/build-certificates/" + slug,
                $"POST /v0.1/apps/{App}/build-certificates/{slug}/uploaded",
                $"PATCH /v0.1/apps/{App}/build-certificates/{slug}",
            },
            requests.Select(r => r.Method + " " + r.Path));
        Assert.Equal(new[] { "upload_file_name", "upload_file_size" }, BitriseTestData.Keys(BitriseTestData.Json(requests[0].BodyText)));
        var patch = BitriseTestData.Json(requests[3].BodyText);
        Assert.Equal(new[] { "certificate_password" }, BitriseTestData.Keys(patch));
        Assert.Equal(Password, patch.GetProperty("certificate_password").GetString());
        Assert.Null(requests[1].Header("Authorization"));
        var item = _sandbox.Bitrise.CodeSigningFiles[slug];
        Assert.Equal(Password, item.CertificatePassword);
        Assert.Equal(TestFiles.Sha256(file), _sandbox.Storage.Get(item.StorageKey)!.Sha256);

        // The API echoes the password in clear in its answers; no stream does.
        Assert.Contains(result.Verbose, v => v.StartsWith("PATCH ", StringComparison.Ordinal));
        Assert.NotEmpty(result.Debug);
        Assert.DoesNotContain(Password, result.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Several_files_pipe_in_from_Get_ChildItem()
    {
        var folder = Directory.CreateTempSubdirectory("psbu-profiles-").FullName;
        File.WriteAllBytes(Path.Combine(folder, "a.mobileprovision"), RandomNumberGenerator.GetBytes(500));
        File.WriteAllBytes(Path.Combine(folder, "b.mobileprovision"), RandomNumberGenerator.GetBytes(700));
        using var session = new PsSession(_sandbox);
        // Get-ChildItem's FileInfo objects, made directly (the hosted engine has no provider cmdlets).
        var result = session.Run(Defaults + $"([IO.DirectoryInfo]{TestFiles.Quote(folder)}).GetFiles('*.mobileprovision') | Add-BitriseProvisioningProfile -AppSlug {App}");
        BitriseTestData.NoErrors(result);
        var added = result.Output.OrderBy(o => o.P<string>("UploadFileName"), StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "a.mobileprovision", "b.mobileprovision" }, added.Select(o => o.P<string>("UploadFileName")));
        Assert.Equal(new long[] { 500, 700 }, added.Select(o => o.P<long>("UploadFileSize")));
    }

    [Fact]
    public void A_storage_refusal_is_UploadRejected_and_nothing_is_confirmed()
    {
        var file = TestFiles.Create("refused.mobileprovision", 300);
        _sandbox.Faults.Add("PUT", "^/storage/bitrise/", FaultKind.Status, statusCode: 403);
        try
        {
            using var session = new PsSession(_sandbox);
            _sandbox.Requests.Clear();
            var result = session.Run(Defaults + $"Add-BitriseProvisioningProfile -AppSlug {App} -Path {TestFiles.Quote(file)}");
            Assert.Equal("Bitrise.UploadRejected", result.ErrorIds.Single());
            Assert.Contains("stays unconfirmed", result.AllErrors.Single().ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(_sandbox.Requests.All, r => r.Path.EndsWith("/uploaded", StringComparison.Ordinal));
            Assert.DoesNotContain("X-Goog-Signature=", result.AllText().Replace("X-Goog-Signature=***", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        }
        finally
        {
            _sandbox.Faults.Clear();
        }
    }

    [Fact]
    public async Task The_emulated_API_confirms_only_a_file_that_arrived_and_its_storage_refuses_the_token()
    {
        using var client = BitriseTestData.Direct(_sandbox);
        using var created = await client.PostAsync($"/v0.1/apps/{App}/provisioning-profiles", new StringContent("{\"upload_file_name\":\"x.mobileprovision\",\"upload_file_size\":4}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var data = BitriseTestData.Json(await created.Content.ReadAsStringAsync()).GetProperty("data");
        var slug = data.GetProperty("slug").GetString()!;
        var uploadUrl = new Uri(data.GetProperty("upload_url").GetString()!);

        using var early = await client.PostAsync($"/v0.1/apps/{App}/provisioning-profiles/{slug}/uploaded", null);
        Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);

        using var withToken = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = new ByteArrayContent(new byte[] { 1, 2, 3, 4 }) };
        withToken.Headers.TryAddWithoutValidation("Authorization", "token " + _sandbox.Tokens.Bitrise);
        using var refused = await client.SendAsync(withToken);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        using var tooShort = await client.PutAsync(uploadUrl, new ByteArrayContent(new byte[] { 1, 2, 3 }));
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        using var stillEarly = await client.PostAsync($"/v0.1/apps/{App}/provisioning-profiles/{slug}/uploaded", null);
        Assert.Equal(HttpStatusCode.BadRequest, stillEarly.StatusCode);

        using var plain = new HttpClient();
        using var uploaded = await plain.PutAsync(uploadUrl, new ByteArrayContent(new byte[] { 1, 2, 3, 4 }));
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        using var confirmed = await client.PostAsync($"/v0.1/apps/{App}/provisioning-profiles/{slug}/uploaded", null);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.True(_sandbox.Bitrise.CodeSigningFiles[slug].Processed);
    }

    [Fact]
    public void Lists_stream_through_pages_and_First_fetches_one_page()
    {
        const string app = "f46e89061e967f27";
        for (var i = 0; i < 60; i++)
        {
            _sandbox.Bitrise.AddCodeSigningFile(app, SbCodeSigningFile.Profiles, $"p{i:00}.mobileprovision", new byte[] { (byte)i });
        }

        using var session = new PsSession(_sandbox);
        _sandbox.Requests.Clear();
        var all = session.Run(Defaults + $"Get-BitriseApp -AppSlug {app} | Get-BitriseProvisioningProfile");
        BitriseTestData.NoErrors(all);
        Assert.Equal(60, all.Output.Count);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => $"p{i:00}.mobileprovision"), all.Output.Select(o => o.P<string>("UploadFileName")));
        Assert.All(all.Output, o => Assert.Equal(app, o.P<string>("AppSlug")));
        Assert.All(all.Output, o => Assert.Null(o.P("DownloadUrl")));
        var pages = _sandbox.Requests.Matching("GET", $"/v0.1/apps/{app}/provisioning-profiles");
        Assert.Equal(2, pages.Count);
        Assert.Contains("limit=50", pages[0].Query, StringComparison.Ordinal);
        Assert.Contains("next=", pages[1].Query, StringComparison.Ordinal);

        _sandbox.Requests.Clear();
        var first = session.Run(Defaults + $"Get-BitriseProvisioningProfile -AppSlug {app} -First 3");
        Assert.Equal(3, first.Output.Count);
        Assert.Contains("limit=3", _sandbox.Requests.All.Single().Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_item_carries_a_download_link_only_when_not_protected_and_the_certificate_password_never_shows()
    {
        var content = RandomNumberGenerator.GetBytes(1500);
        var open = _sandbox.Bitrise.AddCodeSigningFile(App, SbCodeSigningFile.Certificates, "open.p12", content, password: Password);
        var locked = _sandbox.Bitrise.AddCodeSigningFile(App, SbCodeSigningFile.Certificates, "locked.p12", content, isProtected: true, password: Password);
        using var session = new PsSession(_sandbox);

        var result = session.Run(Defaults + $"Get-BitriseBuildCertificate -AppSlug {App} -BuildCertificateSlug {open.Slug}; Get-BitriseBuildCertificate {App} {locked.Slug}; Get-BitriseBuildCertificate -AppSlug {App}");
        BitriseTestData.NoErrors(result);
        var link = Assert.IsType<Uri>(result.Output[0].P("DownloadUrl"));
        Assert.Null(result.Output[1].P("DownloadUrl"));
        Assert.True(result.Output[1].P<bool>("IsProtected"));
        Assert.True(result.Output[0].P<bool>("HasCertificatePassword"));
        Assert.True(result.Output[1].P<bool>("HasCertificatePassword"));
        Assert.True(result.Output.Skip(2).Single(o => o.P<string>("BuildCertificateSlug") == locked.Slug).P<bool>("HasCertificatePassword"));
        Assert.DoesNotContain(Password, result.AllText(), StringComparison.Ordinal);

        // The link is its own credential: it works without the token.
        using var plain = new HttpClient();
        Assert.Equal(content, await plain.GetByteArrayAsync(link));
    }

    [Fact]
    public void Set_changes_flags_by_PATCH_from_slugs_or_from_a_piped_item()
    {
        var item = _sandbox.Bitrise.AddCodeSigningFile(App, SbCodeSigningFile.Profiles, "set.mobileprovision", new byte[] { 7 });
        using var session = new PsSession(_sandbox);
        _sandbox.Requests.Clear();

        var bySlug = session.Run(Defaults + $"Set-BitriseProvisioningProfile -AppSlug {App} -ProvisioningProfileSlug {item.Slug} -Exposed:$false");
        BitriseTestData.NoErrors(bySlug);
        Assert.False(bySlug.Output.Single().P<bool>("IsExpose"));
        Assert.Equal(new[] { "GET", "PATCH" }, _sandbox.Requests.All.Select(r => r.Method));
        Assert.Equal(new[] { "is_expose" }, BitriseTestData.Keys(BitriseTestData.Json(_sandbox.Requests.All[1].BodyText)));
        Assert.False(BitriseTestData.Json(_sandbox.Requests.All[1].BodyText).GetProperty("is_expose").GetBoolean());

        _sandbox.Requests.Clear();
        var piped = session.Run(Defaults + $"Get-BitriseProvisioningProfile -AppSlug {App} -ProvisioningProfileSlug {item.Slug} | Set-BitriseProvisioningProfile -Protected");
        BitriseTestData.NoErrors(piped);
        Assert.True(piped.Output.Single().P<bool>("IsProtected"));
        Assert.Equal(new[] { "GET", "PATCH" }, _sandbox.Requests.All.Select(r => r.Method));
        Assert.True(BitriseTestData.Json(_sandbox.Requests.All[1].BodyText).GetProperty("is_protected").GetBoolean());
        Assert.True(item.IsProtected);
        Assert.False(item.IsExpose);
    }

    [Fact]
    public void Set_BitriseBuildCertificate_sets_the_password_without_showing_it()
    {
        var item = _sandbox.Bitrise.AddCodeSigningFile(App, SbCodeSigningFile.Certificates, "pw.p12", new byte[] { 9 }, isProtected: true);
        using var session = new PsSession(_sandbox);
        session.Set("Pw", PsSession.Secure(Password));
        _sandbox.Requests.Clear();
        var result = session.Run(Defaults + $"Set-BitriseBuildCertificate -AppSlug {App} -BuildCertificateSlug {item.Slug} -Password $Pw -Verbose -Debug");
        BitriseTestData.NoErrors(result);
        Assert.True(result.Output.Single().P<bool>("HasCertificatePassword"));
        Assert.Equal(Password, item.CertificatePassword);
        Assert.Equal(new[] { "certificate_password" }, BitriseTestData.Keys(BitriseTestData.Json(_sandbox.Requests.All[^1].BodyText)));
        Assert.DoesNotContain(Password, result.AllText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Set-BitriseProvisioningProfile", "-Protected:$false", "Bitrise.UnprotectNotAllowed")]
    [InlineData("Set-BitriseProvisioningProfile", "-Exposed:$false", "Bitrise.ExposeOfProtectedNotAllowed")]
    [InlineData("Set-BitriseProvisioningProfile", "-Processed:$false", "Bitrise.UnprocessNotAllowed")]
    [InlineData("Set-BitriseBuildCertificate", "-Protected:$false", "Bitrise.UnprotectNotAllowed")]
    [InlineData("Set-BitriseBuildCertificate", "-Exposed:$false", "Bitrise.ExposeOfProtectedNotAllowed")]
    [InlineData("Set-BitriseBuildCertificate", "-Processed:$false", "Bitrise.UnprocessNotAllowed")]
    public void What_the_API_forbids_is_refused_locally_with_its_own_ErrorId(string cmdlet, string change, string errorId)
    {
        var profile = cmdlet.EndsWith("Profile", StringComparison.Ordinal);
        var item = _sandbox.Bitrise.AddCodeSigningFile(App, profile ? SbCodeSigningFile.Profiles : SbCodeSigningFile.Certificates, "locked", new byte[] { 1 }, isProtected: true);
        var getter = profile ? "Get-BitriseProvisioningProfile" : "Get-BitriseBuildCertificate";
        var slugParameter = profile ? "-ProvisioningProfileSlug" : "-BuildCertificateSlug";
        using var session = new PsSession(_sandbox);
        session.Run(Defaults + $"$item = {getter} -AppSlug {App} {slugParameter} {item.Slug}");

        // A piped item's own state decides: no request at all.
        _sandbox.Requests.Clear();
        var piped = session.Run(Defaults + $"$item | {cmdlet} {change}");
        Assert.Equal(errorId, piped.ErrorIds.Single());
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidOperation, piped.AllErrors.Single().CategoryInfo.Category);
        Assert.Contains("Nothing was sent", piped.AllErrors.Single().ToString(), StringComparison.Ordinal);
        Assert.Equal(item.Slug, piped.AllErrors.Single().TargetObject);
        Assert.Empty(_sandbox.Requests.All);

        // Given by slugs, the item is read and the PATCH is never sent.
        var bySlug = session.Run(Defaults + $"{cmdlet} -AppSlug {App} {slugParameter} {item.Slug} {change}");
        Assert.Equal(errorId, bySlug.ErrorIds.Single());
        Assert.Equal(new[] { "GET" }, _sandbox.Requests.All.Select(r => r.Method));
        Assert.Empty(item.Patches);
    }

    [Theory]
    [InlineData("{\"is_protected\":false}")]
    [InlineData("{\"is_expose\":false}")]
    [InlineData("{\"processed\":false}")]
    public async Task The_emulated_API_refuses_the_same_changes_with_400(string body)
    {
        var item = _sandbox.Bitrise.AddCodeSigningFile(App, SbCodeSigningFile.Profiles, "locked", new byte[] { 1 }, isProtected: true);
        using var client = BitriseTestData.Direct(_sandbox);
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/v0.1/apps/{App}/provisioning-profiles/{item.Slug}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(item.IsProtected);
        Assert.True(item.IsExpose);
        Assert.True(item.Processed);
    }

    [Fact]
    public void Set_without_a_change_is_refused_before_any_request()
    {
        using var session = new PsSession(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run(Defaults + $"Set-BitriseProvisioningProfile -AppSlug {App} -ProvisioningProfileSlug 01ABCDEFABCDEFABCDEFABCDEF");
        Assert.Equal("Bitrise.NothingToSet", result.ErrorIds.Single());
        Assert.Empty(_sandbox.Requests.All);
    }

    [Fact]
    public void WhatIf_on_each_changing_cmdlet_sends_nothing()
    {
        var file = TestFiles.Create("whatif.p12", 100);
        var profileFile = TestFiles.Create("whatif.mobileprovision", 100);
        var item = _sandbox.Bitrise.AddCodeSigningFile(App, SbCodeSigningFile.Certificates, "w.p12", new byte[] { 1 });
        var profile = _sandbox.Bitrise.AddCodeSigningFile(App, SbCodeSigningFile.Profiles, "w.mobileprovision", new byte[] { 1 });
        using var session = new PsSession(_sandbox);
        session.Set("Pw", PsSession.Secure(Password));
        var before = _sandbox.Requests.All.Count;
        var files = _sandbox.Bitrise.CodeSigningFiles.Count;
        var result = session.Run(Defaults + $@"
            Add-BitriseProvisioningProfile -AppSlug {App} -Path {TestFiles.Quote(profileFile)} -WhatIf
            Add-BitriseBuildCertificate -AppSlug {App} -Path {TestFiles.Quote(file)} -Password $Pw -WhatIf
            Set-BitriseProvisioningProfile -AppSlug {App} -ProvisioningProfileSlug {profile.Slug} -Protected -WhatIf
            Set-BitriseBuildCertificate -AppSlug {App} -BuildCertificateSlug {item.Slug} -Password $Pw -Protected -WhatIf");
        BitriseTestData.NoErrors(result);
        Assert.Empty(result.Output);
        Assert.Equal(before, _sandbox.Requests.All.Count);
        Assert.Equal(files, _sandbox.Bitrise.CodeSigningFiles.Count);
        Assert.False(item.IsProtected);
        Assert.False(profile.IsProtected);
    }

    [Fact]
    public void Unknown_slugs_are_NotFound_and_a_refused_token_is_Unauthorized_before_any_upload()
    {
        var file = TestFiles.Create("nf.p12", 100);
        using var session = new PsSession(_sandbox);
        var missing = session.Run(Defaults + $@"
            Get-BitriseProvisioningProfile -AppSlug {App} -ProvisioningProfileSlug 01NOTTHERE0000000000000000
            Get-BitriseBuildCertificate -AppSlug 00000000000000dd
            Add-BitriseBuildCertificate -AppSlug 00000000000000ee -Path {TestFiles.Quote(file)}");
        Assert.Equal(new[] { "Bitrise.NotFound", "Bitrise.NotFound", "Bitrise.NotFound" }, missing.ErrorIds);
        Assert.Contains("'01NOTTHERE0000000000000000'", missing.Errors[0].ToString(), StringComparison.Ordinal);
        Assert.Contains("'00000000000000dd'", missing.Errors[1].ToString(), StringComparison.Ordinal);
        Assert.Contains("'00000000000000ee'", missing.Errors[2].ToString(), StringComparison.Ordinal);

        session.Set("Wrong", PsSession.Secure("btr_pat_" + new string('2', 48)));
        var uploads = _sandbox.Storage.Objects.Count;
        var profile = TestFiles.Create("nf.mobileprovision", 100);
        var unauthorized = session.Run($"Add-BitriseProvisioningProfile -AppSlug {App} -Path {TestFiles.Quote(profile)} -Token $Wrong -BaseUri $Base");
        Assert.Equal("Bitrise.Unauthorized", unauthorized.ErrorIds.Single());
        Assert.Equal(uploads, _sandbox.Storage.Objects.Count);
    }
}
