using System;
using System.Collections.Generic;
using PSBuildUpload.Engine.Diagnostics;
using PSBuildUpload.Engine.Errors;
using PSBuildUpload.Engine.Http;
using Xunit;

namespace PSBuildUpload.Engine.Tests;

public sealed class RedactorAndProxyTests
{
    [Fact]
    public void Registered_secrets_and_url_signatures_are_scrubbed_from_any_text()
    {
        Redactor.Register("tok_1234567890abcdef");
        var text = "Authorization: Bearer tok_1234567890abcdef failed for https://storage.example/x?X-Goog-Signature=abcdef0123&X-Goog-Date=20240101 and https://s3/y?X-Amz-Signature=deadbeef&sig=zz";
        var scrubbed = Redactor.Scrub(text);
        Assert.DoesNotContain("tok_1234567890abcdef", scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("abcdef0123", scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("deadbeef", scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("=zz", scrubbed, StringComparison.Ordinal);
        Assert.Contains("X-Goog-Date=20240101", scrubbed, StringComparison.Ordinal);
    }

    [Fact]
    public void A_presigned_url_is_shown_without_its_query()
    {
        var shown = Redactor.DisplayUrl(new Uri("https://storage.googleapis.com/b/o.apk?X-Goog-Signature=s3cr3t&X-Goog-Expires=900"), presigned: true);
        Assert.Equal("https://storage.googleapis.com/b/o.apk?***", shown);
        Assert.Equal("https://api.bitrise.io/v0.1/apps?limit=50", Redactor.DisplayUrl(new Uri("https://api.bitrise.io/v0.1/apps?limit=50"), presigned: false));
    }

    [Fact]
    public void Environment_proxy_honours_NO_PROXY_and_never_proxies_loopback()
    {
        var env = new Dictionary<string, string?>
        {
            ["HTTPS_PROXY"] = "http://user:p%40ss@proxy.corp:3128",
            ["NO_PROXY"] = "internal.corp, .example.org,api.bitrise.io:8443",
        };
        var proxy = EnvironmentProxy.FromEnvironment(env.GetValueOrDefault)!;
        Assert.Equal(new Uri("http://user:p%40ss@proxy.corp:3128"), proxy.GetProxy(new Uri("https://api.bitrise.io/")));
        Assert.False(proxy.IsBypassed(new Uri("https://api.bitrise.io/")));
        Assert.True(proxy.IsBypassed(new Uri("https://api.bitrise.io:8443/")));
        Assert.True(proxy.IsBypassed(new Uri("https://build.internal.corp/")));
        Assert.True(proxy.IsBypassed(new Uri("https://www.example.org/")));
        Assert.True(proxy.IsBypassed(new Uri("http://127.0.0.1:5000/")));
        Assert.True(proxy.IsBypassed(new Uri("http://localhost:5000/")));
        Assert.Equal("p@ss", ((System.Net.NetworkCredential)proxy.Credentials!).Password);
        Assert.Null(EnvironmentProxy.FromEnvironment(_ => null));
    }

    [Fact]
    public void Lowercase_proxy_variables_are_read_too()
    {
        var env = new Dictionary<string, string?> { ["https_proxy"] = "proxy.corp:8080" };
        var proxy = EnvironmentProxy.FromEnvironment(env.GetValueOrDefault)!;
        Assert.Equal(new Uri("http://proxy.corp:8080"), proxy.GetProxy(new Uri("https://productscience.app/")));
    }

    [Theory]
    [InlineData("{\"message\":\"Not Found\"}", "Not Found")]
    [InlineData("{\"error_msg\":\"Build already finished\"}", "Build already finished")]
    [InlineData("{\"error\":\"bad token\"}", "bad token")]
    [InlineData("{\"status\":false,\"error\":{\"code\":5024,\"message\":\"Slug already used\"}}", "Slug already used")]
    [InlineData("{\"errors\":[\"a is wrong\",{\"message\":\"b is wrong\"}]}", "a is wrong; b is wrong")]
    [InlineData("plain words", "plain words")]
    public void Server_messages_are_found_in_every_error_shape(string body, string expected) =>
        Assert.Equal(expected, ErrorBodies.Message(System.Text.Encoding.UTF8.GetBytes(body), "application/json"));

    [Fact]
    public void Storage_xml_errors_give_their_code_and_message_and_html_gives_nothing()
    {
        var xml = "<?xml version='1.0' encoding='UTF-8'?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match.</Message></Error>";
        Assert.Equal("SignatureDoesNotMatch: The request signature we calculated does not match.", ErrorBodies.Message(System.Text.Encoding.UTF8.GetBytes(xml), "application/xml"));
        Assert.Null(ErrorBodies.Message(System.Text.Encoding.UTF8.GetBytes("<html><body>proxy</body></html>"), "text/html"));
    }
}
