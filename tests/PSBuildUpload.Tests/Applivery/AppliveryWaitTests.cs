using System;
using System.Linq;
using System.Management.Automation;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Applivery;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;
using static PSBuildUpload.Tests.Applivery.AppliveryFiles;

namespace PSBuildUpload.Tests.Applivery;

/// <summary>-Wait and Wait-AppliveryBuild: polling until processed, error or timeout.</summary>
public sealed class AppliveryWaitTests : IClassFixture<SandboxFixture>
{
    private const string Fast = "-PollInterval 0.05 -Timeout 30";
    private readonly SandboxServer _sandbox;

    public AppliveryWaitTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Fact]
    public void Publish_Wait_ends_on_processed_and_emits_only_the_final_build()
    {
        var ipa = Build("wait-ok.ipa");
        using var session = new PsSession(_sandbox);
        var result = session.Run($"Publish-AppliveryBuild -Path {Q(ipa)} -NoCiMetadata -Wait {Fast} -Verbose {AppliverySandbox.App}");

        Assert.Empty(result.AllErrors);
        var build = result.Output.Single();
        Assert.Equal("processed", build.P<string>("Status"));
        Assert.True(build.P<bool>("IsFinished"));
        var id = build.P<string>("Id");
        Assert.Equal("processed", _sandbox.Applivery.Builds[id].Status);

        // pending (upload) → in_progress (first poll) → processed (second poll), on the api path.
        Assert.Equal(2, _sandbox.Requests.Matching("GET", "/v1/integrations/builds/" + id).Count);
        Assert.Contains(result.Verbose, v => v.Contains($"Applivery build {id}: in_progress", StringComparison.Ordinal));
        Assert.Contains(result.Verbose, v => v.Contains($"Applivery build {id}: processed", StringComparison.Ordinal));
        var waiting = result.Progress.Where(p => p.Activity == "Waiting for Applivery to process build " + id).ToArray();
        Assert.Contains(waiting, p => p.StatusDescription.StartsWith("Status: in_progress", StringComparison.Ordinal));
        Assert.Equal(ProgressRecordType.Completed, waiting[^1].RecordType);

        // What Applivery read from the file, typed (the sandbox sends some strings as numbers, as the docs disagree).
        Assert.Equal("com.example.demo", build.P<string>("Info.Ios.Plist.CFBundleIdentifier"));
        Assert.Equal("ad-hoc", build.P<string>("Info.Ios.MobileProvision.SigningType"));
        Assert.Equal(new DateTimeOffset(2030, 8, 24, 14, 15, 22, TimeSpan.Zero), build.P("Info.Ios.MobileProvision.ExpirationDate"));
    }

    [Fact]
    public void Publish_Wait_ends_on_error_with_the_code_and_the_process_logs()
    {
        var apk = Build("broken.apk");
        _sandbox.Applivery.FailProcessing("broken.apk", "ANDROID_MANIFEST_UNREADABLE", "The APK has no readable manifest", "unzip: ok", "aapt: ERROR getting 'android:label'", "processing aborted");
        using var session = new PsSession(_sandbox);

        var result = session.Run($"Publish-AppliveryBuild -Path {Q(apk)} -NoCiMetadata -VersionName 3.1 -Wait {Fast} {AppliverySandbox.App}; 'after'");

        Assert.Equal(new object[] { "after" }, result.Output.Select(o => o.BaseObject));
        var error = result.Errors.Single();
        Assert.Null(result.Terminating);
        Assert.Equal("Applivery.BuildProcessingFailed", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        var message = error.ErrorDetails.Message;
        Assert.Contains("(3.1): The APK has no readable manifest (error code ANDROID_MANIFEST_UNREADABLE).", message, StringComparison.Ordinal);
        Assert.Contains("aapt: ERROR getting 'android:label'", message, StringComparison.Ordinal);
        Assert.Contains("processing aborted", message, StringComparison.Ordinal);

        var build = PSObject.AsPSObject(error.TargetObject);
        Assert.Equal("PSBuildUpload.Engine.Applivery.AppliveryBuild", build.TypeName());
        Assert.Equal("error", build.P<string>("Status"));
        Assert.Equal("ANDROID_MANIFEST_UNREADABLE", build.P<string>("ErrorCode"));
        Assert.Equal(new[] { "unzip: ok", "aapt: ERROR getting 'android:label'", "processing aborted" }, (string[])build.P("ProcessLogs")!);
    }

    [Fact]
    public void A_wait_that_runs_out_of_time_is_WaitTimeout()
    {
        var ipa = Build("slow.ipa");
        _sandbox.Applivery.NeverFinish("slow.ipa");
        using var session = new PsSession(_sandbox);

        var result = session.Run($"Publish-AppliveryBuild -Path {Q(ipa)} -NoCiMetadata -Wait -Timeout 0.5 -PollInterval 0.1 {AppliverySandbox.App}");

        Assert.Empty(result.Output);
        Assert.Equal("Applivery.WaitTimeout", result.ErrorIds.Single());
        var error = result.AllErrors.Single();
        Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
        Assert.Contains("was still 'in_progress' after 0.5 s", error.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Equal("in_progress", PSObject.AsPSObject(error.TargetObject).P<string>("Status"));
    }

    [Fact]
    public void Publish_pipes_to_Wait_AppliveryBuild()
    {
        var apk = Build("piped.apk");
        using var session = new PsSession(_sandbox);
        var result = session.Run($"Publish-AppliveryBuild -Path {Q(apk)} -NoCiMetadata {AppliverySandbox.App} | Wait-AppliveryBuild {Fast} {AppliverySandbox.App}");

        Assert.Empty(result.AllErrors);
        var build = result.Output.Single();
        Assert.Equal("processed", build.P<string>("Status"));
        Assert.Equal("7", build.P<string>("Info.Android.VersionCode"));
        Assert.Equal("34", build.P<string>("Info.Android.TargetSdkVersion"));
    }

    [Fact]
    public void A_Workspace_build_is_followed_through_the_Workspace_API()
    {
        var apk = Build("workspace-wait.apk");
        using var session = new PsSession(_sandbox);
        var result = session.Run($"Publish-AppliveryBuild -Path {Q(apk)} -NoCiMetadata {AppliverySandbox.Workspace} | Wait-AppliveryBuild {Fast} -Token $SaToken -BaseUri $Base");

        Assert.Empty(result.AllErrors);
        var build = result.Output.Single();
        Assert.Equal("processed", build.P<string>("Status"));
        Assert.Equal(AppliveryEmulator.DefaultOrganizationId, build.P<string>("OrganizationId"));
        var id = build.P<string>("Id");
        Assert.Equal(2, _sandbox.Requests.Matching("GET", $"/v1/organizations/{AppliveryEmulator.DefaultOrganizationId}/apps/{AppliveryEmulator.DefaultApplicationId}/builds/{id}").Count);
        Assert.Empty(_sandbox.Requests.Matching("GET", "/v1/integrations/builds/" + id));
    }

    [Fact]
    public void Publish_Wait_in_the_Workspace_polls_with_the_service_account_token()
    {
        var ipa = Build("workspace-direct.ipa");
        using var session = new PsSession(_sandbox);
        var result = session.Run($"Publish-AppliveryBuild -Path {Q(ipa)} -NoCiMetadata -Wait {Fast} {AppliverySandbox.Workspace}");
        Assert.Empty(result.AllErrors);
        Assert.Equal("processed", result.Output.Single().P<string>("Status"));
    }

    [Fact]
    public void Wait_AppliveryBuild_takes_an_id_and_returns_at_once_for_a_processed_build()
    {
        var done = _sandbox.Applivery.AddBuild("already-done");
        using var session = new PsSession(_sandbox);
        var result = session.Run($"'{done.Id}' | Wait-AppliveryBuild {AppliverySandbox.App}");
        Assert.Empty(result.AllErrors);
        Assert.Equal(done.Id, result.Output.Single().P<string>("Id"));
        Assert.Single(_sandbox.Requests.Matching("GET", "/v1/integrations/builds/" + done.Id));
    }
}
