using System;
using System.Linq;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Bitrise;
using PSBuildUpload.Sandbox.Infrastructure;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;
using static PSBuildUpload.Tests.Bitrise.BitriseTestSupport;

namespace PSBuildUpload.Tests.Bitrise;

/// <summary>Get-BitriseBuild: lists (paging, filters, sorting), one build, the document's data, errors.</summary>
public sealed class BitriseBuildTests : IClassFixture<SandboxFixture>
{
    private const string DocumentApp = "669403bffbe35909";
    private readonly SandboxServer _sandbox;

    public BitriseBuildTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Fact]
    public void A_list_of_120_builds_comes_back_whole_through_paging_and_First_7_fetches_exactly_one_page()
    {
        var app = NewApp(_sandbox, "bulk");
        for (var i = 0; i < 120; i++)
        {
            Finished(_sandbox, app.Slug, configure: b => b.TriggeredAt = DateTimeOffset.UtcNow.AddHours(-200 + i));
        }

        using var session = Connected(_sandbox);
        _sandbox.Requests.Clear();
        var all = session.Run($"Get-BitriseBuild -AppSlug {app.Slug}");

        Assert.Empty(all.AllErrors);
        Assert.Equal(120, all.Output.Count);
        Assert.All(all.Output, o => Assert.Equal("PSBuildUpload.Engine.Bitrise.BitriseBuild", o.TypeName()));
        Assert.All(all.Output, o => Assert.Equal(app.Slug, o.P<string>("AppSlug")));
        Assert.Equal(120, all.Output.Select(o => o.P<string>("BuildSlug")).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 120).Reverse().Select(n => (long)n), all.Output.Select(o => o.P<long>("BuildNumber")));
        var pages = _sandbox.Requests.Matching("GET", $"/v0.1/apps/{app.Slug}/builds");
        Assert.Equal(3, pages.Count);
        Assert.All(pages, p => Assert.Contains("limit=50", p.Query, StringComparison.Ordinal));
        Assert.DoesNotContain("next=", pages[0].Query, StringComparison.Ordinal);
        Assert.Contains("next=" + all.Output[50].P<string>("BuildSlug"), pages[1].Query, StringComparison.Ordinal);
        Assert.Contains("next=" + all.Output[100].P<string>("BuildSlug"), pages[2].Query, StringComparison.Ordinal);
        Assert.All(pages, p => Assert.Equal("token " + _sandbox.Tokens.Bitrise, p.Header("Authorization")));

        _sandbox.Requests.Clear();
        var seven = session.Run($"Get-BitriseBuild -AppSlug {app.Slug} -First 7");
        Assert.Empty(seven.AllErrors);
        Assert.Equal(Enumerable.Range(114, 7).Reverse().Select(n => (long)n), seven.Output.Select(o => o.P<long>("BuildNumber")));
        var page = Assert.Single(_sandbox.Requests.All);
        Assert.Equal($"/v0.1/apps/{app.Slug}/builds", page.Path);
        Assert.Equal("?limit=7", page.Query);
    }

    [Fact]
    public void Every_filter_reaches_the_server_as_the_API_spells_it()
    {
        var app = NewApp(_sandbox, "filters");
        var when = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
        var match = Finished(_sandbox, app.Slug, status: 2, configure: b =>
        {
            b.Branch = "develop";
            b.TriggeredWorkflow = "secondary";
            b.PullRequestId = 7;
            b.CommitMessage = "fix the login screen";
            b.TriggeredAt = when;
        });
        Finished(_sandbox, app.Slug, status: 2, configure: b => b.TriggeredAt = when);
        Finished(_sandbox, app.Slug, status: 1, configure: b => { b.Branch = "develop"; b.TriggeredAt = when; });

        using var session = Connected(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run(
            $"Get-BitriseBuild -AppSlug {app.Slug} -Status Failed -Branch develop -Workflow secondary -TriggerEventType PullRequest " +
            $"-CommitMessage 'login screen' -BuildNumber {match.BuildNumber} -SortBy CreatedAt " +
            "-After ([datetime]::SpecifyKind([datetime]'2024-05-01T00:00:00', 'Utc')) -Before ([datetimeoffset]'2024-05-02T00:00:00Z').UtcDateTime");

        Assert.Empty(result.AllErrors);
        var build = Assert.Single(result.Output);
        Assert.Equal(match.Slug, build.P<string>("BuildSlug"));
        Assert.Equal("Failed", build.P("Status")!.ToString());
        var query = Assert.Single(_sandbox.Requests.All).Query;
        foreach (var part in new[]
        {
            "status=2", "branch=develop", "workflow=secondary", "trigger_event_type=pull-request", "commit_message=login%20screen",
            "build_number=" + match.BuildNumber, "sort_by=created_at", "after=1714521600", "before=1714608000", "limit=50",
        })
        {
            Assert.Contains(part, query, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void RunningFirst_is_asked_for_without_paging_parameters()
    {
        using var session = Connected(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run($"Get-BitriseBuild -AppSlug {DocumentApp} -SortBy RunningFirst -First 3");

        Assert.Empty(result.AllErrors);
        Assert.Equal(3, result.Output.Count);
        Assert.Equal("InProgress", result.Output[0].P("Status")!.ToString());
        Assert.Equal(48L, result.Output[0].P<long>("BuildNumber"));
        var request = Assert.Single(_sandbox.Requests.All);
        Assert.Equal("?sort_by=running_first", request.Query);
    }

    [Fact]
    public void The_document_builds_come_back_as_typed_objects()
    {
        using var session = Connected(_sandbox);
        var one = session.Run($"Get-BitriseBuild -AppSlug {DocumentApp} -BuildSlug 3247e2920496e846");
        Assert.Empty(one.AllErrors);
        var build = Assert.Single(one.Output);
        Assert.Equal(10L, build.P<long>("BuildNumber"));
        Assert.Equal(DocumentApp, build.P<string>("AppSlug"));
        Assert.Equal("Aborted", build.P("Status")!.ToString());
        Assert.Equal("aborted", build.P<string>("StatusText"));
        Assert.Equal("User api-demo requested to abort this build with reason: This is an example abort build", build.P<string>("AbortReason"));
        Assert.Equal(new DateTimeOffset(2017, 5, 30, 15, 47, 32, TimeSpan.Zero), build.P("FinishedAt"));
        Assert.Equal(TimeSpan.FromSeconds(15), build.P("Duration"));
        Assert.Equal("Abort example", ((System.Collections.IDictionary)build.P("OriginalBuildParams")!)["commit_message"]);
        Assert.Equal(true, build.P("IsFinished"));

        var total = session.Run($"Get-BitriseBuild -AppSlug {DocumentApp} -IncludeTotalCount -First 2");
        Assert.Empty(total.AllErrors);
        Assert.Equal(3, total.Output.Count);
        Assert.Equal(48UL, total.Output[0].BaseObject);
    }

    [Fact]
    public void A_queued_build_is_InProgress_but_not_running()
    {
        var app = NewApp(_sandbox, "queue");
        var queued = Running(_sandbox, app.Slug, onHold: true);
        var running = Running(_sandbox, app.Slug);

        using var session = Connected(_sandbox);
        var result = session.Run($"Get-BitriseBuild -AppSlug {app.Slug} -Status InProgress");

        Assert.Empty(result.AllErrors);
        var q = result.Output.Single(o => o.P<string>("BuildSlug") == queued.Slug);
        var r = result.Output.Single(o => o.P<string>("BuildSlug") == running.Slug);
        Assert.Equal((true, false, "queued"), (q.P<bool>("IsQueued"), q.P<bool>("IsRunning"), q.P<string>("State")));
        Assert.Equal((false, true, "running"), (r.P<bool>("IsQueued"), r.P<bool>("IsRunning"), r.P<string>("State")));
        Assert.Null(q.P("Duration"));
        Assert.NotNull(r.P("Duration"));
    }

    [Fact]
    public void Unknown_slugs_are_NotFound_naming_the_slug()
    {
        using var session = Connected(_sandbox);
        var build = session.Run($"Get-BitriseBuild -AppSlug {DocumentApp} -BuildSlug 0000000000000000");
        Assert.Equal("Bitrise.NotFound", Assert.Single(build.ErrorIds));
        Assert.Contains("0000000000000000", build.Errors.Single().ToString(), StringComparison.Ordinal);

        var app = session.Run("Get-BitriseBuild -AppSlug 1111111111111111");
        Assert.Equal("Bitrise.NotFound", Assert.Single(app.ErrorIds));
        Assert.Contains("1111111111111111", app.Errors.Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_token_is_Unauthorized_403_is_Forbidden_and_429_is_retried_after_Retry_After()
    {
        using var session = new PsSession(_sandbox);
        session.Set("WrongToken", PsSession.Secure("not-the-token"));
        var refused = session.Run($"try {{ Get-BitriseBuild -AppSlug {DocumentApp} -Token $WrongToken -BaseUri $Base }} catch {{ 'terminating ' + $_.FullyQualifiedErrorId }}");
        Assert.StartsWith("terminating Bitrise.Unauthorized", Assert.Single(refused.Output).ToString(), StringComparison.Ordinal);

        using var connected = Connected(_sandbox);
        _sandbox.Faults.Add("GET", $"^/v0.1/apps/{DocumentApp}/builds$", FaultKind.Status, statusCode: 403);
        var forbidden = connected.Run($"Get-BitriseBuild -AppSlug {DocumentApp}");
        Assert.Equal("Bitrise.Forbidden", forbidden.ErrorIds.Single());

        _sandbox.Faults.Clear();
        _sandbox.Faults.Add("GET", $"^/v0.1/apps/{DocumentApp}/builds$", FaultKind.Status, statusCode: 429, retryAfter: "1");
        _sandbox.Requests.Clear();
        var limited = connected.Run($"Get-BitriseBuild -AppSlug {DocumentApp} -First 1");
        _sandbox.Faults.Clear();
        Assert.Empty(limited.AllErrors);
        Assert.Single(limited.Output);
        var tries = _sandbox.Requests.Matching("GET", $"/v0.1/apps/{DocumentApp}/builds");
        Assert.Equal(2, tries.Count);
        Assert.True(tries[1].ReceivedAt - tries[0].ReceivedAt >= TimeSpan.FromSeconds(0.9), "The retry did not wait for Retry-After.");
    }

    [Fact]
    public void Bad_filters_are_refused_before_any_request_each_with_its_own_ErrorId()
    {
        using var session = Connected(_sandbox);
        _sandbox.Requests.Clear();
        Assert.Equal("Bitrise.InvalidBuildNumber", session.Run($"Get-BitriseBuild -AppSlug {DocumentApp} -BuildNumber 0").ErrorIds.Single());
        Assert.Equal("Bitrise.InvalidDateRange", session.Run($"Get-BitriseBuild -AppSlug {DocumentApp} -After '2024-05-02' -Before '2024-05-01'").ErrorIds.Single());
        Assert.Equal("Bitrise.InvalidArgument", session.Run($"Get-BitriseBuild -AppSlug {DocumentApp} -Branch ''").ErrorIds.Single());
        Assert.Equal("Bitrise.InvalidSlug", session.Run("Get-BitriseBuild -AppSlug '../apps'").ErrorIds.Single());
        Assert.Equal("Bitrise.InvalidSlug", session.Run($"Get-BitriseBuild -AppSlug {DocumentApp} -BuildSlug 'a b'").ErrorIds.Single());
        Assert.Empty(_sandbox.Requests.All);
    }
}
