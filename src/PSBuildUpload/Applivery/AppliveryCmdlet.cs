using System;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Core;
using PSBuildUpload.Engine.Applivery;
using PSBuildUpload.Engine.Connection;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Applivery;

/// <summary>
/// The Applivery cmdlets: -Token, and the addresses of Applivery's two hosts (upload.applivery.io for uploads,
/// api.applivery.io for build details and lists). -BaseUri moves both; -UploadBaseUri and -ApiBaseUri one each.
/// </summary>
public abstract class AppliveryCmdlet : BuildServiceCmdlet
{
    private Uri? _uploadBaseUri;
    private Uri? _apiBaseUri;

    /// <summary>An app token (Integrations API) or a service-account token (Workspace API).</summary>
    [Parameter]
    [SecretParameter]
    public SecureString? Token { get; set; }

    /// <summary>Replaces scheme, host and port of both Applivery hosts (a private tenant, the sandbox).</summary>
    [Parameter]
    public Uri? BaseUri { get; set; }

    /// <summary>Replaces scheme, host and port of the upload host only.</summary>
    [Parameter]
    public Uri? UploadBaseUri { get; set; }

    /// <summary>Replaces scheme, host and port of the api host only.</summary>
    [Parameter]
    public Uri? ApiBaseUri { get; set; }

    protected override BuildService Service => BuildService.Applivery;

    protected override SecureString? TokenParameter => Token;

    protected override Uri? BaseUriParameter => BaseUri;

    protected override void BeginProcessing()
    {
        try
        {
            _uploadBaseUri = UploadBaseUri is null ? null : ValidateHost(UploadBaseUri, "-UploadBaseUri");
            _apiBaseUri = ApiBaseUri is null ? null : ValidateHost(ApiBaseUri, "-ApiBaseUri");
        }
        catch (BuildServiceException e)
        {
            ThrowTerminatingError(ErrorRecords.From(e));
        }

        base.BeginProcessing();
    }

    protected IAppliveryClient NewClient() => new AppliveryClient(Endpoint, _uploadBaseUri, _apiBaseUri, Observer);

    /// <summary>
    /// The Workspace API's ids when both are given, null when neither is (the Integrations API); one without the
    /// other is refused. Empty values count as not given, as a piped Integrations build carries them empty.
    /// </summary>
    protected static AppliveryWorkspace? OptionalWorkspace(string? organizationId, string? applicationId)
    {
        var hasOrganization = !string.IsNullOrWhiteSpace(organizationId);
        var hasApplication = !string.IsNullOrWhiteSpace(applicationId);
        if (!hasOrganization && !hasApplication)
        {
            return null;
        }

        if (hasOrganization != hasApplication)
        {
            throw ErrorRecords.InvalidArgument(
                hasOrganization ? ErrorIds.Applivery.InvalidApplicationId : ErrorIds.Applivery.InvalidOrganizationId,
                "-OrganizationId and -ApplicationId go together: give both for the Workspace API (service-account token), or neither for the Integrations API (app token).",
                hasOrganization ? organizationId : applicationId);
        }

        return AppliveryUpload.ValidateWorkspace(organizationId, applicationId);
    }

    /// <summary>Waits for processing and writes the processed build, or the error of a failed or timed-out wait.</summary>
    protected async Task WaitAndEmitAsync(IAppliveryClient client, string buildId, AppliveryWorkspace? workspace, TimeSpan timeout, TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        if (client is null)
        {
            throw new ArgumentNullException(nameof(client));
        }

        try
        {
            Emit(await client.WaitForProcessingAsync(buildId, workspace, timeout, pollInterval, cancellationToken).ConfigureAwait(false));
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }

    private static Uri ValidateHost(Uri uri, string parameter)
    {
        try
        {
            return ServiceEndpoint.ValidateBaseUri(Engine.ServiceKind.Applivery, uri, "/");
        }
        catch (BuildServiceException e)
        {
            // The shared check speaks of -BaseUri; say which parameter to change.
            throw new BuildServiceException(e.ErrorId, e.Kind, e.Message.Replace("-BaseUri", parameter), e.Target, e.InnerException)
            {
                IsTerminating = true,
            };
        }
    }
}
