using System;
using System.IO;
using System.Linq;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;

namespace PSBuildUpload.Tests.Connection;

public sealed class ConnectionTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _sandbox;

    public ConnectionTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Fact]
    public void Connect_stores_the_token_and_address_for_later_calls_and_Get_never_shows_the_token()
    {
        using var session = new PsSession(_sandbox);
        var connect = session.Run("Connect-BuildService -Service ProductScience -Token $PsToken -BaseUri $Base -PassThru");
        Assert.Empty(connect.AllErrors);
        var connection = connect.Output.Single();
        Assert.Equal("ProductScience", connection.P("Service")!.ToString());
        Assert.Equal(_sandbox.BaseUri, connection.P("BaseUri"));
        Assert.True(connection.P<bool>("TokenSet"));
        Assert.Equal("Connect-BuildService", connection.P<string>("TokenSource"));

        var call = session.Run("New-UploadContext -Project demo");
        Assert.Empty(call.AllErrors);

        var shown = session.Run("Get-BuildServiceConnection");
        Assert.Equal(3, shown.Output.Count);
        Assert.DoesNotContain(_sandbox.Tokens.ProductScience, shown.AllText(), StringComparison.Ordinal);
        Assert.DoesNotContain(_sandbox.Tokens.ProductScience, connect.AllText(), StringComparison.Ordinal);
        var productScience = shown.Output.Single(o => o.P("Service")!.ToString() == "ProductScience");
        Assert.True(productScience.P<bool>("Connected"));
        Assert.False(shown.Output.Single(o => o.P("Service")!.ToString() == "Bitrise").P<bool>("Connected"));

        session.Run("Disconnect-BuildService -Service ProductScience");
        var after = session.Run("New-UploadContext -Project demo -BaseUri $Base");
        Assert.Equal("ProductScience.TokenMissing", after.ErrorIds.Single());
        Assert.NotNull(after.Terminating);
    }

    [Fact]
    public void Connections_belong_to_their_runspace()
    {
        using var first = new PsSession(_sandbox);
        using var second = new PsSession(_sandbox);
        first.Run("Connect-BuildService -Service ProductScience -Token $PsToken -BaseUri $Base");
        Assert.Empty(first.Run("New-UploadContext -Project demo").AllErrors);
        var other = second.Run("Get-BuildServiceConnection -Service ProductScience -Connected");
        Assert.Empty(other.Output);
        Assert.Equal("ProductScience.TokenMissing", second.Run("New-UploadContext -Project demo -BaseUri $Base").ErrorIds.Single());
    }

    [Fact]
    public void The_parameter_token_wins_over_the_connection()
    {
        using var session = new PsSession(_sandbox);
        session.Set("Wrong", PsSession.Secure("wrong-token-000"));
        session.Run("Connect-BuildService -Service ProductScience -Token $Wrong -BaseUri $Base");
        Assert.Equal("ProductScience.Unauthorized", session.Run("New-UploadContext -Project demo").ErrorIds.Single());
        Assert.Empty(session.Run("New-UploadContext -Project demo -Token $PsToken").AllErrors);
    }

    [Fact]
    public void A_pasted_Bearer_prefix_and_surrounding_whitespace_are_trimmed()
    {
        using var session = new PsSession(_sandbox);
        session.Set("Pasted", PsSession.Secure("  Bearer " + _sandbox.Tokens.ProductScience + "\r\n"));
        _sandbox.Requests.Clear();
        var result = session.Run("New-UploadContext -Project demo -Token $Pasted -BaseUri $Base");
        Assert.Empty(result.AllErrors);
        Assert.Equal("Bearer " + _sandbox.Tokens.ProductScience, _sandbox.Requests.All.Single().Header("Authorization"));
    }

    [Fact]
    public void The_token_files_in_the_current_directory_are_read_for_Product_Science()
    {
        var folder = Directory.CreateTempSubdirectory("psbu-props-").FullName;
        File.WriteAllText(Path.Combine(folder, "productscience.properties"), "# from the Gradle plugin\nproductscience.token = " + _sandbox.Tokens.ProductScience + "\n");
        var yamlFolder = Directory.CreateTempSubdirectory("psbu-yaml-").FullName;
        File.WriteAllText(Path.Combine(yamlFolder, "productscience.yaml"), "productscience:\n  token: " + _sandbox.Tokens.ProductScience + "\n");
        using var session = new PsSession(_sandbox);
        foreach (var dir in new[] { folder, yamlFolder })
        {
            var result = session.Run($"$null = $ExecutionContext.SessionState.Path.SetLocation('{dir}'); New-UploadContext -Project demo -BaseUri $Base");
            Assert.Empty(result.AllErrors);
            Assert.Single(result.Output);
        }
    }

    [Theory]
    [InlineData("http://example.com", "ProductScience.InsecureBaseUri")]
    [InlineData("ftp://127.0.0.1/", "ProductScience.InvalidBaseUri")]
    [InlineData("https://productscience.app/api/v1", "ProductScience.InvalidBaseUri")]
    public void A_bad_BaseUri_ends_the_command_before_any_request(string baseUri, string errorId)
    {
        using var session = new PsSession(_sandbox);
        var before = _sandbox.Requests.All.Count;
        var result = session.Run($"New-UploadContext -Project demo -Token $PsToken -BaseUri '{baseUri}'");
        Assert.Equal(errorId, result.ErrorIds.Single());
        Assert.NotNull(result.Terminating);
        Assert.Equal(before, _sandbox.Requests.All.Count);
        Assert.Equal(errorId, session.Run($"Connect-BuildService -Service ProductScience -BaseUri '{baseUri}'").ErrorIds.Single());
    }

    [Fact]
    public void Plain_http_to_loopback_and_the_pasted_Bitrise_base_path_are_accepted()
    {
        using var session = new PsSession(_sandbox);
        Assert.Empty(session.Run("Connect-BuildService -Service Bitrise -BaseUri 'http://localhost:1/v0.1'").AllErrors);
        Assert.Empty(session.Run("Connect-BuildService -Service ProductScience -BaseUri 'http://[::1]:1/'").AllErrors);
        Assert.Equal("ProductScience.InvalidProxy", session.Run("Connect-BuildService -Service ProductScience -Proxy 'socks5://proxy:1080'").ErrorIds.Single());
    }
}

