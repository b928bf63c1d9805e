using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;

namespace PSBuildUpload.Tests.ProductScience;

public sealed class ProductSciencePipelineTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _sandbox;

    public ProductSciencePipelineTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Fact]
    public void Canonical_pipeline_uploads_the_file_byte_for_byte()
    {
        var apk = TestFiles.Create("app.apk", 300_000);
        using var session = new PsSession(_sandbox);
        session.Run("Connect-BuildService -Service ProductScience -Token $PsToken -BaseUri $Base");

        var result = session.Run($"New-UploadContext -Project demo | Submit-Build -Path {TestFiles.Quote(apk)} -BuildType APK -Name v5.2.8 -NoCiMetadata | Send-BuildFile");

        Assert.Empty(result.AllErrors);
        var upload = result.Output.Single();
        Assert.Equal("PSBuildUpload.Engine.ProductScience.BuildFileUpload", upload.TypeName());
        Assert.Equal(TestFiles.Sha256(apk), upload.P<string>("Sha256"));
        Assert.Equal(300_000, upload.P<long>("Length"));
        Assert.Equal("demo", upload.P<string>("Project"));
        Assert.Equal(apk, upload.P<string>("Path"));

        var build = _sandbox.ProductScience.Builds[upload.P<long>("BuildId")];
        Assert.Equal("FINISHED", build.UploadState);
        Assert.Equal("app.apk", build.BuildFileName);
        Assert.Equal("v5.2.8", build.Name);
        Assert.NotNull(build.ContextId);
        var stored = _sandbox.Storage.Get(build.StorageKey)!;
        Assert.Equal(upload.P<string>("Sha256"), stored.Sha256);
        Assert.Equal(1, _sandbox.Storage.UploadCount(build.StorageKey));
        Assert.Equal("application/octet-stream", stored.ContentType);
        Assert.Equal("300000", stored.Headers["Content-Length"]);
        Assert.Equal("0,1073741824", stored.Headers["X-Goog-Content-Length-Range"]);
        Assert.False(stored.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public void Each_step_emits_typed_objects_that_bind_to_the_next()
    {
        var apk = TestFiles.Create("app-play-release.apk", 4096);
        using var session = new PsSession(_sandbox);
        var context = session.Run("New-UploadContext -Project demo -Token $PsToken -BaseUri $Base").Output.Single();
        Assert.Equal("demo", context.P<string>("Project"));
        var contextId = context.P<long>("Id");
        Assert.True(contextId > 0);
        Assert.True((DateTimeOffset)context.P("DateCreated")! > DateTimeOffset.UtcNow.AddMinutes(-5));

        session.Set("ctx", context);
        var submitted = session.Run($"$ctx | Submit-Build -Path {TestFiles.Quote(apk)} -BuildType INSTRUMENTED_APK -Description 'nightly' -SourceControlId abc123 -SourceControlTimestamp '2024-03-07T14:55:43.540Z' -Token $PsToken -BaseUri $Base").Output.Single();
        Assert.Equal(contextId, submitted.P<long>("ContextId"));
        Assert.Equal(contextId, submitted.P<long>("Build.ContextId"));
        Assert.Equal("INSTRUMENTED_APK", submitted.P<string>("Build.BuildType"));
        Assert.Equal("UPLOADING", submitted.P<string>("Build.UploadState"));
        Assert.Equal(new DateTimeOffset(2024, 3, 7, 14, 55, 43, 540, TimeSpan.Zero), submitted.P("Build.SourceControlTimestamp"));
        Assert.Equal("PUT", submitted.P<string>("UploadSpec.Method"));
        Assert.DoesNotContain("X-Goog-Signature=", submitted.P<string>("UploadSpec.Url"), StringComparison.Ordinal);
        Assert.Equal(1073741824, submitted.P<long>("UploadSpec.MaximumLength"));

        var body = JsonDocument.Parse(_sandbox.ProductScience.Builds[submitted.P<long>("BuildId")].RequestJson).RootElement;
        Assert.Equal(contextId.ToString(System.Globalization.CultureInfo.InvariantCulture), body.GetProperty("contextId").GetString());
        Assert.Equal("app-play-release.apk", body.GetProperty("buildFileName").GetString());
        Assert.Equal("nightly", body.GetProperty("description").GetString());
        Assert.Equal("abc123", body.GetProperty("sourceControlId").GetString());
        Assert.Equal("2024-03-07T14:55:43.540Z", body.GetProperty("sourceControlIsoTimestamp").GetString());
    }

    [Fact]
    public void One_context_serves_an_APK_and_its_instrumented_twin()
    {
        var apk = TestFiles.Create("app.apk", 2048);
        var instrumented = TestFiles.Create("app-instrumented.apk", 3072);
        using var session = new PsSession(_sandbox);
        var result = session.Run($@"
            $PSDefaultParameterValues['*:BaseUri'] = $Base
            $PSDefaultParameterValues['*:Token'] = $PsToken
            $ctx = New-UploadContext -Project demo
            $ctx | Submit-Build -Path {TestFiles.Quote(apk)} -BuildType APK -NoCiMetadata | Send-BuildFile
            $ctx | Submit-Build -Path {TestFiles.Quote(instrumented)} -BuildType INSTRUMENTED_APK -NoCiMetadata | Send-BuildFile
            $ctx.Id");

        Assert.Empty(result.AllErrors);
        var contextId = (long)result.Output.Last().BaseObject;
        var uploads = result.Output.Where(o => o.TypeName().EndsWith("BuildFileUpload", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, uploads.Length);
        var builds = uploads.Select(u => _sandbox.ProductScience.Builds[u.P<long>("BuildId")]).ToArray();
        Assert.All(builds, b => Assert.Equal(contextId, b.ContextId));
        Assert.Equal(new[] { "APK", "INSTRUMENTED_APK" }, builds.Select(b => b.BuildType));
        Assert.Equal(TestFiles.Sha256(instrumented), uploads[1].P<string>("Sha256"));
    }

    [Fact]
    public void Without_a_context_no_contextId_is_sent()
    {
        var apk = TestFiles.Create("solo.apk", 1024);
        using var session = new PsSession(_sandbox);
        var result = session.Run($"Submit-Build -Project demo -Path {TestFiles.Quote(apk)} -BuildType APK -NoCiMetadata -Token $PsToken -BaseUri $Base");
        Assert.Empty(result.AllErrors);
        var submitted = result.Output.Single();
        Assert.Null(submitted.P("ContextId"));
        var body = JsonDocument.Parse(_sandbox.ProductScience.Builds[submitted.P<long>("BuildId")].RequestJson).RootElement;
        Assert.False(body.TryGetProperty("contextId", out _));
        Assert.False(body.TryGetProperty("sourceControlId", out _));
    }

    [Fact]
    public void Project_names_are_escaped_in_the_path()
    {
        _sandbox.ProductScience.AddProject("Démo App #1");
        using var session = new PsSession(_sandbox);
        var result = session.Run("New-UploadContext -Project 'Démo App #1' -Token $PsToken -BaseUri $Base");
        Assert.Empty(result.AllErrors);
        Assert.Equal("Démo App #1", result.Output.Single().P<string>("Project"));
        Assert.Contains(_sandbox.Requests.All, r => r.Path.StartsWith("/api/v1/projects/D", StringComparison.Ordinal) && r.Path.EndsWith("/build-uploads", StringComparison.Ordinal) && r.Method == "POST" && r.StatusCode == 200);
    }

    [Fact]
    public void WhatIf_sends_nothing()
    {
        var apk = TestFiles.Create("whatif.apk", 1024);
        using var session = new PsSession(_sandbox);
        var before = _sandbox.Requests.All.Count;
        var result = session.Run($@"
            New-UploadContext -Project demo -Token $PsToken -BaseUri $Base -WhatIf
            Submit-Build -Project demo -Path {TestFiles.Quote(apk)} -BuildType APK -Token $PsToken -BaseUri $Base -WhatIf -NoCiMetadata");
        Assert.Empty(result.AllErrors);
        Assert.Empty(result.Output);
        Assert.Equal(before, _sandbox.Requests.All.Count);
    }

    [Fact]
    public void Verbose_prints_one_line_per_request_with_status_and_time()
    {
        var apk = TestFiles.Create("verbose.apk", 1024);
        using var session = new PsSession(_sandbox);
        var result = session.Run($"New-UploadContext -Project demo -Token $PsToken -BaseUri $Base -Verbose | Submit-Build -Path {TestFiles.Quote(apk)} -BuildType APK -NoCiMetadata -Token $PsToken -BaseUri $Base -Verbose | Send-BuildFile -Verbose");
        Assert.Empty(result.AllErrors);
        var requestLines = result.Verbose.Where(v => v.Contains(" -> ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, requestLines.Length);
        Assert.Matches(@"^POST http://127\.0\.0\.1:\d+/api/v1/projects/demo/build-uploads -> 200 OK \(\d+ ms\)$", requestLines[0]);
        Assert.Matches(@"^POST http://127\.0\.0\.1:\d+/api/v1/projects/demo/builds -> 200 OK \(\d+ ms\)$", requestLines[1]);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(requestLines[2], @"^PUT http://localhost:\d+/storage/.+\?\*\*\* -> 200 OK \(\d+ ms, 1\.0 KiB sent\)$"), requestLines[2]);
    }
}
