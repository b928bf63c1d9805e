using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Reflection;
using System.Threading;
using PSBuildUpload.Engine.Connection;
using RestSharp;

namespace PSBuildUpload.Engine.Http;

/// <summary>
/// The one transport of the process: a pooled handler per proxy configuration (normally just one), the HttpClient
/// over it for transfers, and a RestSharp client per service base address over the same handler for JSON calls.
/// Thread-safe; shared by every runspace.
/// </summary>
internal static class HttpCore
{
    public static readonly string UserAgent = "PSBuildUpload/" + InformationalVersion();

    private static readonly ConcurrentDictionary<string, Lazy<Transport>> Transports = new(StringComparer.Ordinal);

    public static Transport For(ServiceSettings settings)
    {
        var (key, proxy) = ProxyFor(settings);
        return Transports.GetOrAdd(key, _ => new Lazy<Transport>(() => new Transport(proxy), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    private static (string Key, IWebProxy? Proxy) ProxyFor(ServiceSettings settings)
    {
        if (settings.Proxy is not null)
        {
            var user = settings.ProxyCredential?.UserName ?? string.Empty;
            // An explicit proxy is used for every address the user sends through it, this machine included.
            var proxy = new WebProxy(settings.Proxy) { BypassProxyOnLocal = false, Credentials = settings.ProxyCredential };
            // The password is part of the key so a changed credential gets a new handler, but only as a hash.
            var secret = settings.ProxyCredential?.Password ?? string.Empty;
            return ($"explicit|{settings.Proxy.AbsoluteUri}|{user}|{StableHash(secret)}", proxy);
        }

        var environment = EnvironmentProxy.FromEnvironment(Environment.GetEnvironmentVariable);
        return environment is null ? ("system", null) : ("env|" + environment.Key, environment);
    }

    private static int StableHash(string s)
    {
        unchecked
        {
            var h = 17;
            foreach (var c in s)
            {
                h = (h * 31) + c;
            }

            return h;
        }
    }

    private static string InformationalVersion()
    {
        var attribute = typeof(HttpCore).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>();
        var version = attribute?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+');
        return plus > 0 ? version.Substring(0, plus) : version;
    }

    internal sealed class Transport
    {
        private readonly ConcurrentDictionary<string, RestClient> _restClients = new(StringComparer.OrdinalIgnoreCase);

        public Transport(IWebProxy? proxy)
        {
            var socketHandler = new HttpClientHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                MaxConnectionsPerServer = 32,
                UseProxy = true,
            };
            if (proxy is not null)
            {
                socketHandler.Proxy = proxy;
            }

            Handler = new RedirectHandler(new AttemptTrackingHandler(socketHandler));
            Client = new HttpClient(Handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        }

        /// <summary>The pooled handler chain: redirects (Authorization dropped across hosts), attempt tracking, sockets.</summary>
        public HttpMessageHandler Handler { get; }

        /// <summary>For streamed transfers; no overall timeout (an idle watchdog guards them instead).</summary>
        public HttpClient Client { get; }

        public RestClient Rest(Uri baseAddress)
        {
            var key = baseAddress.GetLeftPart(UriPartial.Authority);
            return _restClients.GetOrAdd(key, k => new RestClient(
                Handler,
                disposeHandler: false,
                configureRestClient: options =>
                {
                    options.BaseUrl = new Uri(k);
                    options.UserAgent = UserAgent;
                    options.FollowRedirects = false;
                    options.ThrowOnAnyError = false;
                    options.Timeout = Timeout.InfiniteTimeSpan;
                }));
        }
    }
}
