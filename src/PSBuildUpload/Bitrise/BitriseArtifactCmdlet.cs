using System.Management.Automation;
using PSBuildUpload.Completion;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// The cmdlets that act on one artifact (Set-, Remove-, Save-BitriseArtifact): its three slugs, by position or by
/// property name from Get-BitriseArtifact's objects.
/// </summary>
public abstract class BitriseArtifactCmdlet : BitriseCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BitriseAppSlugCompleter))]
    public string AppSlug { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string BuildSlug { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string ArtifactSlug { get; set; } = string.Empty;

    /// <summary>The three slugs, each checked (Bitrise.InvalidSlug names the parameter).</summary>
    private protected (string App, string Build, string Artifact) ValidateSlugs() =>
        (ValidateSlug(AppSlug, nameof(AppSlug)), ValidateSlug(BuildSlug, nameof(BuildSlug)), ValidateSlug(ArtifactSlug, nameof(ArtifactSlug)));
}
