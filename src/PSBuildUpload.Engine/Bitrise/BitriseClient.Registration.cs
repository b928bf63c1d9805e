using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Security;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Diagnostics;
using PSBuildUpload.Engine.Errors;
using PSBuildUpload.Engine.Http;

namespace PSBuildUpload.Engine.Bitrise;

/// <summary>
/// Adding an app, in the API's four steps: register (<c>POST /apps/register</c>), SSH key, webhook, finish. Bodies
/// follow the seed's examples; the spec's optional fields are sent only when given.
/// </summary>
public sealed partial class BitriseClient
{
    private static readonly string[] Providers = { "github", "bitbucket", "gitlab", "gitlab-self-hosted", "custom" };

    /// <summary>
    /// Checks a registration before any request and fills what the repository URL tells: the provider (by host) and
    /// <c>git_owner</c>/<c>git_repo_slug</c>, which the seed sends and the spec calls deprecated.
    /// </summary>
    public static BitriseAppRegistrationRequest PrepareRegistration(BitriseAppRegistrationRequest request)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        var url = request.RepoUrl?.Trim() ?? string.Empty;
        if (url.Length == 0 || url.IndexOfAny(new[] { ' ', '\t', '\r', '\n' }) >= 0)
        {
            throw InvalidArgument($"-RepoUrl '{request.RepoUrl}' is not a repository URL. Give the clone URL, e.g. https://github.com/owner/repo.git or git@github.com:owner/repo.git.", request.RepoUrl);
        }

        var (host, owner, slug) = SplitRepositoryUrl(url);
        request.RepoUrl = url;
        request.RepoOwner = string.IsNullOrWhiteSpace(request.RepoOwner) ? owner : request.RepoOwner!.Trim();
        request.RepoSlug = string.IsNullOrWhiteSpace(request.RepoSlug) ? slug : request.RepoSlug!.Trim();
        if (string.IsNullOrWhiteSpace(request.Provider))
        {
            request.Provider = host switch
            {
                "github.com" => "github",
                "bitbucket.org" => "bitbucket",
                "gitlab.com" => "gitlab",
                _ => "custom",
            };
        }

        request.Provider = request.Provider.Trim().ToLowerInvariant();
        if (Array.IndexOf(Providers, request.Provider) < 0)
        {
            throw InvalidArgument($"-Provider '{request.Provider}' is not one Bitrise knows: use {string.Join(", ", Providers)}.", request.Provider);
        }

