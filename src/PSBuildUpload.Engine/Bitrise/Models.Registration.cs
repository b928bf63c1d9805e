using System.Collections.Generic;
using System.Security;

namespace PSBuildUpload.Engine.Bitrise;

/// <summary>What <c>POST /apps/register</c> sends: the seed's fields and the official spec's optional ones.</summary>
public sealed class BitriseAppRegistrationRequest
{
    /// <summary>github, bitbucket, gitlab, gitlab-self-hosted or custom.</summary>
    public string Provider { get; set; } = "github";

    public string RepoUrl { get; set; } = string.Empty;

    public bool IsPublic { get; set; }

    /// <summary>The seed's <c>type</c> ("git"); the spec calls it deprecated, the seed still sends it.</summary>
    public string Type { get; set; } = "git";

    /// <summary><c>git_owner</c>: the repository's owner (user or organization on the git provider).</summary>
    public string? RepoOwner { get; set; }

    /// <summary><c>git_repo_slug</c>: the repository's name.</summary>
    public string? RepoSlug { get; set; }

    public string? Title { get; set; }

    public string? DefaultBranch { get; set; }

    public string? OrganizationSlug { get; set; }
}

/// <summary>
/// Step 1 of adding an app (Register-BitriseApp): the new app's slug. Carries <see cref="AppSlug"/> so it pipes into
/// Set-BitriseAppSshKey, Register-BitriseAppWebhook and Complete-BitriseApp.
/// </summary>
public sealed class BitriseAppRegistration
{
    public string AppSlug { get; set; } = string.Empty;

    public string? Status { get; set; }

    public string? Provider { get; set; }

    public string? RepoUrl { get; set; }

    public string? RepoOwner { get; set; }

    public string? RepoSlug { get; set; }

    public bool IsPublic { get; set; }

    public override string ToString() => $"{AppSlug} ({RepoUrl})";
}

/// <summary>Step 2 (Set-BitriseAppSshKey): the key was registered. Only the public key's fingerprint is kept.</summary>
public sealed class BitriseSshKeyRegistration
{
    public string AppSlug { get; set; } = string.Empty;

    public string? Status { get; set; }

    /// <summary>The public key's fingerprint as <c>ssh-keygen -l</c> shows it (SHA256:…).</summary>
    public string? PublicKeyFingerprint { get; set; }

    /// <summary>The key type from the public key (ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256…).</summary>
    public string? KeyType { get; set; }

    /// <summary>Whether Bitrise was asked to add the key to the git provider too.</summary>
    public bool RegisteredWithProvider { get; set; }

    public override string ToString() => $"{AppSlug}: {KeyType} {PublicKeyFingerprint}";
}

/// <summary>Step 3 (Register-BitriseAppWebhook): the incoming webhook was registered at the git provider.</summary>
public sealed class BitriseWebhookRegistration
{
    public string AppSlug { get; set; } = string.Empty;

    public string? Status { get; set; }

    public override string ToString() => $"{AppSlug}: webhook {Status}";
}

/// <summary>What <c>POST /apps/{slug}/finish</c> sends.</summary>
public sealed class BitriseAppFinishRequest
{
    public string ProjectType { get; set; } = string.Empty;

    public string StackId { get; set; } = string.Empty;

    public string? Config { get; set; }

    /// <summary>The spec: "has to be specified with manual value".</summary>
    public string Mode { get; set; } = "manual";

    /// <summary>App-level environment variables, sent as the object <c>envs</c> (names kept as given).</summary>
    public IDictionary<string, string>? Envs { get; set; }

    public string? OrganizationSlug { get; set; }
}

/// <summary>
/// Step 4 (Complete-BitriseApp): the app is saved. The build trigger token lets anyone who holds it start builds, so
/// it is kept as a SecureString and never written to a stream.
/// </summary>
public sealed class BitriseAppFinish
{
    public string AppSlug { get; set; } = string.Empty;

    public string? Status { get; set; }

    public string? BranchName { get; set; }

    public bool? IsWebhookAutoRegSupported { get; set; }

    public SecureString? BuildTriggerToken { get; set; }

    public string? ProjectType { get; set; }

    public string? StackId { get; set; }

    public override string ToString() => $"{AppSlug}: {Status} ({ProjectType} on {StackId})";
}

/// <summary>The answers of the setup endpoints: <c>{"status":"ok","slug":…}</c> and the finish fields.</summary>
internal sealed class BitriseSetupAnswer
{
    public string? Status { get; set; }

    public string? Slug { get; set; }

    public string? BuildTriggerToken { get; set; }

    public string? BranchName { get; set; }

    public bool? IsWebhookAutoRegSupported { get; set; }
}
