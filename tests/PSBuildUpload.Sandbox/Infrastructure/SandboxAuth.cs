using System;
using System.Linq;
using Microsoft.AspNetCore.Http;

namespace PSBuildUpload.Sandbox.Infrastructure;

/// <summary>Checks an Authorization header the way the services do: scheme and token must both match.</summary>
internal static class SandboxAuth
{
    /// <summary>The accepted token that the request carries, or null (the caller answers 401).</summary>
    public static string? Match(HttpRequest request, string scheme, params string[] accepted)
    {
        var header = request.Headers.Authorization.ToString();
        var prefix = scheme + " ";
        if (!header.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var token = header[prefix.Length..];
        return accepted.FirstOrDefault(t => string.Equals(t, token, StringComparison.Ordinal));
    }
}
