using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Completion;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>Lists a build's artifacts (streamed page by page), or gets one, with its expiring download link.</summary>
[Cmdlet(VerbsCommon.Get, "BitriseArtifact", DefaultParameterSetName = ListSet, SupportsPaging = true)]
[OutputType(typeof(BitriseArtifact))]
public sealed class GetBitriseArtifactCommand : BitriseCmdlet
{
    private const string ListSet = "List";
    private const string OneSet = "One";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BitriseAppSlugCompleter))]
    public string AppSlug { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string BuildSlug { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 2, ParameterSetName = OneSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string ArtifactSlug { get; set; } = string.Empty;

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var app = ValidateSlug(AppSlug, nameof(AppSlug));
            var build = ValidateSlug(BuildSlug, nameof(BuildSlug));
            if (ParameterSetName == OneSet)
            {
                Emit(await Client.GetArtifactAsync(app, build, ValidateSlug(ArtifactSlug, nameof(ArtifactSlug)), cancellationToken).ConfigureAwait(false));
                return;
            }

            var (wanted, onItem, onTotal) = Pager<BitriseArtifact>();
            await Client.ListArtifactsAsync(app, build, wanted, onItem, onTotal, cancellationToken).ConfigureAwait(false);
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
