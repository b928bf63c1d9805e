using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace PSBuildUpload.Sandbox.Infrastructure;

/// <summary>An object the storage holds, or generates on download.</summary>
public sealed class StoredObject
{
    public required string Key { get; init; }

    public long Length { get; init; }

    /// <summary>Lowercase hex SHA-256 of the content.</summary>
    public required string Sha256 { get; init; }

    public string? ContentType { get; init; }

    /// <summary>The headers of the upload request that stored it.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The content, when it was small enough to keep (8 MiB) or given directly.</summary>
    public byte[]? Content { get; init; }

    /// <summary>Set for generated downloads: the content is <see cref="PresignedStorage.Generate"/>(Length, Seed).</summary>
    public byte? Seed { get; init; }
}

/// <summary>
/// A stand-in for Google Cloud Storage / S3 signed URLs. An upload must carry exactly the headers that were signed and
/// a Content-Length inside the allowed range, and must not carry an Authorization header; the storage keeps the
/// SHA-256 (and small contents) of what it received. Downloads likewise refuse Authorization and expire.
/// </summary>
public sealed class PresignedStorage
{
    private const long KeepContentUpTo = 8 * 1024 * 1024;

    private readonly SandboxServer _sandbox;
    private readonly ConcurrentDictionary<string, Grant> _grants = new();
    private readonly ConcurrentDictionary<string, StoredObject> _objects = new();
    private readonly ConcurrentDictionary<string, int> _uploadCounts = new();

    internal PresignedStorage(SandboxServer sandbox) => _sandbox = sandbox;

    /// <summary>Raised after an upload is complete and stored.</summary>
    public event Action<StoredObject>? Uploaded;

    public IReadOnlyCollection<StoredObject> Objects => _objects.Values.ToArray();

    public StoredObject? Get(string key) => _objects.TryGetValue(key, out var stored) ? stored : null;

    /// <summary>How many complete uploads the key received.</summary>
    public int UploadCount(string key) => _uploadCounts.TryGetValue(key, out var count) ? count : 0;

    /// <summary>A signed PUT URL on the other host name, valid for <paramref name="lifetime"/>.</summary>
    public Uri GrantUpload(string key, IReadOnlyDictionary<string, string> signedHeaders, long minimumLength, long maximumLength, TimeSpan? lifetime = null)
    {
        var grant = new Grant("PUT", SandboxTokens.Random(32), signedHeaders, minimumLength, maximumLength, DateTimeOffset.UtcNow + (lifetime ?? TimeSpan.FromMinutes(15)));
        _grants[key] = grant;
        return Url(key, grant);
    }

    /// <summary>A signed GET URL for an object put with <see cref="Put"/> or <see cref="PutGenerated"/>.</summary>
    public Uri GrantDownload(string key, TimeSpan? lifetime = null)
    {
        var grant = new Grant("GET", SandboxTokens.Random(32), new Dictionary<string, string>(), 0, long.MaxValue, DateTimeOffset.UtcNow + (lifetime ?? TimeSpan.FromMinutes(10)));
        _grants["GET " + key] = grant;
        return Url(key, grant);
    }

    public StoredObject Put(string key, byte[] content, string contentType = "application/octet-stream")
    {
        var stored = new StoredObject { Key = key, Length = content.Length, Sha256 = Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant(), ContentType = contentType, Content = content };
        _objects[key] = stored;
        return stored;
    }

    /// <summary>Holds a large object by its recipe only: <paramref name="length"/> bytes generated from <paramref name="seed"/>.</summary>
    public StoredObject PutGenerated(string key, long length, byte seed = 7, string contentType = "application/octet-stream")
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[256 * 1024];
        for (long offset = 0; offset < length; offset += buffer.Length)
        {
            var n = (int)Math.Min(buffer.Length, length - offset);
            Fill(buffer.AsSpan(0, n), offset, seed);
            hash.AppendData(buffer, 0, n);
        }

