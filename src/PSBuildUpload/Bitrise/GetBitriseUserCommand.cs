using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>Gets the token's own Bitrise user (GET /me), or another user by slug. Users pipe into Get-BitriseApp.</summary>
[Cmdlet(VerbsCommon.Get, "BitriseUser")]
[OutputType(typeof(BitriseUser))]
public sealed class GetBitriseUserCommand : BitriseCmdlet
{
    /// <summary>The user to get; without it, the user the token belongs to.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string? UserSlug { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var slug = UserSlug is null ? null : ValidateSlug(UserSlug, nameof(UserSlug));
            Emit(await Client.GetUserAsync(slug, cancellationToken).ConfigureAwait(false));
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
