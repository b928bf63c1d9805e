using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Sandbox.Infrastructure;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace PSBuildUpload.Tests.Faults;

/// <summary>
/// Runs one cell of <see cref="FaultMatrix"/> through the hosted engine and asserts its outcome. The cells are split
/// over a few classes, each with its own sandbox, so xUnit runs them in parallel.
/// </summary>
public abstract class FaultMatrixTests : IClassFixture<FaultMatrixFixture>
{
    private static int _runs;
    private readonly FaultMatrixFixture _fixture;

    protected FaultMatrixTests(FaultMatrixFixture fixture) => _fixture = fixture;

    protected async Task RunAsync(string kindName, string faultName)
    {
        var kind = RequestKinds.All[kindName];
        var row = FaultMatrix.Row(faultName);
        var expected = row.OutcomeFor(kindName);
        Assert.False(expected.NotApplicable, "Not applicable cells are not run.");

        var sandbox = _fixture.Sandbox;
        sandbox.Reset();
        _fixture.Api.Start();
        _fixture.Storage.Start();
        var id = Interlocked.Increment(ref _runs).ToString(CultureInfo.InvariantCulture);
        var run = kind.Prepare(_fixture, id);
        sandbox.Requests.Clear();

        FaultRule? rule = null;
        var relay = kind.OnStorage ? _fixture.Storage : _fixture.Api;
        if (row.Injection.Refuses)
        {
            if (run.RefuseAfter is { } after)
            {
                sandbox.Faults.Add(new FaultRule { Method = after.Method, PathPattern = after.Path, Kind = FaultKind.RefuseNextConnections });
            }
            else
            {
                relay.Refuse();
            }
        }
        else
        {
            rule = sandbox.Faults.Add(row.Injection.Rule(kind, run));
        }

        PsResult result;
        var refusedSeen = false;
        var (shell, completion) = _fixture.Session.Start(run.Script);
        using (shell)
        {
            if (row.Injection.Refuses)
            {
                // Listening again once a try has been refused, well inside the retries the connection allows.
                refusedSeen = await WaitForVerboseAsync(shell, completion, "connection refused");
                _fixture.Api.Start();
                _fixture.Storage.Start();
            }

            var finished = await Task.WhenAny(completion, Task.Delay(TimeSpan.FromSeconds(90)));
            if (finished != completion)
            {
                shell.Stop();
                Assert.Fail($"{kindName} × {faultName}: the command did not end within 90 s.");
            }

            result = await completion;
        }

        var requests = sandbox.Requests.All;
        var targeted = requests.Where(r => r.Method == kind.Method && Regex.IsMatch(r.Path, run.TargetPath)).ToArray();
        var because = $"{kindName} × {faultName} (expected {expected}); requests: {string.Join("; ", requests.Select(r => r.ToString()))}; errors: {string.Join(" | ", result.AllErrors)}; verbose: {string.Join(" | ", result.Verbose)}";

        if (row.Injection.Refuses)
        {
            Assert.True(refusedSeen, "No try was refused: " + because);
        }
        else
        {
            Assert.True(rule!.Applied == 1, "The fault was not injected: " + because);
        }

        // Whatever happened: the token never went to another host (the sandbox's own port is reached only by redirects).
        var direct = requests.Where(r => r.Host.EndsWith(":" + sandbox.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)).ToArray();
        Assert.All(direct, r => Assert.Null(r.Header("Authorization")));

        if (expected.Succeeds)
        {
            Assert.True(!result.AllErrors.Any(), "Expected success: " + because);
            run.Verify(result);
            if (run.Created is { } created)
            {
                Assert.True(created() == 1, $"Expected exactly one resource, found {created()}: " + because);
            }

            if (row.Injection.RetryAfter is not null || row.Injection.RetryAfterDate is not null)
            {
                var faulted = targeted.Single(r => r.Fault is not null);
                var next = targeted.First(r => r.ReceivedAt > faulted.ReceivedAt);
                var waited = next.ReceivedAt - faulted.EndedAt!.Value;
                Assert.True(waited >= TimeSpan.FromSeconds(0.9), $"Retry-After was not waited for ({waited.TotalSeconds:0.00} s): " + because);
            }
        }
        else
        {
            Assert.True(result.ErrorIds.SequenceEqual(new[] { kind.Service + "." + expected.Reason }), "Expected the one error " + kind.Service + "." + expected.Reason + ": " + because);
            if (!kind.Streams)
            {
                Assert.Empty(result.Output);
            }

            run.VerifyFailed?.Invoke(result);
            if (run.Created is { } created)
            {
                Assert.True(created() <= 1, $"A resource was created twice ({created()}): " + because);
                if (expected.Reason is not ("Unauthorized" or "TokenEmpty" or "RedirectNotFollowed"))
                {
                    // A create held back by the policy says so, so the user checks before running it again.
                    Assert.Contains("It was not sent again", result.AllErrors.Single().ToString(), StringComparison.Ordinal);
                }
            }

            // Not repeated: no request to the target on the faulted host after the faulted one.
            var faulted = targeted.Single(r => r.Fault is not null);
            Assert.DoesNotContain(targeted, r => r.Host == faulted.Host && r.ReceivedAt > faulted.ReceivedAt);
            if (expected.Reason is "RedirectNotFollowed")
            {
                // The body was not sent to the address the redirect named, and the message says where that was.
                Assert.DoesNotContain(direct, r => Regex.IsMatch(r.Path, run.TargetPath));
                Assert.Contains("nothing was sent there", result.AllErrors.Single().ToString(), StringComparison.Ordinal);
                Assert.Contains(":" + sandbox.Port.ToString(CultureInfo.InvariantCulture) + "/", result.AllErrors.Single().ToString(), StringComparison.Ordinal);
            }

            if (expected.Reason is "Unauthorized" or "TokenEmpty")
            {
                // Only a redirect leads there: followed, without the token.
                Assert.Contains(direct, r => Regex.IsMatch(r.Path, run.TargetPath));
                Assert.Contains("redirected to", result.AllErrors.Single().ToString(), StringComparison.Ordinal);
            }
        }
    }

