using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Errors;
using PSBuildUpload.Engine.ProductScience;

namespace PSBuildUpload.ProductScience;

/// <summary>Step 1 of a Product Science upload: a context that groups the builds uploaded together.</summary>
[Cmdlet(VerbsCommon.New, "UploadContext", SupportsShouldProcess = true)]
[OutputType(typeof(UploadContext))]
public sealed class NewUploadContextCommand : ProductScienceCmdlet
{
    /// <summary>The Product Science project, as named in the Product Science Tool.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string Project { get; set; } = string.Empty;

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var project = ProductScienceClient.ValidateProject(Project);
            if (!await ShouldProcessAsync($"Product Science project '{project}'", "Create an upload context").ConfigureAwait(false))
            {
                return;
            }

            Emit(await Client.NewUploadContextAsync(project, cancellationToken).ConfigureAwait(false));
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
