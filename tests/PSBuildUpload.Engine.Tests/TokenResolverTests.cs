using System;
using System.Collections.Generic;
using System.IO;
using PSBuildUpload.Engine.Auth;
using PSBuildUpload.Engine.Errors;
using Xunit;

namespace PSBuildUpload.Engine.Tests;

public sealed class TokenResolverTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Theory]
    [InlineData("abc123", "abc123")]
    [InlineData("  abc123\r\n", "abc123")]
    [InlineData("Bearer abc123", "abc123")]
    [InlineData("bearer   abc123 ", "abc123")]
    [InlineData("token abc123", "abc123")]
    [InlineData("\uFEFFabc123\n", "abc123")]
    [InlineData("Bearerabc", "Bearerabc")]
    public void Pasted_tokens_are_normalised(string raw, string expected) =>
        Assert.Equal(expected, TokenResolver.Normalize(ServiceKind.Bitrise, raw, "test"));

    [Theory]
    [InlineData("", ErrorReason.TokenEmpty)]
    [InlineData("   \n", ErrorReason.TokenEmpty)]
    [InlineData("Bearer   ", ErrorReason.TokenEmpty)]
    [InlineData("abc def", ErrorReason.TokenMalformed)]
    [InlineData("abc\ndef", ErrorReason.TokenMalformed)]
    [InlineData("tökén", ErrorReason.TokenMalformed)]
    public void Tokens_that_cannot_be_sent_are_refused_with_their_reason(string raw, string reason)
    {
        var e = Assert.Throws<BuildServiceException>(() => TokenResolver.Normalize(ServiceKind.Applivery, raw, "test"));
        Assert.Equal("Applivery." + reason, e.ErrorId);
        Assert.True(e.IsTerminating);
        Assert.DoesNotContain(raw.Trim().Length > 3 ? raw.Trim() : "\u0000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Order_is_parameter_then_connection_then_environment_then_file()
    {
        var folder = Directory.CreateTempSubdirectory().FullName;
        File.WriteAllText(Path.Combine(folder, "productscience.properties"), "productscience.token=from-file\n");
        var env = new Dictionary<string, string?> { ["PRODUCTSCIENCE_TOKEN"] = "from-env" };

        Assert.Equal(("from-param", TokenSource.Parameter), Pair(TokenResolver.Resolve(ServiceKind.ProductScience, "from-param", "from-conn", folder, env.GetValueOrDefault)));
        Assert.Equal(("from-conn", TokenSource.Connection), Pair(TokenResolver.Resolve(ServiceKind.ProductScience, null, "from-conn", folder, env.GetValueOrDefault)));
        Assert.Equal(("from-env", TokenSource.Environment), Pair(TokenResolver.Resolve(ServiceKind.ProductScience, null, null, folder, env.GetValueOrDefault)));
        Assert.Equal(("from-file", TokenSource.File), Pair(TokenResolver.Resolve(ServiceKind.ProductScience, null, null, folder, NoEnvironment)));
    }

    [Fact]
    public void Only_Product_Science_reads_the_files_and_a_missing_token_names_every_way()
    {
        var folder = Directory.CreateTempSubdirectory().FullName;
        File.WriteAllText(Path.Combine(folder, "productscience.properties"), "productscience.token=from-file\n");
        var e = Assert.Throws<BuildServiceException>(() => TokenResolver.Resolve(ServiceKind.Bitrise, null, null, folder, NoEnvironment));
        Assert.Equal("Bitrise.TokenMissing", e.ErrorId);
        Assert.Contains("-Token", e.Message, StringComparison.Ordinal);
        Assert.Contains("Connect-BuildService", e.Message, StringComparison.Ordinal);
        Assert.Contains("BITRISE_TOKEN", e.Message, StringComparison.Ordinal);

        var empty = Directory.CreateTempSubdirectory().FullName;
        var ps = Assert.Throws<BuildServiceException>(() => TokenResolver.Resolve(ServiceKind.ProductScience, null, null, empty, NoEnvironment));
        Assert.Contains("productscience.properties", ps.Message, StringComparison.Ordinal);
        Assert.Contains("PRODUCTSCIENCE_TOKEN", ps.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("productscience.token: flat-yaml\n", "flat-yaml")]
    [InlineData("productscience:\n  token: nested-yaml\n  project: demo\n", "nested-yaml")]
    [InlineData("# a comment\nproductscience.token: \"quoted\"\n", "quoted")]
    public void The_yaml_file_is_read_flat_or_nested(string yaml, string expected)
    {
        var folder = Directory.CreateTempSubdirectory().FullName;
        File.WriteAllText(Path.Combine(folder, "productscience.yaml"), yaml);
        Assert.Equal(expected, TokenResolver.Resolve(ServiceKind.ProductScience, null, null, folder, NoEnvironment).Value);
    }

    [Fact]
    public void Invalid_yaml_says_where()
    {
        var folder = Directory.CreateTempSubdirectory().FullName;
        File.WriteAllText(Path.Combine(folder, "productscience.yaml"), "productscience:\n  token: [unclosed\n");
        var e = Assert.Throws<BuildServiceException>(() => TokenResolver.Resolve(ServiceKind.ProductScience, null, null, folder, NoEnvironment));
        Assert.Equal(ErrorIds.ProductScience.TokenFileInvalid, e.ErrorId);
        Assert.Contains("line", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_is_never_shown_by_ToString()
    {
        var token = TokenResolver.Resolve(ServiceKind.Bitrise, "secret-value-1", null, null, NoEnvironment);
        Assert.DoesNotContain("secret-value-1", token.ToString(), StringComparison.Ordinal);
    }

    private static (string, TokenSource) Pair(ResolvedToken token) => (token.Value, token.Source);
}