    private static async Task<bool> WaitForVerboseAsync(PowerShell shell, Task completion, string text)
    {
        var watch = Stopwatch.StartNew();
        var seen = 0;
        while (watch.Elapsed < TimeSpan.FromSeconds(20) && !completion.IsCompleted)
        {
            var verbose = shell.Streams.Verbose;
            for (; seen < verbose.Count; seen++)
            {
                if (verbose[seen].Message.Contains(text, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            await Task.Delay(10);
        }

        return false;
    }
}

/// <summary>JSON reads and creates.</summary>
public sealed class FaultMatrixJsonTests(FaultMatrixFixture fixture) : FaultMatrixTests(fixture)
{
    public static readonly string[] Kinds = ["read", "appget", "context", "trigger", "submit"];

    public static TheoryData<string, string> Cases => FaultMatrix.Cases(Kinds);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Fault(string kind, string fault) => RunAsync(kind, fault);
}

/// <summary>JSON changes: PATCH, DELETE, abort.</summary>
public sealed class FaultMatrixChangeTests(FaultMatrixFixture fixture) : FaultMatrixTests(fixture)
{
    public static readonly string[] Kinds = ["patch", "delete", "abort"];

    public static TheoryData<string, string> Cases => FaultMatrix.Cases(Kinds);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Fault(string kind, string fault) => RunAsync(kind, fault);
}

/// <summary>File transfers: presigned PUT, multipart upload, streamed download.</summary>
public sealed class FaultMatrixTransferTests(FaultMatrixFixture fixture) : FaultMatrixTests(fixture)
{
    public static readonly string[] Kinds = ["put", "multipart", "download"];

    public static TheoryData<string, string> Cases => FaultMatrix.Cases(Kinds);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Fault(string kind, string fault) => RunAsync(kind, fault);
}

/// <summary>Requests that come in sequences: a paged list, a log follow, a build wait.</summary>
public sealed class FaultMatrixSequenceTests(FaultMatrixFixture fixture) : FaultMatrixTests(fixture)
{
    public static readonly string[] Kinds = ["list", "follow", "wait"];

    public static TheoryData<string, string> Cases => FaultMatrix.Cases(Kinds);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Fault(string kind, string fault) => RunAsync(kind, fault);
}

/// <summary>The table itself: complete, every kind driven and run by one class, the counts reported.</summary>
public sealed class FaultMatrixTableTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_pair_has_an_outcome_and_every_kind_is_run_by_one_class()
    {
        Assert.Equal(FaultMatrix.Kinds.OrderBy(k => k), RequestKinds.All.Keys.OrderBy(k => k));
        var classes = FaultMatrixJsonTests.Kinds.Concat(FaultMatrixChangeTests.Kinds).Concat(FaultMatrixTransferTests.Kinds).Concat(FaultMatrixSequenceTests.Kinds).ToArray();
        Assert.Equal(FaultMatrix.Kinds.OrderBy(k => k), classes.OrderBy(k => k));
        Assert.Equal(FaultMatrix.Faults.Length, FaultMatrix.Faults.Select(f => f.Name).Distinct().Count());

        var asserted = 0;
        var notApplicable = 0;
        foreach (var row in FaultMatrix.Faults)
        {
            Assert.True(row.CellCount == FaultMatrix.Kinds.Length, $"The row '{row.Name}' has {row.CellCount} cells for {FaultMatrix.Kinds.Length} kinds.");
            foreach (var kind in FaultMatrix.Kinds)
            {
                var outcome = row.OutcomeFor(kind);
                if (outcome.NotApplicable)
                {
                    notApplicable++;
                    output.WriteLine($"n/a  {kind,-10} × {row.Name}: {outcome.NotApplicableBecause}");
                }
                else
                {
                    asserted++;
                }
            }
        }

        output.WriteLine($"{FaultMatrix.Kinds.Length} kinds × {FaultMatrix.Faults.Length} faults = {asserted + notApplicable} pairs: {asserted} asserted, {notApplicable} not applicable.");
        Assert.Equal(asserted, classes.Sum(k => FaultMatrix.Cases(k).Count));
        Assert.Equal(FaultMatrix.Kinds.Length * FaultMatrix.Faults.Length, asserted + notApplicable);
    }
}
