using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Connection;
using PSBuildUpload.Engine.Diagnostics;
using PSBuildUpload.Engine.Errors;
using PSBuildUpload.Engine.Http;

namespace PSBuildUpload.Engine.Bitrise;

/// <summary>The kinds of code-signing file with the same API shape.</summary>
internal enum CodeSigningKind
{
    ProvisioningProfile,
    BuildCertificate,
}

/// <summary>
/// Provisioning profiles and build certificates. Adding one takes three calls: create (name and size; the answer has
/// a presigned <c>upload_url</c>), PUT the file there without the token, confirm with <c>POST …/uploaded</c>.
/// </summary>
public sealed partial class BitriseClient
{
    public async Task<BitriseProvisioningProfile> AddProvisioningProfileAsync(string appSlug, string path, string? fileName, CancellationToken cancellationToken) =>
        ToProfile(appSlug, await AddCodeSigningFileAsync(CodeSigningKind.ProvisioningProfile, appSlug, path, fileName, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Adds a certificate and, when <paramref name="password"/> is not empty, sets it afterwards by PATCH
    /// <c>certificate_password</c> (the create call does not take it).
    /// </summary>
    public async Task<BitriseBuildCertificate> AddBuildCertificateAsync(string appSlug, string path, string? fileName, string? password, CancellationToken cancellationToken)
    {
        Redactor.Register(password);
        var data = await AddCodeSigningFileAsync(CodeSigningKind.BuildCertificate, appSlug, path, fileName, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(password))
        {
            Observer.Verbose($"Setting the password of build certificate {data.Slug}.");
            data = await PatchCodeSigningFileAsync(CodeSigningKind.BuildCertificate, appSlug, data.Slug!, new BitriseCodeSigningChange { CertificatePassword = password }, cancellationToken).ConfigureAwait(false);
        }

        return ToCertificate(appSlug, data);
    }

    public Task ListProvisioningProfilesAsync(string appSlug, long? wanted, Func<BitriseProvisioningProfile, bool> onItem, Action<long?>? onTotal, CancellationToken cancellationToken) =>
        ListAsync<BitriseCodeSigningData>(Collection(CodeSigningKind.ProvisioningProfile, appSlug), null, wanted, d => onItem(ToProfile(appSlug, d)), onTotal, SetupAppNotFound(appSlug), cancellationToken);

    public Task ListBuildCertificatesAsync(string appSlug, long? wanted, Func<BitriseBuildCertificate, bool> onItem, Action<long?>? onTotal, CancellationToken cancellationToken) =>
        ListAsync<BitriseCodeSigningData>(Collection(CodeSigningKind.BuildCertificate, appSlug), null, wanted, d => onItem(ToCertificate(appSlug, d)), onTotal, SetupAppNotFound(appSlug), cancellationToken);

    public async Task<BitriseProvisioningProfile> GetProvisioningProfileAsync(string appSlug, string slug, CancellationToken cancellationToken) =>
        ToProfile(appSlug, await GetCodeSigningFileAsync(CodeSigningKind.ProvisioningProfile, appSlug, slug, cancellationToken).ConfigureAwait(false));

    public async Task<BitriseBuildCertificate> GetBuildCertificateAsync(string appSlug, string slug, CancellationToken cancellationToken) =>
        ToCertificate(appSlug, await GetCodeSigningFileAsync(CodeSigningKind.BuildCertificate, appSlug, slug, cancellationToken).ConfigureAwait(false));

    public async Task<BitriseProvisioningProfile> SetProvisioningProfileAsync(string appSlug, string slug, BitriseCodeSigningChange change, CancellationToken cancellationToken) =>
        ToProfile(appSlug, await PatchCodeSigningFileAsync(CodeSigningKind.ProvisioningProfile, appSlug, slug, change, cancellationToken).ConfigureAwait(false));

    public async Task<BitriseBuildCertificate> SetBuildCertificateAsync(string appSlug, string slug, BitriseCodeSigningChange change, CancellationToken cancellationToken) =>
        ToCertificate(appSlug, await PatchCodeSigningFileAsync(CodeSigningKind.BuildCertificate, appSlug, slug, change, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Refuses, before any request, the changes the API forbids (its PATCH constraints 1-3) given the item's
    /// current state: unprotecting a protected item, changing expose on a protected item, un-processing.
    /// </summary>
    /// <param name="what">"provisioning profile 01C6…" for messages.</param>
    public static void CheckChange(BitriseCodeSigningChange change, bool isProtected, bool isExpose, bool processed, string what, object? target)
    {
        if (change is null)
        {
            throw new ArgumentNullException(nameof(change));
        }

        if (change.IsEmpty)
        {
            throw new BuildServiceException(
                ErrorIds.Bitrise.NothingToSet,
                ErrorKind.InvalidArgument,
                $"Nothing to change on {what}: give -Protected, -Exposed, -Processed (or -Password for a certificate).",
                target);
        }

        if (isProtected && change.IsProtected == false)
        {
            throw new BuildServiceException(
                ErrorIds.Bitrise.UnprotectNotAllowed,
                ErrorKind.InvalidOperation,
                $"{Capital(what)} is protected, and Bitrise never lets a protected item become unprotected. Nothing was sent. To use an unprotected copy, upload the file again.",
                target);
        }

        if (isProtected && change.IsExpose is { } expose && expose != isExpose)
        {
            throw new BuildServiceException(
                ErrorIds.Bitrise.ExposeOfProtectedNotAllowed,
                ErrorKind.InvalidOperation,
                $"{Capital(what)} is protected, so Bitrise keeps its expose setting ({(isExpose ? "exposed" : "not exposed")}) as it is. Nothing was sent.",
                target);
        }

        if (processed && change.Processed == false)
        {
            throw new BuildServiceException(
                ErrorIds.Bitrise.UnprocessNotAllowed,
                ErrorKind.InvalidOperation,
                $"{Capital(what)} is processed, and Bitrise never lets a processed item go back to unprocessed. Nothing was sent.",
                target);
        }
    }

    private async Task<BitriseCodeSigningData> AddCodeSigningFileAsync(CodeSigningKind kind, string appSlug, string path, string? fileName, CancellationToken cancellationToken)
    {
        var file = Transfers.FileChecks.RequireFile(Service, path, "-Path");
        var name = string.IsNullOrWhiteSpace(fileName) ? file.Name : fileName!.Trim();
        var noun = Noun(kind);

        // 1. Create: name and size; the answer carries the slug and a presigned upload URL.
        var create = new ApiRequest(HttpMethod.Post, Api(Collection(kind, appSlug)))
        {
            JsonBody = JsonSerializer.Serialize(new Dictionary<string, object?> { ["upload_file_name"] = name, ["upload_file_size"] = file.Length }),
            Target = appSlug,
            NotFoundMessage = SetupAppNotFound(appSlug),
        };
        var created = await SendJsonAsync(create, r => Data(r), cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(created.Slug) || !Uri.TryCreate(created.UploadUrl, UriKind.Absolute, out var uploadUrl))
        {
            throw InvalidResponse(create, 201, $"no slug or no upload_url for the new {noun}");
        }

        if (uploadUrl.Scheme != Uri.UriSchemeHttps && !(uploadUrl.Scheme == Uri.UriSchemeHttp && ServiceEndpoint.IsLoopback(uploadUrl)))
        {
            throw new BuildServiceException(
                ErrorIds.Bitrise.InvalidUploadUrl,
                ErrorKind.SecurityError,
                $"Bitrise gave an upload link for {noun} {created.Slug} that is not https ({Redactor.DisplayUrl(uploadUrl, true)}); the file was not sent over an unencrypted link. The {noun} stays unconfirmed on Bitrise.",
                created.Slug);
        }

        // 2. The file to the presigned URL: the URL is the credential, so no Authorization header goes with it.
        var put = new ApiRequest(HttpMethod.Put, uploadUrl)
        {
            Authenticated = false,
            Presigned = true,
            CreatesResource = false,
            Target = file.FullName,
        };
        try
        {
            await UploadFileAsync(put, file, null, $"Uploading {file.Name} to Bitrise", cancellationToken).ConfigureAwait(false);
        }
        catch (BuildServiceException e) when (e.StatusCode is { } status && (int)status >= 400 && (int)status < 500 && (int)status != 408 && (int)status != 429)
        {
            throw new BuildServiceException(
                ErrorIds.Bitrise.UploadRejected,
                e.Kind,
                e.Message + $" The storage refused the file, so {noun} {created.Slug} stays unconfirmed on Bitrise; run the command again for a new upload link.",
                file.FullName,
                e)
            {
                ServerMessage = e.ServerMessage,
                StatusCode = e.StatusCode,
            };
        }

        // 3. Confirm; Bitrise marks it processed.
        var confirm = new ApiRequest(HttpMethod.Post, Api(Item(kind, appSlug, created.Slug!) + "/uploaded"))
        {
            Target = created.Slug,
            CreatesResource = false,
            NotFoundMessage = $"Bitrise no longer knows {noun} '{created.Slug}' of app '{appSlug}'.",
        };
        return await SendJsonAsync(confirm, r => Data(r), cancellationToken).ConfigureAwait(false);
    }

    private Task<BitriseCodeSigningData> GetCodeSigningFileAsync(CodeSigningKind kind, string appSlug, string slug, CancellationToken cancellationToken)
    {
        var request = new ApiRequest(HttpMethod.Get, Api(Item(kind, appSlug, slug)))
        {
            Target = slug,
            NotFoundMessage = ItemNotFound(kind, appSlug, slug),
        };
        return SendJsonAsync(request, r => Data(r), cancellationToken);
    }

    private Task<BitriseCodeSigningData> PatchCodeSigningFileAsync(CodeSigningKind kind, string appSlug, string slug, BitriseCodeSigningChange change, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (change.IsProtected is { } isProtected)
        {
            body["is_protected"] = isProtected;
        }

        if (change.IsExpose is { } isExpose)
        {
            body["is_expose"] = isExpose;
        }

        if (change.Processed is { } processed)
        {
            body["processed"] = processed;
        }

        if (change.CertificatePassword is { } password)
        {
            Redactor.Register(password);
            body["certificate_password"] = password;
        }

        var request = new ApiRequest(new HttpMethod("PATCH"), Api(Item(kind, appSlug, slug)))
        {
            JsonBody = JsonSerializer.Serialize(body),
            Target = slug,
            NotFoundMessage = ItemNotFound(kind, appSlug, slug),
            CreatesResource = false,
        };
        return SendJsonAsync(request, r => Data(r), cancellationToken);
    }

    private BitriseCodeSigningData Data(ApiResponse response)
    {
        var data = Deserialize<BitriseData<BitriseCodeSigningData>>(response).Data ?? throw new JsonException("no 'data' object");

        // The API sends a certificate's password back in clear: keep it out of every later message.
        Redactor.Register(data.CertificatePassword);
        return data;
    }

    private static string Collection(CodeSigningKind kind, string appSlug) =>
        $"apps/{Segment(appSlug)}/{(kind == CodeSigningKind.ProvisioningProfile ? "provisioning-profiles" : "build-certificates")}";

    private static string Item(CodeSigningKind kind, string appSlug, string slug) => Collection(kind, appSlug) + "/" + Segment(slug);

    private static string Noun(CodeSigningKind kind) => kind == CodeSigningKind.ProvisioningProfile ? "provisioning profile" : "build certificate";

    private static string ItemNotFound(CodeSigningKind kind, string appSlug, string slug) =>
        string.Format(
            CultureInfo.InvariantCulture,
            "No {0} with slug '{1}' in the Bitrise app '{2}' is visible to this token: check both slugs ({3} -AppSlug {2} lists them).",
            Noun(kind),
            slug,
            appSlug,
            kind == CodeSigningKind.ProvisioningProfile ? "Get-BitriseProvisioningProfile" : "Get-BitriseBuildCertificate");

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);

    private static BitriseProvisioningProfile ToProfile(string appSlug, BitriseCodeSigningData d) => new()
    {
        AppSlug = appSlug,
        ProvisioningProfileSlug = d.Slug ?? string.Empty,
        UploadFileName = d.UploadFileName,
        UploadFileSize = d.UploadFileSize,
        Processed = d.Processed,
        IsExpose = d.IsExpose,
        IsProtected = d.IsProtected,
        DownloadUrl = Link(d.DownloadUrl),
    };

    private static BitriseBuildCertificate ToCertificate(string appSlug, BitriseCodeSigningData d) => new()
    {
        AppSlug = appSlug,
        BuildCertificateSlug = d.Slug ?? string.Empty,
        UploadFileName = d.UploadFileName,
        UploadFileSize = d.UploadFileSize,
        Processed = d.Processed,
        IsExpose = d.IsExpose,
        IsProtected = d.IsProtected,
        HasCertificatePassword = !string.IsNullOrEmpty(d.CertificatePassword),
        DownloadUrl = Link(d.DownloadUrl),
    };

    private static Uri? Link(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null;
}
