using System.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PSBuildUpload.Sandbox.Infrastructure;

namespace PSBuildUpload.Sandbox;

/// <summary>
/// /_sandbox/*: lets a process outside (the Pester suite, the benchmarks' curl runs) read the tokens, switch faults
/// and read what was received. Loopback only, like the rest of the sandbox.
/// </summary>
internal static class ControlEndpoints
{
    public static void Map(WebApplication app, SandboxServer sandbox)
    {
        app.MapGet("/_sandbox/info", () => Results.Json(new
        {
            baseUri = sandbox.BaseUri.AbsoluteUri,
            otherHostUri = sandbox.OtherHostUri.AbsoluteUri,
            tokens = new
            {
                productScience = sandbox.Tokens.ProductScience,
                appliveryApp = sandbox.Tokens.AppliveryApp,
                appliveryServiceAccount = sandbox.Tokens.AppliveryServiceAccount,
                bitrise = sandbox.Tokens.Bitrise,
            },
        }));
        app.MapPost("/_sandbox/faults", (FaultRule rule) => Results.Json(sandbox.Faults.Add(rule), statusCode: 201));
        app.MapDelete("/_sandbox/faults", () =>
        {
            sandbox.Faults.Clear();
            return Results.NoContent();
        });
        app.MapGet("/_sandbox/requests", () => Results.Json(sandbox.Requests.All.Select(r => new { r.Method, r.Host, r.Path, r.Query, r.StatusCode, r.Fault, r.ReceivedAt })));
        app.MapGet("/_sandbox/storage", () => Results.Json(sandbox.Storage.Objects.Select(o => new { o.Key, o.Length, o.Sha256 })));
        app.MapPost("/_sandbox/reset", () =>
        {
            sandbox.Reset();
            return Results.NoContent();
        });
    }
}
