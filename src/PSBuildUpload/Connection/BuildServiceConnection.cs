using System;
using System.Net;
using System.Security;

using PSBuildUpload.Engine.Connection;

namespace PSBuildUpload.Connection;

/// <summary>
/// A service's connection in this runspace, as Get-BuildServiceConnection shows it: where it goes, whether a token
/// is set and where it comes from, never the token itself.
/// </summary>
public sealed class BuildServiceConnection
{
    internal BuildServiceConnection(BuildService service, Uri? baseUri, SecureString? token, ServiceSettings settings)
    {
        Service = service;
        CustomBaseUri = baseUri;
        Token = token;
        Settings = settings;
        ConnectedAt = DateTimeOffset.Now;
    }

    public BuildService Service { get; }

    /// <summary>The address requests go to: the -BaseUri given, or the public service.</summary>
    public Uri BaseUri => CustomBaseUri ?? ServiceDefaults.BaseUri(Service);

    public bool TokenSet => Token is not null || TokenSourceDescription is not null;

    /// <summary>Where calls will take the token from: "Connect-BuildService", "$env:BITRISE_TOKEN", a file, or none.</summary>
    public string TokenSource { get; internal set; } = "none";

    public bool Connected { get; internal set; } = true;

    public Uri? Proxy => Settings.Proxy;

    public int MaximumRetryCount => Settings.MaximumRetryCount;

    public TimeSpan RequestTimeout => Settings.RequestTimeout;

    public TimeSpan TransferIdleTimeout => Settings.TransferIdleTimeout;

    public DateTimeOffset ConnectedAt { get; }

    internal Uri? CustomBaseUri { get; }

    internal SecureString? Token { get; }

    internal ServiceSettings Settings { get; }

    internal string? TokenSourceDescription { get; set; }

    public override string ToString() => $"{Service} ({BaseUri})";
}

/// <summary>The public addresses of the services.</summary>
public static class ServiceDefaults
{
    public static Uri BaseUri(BuildService service) => service switch
    {
        BuildService.ProductScience => new Uri("https://productscience.app/"),
        BuildService.Applivery => new Uri("https://upload.applivery.io/"),
        _ => new Uri("https://api.bitrise.io/"),
    };

    /// <summary>The path users may paste with -BaseUri (it is the service's own, so it is accepted).</summary>
    public static string BasePath(BuildService service) => service == BuildService.Bitrise ? "/v0.1" : "/";

    internal static string ReadSecure(SecureString secure) => new NetworkCredential(string.Empty, secure).Password;
}
