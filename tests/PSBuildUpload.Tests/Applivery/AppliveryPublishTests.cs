using System;
using System.Collections.Generic;
using System.Linq;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Applivery;
using PSBuildUpload.Sandbox.Infrastructure;
using PSBuildUpload.Tests.Infrastructure;
using PSBuildUpload.Tests.ProductScience;
using Xunit;
using static PSBuildUpload.Tests.Applivery.AppliveryFiles;

namespace PSBuildUpload.Tests.Applivery;

public sealed class AppliveryPublishTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _sandbox;

    public AppliveryPublishTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Fact]
    public void Every_field_reaches_the_sandbox_with_its_name_and_value()
    {
        var ipa = Build("app.ipa", 200_000);
        var icon = Png();
        using var session = new PsSession(_sandbox);
        var result = session.Run($@"
            Publish-AppliveryBuild -Path {Q(ipa)} {AppliverySandbox.App} -NoCiMetadata `
                -BuildPlatform ios -PackageName com.example.app -PackageVersion 2.4.0 -PackageIcon {Q(icon)} `
                -VersionName v2.4.0-rc1 -Tag staging, sprint-42 -Changelog 'Fixed crash on login screen' `
                -NotifyCollaborators -NotifyEmployees:$false -NotifyMessage 'New build ready for QA' -NotifyLanguage EN `
                -NotifyFilter @(@('group1', 'group2'), @('group3')) `
                -DeployerName 'GitHub Actions' -CommitMessage 'Fix crash on login' -Commit f52ace0 -Branch release/2.4 -GitTag v2.4.0-rc1 `
                -TriggerTimestamp 1558359012580 -BuildUrl https://github.com/myorg/myapp/actions/runs/123 `
                -CiUrl https://github.com/myorg/myapp/actions -RepositoryUrl https://github.com/myorg/myapp -BuildNumber 173");

        Assert.Empty(result.AllErrors);
        var upload = _sandbox.Applivery.LastUpload!;
        Assert.Equal("Integrations", upload.Api);
        var expected = new KeyValuePair<string, string>[]
        {
            new("buildPlatform", "ios"),
            new("packageName", "com.example.app"),
            new("packageVersion", "2.4.0"),
            new("versionName", "v2.4.0-rc1"),
            new("tags", "staging,sprint-42"),
            new("changelog", "Fixed crash on login screen"),
            new("notifyCollaborators", "true"),
            new("notifyEmployees", "false"),
            new("notifyMessage", "New build ready for QA"),
            new("notifyLanguage", "en"),
            new("filter[0][0]", "group1"),
            new("filter[0][1]", "group2"),
            new("filter[1][0]", "group3"),
            new("deployer.name", "GitHub Actions"),
            new("deployer.info.commitMessage", "Fix crash on login"),
            new("deployer.info.commit", "f52ace0"),
            new("deployer.info.branch", "release/2.4"),
            new("deployer.info.tag", "v2.4.0-rc1"),
            new("deployer.info.triggerTimestamp", "1558359012580"),
            new("deployer.info.buildUrl", "https://github.com/myorg/myapp/actions/runs/123"),
            new("deployer.info.ciUrl", "https://github.com/myorg/myapp/actions"),
            new("deployer.info.repositoryUrl", "https://github.com/myorg/myapp"),
            new("deployer.info.buildNumber", "173"),
        };
        Assert.Equal(expected, upload.Fields);

        // The files come last, so a server reading in order knows every field when the build arrives.
        Assert.Equal(expected.Select(f => f.Key).Append("packageIcon").Append("build"), upload.PartNames);
        Assert.Equal(new[] { new[] { "group1", "group2" }, new[] { "group3" } }, upload.Filter.Select(c => c.ToArray()));
        Assert.Equal(new[] { "staging", "sprint-42" }, upload.Tags);
        Assert.Equal("f52ace0", upload.Deployer["info.commit"]);
        Assert.Equal("GitHub Actions", upload.Deployer["name"]);

        Assert.Equal("app.ipa", upload.Build!.FileName);
        Assert.Equal(200_000, upload.Build.Length);
        Assert.Equal(TestFiles.Sha256(ipa), upload.Build.Sha256);
        Assert.Equal("application/octet-stream", upload.Build.ContentType);
        Assert.Equal("icon.png", upload.PackageIcon!.FileName);
        Assert.Equal("image/png", upload.PackageIcon.ContentType);
        Assert.Equal(TestFiles.Sha256(icon), upload.PackageIcon.Sha256);
        Assert.StartsWith("multipart/form-data", upload.RequestContentType, StringComparison.Ordinal);
        Assert.NotNull(upload.RequestContentLength);

        var requests = _sandbox.Requests.Matching("POST", "/v1/integrations/builds");
        Assert.Equal("Bearer " + _sandbox.Tokens.AppliveryApp, requests[^1].Header("Authorization"));

        var build = result.Output.Single();
        Assert.Equal("PSBuildUpload.Engine.Applivery.AppliveryBuild", build.TypeName());
        var stored = _sandbox.Applivery.Builds[build.P<string>("Id")];
        Assert.Same(upload, stored.Upload);
        Assert.Equal("pending", build.P<string>("Status"));
        Assert.Equal("v2.4.0-rc1", build.P<string>("VersionName"));
        Assert.Equal(new[] { "staging", "sprint-42" }, (string[])build.P("Tags")!);
        Assert.Equal("ios", build.P<string>("Os"));
        Assert.Equal(200_000L, build.P<long>("Size"));
        Assert.Equal(AppliveryEmulator.DefaultApplicationId, build.P<string>("Application"));
        Assert.Equal("GitHub Actions", build.P<string>("Deployer.Name"));
        Assert.Equal("release/2.4", build.P<string>("Deployer.Info.Branch"));
        Assert.Equal("1558359012580", build.P<string>("Deployer.Info.TriggerTimestamp"));
        Assert.Equal("ci@example.com", build.P<string>("UploadedBy.Email"));
        Assert.IsType<DateTimeOffset>(build.P("CreatedAt"));
        Assert.Null(build.P("OrganizationId"));

        var text = result.AllText();
        Assert.DoesNotContain(_sandbox.Tokens.AppliveryApp, text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_custom_platform_build_carries_its_package_fields_and_icon()
    {
        var zip = Build("console-build.zip", 10_000);
        var icon = Png("icon.jpg.png");
        using var session = new PsSession(_sandbox);
        var result = session.Run($"Publish-AppliveryBuild {Q(zip)} -BuildPlatform ps5 -PackageName com.example.game -PackageVersion 1.2.3 -PackageIcon {Q(icon)} -NoCiMetadata {AppliverySandbox.App}");

        Assert.Empty(result.AllErrors);
        var upload = _sandbox.Applivery.LastUpload!;
        Assert.Equal("ps5", upload.Field("buildPlatform"));
        Assert.Equal("com.example.game", upload.Field("packageName"));
        Assert.Equal("1.2.3", upload.Field("packageVersion"));
        Assert.Equal(TestFiles.Sha256(icon), upload.PackageIcon!.Sha256);
        Assert.Equal(new[] { "buildPlatform", "packageName", "packageVersion", "packageIcon", "build" }, upload.PartNames);
        Assert.Equal("ps5", result.Output.Single().P<string>("Os"));
    }

    [Fact]
    public void Only_given_fields_are_sent()
    {
        var apk = Build("plain.apk");
        using var session = new PsSession(_sandbox);
        var result = session.Run($"Publish-AppliveryBuild -Path {Q(apk)} -NoCiMetadata -VersionName '' {AppliverySandbox.App}");
        Assert.Empty(result.AllErrors);
        Assert.Equal(new[] { "build" }, _sandbox.Applivery.LastUpload!.PartNames);
    }

    [Fact]
    public void A_file_name_outside_ASCII_arrives_intact()
    {
        var apk = Build("Démo ünïcode.apk");
        using var session = new PsSession(_sandbox);
        var result = session.Run($"Publish-AppliveryBuild -Path {Q(apk)} -NoCiMetadata {AppliverySandbox.App}");
        Assert.Empty(result.AllErrors);
        Assert.Equal("Démo ünïcode.apk", _sandbox.Applivery.LastUpload!.Build!.FileName);
    }

    [Fact]
    public void Files_bind_from_the_pipeline_by_FullName_and_each_is_uploaded()
    {
        var first = Build("one.apk");
        var second = Build("two.ipa");
        using var session = new PsSession(_sandbox);
        var result = session.Run($"[pscustomobject]@{{ FullName = {Q(first)} }}, [pscustomobject]@{{ FullName = {Q(second)} }} | Publish-AppliveryBuild -NoCiMetadata {AppliverySandbox.App}");
        Assert.Empty(result.AllErrors);
        Assert.Equal(new[] { "android", "ios" }, result.Output.Select(o => o.P<string>("Os")));
    }

    [Fact]
    public void Workspace_upload_goes_to_the_organization_path_with_the_service_account_token()
    {
        var apk = Build("workspace.apk");
        using var session = new PsSession(_sandbox);
        var result = session.Run($"Publish-AppliveryBuild -Path {Q(apk)} -NoCiMetadata -VersionName ws-1 {AppliverySandbox.Workspace}");

        Assert.Empty(result.AllErrors);
        var upload = _sandbox.Applivery.LastUpload!;
        Assert.Equal("Workspace", upload.Api);
        Assert.Equal(AppliveryEmulator.DefaultOrganizationId, upload.OrganizationId);
        Assert.Equal("ws-1", upload.Field("versionName"));
        var request = _sandbox.Requests.Matching("POST", $"/v1/organizations/{AppliveryEmulator.DefaultOrganizationId}/apps/{AppliveryEmulator.DefaultApplicationId}/builds").Single();
        Assert.Equal("Bearer " + _sandbox.Tokens.AppliveryServiceAccount, request.Header("Authorization"));

        var build = result.Output.Single();
        Assert.Equal(AppliveryEmulator.DefaultOrganizationId, build.P<string>("OrganizationId"));
        Assert.Equal(AppliveryEmulator.DefaultApplicationId, build.P<string>("ApplicationId"));
        Assert.Equal("deploy-bot@sa.applivery.io", build.P<string>("UploadedBy.Email"));
    }

    [Fact]
    public void Each_token_works_only_on_its_own_API()
    {
        var apk = Build("scope.apk");
        using var session = new PsSession(_sandbox);

        var before = AppliverySandbox.Requests(_sandbox);

        // A refused token ends the command: the second file is not tried.
        var appOnWorkspace = session.Run($"{Q(apk)}, {Q(apk)} | Publish-AppliveryBuild -NoCiMetadata -Token $AppToken -BaseUri $Base -OrganizationId {AppliveryEmulator.DefaultOrganizationId} -ApplicationId {AppliveryEmulator.DefaultApplicationId}");
        Assert.Equal("Applivery.TokenInvalid", Assert.Single(appOnWorkspace.ErrorIds));
        Assert.Equal(1, AppliverySandbox.Requests(_sandbox) - before);
        var error = appOnWorkspace.AllErrors.Single();
        Assert.Equal(System.Management.Automation.ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        Assert.Contains("Invalid token (Applivery error 4004)", error.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Contains("service-account token only with the Workspace API", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);

        var saOnIntegration = session.Run($"Publish-AppliveryBuild -Path {Q(apk)} -NoCiMetadata -Token $SaToken -BaseUri $Base");
        Assert.Equal("Applivery.TokenInvalid", Assert.Single(saOnIntegration.ErrorIds));

        var text = appOnWorkspace.AllText() + saOnIntegration.AllText();
        Assert.DoesNotContain(_sandbox.Tokens.AppliveryApp, text, StringComparison.Ordinal);
        Assert.DoesNotContain(_sandbox.Tokens.AppliveryServiceAccount, text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expired_token_is_TokenExpired_and_an_unknown_workspace_EntityNotFound()
    {
        var apk = Build("expired.apk");
        using var session = new PsSession(_sandbox);
        session.Set("Expired", PsSession.Secure(_sandbox.Applivery.ExpiredAppToken));

        var expired = session.Run($"Publish-AppliveryBuild -Path {Q(apk)} -NoCiMetadata -Token $Expired -BaseUri $Base");
        Assert.Equal("Applivery.TokenExpired", Assert.Single(expired.ErrorIds));
        Assert.Contains("Token Expired (Applivery error 3002)", expired.AllErrors.Single().ErrorDetails.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_sandbox.Applivery.ExpiredAppToken, expired.AllText(), StringComparison.Ordinal);

        var unknown = session.Run($"Publish-AppliveryBuild -Path {Q(apk)} -NoCiMetadata -Token $SaToken -BaseUri $Base -OrganizationId nobody -ApplicationId nothing");
        var error = unknown.AllErrors.Single();
        Assert.Equal("Applivery.EntityNotFound", unknown.ErrorIds.Single());
        Assert.Contains("Entity not found (Applivery error 3001)", error.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Contains("-OrganizationId 'nobody'", error.ErrorDetails.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5024, "Slug already used", "Applivery.SlugAlreadyUsed")]
    [InlineData(5006, "Invalid build file", "Applivery.InvalidBuildFile")]
    [InlineData(7123, "Something new", "Applivery.7123")]
    public void A_status_false_answer_in_a_200_becomes_an_error_carrying_the_code(int code, string message, string errorId)
    {
        var apk = Build("refused.apk");
        using var session = new PsSession(_sandbox);
        _sandbox.Faults.Add(new FaultRule
        {
            Method = "POST",
            PathPattern = "^/v1/integrations/builds$",
            Kind = FaultKind.Status,
            StatusCode = 200,
            Body = $"{{\"status\":false,\"error\":{{\"code\":{code},\"message\":\"{message}\"}}}}",
        });
        var before = AppliverySandbox.Requests(_sandbox);

        var result = session.Run($"Publish-AppliveryBuild -Path {Q(apk)} -NoCiMetadata {AppliverySandbox.App}");

        Assert.Empty(result.Output);
        var error = result.AllErrors.Single();
        Assert.Equal(errorId, result.ErrorIds.Single());
        Assert.Contains($"{message} (Applivery error {code})", error.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Null(result.Terminating);
        Assert.Equal(1, AppliverySandbox.Requests(_sandbox) - before);
    }

    [Fact]
    public void An_HTML_page_is_its_own_error_naming_the_status()
    {
        var apk = Build("proxy.apk");
        using var session = new PsSession(_sandbox);

        _sandbox.Faults.Add("POST", "^/v1/integrations/builds$", FaultKind.HtmlPage);
        var ok = session.Run($"Publish-AppliveryBuild -Path {Q(apk)} -NoCiMetadata {AppliverySandbox.App}");
        Assert.Equal("Applivery.NonJsonResponse", ok.ErrorIds.Single());
        Assert.Contains("answered 200 OK to POST", ok.AllErrors.Single().ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Contains("an HTML page instead of JSON", ok.AllErrors.Single().ErrorDetails.Message, StringComparison.Ordinal);

        _sandbox.Faults.Add(new FaultRule
        {
            Method = "POST",
            PathPattern = "^/v1/integrations/builds$",
            Kind = FaultKind.Status,
            StatusCode = 413,
            ContentType = "text/html",
            Body = "<html><body><h1>413 Request Entity Too Large</h1></body></html>",
        });
        var tooLarge = session.Run($"Publish-AppliveryBuild -Path {Q(apk)} -NoCiMetadata {AppliverySandbox.App}");
        Assert.Equal("Applivery.NonJsonResponse", tooLarge.ErrorIds.Single());
        Assert.Contains("answered 413", tooLarge.AllErrors.Single().ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Contains("an HTML page came back instead of JSON", tooLarge.AllErrors.Single().ErrorDetails.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_503_before_the_upload_was_read_is_tried_again()
    {
        var apk = Build("retry.apk", 50_000);
        using var session = new PsSession(_sandbox);
        session.Run("Connect-BuildService -Service Applivery -Token $AppToken -BaseUri $Base -RetryIntervalSec 0.05");
        _sandbox.Faults.Add("POST", "^/v1/integrations/builds$", FaultKind.Status, 503);
        var before = _sandbox.Requests.Matching("POST", "/v1/integrations/builds").Count;

        var result = session.Run($"Publish-AppliveryBuild -Path {Q(apk)} -NoCiMetadata -Verbose");

        Assert.Empty(result.AllErrors);
        Assert.Equal(2, _sandbox.Requests.Matching("POST", "/v1/integrations/builds").Count - before);
        Assert.Equal(TestFiles.Sha256(apk), _sandbox.Applivery.LastUpload!.Build!.Sha256);
        Assert.Contains(result.Verbose, v => v.StartsWith("Trying again", StringComparison.Ordinal));
    }

    [Fact]
    public void WhatIf_sends_nothing()
    {
        var apk = Build("whatif.apk");
        using var session = new PsSession(_sandbox);
        var before = AppliverySandbox.Requests(_sandbox);
        var result = session.Run($"Publish-AppliveryBuild -Path {Q(apk)} -NoCiMetadata -WhatIf -Wait {AppliverySandbox.App}");
        Assert.Empty(result.AllErrors);
        Assert.Empty(result.Output);
        Assert.Equal(before, AppliverySandbox.Requests(_sandbox));
    }

    [Fact]
    public void A_large_file_shows_progress_and_a_verbose_line_per_request()
    {
        var apk = Build("progress.apk", 3 * 1024 * 1024);
        using var session = new PsSession(_sandbox);
        var result = session.Run($"Publish-AppliveryBuild -Path {Q(apk)} -NoCiMetadata -Verbose {AppliverySandbox.App}");
        Assert.Empty(result.AllErrors);
        Assert.Contains(result.Progress, p => p.Activity == "Uploading progress.apk to Applivery");
        Assert.Contains(result.Progress, p => p.Activity == "Uploading progress.apk to Applivery" && p.RecordType == System.Management.Automation.ProgressRecordType.Completed);
        var line = Assert.Single(result.Verbose, v => v.Contains(" -> ", StringComparison.Ordinal));
        Assert.Matches(@"^POST http://127\.0\.0\.1:\d+/v1/integrations/builds -> 200 OK \(\d+ ms, 3\.0 MiB sent\)$", line);
    }

    [Fact]
    public void UploadBaseUri_and_ApiBaseUri_move_each_host_on_its_own()
    {
        var apk = Build("hosts.apk");
        using var session = new PsSession(_sandbox);
        session.Set("UploadHost", _sandbox.OtherHostUri.AbsoluteUri);
        var result = session.Run($"Publish-AppliveryBuild -Path {Q(apk)} -NoCiMetadata -Token $AppToken -UploadBaseUri $UploadHost -ApiBaseUri $Base -Wait -PollInterval 0.05 -Timeout 30");

        Assert.Empty(result.AllErrors);
        var id = result.Output.Single().P<string>("Id");
        var posts = _sandbox.Requests.Matching("POST", "/v1/integrations/builds");
        var post = posts[^1];
        Assert.StartsWith("localhost:", post.Host, StringComparison.Ordinal);
        var polls = _sandbox.Requests.Matching("GET", "/v1/integrations/builds/" + id);
        Assert.NotEmpty(polls);
        Assert.All(polls, r => Assert.StartsWith("127.0.0.1:", r.Host, StringComparison.Ordinal));
    }
}
