using System;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using PSBuildUpload.Engine.Connection;

namespace PSBuildUpload.Engine.Http;

/// <summary>How a try failed, as far as retrying is concerned.</summary>
internal enum FailureKind
{
    None,
    Status,
    ConnectionRefused,
    ConnectionBroken,
    Timeout,
    InvalidResponse,
}

/// <summary>The pure rules of retrying, kept apart from the sending so they can be tested one by one.</summary>
internal static class RetryPolicy
{
    public static bool IsTransientStatus(int status) =>
        status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;

    /// <summary>
    /// Whether sending the request again cannot do the server's work twice. Anything but a create is safe to repeat;
    /// a create (POST) only when the server surely did not act (see <see cref="SurelyNotActed"/>).
    /// </summary>
    public static bool IsRetryable(FailureKind failure, int? status, bool createsResource, AttemptState attempt)
    {
        switch (failure)
        {
            case FailureKind.Status when status is null || !IsTransientStatus(status.Value):
            case FailureKind.None:
                return false;
            default:
                return !createsResource || SurelyNotActed(failure, status, attempt);
        }
    }

    /// <summary>
    /// Whether a failed try surely did not reach the point where the server acts: the connection was refused, the
    /// body broke off before its end, or the server answered 429 or 503. Any other failure may have come after the
    /// server acted (its answer was lost, cut or unreadable).
    /// </summary>
    public static bool SurelyNotActed(FailureKind failure, int? status, AttemptState attempt) => failure switch
    {
        FailureKind.ConnectionRefused => true,
        FailureKind.Status => status is 429 or 503,
        FailureKind.ConnectionBroken or FailureKind.Timeout => attempt.HasBody && !attempt.BodyCompleted,
        _ => false,
    };

    public static FailureKind Classify(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is SocketException socket)
            {
                return socket.SocketErrorCode == SocketError.ConnectionRefused ? FailureKind.ConnectionRefused : FailureKind.ConnectionBroken;
            }

            if (x is TimeoutException)
            {
                return FailureKind.Timeout;
            }
        }

        return e is HttpRequestException || e is IOException || e.InnerException is IOException
            ? FailureKind.ConnectionBroken
            : FailureKind.None;
    }

    /// <summary>Reads Retry-After as delta-seconds or an HTTP date; null when absent or unreadable.</summary>
    public static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value!.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            var delta = date - now;
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        return null;
    }

    /// <summary>Capped exponential back-off with jitter: between half and all of base·2^(n-1), at most the cap.</summary>
    public static TimeSpan Backoff(int retryNumber, ServiceSettings settings, Random random)
    {
        var exponent = Math.Min(retryNumber - 1, 20);
        var ceiling = Math.Min(settings.RetryInterval.TotalMilliseconds * Math.Pow(2, exponent), settings.MaximumRetryInterval.TotalMilliseconds);
        var jittered = ceiling * (0.5 + (random.NextDouble() * 0.5));
        return TimeSpan.FromMilliseconds(Math.Max(0, jittered));
    }
}
