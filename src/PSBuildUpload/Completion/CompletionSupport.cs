using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using PSBuildUpload.Connection;
using PSBuildUpload.Engine;
using PSBuildUpload.Engine.Auth;
using PSBuildUpload.Engine.Connection;

namespace PSBuildUpload.Completion;

/// <summary>
/// What the completers share: matching the typed word, a cache per runspace, and the connection a completer may use
/// (the command line's own -Token and -BaseUri, else the session's connection, else the environment).
/// </summary>
internal static class CompletionSupport
{
    /// <summary>How long fetched values serve before they are fetched again.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(3);

    /// <summary>Completion runs while the user waits at the prompt: one short try, no retries.</summary>
    public static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(5);

    private static readonly Regex SlugPattern = new("^[A-Za-z0-9_-]{1,128}$", RegexOptions.CultureInvariant);

    private static readonly ConditionalWeakTable<Runspace, ConcurrentDictionary<string, CacheEntry>> Caches = new();
    private static readonly ConcurrentDictionary<string, CacheEntry> NoRunspaceCache = new(StringComparer.Ordinal);

    /// <summary>The typed word without the quotes PowerShell leaves on it.</summary>
    public static string Word(string? wordToComplete) => (wordToComplete ?? string.Empty).Trim().Trim('\'', '"');

    public static bool StartsWith(string? candidate, string word) =>
        candidate is not null && candidate.StartsWith(word, StringComparison.OrdinalIgnoreCase);

    public static bool IsSlug(string? value) => value is not null && SlugPattern.IsMatch(value);

    /// <summary>A bound parameter's value as the parser saw it (PSObject unwrapped), or null.</summary>
    public static object? Bound(IDictionary? fakeBoundParameters, string name)
    {
        if (fakeBoundParameters is null || !fakeBoundParameters.Contains(name))
        {
            return null;
        }

        var value = fakeBoundParameters[name];
        return value is PSObject wrapped ? wrapped.BaseObject : value;
    }

    /// <summary>A cached value of this runspace, or a fresh one from <paramref name="fetch"/>; failures are not cached.</summary>
    public static T Cached<T>(string key, Func<T> fetch)
        where T : class
    {
        var runspace = Runspace.DefaultRunspace;
        var cache = runspace is null ? NoRunspaceCache : Caches.GetValue(runspace, _ => new ConcurrentDictionary<string, CacheEntry>(StringComparer.Ordinal));
        if (cache.TryGetValue(key, out var entry) && entry.Expires > DateTime.UtcNow && entry.Value is T hit)
        {
            return hit;
        }

        var value = fetch();
        cache[key] = new CacheEntry(value, DateTime.UtcNow + CacheLifetime);
        return value;
    }

    /// <summary>
    /// The Bitrise endpoint a completer may call, tuned for a prompt (no retries, a short timeout), or null when no
    /// token is to be had. <paramref name="cacheKey"/> identifies address and token without holding the token.
    /// </summary>
    public static ServiceEndpoint? BitriseEndpoint(IDictionary? fakeBoundParameters, out string cacheKey)
    {
        cacheKey = string.Empty;
        var connection = ConnectionStore.Get(BuildService.Bitrise);
        var parameterToken = Bound(fakeBoundParameters, "Token") is SecureString secure ? ServiceDefaults.ReadSecure(secure) : null;
        var connectionToken = connection?.Token is null ? null : ServiceDefaults.ReadSecure(connection.Token);
        string token;
        try
        {
            token = TokenResolver.Resolve(ServiceKind.Bitrise, parameterToken, connectionToken, null).Value;
        }
        catch (Engine.Errors.BuildServiceException)
        {
            return null;
        }

        var baseUri = connection?.CustomBaseUri;
        if (Bound(fakeBoundParameters, "BaseUri") is { } given && Uri.TryCreate(given.ToString(), UriKind.Absolute, out var parsed))
        {
            baseUri = ServiceEndpoint.ValidateBaseUri(ServiceKind.Bitrise, parsed, ServiceDefaults.BasePath(BuildService.Bitrise));
        }

        var settings = new ServiceSettings
        {
            MaximumRetryCount = 0,
            RequestTimeout = FetchTimeout,
            TransferIdleTimeout = FetchTimeout,
            Proxy = connection?.Settings.Proxy,
            ProxyCredential = connection?.Settings.ProxyCredential,
        };
        cacheKey = (baseUri?.AbsoluteUri ?? "default") + "|" + Fingerprint(token);
        return new ServiceEndpoint(ServiceKind.Bitrise, baseUri, token, settings);
    }

    private static string Fingerprint(string token)
    {
        using var sha = SHA256.Create();
        return Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(token)));
    }

    private sealed class CacheEntry
    {
        public CacheEntry(object value, DateTime expires)
        {
            Value = value;
            Expires = expires;
        }

        public object Value { get; }

        public DateTime Expires { get; }
    }
}
