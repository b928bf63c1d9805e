using System;
using System.Linq;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Infrastructure;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;

namespace PSBuildUpload.Tests.Applivery;

/// <summary>Get-AppliveryBuild: one build by id, and the list, paged and streamed.</summary>
public sealed class AppliveryGetTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _sandbox;

    public AppliveryGetTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Fact]
    public void One_build_comes_from_the_api_path_as_a_typed_object()
    {
        var stored = _sandbox.Applivery.AddBuild("get-one", status: "processed", os: "ios");
        using var session = new PsSession(_sandbox);
        var result = session.Run($"Get-AppliveryBuild -BuildId {stored.Id} {AppliverySandbox.App}");

        Assert.Empty(result.AllErrors);
        var build = result.Output.Single();
        Assert.Equal("PSBuildUpload.Engine.Applivery.AppliveryBuild", build.TypeName());
        Assert.Equal(stored.Id, build.P<string>("Id"));
        Assert.Equal("get-one", build.P<string>("VersionName"));
        Assert.Equal("ios", build.P<string>("Os"));
        Assert.Equal("Demo App", build.P<string>("ApplicationInfo.Name"));
        Assert.Equal("Applivery", build.P<string>("StorageProvider.Name"));
        Assert.Equal(stored.CreatedAt.ToUnixTimeMilliseconds(), ((DateTimeOffset)build.P("CreatedAt")!).ToUnixTimeMilliseconds());
        var request = _sandbox.Requests.Matching("GET", "/v1/integrations/builds/" + stored.Id).Single();
        Assert.Equal("Bearer " + _sandbox.Tokens.AppliveryApp, request.Header("Authorization"));
    }

    [Fact]
    public void An_unknown_build_is_EntityNotFound_and_the_next_id_is_still_read()
    {
        var known = _sandbox.Applivery.AddBuild("known");
        using var session = new PsSession(_sandbox);
        var result = session.Run($"'65a1ffffffffffffffffffff', '{known.Id}' | Get-AppliveryBuild {AppliverySandbox.App}");

        Assert.Equal(known.Id, result.Output.Single().P<string>("Id"));
        var error = result.Errors.Single();
        Assert.Equal("Applivery.EntityNotFound", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains("Entity not found (Applivery error 3001)", error.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Contains("No build '65a1ffffffffffffffffffff'", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void The_list_is_read_page_by_page_with_the_filters_as_query_parameters()
    {
        var version = "list-" + Guid.NewGuid().ToString("N")[..8];
        var added = Enumerable.Range(0, 7).Select(_ => _sandbox.Applivery.AddBuild(version)).ToArray();
        _sandbox.Applivery.AddBuild("other-version");
        using var session = new PsSession(_sandbox);

        var result = session.Run($"Get-AppliveryBuild -VersionName {version} -PageSize 3 {AppliverySandbox.App}");

        Assert.Empty(result.AllErrors);
        Assert.Equal(added.Reverse().Select(b => b.Id), result.Output.Select(o => o.P<string>("Id")));
        var queries = _sandbox.Requests.Matching("GET", "/v1/integrations/builds")
            .Where(r => r.Path == "/v1/integrations/builds" && r.Query.Contains(version, StringComparison.Ordinal))
            .Select(r => r.Query)
            .ToArray();
        Assert.Equal(
            new[] { 1, 2, 3 }.Select(page => $"?versionName={version}&page={page}&limit=3"),
            queries);
    }

    [Fact]
    public void Status_and_Os_filter_the_list()
    {
        var version = "filter-" + Guid.NewGuid().ToString("N")[..8];
        _sandbox.Applivery.AddBuild(version, status: "processed", os: "ios");
        var wanted = _sandbox.Applivery.AddBuild(version, status: "error", os: "ios");
        _sandbox.Applivery.AddBuild(version, status: "error", os: "android");
        using var session = new PsSession(_sandbox);

        var result = session.Run($"Get-AppliveryBuild -VersionName {version} -Status ERROR -Os ios {AppliverySandbox.App}");

        Assert.Empty(result.AllErrors);
        Assert.Equal(wanted.Id, result.Output.Single().P<string>("Id"));
        Assert.Contains(_sandbox.Requests.All, r => r.Query == $"?versionName={version}&status=error&os=ios&page=1&limit=50");
    }

    [Fact]
    public void Builds_are_written_as_each_page_arrives()
    {
        var version = "stream-" + Guid.NewGuid().ToString("N")[..8];
        foreach (var _ in Enumerable.Range(0, 6))
        {
            _sandbox.Applivery.AddBuild(version);
        }

        using var session = new PsSession(_sandbox);

        // The second page is slow; the first page's builds must reach the next command before it comes.
        _sandbox.Faults.Add(new FaultRule { Method = "GET", PathPattern = "^/v1/integrations/builds$", Kind = FaultKind.Delay, DelayMs = 2000, Skip = 1, Times = 1 });
        var result = session.Run($"Get-AppliveryBuild -VersionName {version} -PageSize 3 {AppliverySandbox.App} | ForEach-Object {{ [DateTimeOffset]::UtcNow }}");

        Assert.Empty(result.AllErrors);
        var times = result.Output.Select(o => (DateTimeOffset)o.BaseObject).ToArray();
        Assert.Equal(6, times.Length);
        Assert.True(times[3] - times[2] > TimeSpan.FromSeconds(1.5), $"The first page was written {times[3] - times[2]} before the second: it was held back.");
    }

    [Fact]
    public void First_Skip_and_IncludeTotalCount_page_only_as_far_as_needed()
    {
        var version = "paging-" + Guid.NewGuid().ToString("N")[..8];
        var added = Enumerable.Range(0, 7).Select(_ => _sandbox.Applivery.AddBuild(version)).Reverse().ToArray();
        using var session = new PsSession(_sandbox);
        int ListRequests() => _sandbox.Requests.All.Count(r => r.Path == "/v1/integrations/builds" && r.Query.Contains(version, StringComparison.Ordinal));

        var before = ListRequests();
        var window = session.Run($"Get-AppliveryBuild -VersionName {version} -PageSize 3 -Skip 2 -First 4 {AppliverySandbox.App}");
        Assert.Empty(window.AllErrors);
        Assert.Equal(added.Skip(2).Take(4).Select(b => b.Id), window.Output.Select(o => o.P<string>("Id")));
        Assert.Equal(2, ListRequests() - before);

        before = ListRequests();
        var last = session.Run($"Get-AppliveryBuild -VersionName {version} -PageSize 3 -Skip 6 -IncludeTotalCount {AppliverySandbox.App}");
        Assert.Empty(last.AllErrors);
        Assert.Equal(7UL, last.Output[0].BaseObject);
        Assert.Equal(added[6].Id, last.Output.Skip(1).Single().P<string>("Id"));
        Assert.Equal(1, ListRequests() - before);
        Assert.Contains(_sandbox.Requests.All, r => r.Query.EndsWith("&page=3&limit=3", StringComparison.Ordinal) && r.Query.Contains(version, StringComparison.Ordinal));
    }

    [Fact]
    public void Listed_builds_pipe_into_Get_AppliveryBuild_by_Id()
    {
        var version = "pipe-" + Guid.NewGuid().ToString("N")[..8];
        var added = _sandbox.Applivery.AddBuild(version);
        using var session = new PsSession(_sandbox);
        var result = session.Run($"Get-AppliveryBuild -VersionName {version} {AppliverySandbox.App} | Get-AppliveryBuild {AppliverySandbox.App}");
        Assert.Empty(result.AllErrors);
        Assert.Equal(added.Id, result.Output.Single().P<string>("Id"));
        Assert.Single(_sandbox.Requests.Matching("GET", "/v1/integrations/builds/" + added.Id));
    }

    [Fact]
    public void The_Workspace_API_lists_and_reads_an_organizations_app()
    {
        _sandbox.Applivery.AddWorkspaceApp("other-org", "other-app");
        var version = "ws-" + Guid.NewGuid().ToString("N")[..8];
        var mine = _sandbox.Applivery.AddBuild(version, organizationId: "other-org", applicationId: "other-app");
        _sandbox.Applivery.AddBuild(version);
        using var session = new PsSession(_sandbox);

        var listed = session.Run($"Get-AppliveryBuild -VersionName {version} -OrganizationId other-org -ApplicationId other-app -Token $SaToken -BaseUri $Base");
        Assert.Empty(listed.AllErrors);
        var build = listed.Output.Single();
        Assert.Equal(mine.Id, build.P<string>("Id"));
        Assert.Equal("other-org", build.P<string>("OrganizationId"));
        Assert.Equal("other-app", build.P<string>("ApplicationId"));

        session.Set("b", build);
        var again = session.Run("$b | Get-AppliveryBuild -Token $SaToken -BaseUri $Base");
        Assert.Empty(again.AllErrors);
        Assert.Equal(mine.Id, again.Output.Single().P<string>("Id"));
        Assert.Single(_sandbox.Requests.Matching("GET", $"/v1/organizations/other-org/apps/other-app/builds/{mine.Id}"));

        var wrongToken = session.Run($"Get-AppliveryBuild -OrganizationId other-org -ApplicationId other-app {AppliverySandbox.App}");
        Assert.Equal("Applivery.TokenInvalid", wrongToken.ErrorIds.Single());
    }
}
