using System;
using System.Linq;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Bitrise;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;

namespace PSBuildUpload.Tests.Bitrise;

public sealed class BitriseAppTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _sandbox;

    public BitriseAppTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Fact]
    public void Lists_all_apps_through_every_page()
    {
        for (var i = 0; i < 120; i++)
        {
            _sandbox.Bitrise.AddApp(new SbApp { Slug = BitriseEmulator.NewSlug(), Title = "bulk-" + i, Owner = _sandbox.Bitrise.Me });
        }

        using var session = new PsSession(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run("Get-BitriseApp -Token $BitriseToken -BaseUri $Base");

        Assert.Empty(result.AllErrors);
        Assert.Equal(_sandbox.Bitrise.Apps.Count, result.Output.Count);
        Assert.Equal(result.Output.Count, result.Output.Select(o => o.P<string>("AppSlug")).Distinct().Count());
        var pages = _sandbox.Requests.Matching("GET", "/v0.1/apps");
        Assert.Equal((_sandbox.Bitrise.Apps.Count + 49) / 50, pages.Count);
        Assert.All(pages, p => Assert.Contains("limit=50", p.Query, StringComparison.Ordinal));
        Assert.All(pages.Skip(1), p => Assert.Contains("next=", p.Query, StringComparison.Ordinal));
        Assert.All(pages, p => Assert.Equal("token " + _sandbox.Tokens.Bitrise, p.Header("Authorization")));
    }

    [Fact]
    public void First_stops_after_one_page_and_IncludeTotalCount_reports_the_total()
    {
        using var session = new PsSession(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run("Get-BitriseApp -First 1 -IncludeTotalCount -Token $BitriseToken -BaseUri $Base");
        Assert.Empty(result.AllErrors);
        Assert.Single(_sandbox.Requests.Matching("GET", "/v0.1/apps"));
        Assert.Contains("limit=1", _sandbox.Requests.All.Single().Query, StringComparison.Ordinal);
        Assert.Equal(2, result.Output.Count);
        Assert.Equal("PSBuildUpload.Engine.Bitrise.BitriseApp", result.Output[1].TypeName());
    }

    [Fact]
    public void One_app_by_slug_and_an_unknown_slug_is_NotFound()
    {
        using var session = new PsSession(_sandbox);
        var app = session.Run("Get-BitriseApp -AppSlug 93f256e365d929d3 -Token $BitriseToken -BaseUri $Base");
        Assert.Empty(app.AllErrors);
        Assert.Equal("sample-apps-ios-swift-xcode6", app.Output.Single().P<string>("Title"));
        Assert.Equal("APIDemoOrg", app.Output.Single().P<string>("Owner.Name"));

        var missing = session.Run("Get-BitriseApp -AppSlug 0000000000000000 -Token $BitriseToken -BaseUri $Base");
        Assert.Equal("Bitrise.NotFound", missing.ErrorIds.Single());
        Assert.Contains("0000000000000000", missing.AllErrors.Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_slug_is_refused_before_any_request()
    {
        using var session = new PsSession(_sandbox);
        var before = _sandbox.Requests.All.Count;
        var result = session.Run("Get-BitriseApp -AppSlug '../me' -Token $BitriseToken -BaseUri $Base");
        Assert.Equal("Bitrise.InvalidSlug", result.ErrorIds.Single());
        Assert.Equal(before, _sandbox.Requests.All.Count);
    }

    [Fact]
    public void Organization_apps_and_sorting_reach_the_server()
    {
        using var session = new PsSession(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run("Get-BitriseApp -OrganizationSlug e1ec3dea540bcf21 -SortBy CreatedAt -Token $BitriseToken -BaseUri $Base");
        Assert.Empty(result.AllErrors);
        Assert.All(result.Output, o => Assert.Equal("e1ec3dea540bcf21", o.P<string>("Owner.Slug")));
        var request = _sandbox.Requests.All.Single();
        Assert.Equal("/v0.1/organizations/e1ec3dea540bcf21/apps", request.Path);
        Assert.Contains("sort_by=created_at", request.Query, StringComparison.Ordinal);
    }
}
