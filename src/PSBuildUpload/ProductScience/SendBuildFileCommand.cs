using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Core;

using PSBuildUpload.Engine.Errors;
using PSBuildUpload.Engine.ProductScience;

namespace PSBuildUpload.ProductScience;

/// <summary>
/// Step 3 of a Product Science upload: streams the file to the presigned URL of its upload spec. Needs no token;
/// the URL is the credential, and no Authorization header is sent to it.
/// </summary>
[Cmdlet(VerbsCommunications.Send, "BuildFile", SupportsShouldProcess = true)]
[OutputType(typeof(BuildFileUpload))]
public sealed class SendBuildFileCommand : BuildServiceCmdlet
{
    /// <summary>Where and how to send the file: the upload spec Submit-Build emits.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public UploadSpec UploadSpec { get; set; } = null!;

    /// <summary>The build file to send: the one registered with Submit-Build.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [Alias("FullName")]
    public string Path { get; set; } = string.Empty;

    /// <summary>Carried into the result, for the log.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Project { get; set; }

    /// <summary>The build's id, carried into the result, for the log.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public long? BuildId { get; set; }

    protected override BuildService Service => BuildService.ProductScience;

    protected override bool RequiresToken => false;

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var path = ResolvePath(Path);
            if (!await ShouldProcessAsync($"{path} to {UploadSpec.Url}", "Upload the build file").ConfigureAwait(false))
            {
                return;
            }

            var client = new ProductScienceClient(Endpoint, Observer);
            Emit(await client.SendBuildFileAsync(UploadSpec, path, Project, BuildId, cancellationToken).ConfigureAwait(false));
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
