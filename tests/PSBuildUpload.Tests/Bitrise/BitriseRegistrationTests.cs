using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Tests.Infrastructure;
using PSBuildUpload.Tests.ProductScience;
using Xunit;

namespace PSBuildUpload.Tests.Bitrise;

public sealed class BitriseRegistrationTests : IClassFixture<SandboxFixture>
{
    private const string OrgSlug = "e1ec3dea540bcf21";
    private const string Defaults = "$PSDefaultParameterValues['*-Bitrise*:Token'] = $BitriseToken; $PSDefaultParameterValues['*-Bitrise*:BaseUri'] = $Base\n";
    private readonly SandboxServer _sandbox;

    public BitriseRegistrationTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Fact]
    public void The_four_steps_chain_in_one_pipeline_and_send_the_documented_bodies()
    {
        var (privateKey, publicKey) = BitriseTestData.OpenSshKey();
        var keyPath = BitriseTestData.WriteTemp("id_ed25519", privateKey);
        using var session = new PsSession(_sandbox);
        _sandbox.Requests.Clear();

        var result = session.Run(Defaults + $@"
            Register-BitriseApp -RepoUrl 'git@github.com:api_demo/example-repository.git' |
                Set-BitriseAppSshKey -PrivateKeyPath {TestFiles.Quote(keyPath)} |
                Register-BitriseAppWebhook |
                Complete-BitriseApp -ProjectType ios -StackId osx-vs4mac-stable -Config default-ios-config -Environment ([ordered]@{{ env1 = 'val1'; env2 = 2 }}) -OrganizationSlug {OrgSlug}");

        BitriseTestData.NoErrors(result);
        var finished = result.Output.Single();
        Assert.Equal("PSBuildUpload.Engine.Bitrise.BitriseAppFinish", finished.TypeName());
        Assert.Equal("ok", finished.P<string>("Status"));
        Assert.Equal("master", finished.P<string>("BranchName"));
        Assert.True(finished.P<bool>("IsWebhookAutoRegSupported"));
        Assert.IsType<System.Security.SecureString>(finished.P("BuildTriggerToken"));
        var appSlug = finished.P<string>("AppSlug");
        var setup = _sandbox.Bitrise.Setups[appSlug];

        // The requests, in order, with the token on each.
        var requests = _sandbox.Requests.All;
        Assert.Equal(
            new[] { "/v0.1/apps/register", $"/v0.1/apps/{appSlug}/register-ssh-key", $"/v0.1/apps/{appSlug}/register-webhook", $"/v0.1/apps/{appSlug}/finish" },
            requests.Select(r => r.Path));
        Assert.All(requests, r => Assert.Equal("POST", r.Method));
        Assert.All(requests, r => Assert.Equal("token " + _sandbox.Tokens.Bitrise, r.Header("Authorization")));
        Assert.Equal(new[] { "register", "register-ssh-key", "register-webhook", "finish" }, setup.Calls.Select(c => c.Step));

        // 1. The seed's body: provider, is_public, repo_url, type, git_repo_slug, git_owner (owner and slug from the URL).
        var register = BitriseTestData.Json(requests[0].BodyText);
        Assert.Equal(new[] { "git_owner", "git_repo_slug", "is_public", "provider", "repo_url", "type" }, BitriseTestData.Keys(register));
        Assert.Equal("github", register.GetProperty("provider").GetString());
        Assert.False(register.GetProperty("is_public").GetBoolean());
        Assert.Equal("git@github.com:api_demo/example-repository.git", register.GetProperty("repo_url").GetString());
        Assert.Equal("git", register.GetProperty("type").GetString());
        Assert.Equal("example-repository", register.GetProperty("git_repo_slug").GetString());
        Assert.Equal("api_demo", register.GetProperty("git_owner").GetString());

        // 2. The key pair: the private key exactly as in the file, the public key read out of it.
        var ssh = BitriseTestData.Json(requests[1].BodyText);
        Assert.Equal(new[] { "auth_ssh_private_key", "auth_ssh_public_key", "is_register_key_into_provider_service" }, BitriseTestData.Keys(ssh));
        Assert.Equal(privateKey, setup.PrivateKey);
        Assert.Equal(string.Join(' ', publicKey.Split(' ').Take(2)), setup.PublicKey);
        Assert.False(ssh.GetProperty("is_register_key_into_provider_service").GetBoolean());

        // 3. No body.
        Assert.True(string.IsNullOrEmpty(requests[2].BodyText));

        // 4. project_type, stack_id, config, mode, envs (values as strings), organization_slug.
        var finish = BitriseTestData.Json(requests[3].BodyText);
        Assert.Equal(new[] { "config", "envs", "mode", "organization_slug", "project_type", "stack_id" }, BitriseTestData.Keys(finish));
        Assert.Equal("ios", finish.GetProperty("project_type").GetString());
        Assert.Equal("osx-vs4mac-stable", finish.GetProperty("stack_id").GetString());
        Assert.Equal("default-ios-config", finish.GetProperty("config").GetString());
        Assert.Equal("manual", finish.GetProperty("mode").GetString());
        Assert.Equal(OrgSlug, finish.GetProperty("organization_slug").GetString());
        Assert.Equal("val1", finish.GetProperty("envs").GetProperty("env1").GetString());
        Assert.Equal("2", finish.GetProperty("envs").GetProperty("env2").GetString());

        // The app is saved, owned by the organization, and listed there.
        Assert.True(setup.Finished);
        Assert.True(setup.WebhookRegistered);
        var listed = session.Run(Defaults + $"Get-BitriseOrganization -OrganizationSlug {OrgSlug} | Get-BitriseApp");
        Assert.Contains(appSlug, listed.Output.Select(o => o.P<string>("AppSlug")));
        Assert.Equal("ios", listed.Output.Single(o => o.P<string>("AppSlug") == appSlug).P<string>("ProjectType"));

        // The trigger token is a credential: it reached the object as a SecureString only.
        Assert.DoesNotContain(setup.BuildTriggerToken!, result.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Each_step_emits_an_object_carrying_AppSlug()
    {
        var (privateKey, _) = BitriseTestData.OpenSshKey();
        using var session = new PsSession(_sandbox);
        session.Set("Key", PsSession.Secure(privateKey));
        var result = session.Run(Defaults + @"
            $r = Register-BitriseApp -RepoUrl 'https://gitlab.com/group/sub/mobile.git' -Public -Title 'Mobile' -DefaultBranch main
            $k = $r | Set-BitriseAppSshKey -PrivateKey $Key -RegisterWithProvider
            $w = $k | Register-BitriseAppWebhook
            $f = $w | Complete-BitriseApp -ProjectType android -StackId linux-docker-android-22.04
            $r; $k; $w; $f");

        BitriseTestData.NoErrors(result);
        Assert.Equal(
            new[] { "BitriseAppRegistration", "BitriseSshKeyRegistration", "BitriseWebhookRegistration", "BitriseAppFinish" },
            result.Output.Select(o => o.TypeName().Split('.').Last()));
        var appSlug = result.Output[0].P<string>("AppSlug");
        Assert.Matches("^[0-9a-f]{16}$", appSlug);
        Assert.All(result.Output, o => Assert.Equal(appSlug, o.P<string>("AppSlug")));

        var registration = result.Output[0];
        Assert.Equal("gitlab", registration.P<string>("Provider"));
        Assert.True(registration.P<bool>("IsPublic"));
        Assert.Equal("group/sub", registration.P<string>("RepoOwner"));
        Assert.Equal("mobile", registration.P<string>("RepoSlug"));
        var key = result.Output[1];
        Assert.Equal("ssh-ed25519", key.P<string>("KeyType"));
        Assert.StartsWith("SHA256:", key.P<string>("PublicKeyFingerprint"), StringComparison.Ordinal);
        Assert.True(key.P<bool>("RegisteredWithProvider"));
        Assert.Equal("main", result.Output[3].P<string>("BranchName"));

        var setup = _sandbox.Bitrise.Setups[appSlug];
        var register = BitriseTestData.Json(setup.Calls[0].Json);
        Assert.True(register.GetProperty("is_public").GetBoolean());
        Assert.Equal("Mobile", register.GetProperty("title").GetString());
        Assert.Equal("main", register.GetProperty("default_branch_name").GetString());
        Assert.True(setup.RegisterKeyIntoProvider);
        Assert.Equal(privateKey, setup.PrivateKey);
        var finish = BitriseTestData.Json(setup.Calls[3].Json);
        Assert.Equal(new[] { "mode", "project_type", "stack_id" }, BitriseTestData.Keys(finish));
        Assert.Equal(_sandbox.Bitrise.Me.Slug, _sandbox.Bitrise.Apps[appSlug].Owner.Slug);
    }

    [Fact]
    public void The_private_key_appears_in_no_stream_with_Verbose_and_Debug()
    {
        var (privateKey, _) = BitriseTestData.OpenSshKey();
        var keyPath = BitriseTestData.WriteTemp("deploy_key", privateKey);
        using var session = new PsSession(_sandbox);
        session.Set("Key", PsSession.Secure(privateKey));
        var result = session.Run(Defaults + $@"
            $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'
            $app = Register-BitriseApp -RepoUrl 'https://github.com/api_demo/leak-check.git' -Verbose -Debug
            $app | Set-BitriseAppSshKey -PrivateKeyPath {TestFiles.Quote(keyPath)} -Verbose -Debug
            $app | Set-BitriseAppSshKey -PrivateKey $Key -Verbose -Debug
            Set-BitriseAppSshKey -AppSlug 0000000000000000 -PrivateKey $Key -Verbose -Debug
            $app | Set-BitriseAppSshKey -PrivateKey $Key -Verbose -Debug -WhatIf");

        Assert.Equal("Bitrise.NotFound", result.ErrorIds.Single());
        Assert.Contains(result.Verbose, v => v.Contains("/register-ssh-key -> 200", StringComparison.Ordinal));
        Assert.NotEmpty(result.Debug);
        var text = result.AllText() + string.Join('\n', result.Output.Select(o => o.ToString()));
        Assert.DoesNotContain(privateKey.Trim(), text, StringComparison.Ordinal);
        Assert.All(BitriseTestData.SecretLines(privateKey), line => Assert.DoesNotContain(line, text, StringComparison.Ordinal));
    }

    [Fact]
    public void A_PEM_key_takes_its_public_key_from_the_pub_file_beside_it_or_from_PublicKey()
    {
        var (privateKey, publicKey) = BitriseTestData.RsaPemKey();
        var keyPath = BitriseTestData.WriteTemp("id_rsa", privateKey);
        using var session = new PsSession(_sandbox);
        _sandbox.Requests.Clear();

        var without = session.Run(Defaults + $"Set-BitriseAppSshKey -AppSlug 93f256e365d929d3 -PrivateKeyPath {TestFiles.Quote(keyPath)}");
        Assert.Equal("Bitrise.InvalidSshKey", without.ErrorIds.Single());
        Assert.Contains("-PublicKeyPath or -PublicKey", without.AllErrors.Single().ToString(), StringComparison.Ordinal);
        Assert.Empty(_sandbox.Requests.All);

        var given = session.Run(Defaults + $"Set-BitriseAppSshKey -AppSlug 93f256e365d929d3 -PrivateKeyPath {TestFiles.Quote(keyPath)} -PublicKey '{publicKey}'");
        BitriseTestData.NoErrors(given);
        Assert.Equal("ssh-rsa", given.Output.Single().P<string>("KeyType"));

        File.WriteAllText(keyPath + ".pub", publicKey + "\n");
        var twin = session.Run(Defaults + $"Set-BitriseAppSshKey -AppSlug 93f256e365d929d3 -PrivateKeyPath {TestFiles.Quote(keyPath)}");
        BitriseTestData.NoErrors(twin);
        Assert.Equal(publicKey, _sandbox.Bitrise.Setups["93f256e365d929d3"].PublicKey);
        Assert.Equal(privateKey, _sandbox.Bitrise.Setups["93f256e365d929d3"].PrivateKey);
    }

    [Theory]
    [InlineData("public")]
    [InlineData("passphrase")]
    [InlineData("mismatch")]
    [InlineData("garbage")]
    [InlineData("private-as-public")]
    public void Keys_Bitrise_cannot_use_are_refused_before_any_request_without_quoting_them(string kind)
    {
        var (privateKey, publicKey) = BitriseTestData.OpenSshKey();
        var (_, otherPublic) = BitriseTestData.OpenSshKey();
        var (encrypted, _) = BitriseTestData.OpenSshKey(cipher: "aes256-ctr");
        var (secret, extra) = kind switch
        {
            "public" => (publicKey, null),
            "passphrase" => (encrypted, null),
            "mismatch" => (privateKey, otherPublic),
            "garbage" => ("not a key at all, just some text", null),
            _ => (privateKey, privateKey),
        };
        using var session = new PsSession(_sandbox);
        session.Set("Key", PsSession.Secure(secret));
        session.Set("Pub", extra);
        _sandbox.Requests.Clear();
        var result = session.Run(Defaults + "Set-BitriseAppSshKey -AppSlug 93f256e365d929d3 -PrivateKey $Key -PublicKey $Pub -Verbose -Debug");

        Assert.Equal("Bitrise.InvalidSshKey", result.ErrorIds.Single());
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, result.AllErrors.Single().CategoryInfo.Category);
        Assert.Empty(_sandbox.Requests.All);
        var text = result.AllText();
        Assert.All(BitriseTestData.SecretLines(secret), line => Assert.DoesNotContain(line, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_API_refuses_what_the_cmdlets_check_first()
    {
        using var client = BitriseTestData.Direct(_sandbox);
        using var noKey = await client.PostAsync("/v0.1/apps/93f256e365d929d3/register-ssh-key", new StringContent("{\"auth_ssh_public_key\":\"ssh-ed25519 AAAA\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);
        using var noUrl = await client.PostAsync("/v0.1/apps/register", new StringContent("{\"is_public\":false}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, noUrl.StatusCode);
        Assert.Contains("error_msg", await noUrl.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var noStack = await client.PostAsync("/v0.1/apps/93f256e365d929d3/finish", new StringContent("{\"project_type\":\"ios\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, noStack.StatusCode);
    }

    [Fact]
    public void Server_refusals_keep_the_server_s_words()
    {
        using var session = new PsSession(_sandbox);
        var result = session.Run(Defaults + "Complete-BitriseApp -AppSlug 93f256e365d929d3 -ProjectType ios -StackId osx -Mode automatic");
        Assert.Equal("Bitrise.BadRequest", result.ErrorIds.Single());
        Assert.Contains("mode has to be 'manual'", result.AllErrors.Single().ToString(), StringComparison.Ordinal);

        var environment = session.Run(Defaults + "Complete-BitriseApp -AppSlug 93f256e365d929d3 -ProjectType ios -StackId osx -Environment @{ 'bad name' = 1 }");
        Assert.Equal("Bitrise.InvalidArgument", environment.ErrorIds.Single());
    }

    [Fact]
    public void A_2xx_answer_with_status_error_is_a_failure_with_the_server_s_message()
    {
        _sandbox.Faults.Add(new Sandbox.Infrastructure.FaultRule
        {
            Method = "POST",
            PathPattern = "^/v0.1/apps/register$",
            Kind = Sandbox.Infrastructure.FaultKind.Status,
            StatusCode = 200,
            Body = "{\"status\":\"error\",\"message\":\"This repository is already registered\"}",
        });
        try
        {
            using var session = new PsSession(_sandbox);
            var result = session.Run(Defaults + "Register-BitriseApp -RepoUrl https://github.com/api_demo/again.git | Set-BitriseAppSshKey -PrivateKeyPath nothing-here");
            Assert.Equal("Bitrise.RequestFailed", result.ErrorIds.Single());
            Assert.Contains("This repository is already registered", result.AllErrors.Single().ToString(), StringComparison.Ordinal);
            Assert.Empty(result.Output);
        }
        finally
        {
            _sandbox.Faults.Clear();
        }
    }

    [Fact]
    public void Unknown_apps_are_NotFound_naming_the_slug_at_every_step()
    {
        var (privateKey, _) = BitriseTestData.OpenSshKey();
        using var session = new PsSession(_sandbox);
        session.Set("Key", PsSession.Secure(privateKey));
        var result = session.Run(Defaults + @"
            Set-BitriseAppSshKey -AppSlug 0000000000000001 -PrivateKey $Key
            Register-BitriseAppWebhook -AppSlug 0000000000000002
            Complete-BitriseApp -AppSlug 0000000000000003 -ProjectType ios -StackId osx");
        Assert.Equal(new[] { "Bitrise.NotFound", "Bitrise.NotFound", "Bitrise.NotFound" }, result.ErrorIds);
        for (var i = 0; i < 3; i++)
        {
            Assert.Contains($"'000000000000000{i + 1}'", result.Errors[i].ToString(), StringComparison.Ordinal);
            Assert.Equal($"000000000000000{i + 1}", result.Errors[i].TargetObject);
        }
    }

    [Fact]
    public void Registration_with_a_refused_token_is_Unauthorized()
    {
        using var session = new PsSession(_sandbox);
        session.Set("Wrong", PsSession.Secure("btr_pat_" + new string('1', 48)));
        var count = _sandbox.Bitrise.Apps.Count;
        var result = session.Run("Register-BitriseApp -RepoUrl https://github.com/a/b.git -Token $Wrong -BaseUri $Base");
        Assert.Equal("Bitrise.Unauthorized", result.ErrorIds.Single());
        Assert.Equal(System.Management.Automation.ErrorCategory.AuthenticationError, result.AllErrors.Single().CategoryInfo.Category);
        Assert.Equal(count, _sandbox.Bitrise.Apps.Count);
    }

    [Fact]
    public void WhatIf_on_each_setup_cmdlet_sends_nothing()
    {
        var (privateKey, _) = BitriseTestData.OpenSshKey();
        using var session = new PsSession(_sandbox);
        session.Set("Key", PsSession.Secure(privateKey));
        var before = _sandbox.Requests.All.Count;
        var apps = _sandbox.Bitrise.Apps.Count;
        var result = session.Run(Defaults + @"
            Register-BitriseApp -RepoUrl 'https://github.com/a/b.git' -WhatIf
            Set-BitriseAppSshKey -AppSlug 93f256e365d929d3 -PrivateKey $Key -WhatIf
            Register-BitriseAppWebhook -AppSlug 93f256e365d929d3 -WhatIf
            Complete-BitriseApp -AppSlug 93f256e365d929d3 -ProjectType ios -StackId osx -WhatIf");
        BitriseTestData.NoErrors(result);
        Assert.Empty(result.Output);
        Assert.Equal(before, _sandbox.Requests.All.Count);
        Assert.Equal(apps, _sandbox.Bitrise.Apps.Count);

        foreach (var name in new[] { "Register-BitriseApp", "Set-BitriseAppSshKey", "Register-BitriseAppWebhook", "Complete-BitriseApp" })
        {
            Assert.Equal(true, session.Run($"(Get-Command {name}).Parameters.ContainsKey('WhatIf')").Output.Single().BaseObject);
        }
    }

    [Fact]
    public void A_repository_URL_that_is_not_one_is_refused_before_any_request()
    {
        using var session = new PsSession(_sandbox);
        var before = _sandbox.Requests.All.Count;
        var result = session.Run(Defaults + "Register-BitriseApp -RepoUrl 'not a url'; Register-BitriseApp -RepoUrl ''");
        Assert.Equal(new[] { "Bitrise.InvalidArgument", "Bitrise.InvalidArgument" }, result.ErrorIds);
        Assert.Equal(before, _sandbox.Requests.All.Count);
    }
}