        return request;
    }

    public async Task<BitriseAppRegistration> RegisterAppAsync(BitriseAppRegistrationRequest registration, CancellationToken cancellationToken)
    {
        var r = PrepareRegistration(registration);
        var body = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["provider"] = r.Provider,
            ["is_public"] = r.IsPublic,
            ["repo_url"] = r.RepoUrl,
            ["type"] = r.Type,
        };
        AddIfSet(body, "git_repo_slug", r.RepoSlug);
        AddIfSet(body, "git_owner", r.RepoOwner);
        AddIfSet(body, "title", r.Title);
        AddIfSet(body, "default_branch_name", r.DefaultBranch);
        AddIfSet(body, "organization_slug", r.OrganizationSlug);
        var answer = await SendSetupAsync(HttpMethod.Post, "apps/register", body, r.RepoUrl, r.OrganizationSlug is null ? null : $"No Bitrise organization with slug '{r.OrganizationSlug}' is visible to this token.", true, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(answer.Slug))
        {
            throw new BuildServiceException(
                ErrorIds.For(Service, ErrorReason.InvalidResponse),
                ErrorKind.InvalidData,
                $"Bitrise accepted the registration of {r.RepoUrl} but sent no app slug. Look for the app with Get-BitriseApp before registering it again.",
                r.RepoUrl);
        }

        return new BitriseAppRegistration
        {
            AppSlug = answer.Slug!,
            Status = answer.Status,
            Provider = r.Provider,
            RepoUrl = r.RepoUrl,
            RepoOwner = r.RepoOwner,
            RepoSlug = r.RepoSlug,
            IsPublic = r.IsPublic,
        };
    }

    /// <summary>
    /// <c>POST /apps/{slug}/register-ssh-key</c>. <paramref name="publicKey"/> is the result of
    /// <see cref="BitriseSshKeys.Prepare"/>; the private key goes into the body and nowhere else.
    /// </summary>
    public async Task<BitriseSshKeyRegistration> RegisterSshKeyAsync(string appSlug, string privateKey, string publicKey, bool registerWithProvider, CancellationToken cancellationToken)
    {
        BitriseSshKeys.RegisterSecret(privateKey ?? throw new ArgumentNullException(nameof(privateKey)));
        var body = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["auth_ssh_private_key"] = privateKey,
            ["auth_ssh_public_key"] = publicKey,
            ["is_register_key_into_provider_service"] = registerWithProvider,
        };
        var answer = await SendSetupAsync(HttpMethod.Post, $"apps/{Segment(appSlug)}/register-ssh-key", body, appSlug, SetupAppNotFound(appSlug), false, cancellationToken).ConfigureAwait(false);
        var (type, fingerprint) = BitriseSshKeys.Describe(publicKey);
        return new BitriseSshKeyRegistration
        {
            AppSlug = appSlug,
            Status = answer.Status,
            KeyType = type,
            PublicKeyFingerprint = fingerprint,
            RegisteredWithProvider = registerWithProvider,
        };
    }

    /// <summary><c>POST /apps/{slug}/register-webhook</c> (no body).</summary>
    public async Task<BitriseWebhookRegistration> RegisterWebhookAsync(string appSlug, CancellationToken cancellationToken)
    {
        var answer = await SendSetupAsync(HttpMethod.Post, $"apps/{Segment(appSlug)}/register-webhook", null, appSlug, SetupAppNotFound(appSlug), true, cancellationToken).ConfigureAwait(false);
        return new BitriseWebhookRegistration { AppSlug = appSlug, Status = answer.Status };
    }

    /// <summary><c>POST /apps/{slug}/finish</c>.</summary>
    public async Task<BitriseAppFinish> FinishAppAsync(string appSlug, BitriseAppFinishRequest finish, CancellationToken cancellationToken)
    {
        if (finish is null)
        {
            throw new ArgumentNullException(nameof(finish));
        }

        var body = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["project_type"] = finish.ProjectType,
            ["stack_id"] = finish.StackId,
        };
        AddIfSet(body, "config", finish.Config);
        AddIfSet(body, "mode", finish.Mode);
        if (finish.Envs is { Count: > 0 } envs)
        {
            body["envs"] = new SortedDictionary<string, string>(envs, StringComparer.Ordinal);
        }

        AddIfSet(body, "organization_slug", finish.OrganizationSlug);
        var answer = await SendSetupAsync(HttpMethod.Post, $"apps/{Segment(appSlug)}/finish", body, appSlug, SetupAppNotFound(appSlug), false, cancellationToken).ConfigureAwait(false);
        Redactor.Register(answer.BuildTriggerToken);
        return new BitriseAppFinish
        {
            AppSlug = appSlug,
            Status = answer.Status,
            BranchName = answer.BranchName,
            IsWebhookAutoRegSupported = answer.IsWebhookAutoRegSupported,
            BuildTriggerToken = ToSecure(answer.BuildTriggerToken),
            ProjectType = finish.ProjectType,
            StackId = finish.StackId,
        };
    }

    private async Task<BitriseSetupAnswer> SendSetupAsync(HttpMethod method, string path, object? body, object? target, string? notFoundMessage, bool createsResource, CancellationToken cancellationToken)
    {
        var request = new ApiRequest(method, Api(path))
        {
            JsonBody = body is null ? null : JsonSerializer.Serialize(body),
            Target = target,
            NotFoundMessage = notFoundMessage,
            CreatesResource = createsResource,
        };
        return await SendJsonAsync(request, r => r.Body.Length == 0 ? new BitriseSetupAnswer() : Deserialize<BitriseSetupAnswer>(r), cancellationToken).ConfigureAwait(false);
    }

    private static string SetupAppNotFound(string appSlug) =>
        $"No Bitrise app with slug '{appSlug}' is visible to this token: check the slug (Get-BitriseApp lists them).";

    /// <summary>Host, owner (all path segments but the last) and repository name of https, ssh and scp-style URLs.</summary>
    private static (string Host, string? Owner, string? Slug) SplitRepositoryUrl(string url)
    {
        string host;
        string path;
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme != "file" && !string.IsNullOrEmpty(uri.Host))
        {
            host = uri.Host;
            path = uri.AbsolutePath;
        }
        else
        {
            // git@github.com:owner/repo.git
            var at = url.IndexOf('@');
            var colon = url.IndexOf(':', at + 1);
            if (colon <= at + 1)
            {
                throw InvalidArgument($"-RepoUrl '{url}' is not a repository URL. Give the clone URL, e.g. https://github.com/owner/repo.git or git@github.com:owner/repo.git.", url);
            }

            host = url.Substring(at + 1, colon - at - 1);
            path = url.Substring(colon + 1);
        }

        var segments = path.Trim('/').Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            return (host.ToLowerInvariant(), null, null);
        }

        var name = segments[segments.Length - 1];
        if (name.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
        {
            name = name.Substring(0, name.Length - 4);
        }

        var owner = segments.Length > 1 ? string.Join("/", segments, 0, segments.Length - 1) : null;
        return (host.ToLowerInvariant(), owner is null ? null : Uri.UnescapeDataString(owner), Uri.UnescapeDataString(name));
    }

    private static void AddIfSet(Dictionary<string, object?> body, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            body[name] = value!.Trim();
        }
    }

    private static BuildServiceException InvalidArgument(string message, object? target) =>
        new(ErrorIds.For(ServiceKind.Bitrise, ErrorReason.InvalidArgument), ErrorKind.InvalidArgument, message, target);

    private static SecureString? ToSecure(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var secure = new SecureString();
        foreach (var c in value)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }
}
