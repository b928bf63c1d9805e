using System;
using System.IO;
using System.Linq;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;

namespace PSBuildUpload.Tests.ProductScience;

/// <summary>Bad input ends with its own ErrorId before any request, and the rest of a pipeline goes on.</summary>
public sealed class ProductScienceInputTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _sandbox;

    public ProductScienceInputTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    private (PsResult Result, int Requests) RunCounting(string script)
    {
        using var session = new PsSession(_sandbox);
        session.Run("Connect-BuildService -Service ProductScience -Token $PsToken -BaseUri $Base");
        var before = _sandbox.Requests.All.Count;
        var result = session.Run(script);
        return (result, _sandbox.Requests.All.Count - before);
    }

    [Fact]
    public void A_missing_file_is_FileNotFound()
    {
        var (result, requests) = RunCounting("Submit-Build -Project demo -Path ./no-such.apk -BuildType APK");
        Assert.Equal("ProductScience.FileNotFound", result.ErrorIds.Single());
        Assert.Equal(0, requests);
        Assert.Equal("ObjectNotFound", result.AllErrors.Single().CategoryInfo.Category.ToString());
    }

    [Fact]
    public void A_folder_is_PathIsDirectory()
    {
        var folder = Directory.CreateTempSubdirectory().FullName;
        var (result, requests) = RunCounting($"Submit-Build -Project demo -Path {TestFiles.Quote(folder)} -BuildType APK");
        Assert.Equal("ProductScience.PathIsDirectory", result.ErrorIds.Single());
        Assert.Equal(0, requests);
    }

    [Fact]
    public void An_empty_file_is_FileEmpty_at_both_steps()
    {
        var empty = TestFiles.Create("empty.apk", 0);
        var (result, requests) = RunCounting($"Submit-Build -Project demo -Path {TestFiles.Quote(empty)} -BuildType APK");
        Assert.Equal("ProductScience.FileEmpty", result.ErrorIds.Single());
        Assert.Equal(0, requests);
    }

    [Fact]
    public void A_file_larger_than_the_spec_allows_is_FileTooLarge_before_a_byte_is_sent()
    {
        var apk = TestFiles.Create("big.apk", 5000);
        using var session = new PsSession(_sandbox);
        _sandbox.ProductScience.MaximumUploadBytes = 1000;
        try
        {
            session.Set("submitted", session.Run($"Submit-Build -Project demo -Path {TestFiles.Quote(apk)} -BuildType APK -NoCiMetadata -Token $PsToken -BaseUri $Base").Output.Single());
            var before = _sandbox.Requests.All.Count;
            var result = session.Run("$submitted | Send-BuildFile");
            Assert.Equal("ProductScience.FileTooLarge", result.ErrorIds.Single());
            Assert.Equal(before, _sandbox.Requests.All.Count);
            Assert.Contains("at most 1000 bytes", result.AllErrors.Single().ToString(), StringComparison.Ordinal);
        }
        finally
        {
            _sandbox.ProductScience.MaximumUploadBytes = 1073741824;
        }
    }

    [Theory]
    [InlineData("AAB")]
    [InlineData("")]
    [InlineData("apk ")]
    public void Build_types_are_checked_locally(string type)
    {
        var apk = TestFiles.Create("t.apk", 100);
        var (result, requests) = RunCounting($"Submit-Build -Project demo -Path {TestFiles.Quote(apk)} -BuildType '{type}' -NoCiMetadata");
        if (type.Trim().Equals("apk", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Empty(result.AllErrors);
            Assert.Equal(1, requests);
            return;
        }

        Assert.Equal("ProductScience.InvalidBuildType", result.ErrorIds.Single());
        Assert.Contains("APK or INSTRUMENTED_APK", result.AllErrors.Single().ToString(), StringComparison.Ordinal);
        Assert.Equal(0, requests);
    }

    [Theory]
    [InlineData("''")]
    [InlineData("'   '")]
    [InlineData("\"a`nb\"")]
    public void Empty_or_broken_project_names_are_InvalidProject(string project)
    {
        var (result, requests) = RunCounting($"New-UploadContext -Project {project}");
        Assert.Equal("ProductScience.InvalidProject", result.ErrorIds.Single());
        Assert.Equal(0, requests);
    }

    [Fact]
    public void An_unknown_project_is_NotFound_naming_it()
    {
        var (result, _) = RunCounting("New-UploadContext -Project nope");
        Assert.Equal("ProductScience.NotFound", result.ErrorIds.Single());
        Assert.Equal("nope", result.AllErrors.Single().TargetObject);
        Assert.Contains("'nope'", result.AllErrors.Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void One_bad_item_does_not_stop_the_others()
    {
        var (result, _) = RunCounting("'demo', '', 'demo' | New-UploadContext");
        Assert.Equal(2, result.Output.Count);
        Assert.Equal("ProductScience.InvalidProject", result.ErrorIds.Single());
        Assert.Null(result.Terminating);
    }
}
