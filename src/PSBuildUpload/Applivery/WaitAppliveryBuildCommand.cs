using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Core;
using PSBuildUpload.Engine.Applivery;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Applivery;

/// <summary>
/// Waits until Applivery has processed a build and writes it then: for Publish-AppliveryBuild ... |
/// Wait-AppliveryBuild. A build that ends in error, or a wait that runs out of time, is an error record whose
/// TargetObject is the build (with ErrorCode and ProcessLogs). Builds of the Workspace API carry their
/// OrganizationId and ApplicationId, so the same API is asked.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "AppliveryBuild")]
[OutputType(typeof(AppliveryBuild))]
public sealed class WaitAppliveryBuildCommand : AppliveryCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [Alias("Id")]
    public string BuildId { get; set; } = string.Empty;

    /// <summary>With -ApplicationId: the Workspace API (service-account token).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? OrganizationId { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? ApplicationId { get; set; }

    /// <summary>How long to wait: seconds or a TimeSpan (default 20 minutes).</summary>
    [Parameter]
    [TimeSpanSeconds]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>How often to ask: seconds or a TimeSpan (default 5 seconds).</summary>
    [Parameter]
    [TimeSpanSeconds]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            AppliveryClient.ValidateWait(Timeout, PollInterval);
            var workspace = OptionalWorkspace(OrganizationId, ApplicationId);
            var buildId = AppliveryUpload.ValidateBuildId(BuildId);
            await WaitAndEmitAsync(NewClient(), buildId, workspace, Timeout, PollInterval, cancellationToken).ConfigureAwait(false);
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
