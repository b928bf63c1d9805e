using System;
using System.Globalization;
using System.Net;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Engine.Connection;

/// <summary>Where and how to call one service: the resolved base address, the token and the settings.</summary>
public sealed class ServiceEndpoint
{
    public ServiceEndpoint(ServiceKind service, Uri? baseUri, string? token, ServiceSettings? settings = null)
    {
        Service = service;
        BaseUri = baseUri;
        Token = token;
        Settings = settings ?? ServiceSettings.Default;
    }

    public ServiceKind Service { get; }

    /// <summary>Replaces scheme, host and port of every endpoint of the service; null for the real service.</summary>
    public Uri? BaseUri { get; }

    /// <summary>The normalised token, or null for calls that need none (presigned uploads).</summary>
    public string? Token { get; }

    public ServiceSettings Settings { get; }

    /// <summary>The service's real address with scheme, host and port taken from <see cref="BaseUri"/> when one is set.</summary>
    public Uri Rebase(Uri serviceDefault)
    {
        if (BaseUri is null)
        {
            return serviceDefault;
        }

        var builder = new UriBuilder(serviceDefault)
        {
            Scheme = BaseUri.Scheme,
            Host = BaseUri.Host,
            Port = BaseUri.Port,
        };
        return builder.Uri;
    }

    public override string ToString() =>
        string.Format(CultureInfo.InvariantCulture, "{0} at {1}", Service, BaseUri?.GetLeftPart(UriPartial.Authority) ?? "the public service");

    /// <summary>
    /// Checks a user's -BaseUri: absolute http(s), plain http only to a loopback host, and no path other than the
    /// service's own base path (which users paste from the docs). Returns the address reduced to scheme, host and port.
    /// </summary>
    public static Uri ValidateBaseUri(ServiceKind service, Uri baseUri, string servicePath = "/")
    {
        if (baseUri is null)
        {
            throw new ArgumentNullException(nameof(baseUri));
        }

        if (!baseUri.IsAbsoluteUri || (baseUri.Scheme != Uri.UriSchemeHttps && baseUri.Scheme != Uri.UriSchemeHttp))
        {
            throw new BuildServiceException(
                ErrorIds.For(service, ErrorReason.InvalidBaseUri),
                ErrorKind.InvalidArgument,
                $"-BaseUri '{baseUri}' is not an absolute http:// or https:// address. Give the scheme, host and port, for example https://{DefaultHost(service)}.",
                baseUri) { IsTerminating = true };
        }

        if (baseUri.Scheme == Uri.UriSchemeHttp && !IsLoopback(baseUri))
        {
            throw new BuildServiceException(
                ErrorIds.For(service, ErrorReason.InsecureBaseUri),
                ErrorKind.SecurityError,
                $"-BaseUri '{baseUri.GetLeftPart(UriPartial.Authority)}' uses plain http to a host that is not this machine; the token would cross the network unencrypted. Use https://, or http:// only for localhost/127.0.0.1/[::1].",
                baseUri.GetLeftPart(UriPartial.Authority)) { IsTerminating = true };
        }

        var path = baseUri.AbsolutePath.TrimEnd('/');
        if (path.Length > 0 && !string.Equals(path, servicePath.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        {
            throw new BuildServiceException(
                ErrorIds.For(service, ErrorReason.InvalidBaseUri),
                ErrorKind.InvalidArgument,
                $"-BaseUri '{baseUri}' has the path '{baseUri.AbsolutePath}'. -BaseUri replaces only scheme, host and port; the module adds the service's own paths. Give just '{baseUri.GetLeftPart(UriPartial.Authority)}'.",
                baseUri) { IsTerminating = true };
        }

        return new Uri(baseUri.GetLeftPart(UriPartial.Authority) + "/");
    }

    public static bool IsLoopback(Uri uri)
    {
        if (uri is null)
        {
            return false;
        }

        if (uri.IsLoopback || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(uri.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip);
    }

    private static string DefaultHost(ServiceKind service) => service switch
    {
        ServiceKind.ProductScience => "productscience.app",
        ServiceKind.Applivery => "upload.applivery.io",
        _ => "api.bitrise.io",
    };
}
