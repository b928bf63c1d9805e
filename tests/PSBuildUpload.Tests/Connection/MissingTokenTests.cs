using System;
using System.IO;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;

namespace PSBuildUpload.Tests.Connection;

/// <summary>
/// Part of the bad-input catalogue: with no token anywhere (no -Token, no connection, no environment variable, no
/// Product Science file in the current folder) each service ends with its TokenMissing before any request, saying
/// every way to give one. The token variables are cleared for the test, so it runs alone.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public sealed class MissingTokenTests : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly SandboxServer _sandbox;
    private readonly BadInputFiles _files = new();

    public MissingTokenTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData("PRODUCTSCIENCE_TOKEN", "New-UploadContext -Project demo -BaseUri $Base", "ProductScience.TokenMissing", "productscience.properties")]
    [InlineData("APPLIVERY_TOKEN", "Publish-AppliveryBuild -Path <<app.ipa>> -BaseUri $Base", "Applivery.TokenMissing", "set the environment variable APPLIVERY_TOKEN")]
    [InlineData("BITRISE_TOKEN", "Get-BitriseApp -BaseUri $Base", "Bitrise.TokenMissing", "Connect-BuildService -Service Bitrise -Token")]
    public void Without_any_token_the_command_says_every_way_to_give_one(string variable, string script, string errorId, string says)
    {
        var saved = Environment.GetEnvironmentVariable(variable);
        Environment.SetEnvironmentVariable(variable, null);
        try
        {
            using var session = new PsSession(_sandbox);
            session.Set("Empty", Directory.CreateTempSubdirectory("psbu-notoken-").FullName);
            session.Run("$ExecutionContext.SessionState.Path.SetLocation($Empty) | Out-Null");
            BadInput.AssertRefused(_sandbox, session, _files.Expand(script), errorId, says);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, saved);
        }
    }
}
