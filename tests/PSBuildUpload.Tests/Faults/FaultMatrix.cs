using System;
using System.Collections.Generic;
using System.Linq;
using PSBuildUpload.Sandbox.Infrastructure;
using Xunit;

namespace PSBuildUpload.Tests.Faults;

/// <summary>
/// The fault matrix of issue 5: every kind of request the module makes, against every fault a network, a proxy or a
/// service can produce, with the outcome the module must reach. A new fault is one row; a new kind of request is one
/// column (and its driver in <see cref="RequestKinds"/>).
/// </summary>
internal static class FaultMatrix
{
    /// <summary>The columns, in the order of the cells of each row.</summary>
    public static readonly string[] Kinds =
        ["read", "appget", "context", "trigger", "submit", "patch", "delete", "abort", "put", "multipart", "download", "list", "follow", "wait"];

    // Cells:
    //   ok         the command succeeds (the fault's try is repeated, or needs no repeat); what the server stored is
    //              what was sent and exactly one resource exists.
    //   a word     the command fails with <Service>.<word>, the faulted request was not repeated and nothing was
    //              created twice. Conn = ConnectionFailed, Server = ServerError, Invalid = InvalidResponse, NonJson =
    //              NonJsonResponse, Stalled = TransferStalled, Unauth = Unauthorized, NoToken = TokenEmpty (Applivery's
    //              401), Redirect = RedirectNotFollowed (a 307 of a request with a body is not followed).
    //   -reason    the fault cannot apply to this kind, for the reason in NotApplicable (counted apart, never a pass).
    //
    // Columns: read = Get-BitriseApp -AppSlug (GET); appget = Get-AppliveryBuild -BuildId (GET); context =
    // New-UploadContext (POST, no body); trigger = Start-BitriseBuild (POST); submit = Submit-Build (POST); patch =
    // Set-BitriseArtifact (PATCH); delete = Remove-BitriseArtifact (DELETE); abort = Stop-BitriseBuild (POST …/abort);
    // put = Send-BuildFile (presigned PUT); multipart = Publish-AppliveryBuild; download = Save-BitriseArtifact
    // (expiring GET); list = Get-BitriseBuild (its second page); follow = Get-BitriseBuildLog -Follow (its second log
    // request); wait = Wait-BitriseBuild (its second poll).
    public static readonly FaultRow[] Faults =
    [
        //                                      read      appget    context   trigger   submit    patch     delete    abort     put       multipart download  list      follow    wait
        new("refused",                         "ok        ok        ok        ok        ok        ok        ok        ok        ok        ok        ok        ok        ok        ok", Inject.Refuse),
        new("reset before the answer",         "ok        ok        Conn      Conn      Conn      ok        ok        ok        ok        Conn      ok        ok        ok        ok", Inject.Fault(FaultKind.ResetBeforeResponse)),
        new("reset in the upload body",        "-get      -get      -nobody   Conn      Conn      ok        -get      ok        ok        ok        -get      -get      -get      -get", Inject.Fault(FaultKind.ResetDuringRequestBody)),
        new("reset in the download body",      "ok        ok        Conn      Conn      Conn      ok        ok        ok        -empty    Conn      ok        ok        ok        ok", Inject.Fault(FaultKind.ResetDuringResponseBody)),
        new("slower than the timeout",         "ok        ok        Timeout   Timeout   Timeout   ok        ok        ok        ok        Stalled   ok        ok        ok        ok", Inject.Slow),
        new("408",                             "ok        ok        Timeout   Timeout   Timeout   ok        ok        ok        ok        Timeout   ok        ok        ok        ok", Inject.Status(408)),
        new("429 Retry-After: 1",              "ok        ok        ok        ok        ok        ok        ok        ok        ok        ok        ok        ok        ok        ok", Inject.Status(429, retryAfter: "1")),
        new("429 Retry-After: <HTTP date>",    "ok        ok        ok        ok        ok        ok        ok        ok        ok        ok        ok        ok        ok        ok", Inject.Status(429, retryAfterDate: 2)),
        new("500",                             "ok        ok        Server    Server    Server    ok        ok        ok        ok        Server    ok        ok        ok        ok", Inject.Status(500)),
        new("502",                             "ok        ok        Server    Server    Server    ok        ok        ok        ok        Server    ok        ok        ok        ok", Inject.Status(502)),
        new("503",                             "ok        ok        ok        ok        ok        ok        ok        ok        ok        ok        ok        ok        ok        ok", Inject.Status(503)),
        new("504",                             "ok        ok        Server    Server    Server    ok        ok        ok        ok        Server    ok        ok        ok        ok", Inject.Status(504)),
        new("truncated JSON",                  "ok        ok        Invalid   Invalid   Invalid   ok        ok        ok        -empty    NonJson   ok        ok        ok        ok", Inject.Fault(FaultKind.TruncatedJson)),
        new("HTML page with 200",              "ok        ok        Invalid   Invalid   Invalid   ok        ok        ok        ok        NonJson   ok        ok        ok        ok", Inject.Fault(FaultKind.HtmlPage)),
        new("redirect to another host",        "Unauth    NoToken   Unauth    Redirect  Redirect  Redirect  Unauth    Redirect  Redirect  Redirect  ok        Unauth    Unauth    Unauth", Inject.Fault(FaultKind.RedirectToOtherHost)),
    ];

