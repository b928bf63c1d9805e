using System;
using System.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PSBuildUpload.Sandbox.Bitrise;
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
        // Seeds for the benchmarks: an app with many finished builds, and a large generated artifact.
        app.MapPost("/_sandbox/bitrise/seed-builds", (int count) =>
        {
            var owner = sandbox.Bitrise.Me;
            var seeded = sandbox.Bitrise.AddApp(new SbApp { Slug = BitriseEmulator.NewSlug(), Title = $"seeded-{count}-builds", Owner = owner });
            var start = DateTimeOffset.UtcNow.AddDays(-30);
            for (var i = 1; i <= count; i++)
            {
                sandbox.Bitrise.AddBuild(new SbBuild
                {
                    AppSlug = seeded.Slug,
                    BuildNumber = i,
                    Status = i % 7 == 0 ? 2 : 1,
                    TriggeredAt = start.AddMinutes(i),
                    StartedOnWorkerAt = start.AddMinutes(i).AddSeconds(5),
                    FinishedAt = start.AddMinutes(i).AddSeconds(300),
                });
            }

            return Results.Json(new { appSlug = seeded.Slug });
        });
        app.MapPost("/_sandbox/bitrise/seed-artifact", (long length) =>
        {
            var seeded = sandbox.Bitrise.AddApp(new SbApp { Slug = BitriseEmulator.NewSlug(), Title = "seeded-artifact", Owner = sandbox.Bitrise.Me });
            var build = sandbox.Bitrise.AddBuild(new SbBuild { AppSlug = seeded.Slug, BuildNumber = 1, Status = 1, StartedOnWorkerAt = DateTimeOffset.UtcNow.AddMinutes(-5), FinishedAt = DateTimeOffset.UtcNow });
            var artifact = sandbox.Bitrise.AddGeneratedArtifact(build, "app-release.apk", length, "android-apk");
            return Results.Json(new { appSlug = seeded.Slug, buildSlug = build.Slug, artifactSlug = artifact.Slug, sha256 = sandbox.Storage.Get(artifact.StorageKey)!.Sha256 });
        });
        app.MapPost("/_sandbox/reset", () =>
        {
            sandbox.Reset();
            return Results.NoContent();
        });
    }
}
