using System;
using System.Linq;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;

namespace PSBuildUpload.Tests.Bitrise;

public sealed class BitriseAccountTests : IClassFixture<SandboxFixture>
{
    private const string OrgSlug = "e1ec3dea540bcf21";
    private const string SecondOrgSlug = "04da60feea593f6c";
    private readonly SandboxServer _sandbox;

    public BitriseAccountTests(SandboxFixture fixture)
    {
        _sandbox = fixture.Sandbox;
        _sandbox.Bitrise.AddOrganization(SecondOrgSlug, "SecondApiDemoOrg", avatar: 3);
        _sandbox.Bitrise.AddUser("5a9c0e8a3b7f2d11", "teammate");
    }

    [Fact]
    public void Get_BitriseUser_without_a_slug_is_the_token_s_own_user()
    {
        using var session = new PsSession(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run("Get-BitriseUser -Token $BitriseToken -BaseUri $Base");

        BitriseTestData.NoErrors(result);
        var me = result.Output.Single();
        Assert.Equal("PSBuildUpload.Engine.Bitrise.BitriseUser", me.TypeName());
        Assert.Equal("8e82ac7601178f17", me.P<string>("UserSlug"));
        Assert.Equal("api-demo", me.P<string>("Username"));
        Assert.Equal("api-demo@example.com", me.P<string>("Email"));
        Assert.IsType<DateTimeOffset>(me.P("CreatedAt"));
        var request = _sandbox.Requests.All.Single();
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v0.1/me", request.Path);
        Assert.Equal(string.Empty, request.Query);
        Assert.Equal("token " + _sandbox.Tokens.Bitrise, request.Header("Authorization"));
    }

    [Fact]
    public void Get_BitriseUser_by_slug_reads_users_slug()
    {
        using var session = new PsSession(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run("Get-BitriseUser -UserSlug 5a9c0e8a3b7f2d11 -Token $BitriseToken -BaseUri $Base");

        BitriseTestData.NoErrors(result);
        Assert.Equal("teammate", result.Output.Single().P<string>("Username"));
        Assert.Null(result.Output.Single().P("Email"));
        Assert.Equal("/v0.1/users/5a9c0e8a3b7f2d11", _sandbox.Requests.All.Single().Path);
    }

    [Fact]
    public void A_user_pipes_into_Get_BitriseApp_by_UserSlug()
    {
        using var session = new PsSession(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run("Get-BitriseUser -Token $BitriseToken -BaseUri $Base | Get-BitriseApp -Token $BitriseToken -BaseUri $Base");

        BitriseTestData.NoErrors(result);
        Assert.NotEmpty(result.Output);
        Assert.All(result.Output, app => Assert.Equal("8e82ac7601178f17", app.P<string>("Owner.Slug")));
        Assert.Equal(new[] { "/v0.1/me", "/v0.1/users/8e82ac7601178f17/apps" }, _sandbox.Requests.All.Select(r => r.Path));
    }

    [Fact]
    public void Get_BitriseOrganization_lists_the_organizations_and_each_pipes_into_Get_BitriseApp()
    {
        using var session = new PsSession(_sandbox);
        _sandbox.Requests.Clear();
        var orgs = session.Run("Get-BitriseOrganization -Token $BitriseToken -BaseUri $Base");
        BitriseTestData.NoErrors(orgs);
        Assert.Equal(new[] { OrgSlug, SecondOrgSlug }, orgs.Output.Select(o => o.P<string>("OrganizationSlug")).OrderByDescending(s => s == OrgSlug));
        Assert.Equal("PSBuildUpload.Engine.Bitrise.BitriseOrganization", orgs.Output[0].TypeName());
        Assert.Equal("APIDemoOrg", orgs.Output.Single(o => o.P<string>("OrganizationSlug") == OrgSlug).P<string>("Name"));
        Assert.EndsWith("/default_avatar-03.png", orgs.Output.Single(o => o.P<string>("OrganizationSlug") == SecondOrgSlug).P<string>("AvatarIconUrl"), StringComparison.Ordinal);
        Assert.Equal("/v0.1/organizations", _sandbox.Requests.All.Single().Path);

        _sandbox.Requests.Clear();
        var apps = session.Run("Get-BitriseOrganization -Token $BitriseToken -BaseUri $Base | Get-BitriseApp -Token $BitriseToken -BaseUri $Base");
        BitriseTestData.NoErrors(apps);
        Assert.Equal("93f256e365d929d3", apps.Output.Single().P<string>("AppSlug"));
        var paths = _sandbox.Requests.All.Select(r => r.Path).ToArray();
        Assert.Contains($"/v0.1/organizations/{OrgSlug}/apps", paths);
        Assert.Contains($"/v0.1/organizations/{SecondOrgSlug}/apps", paths);
        Assert.Equal(3, paths.Length);
    }

    [Fact]
    public void One_organization_by_slug_and_First_and_IncludeTotalCount_on_the_list()
    {
        using var session = new PsSession(_sandbox);
        _sandbox.Requests.Clear();
        var one = session.Run($"Get-BitriseOrganization -OrganizationSlug {OrgSlug} -Token $BitriseToken -BaseUri $Base");
        BitriseTestData.NoErrors(one);
        Assert.Equal("APIDemoOrg", one.Output.Single().P<string>("Name"));
        Assert.Equal(2, one.Output.Single().P<int>("ConcurrencyCount"));
        Assert.Equal("api-demo", session.Run($"(Get-BitriseOrganization {OrgSlug} -Token $BitriseToken -BaseUri $Base).Owners[0].Username").Output.Single().ToString());
        Assert.Equal($"/v0.1/organizations/{OrgSlug}", _sandbox.Requests.All[0].Path);

        var first = session.Run("$r = Get-BitriseOrganization -First 1 -IncludeTotalCount -Token $BitriseToken -BaseUri $Base; $r[0].ToString(); $r[1]; $r.Count");
        BitriseTestData.NoErrors(first);
        Assert.Equal("Total count: 2", first.Output[0].ToString());
        Assert.Equal("PSBuildUpload.Engine.Bitrise.BitriseOrganization", first.Output[1].TypeName());
        Assert.Equal(2, (int)first.Output[2].BaseObject);
    }

    [Fact]
    public void Unknown_slugs_are_NotFound_naming_the_slug()
    {
        using var session = new PsSession(_sandbox);
        var user = session.Run("Get-BitriseUser -UserSlug 00000000deadbeef -Token $BitriseToken -BaseUri $Base");
        Assert.Equal("Bitrise.NotFound", user.ErrorIds.Single());
        Assert.Contains("00000000deadbeef", user.AllErrors.Single().ToString(), StringComparison.Ordinal);
        Assert.Equal("00000000deadbeef", user.AllErrors.Single().TargetObject);

        var org = session.Run("Get-BitriseOrganization -OrganizationSlug 11111111deadbeef -Token $BitriseToken -BaseUri $Base");
        Assert.Equal("Bitrise.NotFound", org.ErrorIds.Single());
        Assert.Contains("No Bitrise organization with slug '11111111deadbeef'", org.AllErrors.Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_token_is_Unauthorized_and_ends_the_command()
    {
        using var session = new PsSession(_sandbox);
        session.Set("Wrong", PsSession.Secure("btr_pat_" + new string('0', 48)));
        foreach (var script in new[] { "Get-BitriseUser -Token $Wrong -BaseUri $Base", "Get-BitriseOrganization -Token $Wrong -BaseUri $Base" })
        {
            var result = session.Run(script);
            Assert.Equal("Bitrise.Unauthorized", result.ErrorIds.Single());
            Assert.Equal(System.Management.Automation.ErrorCategory.AuthenticationError, result.AllErrors.Single().CategoryInfo.Category);
            Assert.Empty(result.Output);
        }
    }

    [Fact]
    public void A_malformed_slug_is_refused_before_any_request()
    {
        using var session = new PsSession(_sandbox);
        var before = _sandbox.Requests.All.Count;
        var result = session.Run("Get-BitriseUser -UserSlug 'a/../b' -Token $BitriseToken -BaseUri $Base");
        Assert.Equal("Bitrise.InvalidSlug", result.ErrorIds.Single());
        Assert.Equal(before, _sandbox.Requests.All.Count);
    }
}
