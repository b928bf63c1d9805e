using System;
using System.Linq;
using System.Net;

namespace PSBuildUpload.Engine.Http;

/// <summary>
/// HTTPS_PROXY / HTTP_PROXY / ALL_PROXY with NO_PROXY, read the same way on every platform (Windows PowerShell's
/// .NET Framework does not read them at all). Loopback is never proxied.
/// </summary>
internal sealed class EnvironmentProxy : IWebProxy
{
    private readonly Uri? _https;
    private readonly Uri? _http;
    private readonly string[] _noProxy;

    private EnvironmentProxy(Uri? https, Uri? http, string[] noProxy)
    {
        _https = https;
        _http = http;
        _noProxy = noProxy;
    }

    public ICredentials? Credentials { get; set; }

    public string Key => $"{_https}|{_http}|{string.Join(",", _noProxy)}";

    public static EnvironmentProxy? FromEnvironment(Func<string, string?> get)
    {
        string? Read(string name) => NonEmpty(get(name)) ?? NonEmpty(get(name.ToLowerInvariant()));
        var all = Parse(Read("ALL_PROXY"));
        var https = Parse(Read("HTTPS_PROXY")) ?? all;
        var http = Parse(Read("HTTP_PROXY")) ?? all;
        if (https is null && http is null)
        {
            return null;
        }

        var noProxy = (Read("NO_PROXY") ?? string.Empty)
            .Split(new[] { ',', ' ', ';' }, StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Trim().ToLowerInvariant())
            .ToArray();
        var proxy = new EnvironmentProxy(https, http, noProxy);
        var userInfo = (https ?? http)!.UserInfo;
        if (userInfo.Length > 0)
        {
            var parts = userInfo.Split(new[] { ':' }, 2);
            proxy.Credentials = new NetworkCredential(Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty);
        }

        return proxy;
    }

    public Uri? GetProxy(Uri destination) =>
        destination.Scheme == Uri.UriSchemeHttps ? _https : _http;

    public bool IsBypassed(Uri host)
    {
        if (host is null || Connection.ServiceEndpoint.IsLoopback(host) || GetProxy(host) is null)
        {
            return true;
        }

        var name = host.Host.ToLowerInvariant();
        foreach (var entry in _noProxy)
        {
            if (entry == "*")
            {
                return true;
            }

            var e = entry;
            var colon = e.LastIndexOf(':');
            if (colon > 0 && e.IndexOf(']') < colon && int.TryParse(e.Substring(colon + 1), out var port))
            {
                if (port != host.Port)
                {
                    continue;
                }

                e = e.Substring(0, colon);
            }

            e = e.TrimStart('*').TrimStart('.');
            if (name == e || name.EndsWith("." + e, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s!.Trim();

    private static Uri? Parse(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (!value.Contains("://"))
        {
            value = "http://" + value;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : null;
    }
}
