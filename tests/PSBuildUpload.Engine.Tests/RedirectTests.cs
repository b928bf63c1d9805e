using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Http;
using Xunit;

namespace PSBuildUpload.Engine.Tests;

/// <summary>
/// What <see cref="RedirectHandler"/> follows and what it hands back to the caller, and what the caller then says
/// about a redirect it did not follow.
/// </summary>
public sealed class RedirectTests
{
    /// <summary>Answers each request with the next scripted answer and keeps what it was sent.</summary>
    private sealed class Scripted(params Func<HttpRequestMessage, HttpResponseMessage>[] answers) : HttpMessageHandler
    {
        private int _next;

        public List<(HttpMethod Method, Uri Url, string? Authorization, bool HasBody)> Sent { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Sent.Add((request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), request.Content is not null));
            var answer = answers[Math.Min(_next++, answers.Length - 1)];
            return Task.FromResult(answer(request));
        }
    }

    private static Func<HttpRequestMessage, HttpResponseMessage> Redirect(int status, string location) => _ =>
    {
        var response = new HttpResponseMessage((HttpStatusCode)status);
        response.Headers.Location = new Uri(location, UriKind.RelativeOrAbsolute);
        return response;
    };

    private static readonly Func<HttpRequestMessage, HttpResponseMessage> Ok = _ => new HttpResponseMessage(HttpStatusCode.OK);

    private static async Task<(HttpResponseMessage Response, Scripted Inner)> SendAsync(HttpRequestMessage request, params Func<HttpRequestMessage, HttpResponseMessage>[] answers)
    {
        var inner = new Scripted(answers);
        using var invoker = new HttpMessageInvoker(new RedirectHandler(inner));
        var response = await invoker.SendAsync(request, CancellationToken.None);
        return (response, inner);
    }

    private static HttpRequestMessage Get(string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Authorization", "token secret");
        return request;
    }

    [Fact]
    public async Task A_redirect_to_another_host_is_followed_without_the_token_and_one_on_the_same_host_keeps_it()
    {
        var (response, inner) = await SendAsync(
            Get("https://api.example.com/v0.1/apps"),
            Redirect(302, "/v0.1/apps?page=1"),
            Redirect(302, "https://cdn.example.net/apps"),
            Ok);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, inner.Sent.Count);
        Assert.Equal("token secret", inner.Sent[1].Authorization);
        Assert.Equal("https://cdn.example.net/apps", inner.Sent[2].Url.AbsoluteUri);
        Assert.Null(inner.Sent[2].Authorization);
    }

    [Fact]
    public async Task A_303_after_a_POST_is_followed_as_a_GET_without_the_body()
    {
        var post = new HttpRequestMessage(HttpMethod.Post, "https://api.example.com/builds") { Content = new StringContent("{\"a\":1}") };
        var (response, inner) = await SendAsync(post, Redirect(303, "https://api.example.com/builds/1"), Ok);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpMethod.Get, inner.Sent[1].Method);
        Assert.False(inner.Sent[1].HasBody);
    }

    [Fact]
    public async Task A_307_for_a_request_with_a_body_is_handed_back_and_nothing_is_sent_to_its_address()
    {
        var put = new HttpRequestMessage(HttpMethod.Put, "https://storage.example.com/o.apk") { Content = new ByteArrayContent(new byte[10]) };
        var (response, inner) = await SendAsync(put, Redirect(307, "https://elsewhere.example.com/o.apk"), Ok);

        Assert.Equal((HttpStatusCode)307, response.StatusCode);
        Assert.Single(inner.Sent);
    }

    [Fact]
    public async Task A_redirect_from_https_to_http_is_handed_back()
    {
        var (response, inner) = await SendAsync(Get("https://api.example.com/v0.1/me"), Redirect(301, "http://api.example.com/v0.1/me"), Ok);

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Single(inner.Sent);
    }

    [Fact]
    public async Task More_than_five_redirects_end_in_TooManyRedirects()
    {
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(Get("https://api.example.com/loop"), Redirect(302, "https://api.example.com/loop")));

        Assert.IsType<TooManyRedirectsException>(e.InnerException);
    }

    private static string Unfollowed(string method, string url, string? location, int status = 307)
    {
        var request = new ApiRequest(new HttpMethod(method), new Uri(url));
        var response = new ApiResponse(status, null, Array.Empty<byte>(), null, name => name == "Location" ? location : null);
        return ServiceClient.UnfollowedRedirect(request, response);
    }

    [Fact]
    public void The_message_of_an_unfollowed_redirect_says_why_and_names_the_address_without_its_query()
    {
        var body = Unfollowed("PUT", "https://storage.example.com/o.apk", "https://elsewhere.example.com/o.apk?X-Amz-Signature=abc");
        Assert.Contains("https://elsewhere.example.com/o.apk", body, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Amz-Signature", body, StringComparison.Ordinal);
        Assert.Contains("nothing was sent there", body, StringComparison.Ordinal);

        var relative = Unfollowed("POST", "https://api.example.com/v0.1/apps/x/builds", "/v0.2/apps/x/builds");
        Assert.Contains("https://api.example.com/v0.2/apps/x/builds", relative, StringComparison.Ordinal);

        var downgrade = Unfollowed("GET", "https://api.example.com/v0.1/me", "http://api.example.com/v0.1/me");
        Assert.Contains("from https to plain http", downgrade, StringComparison.Ordinal);

        Assert.Contains("no Location header", Unfollowed("POST", "https://api.example.com/x", null), StringComparison.Ordinal);

        var multiple = Unfollowed("GET", "https://api.example.com/v0.1/apps", "https://api.example.com/v0.2/apps", status: 300);
        Assert.Contains("does not follow a 300 answer", multiple, StringComparison.Ordinal);
        Assert.DoesNotContain("with its body", multiple, StringComparison.Ordinal);
    }
}