        var stored = new StoredObject { Key = key, Length = length, Sha256 = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant(), ContentType = contentType, Seed = seed };
        _objects[key] = stored;
        return stored;
    }

    /// <summary>The content of a generated object at an offset: a cheap pattern that differs per seed.</summary>
    public static void Fill(Span<byte> target, long offset, byte seed)
    {
        for (var i = 0; i < target.Length; i++)
        {
            var position = offset + i;
            target[i] = (byte)((position * 31) + (position >> 11) + seed);
        }
    }

    internal void Map(WebApplication app)
    {
        app.MapPut("/storage/{**key}", UploadAsync);
        app.MapGet("/storage/{**key}", DownloadAsync);
    }

    private Uri Url(string key, Grant grant)
    {
        var date = DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var query = $"X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=sandbox%40psbuildupload.iam.gserviceaccount.com%2F{date[..8]}%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date={date}&X-Goog-Expires=900&X-Goog-SignedHeaders={string.Join("%3B", grant.Headers.Keys.Select(k => k.ToLowerInvariant()).Append("host").Order())}&X-Goog-Signature={grant.Signature}";
        return new Uri(_sandbox.StorageUri, "/storage/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString)) + "?" + query);
    }

    private async Task UploadAsync(HttpContext context, string key)
    {
        var request = context.Request;
        if (!_grants.TryGetValue(key, out var grant) || grant.Method != "PUT")
        {
            await XmlError(context, 403, "AccessDenied", "No signed upload exists for this object.");
            return;
        }

        if (await RefuseAsync(context, grant))
        {
            return;
        }

        foreach (var (name, value) in grant.Headers)
        {
            var sent = request.Headers[name].ToString();
            if (!string.Equals(sent, value, StringComparison.Ordinal))
            {
                await XmlError(context, 403, "SignatureDoesNotMatch", $"The request signature we calculated does not match the signature you provided: signed header '{name}' was '{sent}', expected '{value}'.");
                return;
            }
        }

        if (request.ContentLength is not { } length)
        {
            await XmlError(context, 411, "MissingContentLength", "You must provide the Content-Length HTTP header.");
            return;
        }

        if (length < grant.MinimumLength || length > grant.MaximumLength)
        {
            await XmlError(context, 400, length > grant.MaximumLength ? "EntityTooLarge" : "EntityTooSmall", $"Your proposed upload is {length} bytes; the signed range is {grant.MinimumLength}..{grant.MaximumLength}.");
            return;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var kept = length <= KeepContentUpTo ? new MemoryStream((int)length) : null;
        var buffer = new byte[256 * 1024];
        long received = 0;
        int n;
        while ((n = await request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            kept?.Write(buffer, 0, n);
            received += n;
        }

        if (received != length)
        {
            return;
        }

        var stored = new StoredObject
        {
            Key = key,
            Length = received,
            Sha256 = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant(),
            ContentType = request.ContentType,
            Headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            Content = kept?.ToArray(),
        };
        _objects[key] = stored;
        _uploadCounts.AddOrUpdate(key, 1, (_, c) => c + 1);
        Uploaded?.Invoke(stored);
        context.Response.StatusCode = 200;
    }

    private async Task DownloadAsync(HttpContext context, string key)
    {
        if (!_grants.TryGetValue("GET " + key, out var grant) || !_objects.TryGetValue(key, out var stored))
        {
            await XmlError(context, 404, "NoSuchKey", "The specified key does not exist.");
            return;
        }

        if (await RefuseAsync(context, grant))
        {
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = stored.ContentType ?? "application/octet-stream";
        context.Response.ContentLength = stored.Length;
        if (stored.Content is { } content)
        {
            await context.Response.Body.WriteAsync(content, context.RequestAborted);
            return;
        }

        var buffer = new byte[256 * 1024];
        for (long offset = 0; offset < stored.Length; offset += buffer.Length)
        {
            var chunk = (int)Math.Min(buffer.Length, stored.Length - offset);
            Fill(buffer.AsSpan(0, chunk), offset, stored.Seed ?? 0);
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, chunk), context.RequestAborted);
        }
    }

    /// <summary>The checks shared by uploads and downloads: signature, expiry, and no Authorization header.</summary>
    private static async Task<bool> RefuseAsync(HttpContext context, Grant grant)
    {
        if (!string.Equals(context.Request.Query["X-Goog-Signature"].ToString(), grant.Signature, StringComparison.Ordinal))
        {
            await XmlError(context, 403, "SignatureDoesNotMatch", "The signature in the URL does not match.");
            return true;
        }

        if (DateTimeOffset.UtcNow > grant.Expires)
        {
            await XmlError(context, 400, "ExpiredToken", "The provided token has expired. Request signature expired.");
            return true;
        }

        if (context.Request.Headers.ContainsKey("Authorization"))
        {
            await XmlError(context, 400, "InvalidAuthenticationInfo", "Only one auth mechanism allowed; only the X-Goog-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified.");
            return true;
        }

        return false;
    }

    private static async Task XmlError(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/xml; charset=UTF-8";
        await context.Response.WriteAsync($"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code><Message>{System.Security.SecurityElement.Escape(message)}</Message></Error>");
    }

    private sealed record Grant(string Method, string Signature, IReadOnlyDictionary<string, string> Headers, long MinimumLength, long MaximumLength, DateTimeOffset Expires);
}
