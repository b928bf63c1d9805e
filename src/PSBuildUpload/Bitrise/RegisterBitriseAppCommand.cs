using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// Step 1 of adding an app: registers a repository with Bitrise (POST /apps/register) and emits the new app's slug,
/// ready to pipe into Set-BitriseAppSshKey, Register-BitriseAppWebhook and Complete-BitriseApp.
/// </summary>
[Cmdlet(VerbsLifecycle.Register, "BitriseApp", SupportsShouldProcess = true)]
[OutputType(typeof(BitriseAppRegistration))]
public sealed class RegisterBitriseAppCommand : BitriseCmdlet
{
    /// <summary>The clone URL: https://github.com/owner/repo.git or git@github.com:owner/repo.git.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string RepoUrl { get; set; } = string.Empty;

    /// <summary>The git provider; by default found from the URL's host (github.com, bitbucket.org, gitlab.com), else custom.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(BitriseProviderCompleter))]
    public string? Provider { get; set; }

    /// <summary>The repository is public (is_public); by default it is private.</summary>
    [Parameter]
    public SwitchParameter Public { get; set; }

    /// <summary>The repository type the seed sends (type); "git".</summary>
    [Parameter]
    public string Type { get; set; } = "git";

    /// <summary>git_owner: by default the URL's owner part.</summary>
    [Parameter]
    public string? RepoOwner { get; set; }

    /// <summary>git_repo_slug: by default the URL's repository name.</summary>
    [Parameter]
    public string? RepoSlug { get; set; }

    /// <summary>The app's title; by default Bitrise uses the repository's name.</summary>
    [Parameter]
    public string? Title { get; set; }

    /// <summary>The default branch (default_branch_name); Bitrise assumes master.</summary>
    [Parameter]
    public string? DefaultBranch { get; set; }

    /// <summary>The organization that will own the app; by default the token's user.</summary>
    [Parameter]
    public string? OrganizationSlug { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var registration = BitriseClient.PrepareRegistration(new BitriseAppRegistrationRequest
            {
                RepoUrl = RepoUrl,
                Provider = Provider ?? string.Empty,
                IsPublic = Public.IsPresent,
                Type = string.IsNullOrWhiteSpace(Type) ? "git" : Type.Trim(),
                RepoOwner = RepoOwner,
                RepoSlug = RepoSlug,
                Title = Title,
                DefaultBranch = DefaultBranch,
                OrganizationSlug = OrganizationSlug is null ? null : ValidateSlug(OrganizationSlug, nameof(OrganizationSlug)),
            });
            var owner = registration.OrganizationSlug is null ? "your user" : "organization " + registration.OrganizationSlug;
            if (!await ShouldProcessAsync(
                    $"{registration.RepoUrl} ({registration.Provider}, {(registration.IsPublic ? "public" : "private")}, owned by {owner})",
                    "Register the repository as a new Bitrise app").ConfigureAwait(false))
            {
                return;
            }

            Emit(await Client.RegisterAppAsync(registration, cancellationToken).ConfigureAwait(false));
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }
}
