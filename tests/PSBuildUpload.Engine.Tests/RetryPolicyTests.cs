using System;
using PSBuildUpload.Engine.Connection;
using PSBuildUpload.Engine.Http;
using Xunit;

namespace PSBuildUpload.Engine.Tests;

public sealed class RetryPolicyTests
{
    private static AttemptState Attempt(bool hasBody, bool completed) => new() { HasBody = hasBody, BodyCompleted = completed };

    [Theory]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(409, false)]
    public void Reads_and_changes_repeat_transient_statuses_only(int status, bool expected)
    {
        Assert.Equal(expected, RetryPolicy.IsRetryable(FailureKind.Status, status, createsResource: false, Attempt(false, false)));
    }

    [Theory]
    [InlineData(429, true)]
    [InlineData(503, true)]
    [InlineData(408, false)]
    [InlineData(500, false)]
    [InlineData(502, false)]
    [InlineData(504, false)]
    public void Creates_repeat_only_when_the_server_surely_did_not_act(int status, bool expected)
    {
        Assert.Equal(expected, RetryPolicy.IsRetryable(FailureKind.Status, status, createsResource: true, Attempt(true, true)));
    }

    [Fact]
    public void A_create_is_repeated_after_a_refused_connection_or_a_body_that_broke_off()
    {
        Assert.True(RetryPolicy.IsRetryable(FailureKind.ConnectionRefused, null, true, Attempt(true, false)));
        Assert.True(RetryPolicy.IsRetryable(FailureKind.ConnectionBroken, null, true, Attempt(hasBody: true, completed: false)));
        Assert.False(RetryPolicy.IsRetryable(FailureKind.ConnectionBroken, null, true, Attempt(hasBody: true, completed: true)));
        Assert.False(RetryPolicy.IsRetryable(FailureKind.ConnectionBroken, null, true, Attempt(hasBody: false, completed: false)));
        Assert.False(RetryPolicy.IsRetryable(FailureKind.Timeout, null, true, Attempt(true, true)));
        Assert.False(RetryPolicy.IsRetryable(FailureKind.InvalidResponse, 200, true, Attempt(true, true)));
        Assert.True(RetryPolicy.IsRetryable(FailureKind.InvalidResponse, 200, false, Attempt(false, false)));
    }

    [Fact]
    public void Only_a_refusal_a_body_cut_before_its_end_429_and_503_surely_left_the_server_idle()
    {
        Assert.True(RetryPolicy.SurelyNotActed(FailureKind.ConnectionRefused, null, Attempt(false, false)));
        Assert.True(RetryPolicy.SurelyNotActed(FailureKind.Status, 429, Attempt(true, true)));
        Assert.True(RetryPolicy.SurelyNotActed(FailureKind.Status, 503, Attempt(true, true)));
        Assert.True(RetryPolicy.SurelyNotActed(FailureKind.ConnectionBroken, null, Attempt(hasBody: true, completed: false)));
        Assert.True(RetryPolicy.SurelyNotActed(FailureKind.Timeout, null, Attempt(hasBody: true, completed: false)));

        Assert.False(RetryPolicy.SurelyNotActed(FailureKind.Status, 500, Attempt(true, true)));
        Assert.False(RetryPolicy.SurelyNotActed(FailureKind.Status, 408, Attempt(true, true)));
        Assert.False(RetryPolicy.SurelyNotActed(FailureKind.ConnectionBroken, null, Attempt(hasBody: true, completed: true)));
        Assert.False(RetryPolicy.SurelyNotActed(FailureKind.ConnectionBroken, null, Attempt(hasBody: false, completed: false)));
        Assert.False(RetryPolicy.SurelyNotActed(FailureKind.Timeout, null, Attempt(hasBody: false, completed: false)));
        Assert.False(RetryPolicy.SurelyNotActed(FailureKind.InvalidResponse, 200, Attempt(true, true)));
    }

    [Fact]
    public void Retry_After_is_read_as_seconds_or_as_an_HTTP_date()
    {
        var now = new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(3), RetryPolicy.ParseRetryAfter("3", now));
        Assert.Equal(TimeSpan.FromSeconds(1.5), RetryPolicy.ParseRetryAfter(" 1.5 ", now));
        Assert.Equal(TimeSpan.FromSeconds(7), RetryPolicy.ParseRetryAfter("Tue, 24 Nov 2026 06:00:07 GMT", now));
        Assert.Equal(TimeSpan.Zero, RetryPolicy.ParseRetryAfter("Tue, 24 Nov 2026 05:00:00 GMT", now));
        Assert.Null(RetryPolicy.ParseRetryAfter("soon", now));
        Assert.Null(RetryPolicy.ParseRetryAfter(null, now));
        Assert.Null(RetryPolicy.ParseRetryAfter("-4", now));
    }

    [Fact]
    public void Backoff_doubles_with_jitter_and_stops_at_the_cap()
    {
        var settings = new ServiceSettings { RetryInterval = TimeSpan.FromSeconds(1), MaximumRetryInterval = TimeSpan.FromSeconds(10) };
        var random = new Random(42);
        for (var n = 1; n <= 8; n++)
        {
            var ceiling = Math.Min(Math.Pow(2, n - 1), 10);
            for (var i = 0; i < 50; i++)
            {
                var delay = RetryPolicy.Backoff(n, settings, random).TotalSeconds;
                Assert.InRange(delay, ceiling / 2, ceiling);
            }
        }
    }
}