[Collection(ProcessStateCollection.Name)]
public sealed class EnvironmentTokenTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _sandbox;

    public EnvironmentTokenTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Fact]
    public void The_environment_variable_is_used_when_nothing_else_gives_a_token()
    {
        using var session = new PsSession(_sandbox);
        Environment.SetEnvironmentVariable("PRODUCTSCIENCE_TOKEN", "  " + _sandbox.Tokens.ProductScience + "\n");
        try
        {
            var result = session.Run("New-UploadContext -Project demo -BaseUri $Base; Get-BuildServiceConnection -Service ProductScience");
            Assert.Empty(result.AllErrors);
            Assert.Equal("$env:PRODUCTSCIENCE_TOKEN", result.Output.Last().P<string>("TokenSource"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PRODUCTSCIENCE_TOKEN", null);
        }
    }

    [Fact]
    public void Without_any_token_the_error_names_every_way_to_give_one()
    {
        using var session = new PsSession(_sandbox);
        var result = session.Run("New-UploadContext -Project demo -BaseUri $Base");
        Assert.Equal("ProductScience.TokenMissing", result.ErrorIds.Single());
        var message = result.Terminating!.ToString();
        foreach (var way in new[] { "-Token", "Connect-BuildService", "PRODUCTSCIENCE_TOKEN", "productscience.properties", "productscience.yaml" })
        {
            Assert.Contains(way, message, StringComparison.Ordinal);
        }

        Assert.Equal("AuthenticationError", result.Terminating.CategoryInfo.Category.ToString());
    }
}
