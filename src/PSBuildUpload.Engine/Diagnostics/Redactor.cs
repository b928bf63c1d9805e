using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Text.RegularExpressions;

namespace PSBuildUpload.Engine.Diagnostics;

/// <summary>
/// The last line of defence against leaks: every message the module writes passes through <see cref="Scrub"/>,
/// which removes any secret the process has handled (tokens, passwords, key text) and the signature part of any URL.
/// </summary>
public static class Redactor
{
    public const string Mask = "***";

    // Query parameters that carry a credential in presigned (GCS, S3, Azure) and token-in-URL schemes.
    private static readonly Regex SignedQuery = new(
        @"(?i)([?&](?:x-goog-signature|x-goog-credential|x-amz-signature|x-amz-credential|x-amz-security-token|signature|sig|token|access_token|se|sp|sv|skoid|sktid)=)[^&\s""'<>]+",
        RegexOptions.Compiled | RegexOptions.CultureInvariant);

    private static readonly Regex AuthHeader = new(
        @"(?i)(authorization\s*[:=]\s*(?:bearer|token|basic)?\s*)[^\s""',;]+",
        RegexOptions.Compiled | RegexOptions.CultureInvariant);

    private static readonly ConcurrentDictionary<string, byte> Secrets = new(StringComparer.Ordinal);

    /// <summary>Remembers a secret for the life of the process so that no later message can contain it.</summary>
    public static void Register(string? secret)
    {
        if (!string.IsNullOrEmpty(secret) && secret!.Length >= 6)
        {
            Secrets.TryAdd(secret, 0);
        }
    }

    public static string Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var result = text!;
        foreach (var secret in Secrets.Keys.OrderByDescending(s => s.Length))
        {
            if (result.IndexOf(secret, StringComparison.Ordinal) >= 0)
            {
                result = result.Replace(secret, Mask);
            }
        }

        result = SignedQuery.Replace(result, "$1" + Mask);
        return AuthHeader.Replace(result, "$1" + Mask);
    }

    /// <summary>A URL as it may be shown: a presigned URL loses its whole query string, any other is scrubbed.</summary>
    public static string DisplayUrl(Uri uri, bool presigned)
    {
        if (uri is null)
        {
            return string.Empty;
        }

        if (presigned && uri.IsAbsoluteUri && uri.Query.Length > 0)
        {
            return uri.GetLeftPart(UriPartial.Path) + "?" + Mask;
        }

        return Scrub(uri.IsAbsoluteUri ? uri.AbsoluteUri : uri.ToString());
    }
}
