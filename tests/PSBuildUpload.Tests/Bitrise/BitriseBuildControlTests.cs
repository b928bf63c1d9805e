using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Infrastructure;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;
using static PSBuildUpload.Tests.Bitrise.BitriseTestSupport;

namespace PSBuildUpload.Tests.Bitrise;

/// <summary>Start-, Stop- and Wait-BitriseBuild.</summary>
public sealed class BitriseBuildControlTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _sandbox;

    public BitriseBuildControlTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Fact]
    public void Start_sends_the_trigger_body_and_emits_the_keys_of_the_new_build()
    {
        var app = NewApp(_sandbox, "start");
        using var session = Connected(_sandbox);
        session.Set("Secret", PsSession.Secure("s3cr3t-$HOME"));
        _sandbox.Requests.Clear();
        var result = session.Run(
            $"Start-BitriseBuild -AppSlug {app.Slug} -Branch main -Workflow primary -CommitMessage 'Release 1.2' -TriggeredBy ci -Verbose " +
            "-Environment ([ordered]@{ API_URL = 'https://example.com/api'; SECRET = @{ Value = $Secret; IsExpand = $false } })");

        Assert.Empty(result.AllErrors);
        var started = Assert.Single(result.Output);
        Assert.Equal("PSBuildUpload.Engine.Bitrise.BitriseTriggeredBuild", started.TypeName());
        var build = _sandbox.Bitrise.BuildsOf(app.Slug).Single();
        Assert.Equal(app.Slug, started.P<string>("AppSlug"));
        Assert.Equal(build.Slug, started.P<string>("BuildSlug"));
        Assert.Equal(1L, started.P<long>("BuildNumber"));
        Assert.Equal("https://app.bitrise.io/build/" + build.Slug, started.P<string>("BuildUrl"));
        Assert.Equal("primary", started.P<string>("TriggeredWorkflow"));

        var post = Assert.Single(_sandbox.Requests.Matching("POST", $"/v0.1/apps/{app.Slug}/builds"));
        Assert.Equal("token " + _sandbox.Tokens.Bitrise, post.Header("Authorization"));
        var body = Json(post.BodyText);
        Assert.Equal("bitrise", body.GetProperty("hook_info").GetProperty("type").GetString());
        Assert.Equal("ci", body.GetProperty("triggered_by").GetString());
        var parameters = body.GetProperty("build_params");
        Assert.Equal("main", parameters.GetProperty("branch").GetString());
        Assert.Equal("primary", parameters.GetProperty("workflow_id").GetString());
        Assert.Equal("Release 1.2", parameters.GetProperty("commit_message").GetString());
        Assert.False(parameters.TryGetProperty("tag", out _));
        var environments = parameters.GetProperty("environments").EnumerateArray().ToArray();
        Assert.Equal(2, environments.Length);
        Assert.Equal(("API_URL", "https://example.com/api", true), (environments[0].GetProperty("mapped_to").GetString(), environments[0].GetProperty("value").GetString(), environments[0].GetProperty("is_expand").GetBoolean()));
        Assert.Equal(("SECRET", "s3cr3t-$HOME", false), (environments[1].GetProperty("mapped_to").GetString(), environments[1].GetProperty("value").GetString(), environments[1].GetProperty("is_expand").GetBoolean()));
        Assert.DoesNotContain("s3cr3t", result.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Start_reads_the_Swagger_shape_of_the_answer_too()
    {
        var app = NewApp(_sandbox, "results");
        using var session = Connected(_sandbox);
        _sandbox.Bitrise.TriggerAnswersWithResultsOnly = true;
        try
        {
            var result = session.Run($"Start-BitriseBuild -AppSlug {app.Slug} -Tag v1.0");
            Assert.Empty(result.AllErrors);
            var started = Assert.Single(result.Output);
            Assert.Equal(_sandbox.Bitrise.BuildsOf(app.Slug).Single().Slug, started.P<string>("BuildSlug"));
            Assert.Equal("primary", started.P<string>("TriggeredWorkflow"));
        }
        finally
        {
            _sandbox.Bitrise.TriggerAnswersWithResultsOnly = false;
        }
    }

    [Fact]
    public void A_2xx_answer_with_status_error_is_a_failure_and_a_trigger_is_never_sent_twice()
    {
        var app = NewApp(_sandbox, "errors");
        using var session = Connected(_sandbox);
        _sandbox.Requests.Clear();
        var error = session.Run($"Start-BitriseBuild -AppSlug {app.Slug} -Branch main -Workflow nosuchworkflow");
        Assert.Empty(error.Output);
        Assert.Equal("Bitrise.RequestFailed", error.ErrorIds.Single());
        Assert.Contains("workflow (nosuchworkflow) not found", error.Errors.Single().ToString(), StringComparison.Ordinal);
        Assert.Single(_sandbox.Requests.Matching("POST", $"/v0.1/apps/{app.Slug}/builds"));

        // A 500 may come after the build was created: not repeated. A 503 means the service did not act: repeated.
        _sandbox.Requests.Clear();
        _sandbox.Faults.Add("POST", $"^/v0.1/apps/{app.Slug}/builds$", FaultKind.Status, statusCode: 500);
        var failed = session.Run($"Start-BitriseBuild -AppSlug {app.Slug} -Branch main");
        Assert.Equal("Bitrise.ServerError", failed.ErrorIds.Single());
        Assert.Single(_sandbox.Requests.Matching("POST", $"/v0.1/apps/{app.Slug}/builds"));
        _sandbox.Faults.Clear();
        _sandbox.Faults.Add("POST", $"^/v0.1/apps/{app.Slug}/builds$", FaultKind.Status, statusCode: 503, retryAfter: "0");
        _sandbox.Requests.Clear();
        var unavailable = session.Run($"Start-BitriseBuild -AppSlug {app.Slug} -Branch main");
        _sandbox.Faults.Clear();
        Assert.Empty(unavailable.AllErrors);
        Assert.Equal(2, _sandbox.Requests.Matching("POST", $"/v0.1/apps/{app.Slug}/builds").Count);
        Assert.Single(_sandbox.Bitrise.BuildsOf(app.Slug));
    }

    [Fact]
    public void Bad_trigger_parameters_are_refused_before_any_request()
    {
        var app = NewApp(_sandbox, "bad");
        using var session = Connected(_sandbox);
        _sandbox.Requests.Clear();
        Assert.Equal("Bitrise.MissingBuildTarget", session.Run($"Start-BitriseBuild -AppSlug {app.Slug} -CommitMessage 'nothing to build'").ErrorIds.Single());
        Assert.Equal("Bitrise.InvalidEnvironment", session.Run($"Start-BitriseBuild -AppSlug {app.Slug} -Branch main -Environment @{{ '1BAD NAME' = 'x' }}").ErrorIds.Single());
        Assert.Equal("Bitrise.InvalidArgument", session.Run($"Start-BitriseBuild -AppSlug {app.Slug} -Branch ''").ErrorIds.Single());
        Assert.Empty(_sandbox.Requests.All);
    }

    [Fact]
    public void WhatIf_changes_nothing_and_the_confirm_impacts_are_as_documented()
    {
        var app = NewApp(_sandbox, "whatif");
        var running = Running(_sandbox, app.Slug);
        using var session = Connected(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run(
            $"Start-BitriseBuild -AppSlug {app.Slug} -Branch main -WhatIf; " +
            $"Stop-BitriseBuild -AppSlug {app.Slug} -BuildSlug {running.Slug} -WhatIf");
        Assert.Empty(result.AllErrors);
        Assert.Empty(result.Output);
        Assert.Empty(_sandbox.Requests.All);
        Assert.Equal(0, running.Status);

        var impacts = session.Run(
            "'Start-BitriseBuild','Stop-BitriseBuild','Set-BitriseArtifact','Remove-BitriseArtifact' | ForEach-Object { " +
            "$m = [System.Management.Automation.CommandMetadata]::new((Get-Command $_)); '{0}={1}:{2}' -f $_, $m.SupportsShouldProcess, $m.ConfirmImpact }");
        Assert.Equal(
            new[] { "Start-BitriseBuild=True:Medium", "Stop-BitriseBuild=True:Medium", "Set-BitriseArtifact=True:Medium", "Remove-BitriseArtifact=True:High" },
            impacts.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void Builds_in_progress_piped_into_Stop_are_aborted_with_all_three_fields()
    {
        var app = NewApp(_sandbox, "superseded");
        var first = Running(_sandbox, app.Slug);
        var second = Running(_sandbox, app.Slug);
        var queued = Running(_sandbox, app.Slug, onHold: true);
        var done = Finished(_sandbox, app.Slug);

        using var session = Connected(_sandbox);
        session.Set("app", app.Slug);
        _sandbox.Requests.Clear();
        var result = session.Run("Get-BitriseBuild -AppSlug $app -Status InProgress | Stop-BitriseBuild -Reason 'superseded'");

        Assert.Empty(result.AllErrors);
        Assert.Empty(result.Output);
        Assert.Equal("?status=0&limit=50", _sandbox.Requests.Matching("GET", $"/v0.1/apps/{app.Slug}/builds").Single().Query);
        var aborts = _sandbox.Requests.Matching("POST", $"/v0.1/apps/{app.Slug}/builds/");
        Assert.Equal(
            new[] { first.Slug, second.Slug, queued.Slug }.Order(),
            aborts.Select(a => a.Path.Split('/')[5]).Order());
        Assert.All(aborts, a =>
        {
            Assert.EndsWith("/abort", a.Path, StringComparison.Ordinal);
            Assert.Equal("{\"abort_reason\":\"superseded\",\"abort_with_success\":false,\"skip_notifications\":false}", a.BodyText);
        });
        Assert.All(new[] { first, second, queued }, b =>
        {
            Assert.Equal(3, b.Status);
            Assert.Equal("User api-demo requested to abort this build with reason: superseded", b.AbortReason);
        });
        Assert.Equal(1, done.Status);
    }

    [Fact]
    public void Stopping_a_finished_build_is_a_non_terminating_error_with_the_server_words()
    {
        var app = NewApp(_sandbox, "finished");
        var done = Finished(_sandbox, app.Slug);
        var running = Running(_sandbox, app.Slug);
        using var session = Connected(_sandbox);
        session.Set("app", app.Slug);
        var result = session.Run(
            $"'{done.Slug}', '{running.Slug}' | ForEach-Object {{ [pscustomobject]@{{ AppSlug = $app; BuildSlug = $_ }} }} | " +
            "Stop-BitriseBuild -AbortWithSuccess -SkipNotifications -PassThru");

        Assert.Null(result.Terminating);
        var error = Assert.Single(result.Errors);
        Assert.Equal("Bitrise.AbortRefused", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("Build already finished, can't abort it.", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(done.Slug, error.ToString(), StringComparison.Ordinal);

        var stopped = Assert.Single(result.Output);
        Assert.Equal(running.Slug, stopped.P<string>("BuildSlug"));
        Assert.Equal("AbortedWithSuccess", stopped.P("Status")!.ToString());
        var abort = _sandbox.Requests.Matching("POST", $"/v0.1/apps/{app.Slug}/builds/{running.Slug}/abort").Single();
        Assert.Equal("{\"abort_reason\":\"\",\"abort_with_success\":true,\"skip_notifications\":true}", abort.BodyText);
    }

    [Fact]
    public void Wait_emits_the_finished_build_and_shows_progress_meanwhile()
    {
        var app = NewApp(_sandbox, "wait");
        using var session = Connected(_sandbox);
        session.Set("app", app.Slug);
        _sandbox.Requests.Clear();
        var result = session.Run("Start-BitriseBuild -AppSlug $app -Branch main -Workflow primary | Wait-BitriseBuild");

        Assert.Empty(result.AllErrors);
        var build = Assert.Single(result.Output);
        Assert.Equal("PSBuildUpload.Engine.Bitrise.BitriseBuild", build.TypeName());
        Assert.Equal("Success", build.P("Status")!.ToString());
        Assert.NotNull(build.P("FinishedAt"));
        var polls = _sandbox.Requests.Matching("GET", $"/v0.1/apps/{app.Slug}/builds/");
        Assert.True(polls.Count >= 5, $"Only {polls.Count} polls.");
        Assert.Contains(result.Progress, p => p.StatusDescription.StartsWith("queued", StringComparison.Ordinal));
        Assert.Contains(result.Progress, p => p.StatusDescription.StartsWith("running", StringComparison.Ordinal));
        Assert.Contains(result.Progress, p => p.RecordType == System.Management.Automation.ProgressRecordType.Completed);
    }

    [Fact]
    public void A_wait_that_times_out_is_an_error_and_leaves_the_build_running()
    {
        var app = NewApp(_sandbox, "timeout");
        var running = Running(_sandbox, app.Slug);
        using var session = Connected(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run($"Wait-BitriseBuild -AppSlug {app.Slug} -BuildSlug {running.Slug} -Timeout 0.3");

        Assert.Empty(result.Output);
        Assert.Equal("Bitrise.WaitTimedOut", result.ErrorIds.Single());
        Assert.Equal("ignored", session.Run($"try {{ Wait-BitriseBuild -AppSlug {app.Slug} -BuildSlug {running.Slug} -Timeout 0.1 -ErrorAction SilentlyContinue; 'ignored' }} catch {{ 'terminating' }}").Output.Single().ToString());
        Assert.Empty(_sandbox.Requests.Matching("POST", "/v0.1/"));
        Assert.Equal(0, running.Status);
    }

    [Fact]
    public void AbortOnTimeout_aborts_the_build_when_the_wait_times_out()
    {
        var app = NewApp(_sandbox, "abort-timeout");
        var running = Running(_sandbox, app.Slug);
        using var session = Connected(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run($"Wait-BitriseBuild -AppSlug {app.Slug} -BuildSlug {running.Slug} -Timeout 0.3 -AbortOnTimeout");

        Assert.Equal("Bitrise.WaitTimedOut", result.ErrorIds.Single());
        Assert.Contains("aborted", result.Errors.Single().ToString(), StringComparison.Ordinal);
        var abort = _sandbox.Requests.Matching("POST", $"/v0.1/apps/{app.Slug}/builds/{running.Slug}/abort").Single();
        var body = Json(abort.BodyText);
        Assert.Contains("timed out", body.GetProperty("abort_reason").GetString(), StringComparison.Ordinal);
        Assert.False(body.GetProperty("abort_with_success").GetBoolean());
        Assert.Equal(3, running.Status);
    }

    [Fact]
    public async Task AbortOnTimeout_aborts_the_build_when_the_pipeline_is_stopped()
    {
        var app = NewApp(_sandbox, "abort-stop");
        var running = Running(_sandbox, app.Slug);
        var untouched = Running(_sandbox, app.Slug);
        using var session = Connected(_sandbox);

        // Without -AbortOnTimeout a stop leaves the build alone.
        var (plain, plainDone) = session.Start($"Wait-BitriseBuild -AppSlug {app.Slug} -BuildSlug {untouched.Slug}");
        await PolledAsync(untouched.Slug);
        plain.Stop();
        await plainDone;
        plain.Dispose();
        Assert.Equal(0, untouched.Status);

        var (shell, completion) = session.Start($"Wait-BitriseBuild -AppSlug {app.Slug} -BuildSlug {running.Slug} -AbortOnTimeout");
        await PolledAsync(running.Slug);
        shell.Stop();
        var result = await completion;
        shell.Dispose();

        Assert.Empty(result.Output);
        var abort = _sandbox.Requests.Matching("POST", $"/v0.1/apps/{app.Slug}/builds/{running.Slug}/abort").Single();
        Assert.Contains("stopped", Json(abort.BodyText).GetProperty("abort_reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, running.Status);
        Assert.Empty(_sandbox.Requests.Matching("POST", $"/v0.1/apps/{app.Slug}/builds/{untouched.Slug}/abort"));
    }

    [Fact]
    public void Wait_parameters_out_of_range_end_the_command_before_any_request()
    {
        using var session = Connected(_sandbox);
        _sandbox.Requests.Clear();
        var timeout = session.Run("try { Wait-BitriseBuild -AppSlug 669403bffbe35909 -BuildSlug 53e40ec7fccecd8f -Timeout 0 } catch { 'terminating ' + $_.FullyQualifiedErrorId }");
        Assert.StartsWith("terminating Bitrise.InvalidTimeout", Assert.Single(timeout.Output).ToString(), StringComparison.Ordinal);
        var poll = session.Run("Wait-BitriseBuild -AppSlug 669403bffbe35909 -BuildSlug 53e40ec7fccecd8f -PollInterval -1");
        Assert.Equal("Bitrise.InvalidPollInterval", poll.ErrorIds.Single());
        Assert.Empty(_sandbox.Requests.All);
    }

    [Fact]
    public void The_module_loads_the_table_views_of_builds_and_artifacts()
    {
        using var session = new PsSession();
        var result = session.Run("(Get-Module PSBuildUpload).ExportedFormatFiles | ForEach-Object { [IO.Path]::GetFileName($_) }");
        Assert.Empty(result.AllErrors);
        Assert.Contains("PSBuildUpload.Bitrise.Builds.Format.ps1xml", result.Output.Select(o => o.ToString()));

        // Throws FormatTableLoadException, with the faults, when the file does not load cleanly.
        _ = new System.Management.Automation.Runspaces.FormatTable(new[] { System.IO.Path.Combine(Repo.ModuleFolder, "PSBuildUpload.Bitrise.Builds.Format.ps1xml") });
    }

    private async Task PolledAsync(string buildSlug)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (_sandbox.Requests.All.Count(r => r.Method == "GET" && r.Path.EndsWith("/builds/" + buildSlug, StringComparison.Ordinal)) < 2)
        {
            await Task.Delay(20, limit.Token);
        }
    }
}