    /// <summary>Why a fault cannot apply to a kind of request.</summary>
    public static readonly IReadOnlyDictionary<string, string> NotApplicable = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["get"] = "the request has no body to break off (a GET or a DELETE)",
        ["nobody"] = "New-UploadContext's POST has an empty body (Content-Length: 0): nothing to break off",
        ["empty"] = "the storage answers an upload with an empty body: there is no answer body to cut or truncate",
    };

    /// <summary>The ErrorId reasons the cells abbreviate.</summary>
    public static readonly IReadOnlyDictionary<string, string> Reasons = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Conn"] = "ConnectionFailed",
        ["Timeout"] = "Timeout",
        ["Server"] = "ServerError",
        ["Invalid"] = "InvalidResponse",
        ["NonJson"] = "NonJsonResponse",
        ["Stalled"] = "TransferStalled",
        ["Unauth"] = "Unauthorized",
        ["NoToken"] = "TokenEmpty",
        ["Redirect"] = "RedirectNotFollowed",
    };

    public static FaultRow Row(string fault) => Faults.Single(f => f.Name == fault);

    /// <summary>The asserted cases of some columns: every pair whose cell is not "-reason".</summary>
    public static TheoryData<string, string> Cases(params string[] kinds)
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in kinds)
        {
            foreach (var row in Faults)
            {
                if (!row.OutcomeFor(kind).NotApplicable)
                {
                    data.Add(kind, row.Name);
                }
            }
        }

        return data;
    }
}

/// <summary>One row: a fault, how it is injected, and its outcome for every kind of request.</summary>
internal sealed class FaultRow
{
    private readonly string[] _cells;

    public FaultRow(string name, string cells, Inject injection)
    {
        Name = name;
        Injection = injection;
        _cells = cells.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    public string Name { get; }

    public Inject Injection { get; }

    public int CellCount => _cells.Length;

    public Outcome OutcomeFor(string kind)
    {
        var index = Array.IndexOf(FaultMatrix.Kinds, kind);
        if (index < 0 || index >= _cells.Length)
        {
            throw new ArgumentException($"The row '{Name}' has no cell for '{kind}'.", nameof(kind));
        }

        return Outcome.Parse(_cells[index]);
    }

    public override string ToString() => Name;
}

/// <summary>What a cell says.</summary>
internal sealed record Outcome(bool Succeeds, string? Reason, string? NotApplicableBecause)
{
    public bool NotApplicable => NotApplicableBecause is not null;

    public static Outcome Parse(string cell)
    {
        if (cell == "ok")
        {
            return new Outcome(true, null, null);
        }

        if (cell.StartsWith('-'))
        {
            return FaultMatrix.NotApplicable.TryGetValue(cell[1..], out var why)
                ? new Outcome(false, null, why)
                : throw new FormatException($"'{cell}': no such reason in FaultMatrix.NotApplicable.");
        }

        return FaultMatrix.Reasons.TryGetValue(cell, out var reason)
            ? new Outcome(false, reason, null)
            : throw new FormatException($"'{cell}' is neither ok, -reason, nor an abbreviation in FaultMatrix.Reasons.");
    }

    public override string ToString() => Succeeds ? "ok" : NotApplicable ? "n/a: " + NotApplicableBecause : Reason!;
}

/// <summary>How a row's fault is put in the way of a kind's request.</summary>
internal sealed record Inject(FaultKind? Kind, int StatusCode = 0, string? RetryAfter = null, int? RetryAfterDate = null, int DelayMs = 0)
{
    /// <summary>Connections refused: a relay stops listening (see <see cref="RequestKind.RefuseAfter"/>).</summary>
    public static readonly Inject Refuse = new((FaultKind?)null);

    /// <summary>The whole request is taken, and the answer comes long after the limits set by the fixture.</summary>
    public static readonly Inject Slow = new(FaultKind.SlowResponse, DelayMs: 8000);

    public bool Refuses => Kind is null;

    public static Inject Fault(FaultKind kind) => new(kind);

    public static Inject Status(int status, string? retryAfter = null, int? retryAfterDate = null) =>
        new(FaultKind.Status, status, retryAfter, retryAfterDate);

    /// <summary>The rule for one kind's target request.</summary>
    public FaultRule Rule(RequestKind kind, KindRun run) => new()
    {
        Method = kind.Method,
        PathPattern = run.TargetPath,
        Skip = kind.Skip,
        Kind = Kind!.Value,
        StatusCode = StatusCode,
        RetryAfter = RetryAfter,
        RetryAfterDateInSeconds = RetryAfterDate,
        DelayMs = DelayMs,
        AfterBytes = Kind == FaultKind.ResetDuringRequestBody ? kind.BodyCutAt : kind.AnswerCutAt,
        Times = 1,
    };
}
