using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace PSBuildUpload.Sandbox.Infrastructure;

/// <summary>The faults the sandbox can inject into a request.</summary>
[JsonConverter(typeof(JsonStringEnumConverter))]
public enum FaultKind
{
    /// <summary>Answer <see cref="FaultRule.StatusCode"/> (with Retry-After and a body when set) instead of the endpoint.</summary>
    Status,

    /// <summary>Wait <see cref="FaultRule.DelayMs"/> before the endpoint runs.</summary>
    Delay,

    /// <summary>Read the request, then close the connection without a response.</summary>
    ResetBeforeResponse,

    /// <summary>Read <see cref="FaultRule.AfterBytes"/> of the request body, then close the connection.</summary>
    ResetDuringRequestBody,

    /// <summary>Run the endpoint, send <see cref="FaultRule.AfterBytes"/> of its response body, then close the connection.</summary>
    ResetDuringResponseBody,

    /// <summary>
    /// Run the endpoint, send <see cref="FaultRule.AfterBytes"/> of its response body, then hold the rest for
    /// <see cref="FaultRule.DelayMs"/>: a transfer that is under way and stalls.
    /// </summary>
    StallDuringResponseBody,

    /// <summary>Run the endpoint and send only the first half of its JSON, with a matching Content-Length.</summary>
    TruncatedJson,

    /// <summary>Answer 200 with an HTML page, as a proxy or captive portal does.</summary>
    HtmlPage,

    /// <summary>Answer 307 to the same path on the other host name (localhost vs 127.0.0.1).</summary>
    RedirectToOtherHost,

    /// <summary>
    /// Take the whole request, then wait <see cref="FaultRule.DelayMs"/> before the endpoint runs: a server that has
    /// everything it needs and is slow to answer (unlike <see cref="Delay"/>, which does not read the body meanwhile).
    /// </summary>
    SlowResponse,

    /// <summary>
    /// Answer normally, closing this connection afterwards, and make the relay the request came through (one made by
    /// <see cref="SandboxServer.StartRelay"/>) refuse connections until the test starts it again: the request that
    /// follows this one is refused.
    /// </summary>
    RefuseNextConnections,
}

/// <summary>A fault applied to the requests that match it, <see cref="Times"/> times after skipping <see cref="Skip"/>.</summary>
public sealed class FaultRule
{
    /// <summary>HTTP method to match; null for any.</summary>
    public string? Method { get; set; }

    /// <summary>A regular expression matched against the request path.</summary>
    public string PathPattern { get; set; } = ".*";

    public FaultKind Kind { get; set; }

    public int StatusCode { get; set; } = 503;

    /// <summary>A Retry-After header value (seconds or an HTTP date).</summary>
    public string? RetryAfter { get; set; }

    /// <summary>Sends Retry-After as the HTTP date this many seconds after the answer (computed when it is sent).</summary>
    public int? RetryAfterDateInSeconds { get; set; }

    public string? Body { get; set; }

    public string? ContentType { get; set; }

    public int DelayMs { get; set; }

    public long AfterBytes { get; set; } = 64 * 1024;

    /// <summary>How many matching requests get the fault; -1 for all.</summary>
    public int Times { get; set; } = 1;

    /// <summary>How many matching requests pass untouched first.</summary>
    public int Skip { get; set; }

    [JsonIgnore]
    public int Seen { get; internal set; }

    [JsonIgnore]
    public int Applied { get; internal set; }

    internal bool Matches(string method, string path) =>
        (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
        && Regex.IsMatch(path, PathPattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public override string ToString() => $"{Kind}{(Kind == FaultKind.Status ? " " + StatusCode : string.Empty)} on {Method ?? "*"} {PathPattern}";
}

/// <summary>The switchboard of faults; thread-safe, first matching rule wins.</summary>
public sealed class FaultInjector
{
    private readonly List<FaultRule> _rules = new();
    private readonly object _lock = new();

    public FaultRule Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        lock (_lock)
        {
            _rules.Add(rule);
        }

        return rule;
    }

    /// <summary>Adds a rule: <c>sandbox.Faults.Add("PUT", "^/storage/", FaultKind.ResetDuringRequestBody)</c>.</summary>
    public FaultRule Add(string? method, string pathPattern, FaultKind kind, int statusCode = 503, string? retryAfter = null, int times = 1) =>
        Add(new FaultRule { Method = method, PathPattern = pathPattern, Kind = kind, StatusCode = statusCode, RetryAfter = retryAfter, Times = times });

    public void Clear()
    {
        lock (_lock)
        {
            _rules.Clear();
        }
    }

    public IReadOnlyList<FaultRule> Rules
    {
        get
        {
            lock (_lock)
            {
                return _rules.ToArray();
            }
        }
    }

    internal FaultRule? Take(string method, string path)
    {
        lock (_lock)
        {
            foreach (var rule in _rules.Where(r => r.Matches(method, path)))
            {
                if (rule.Times >= 0 && rule.Applied >= rule.Times)
                {
                    continue;
                }

                rule.Seen++;
                if (rule.Seen <= rule.Skip)
                {
                    continue;
                }

                rule.Applied++;
                return rule;
            }

            return null;
        }
    }
}
