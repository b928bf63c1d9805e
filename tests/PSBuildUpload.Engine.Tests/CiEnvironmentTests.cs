using System.Collections.Generic;
using PSBuildUpload.Engine.Ci;
using Xunit;

namespace PSBuildUpload.Engine.Tests;

public sealed class CiEnvironmentTests
{
    [Fact]
    public void Azure_DevOps_variables_fill_every_field()
    {
        var env = new Dictionary<string, string?>
        {
            ["TF_BUILD"] = "True",
            ["BUILD_SOURCEVERSION"] = "e3c0fedc625094db1cbb2823fd425b51ddc0932e",
            ["BUILD_SOURCEVERSIONMESSAGE"] = "Fix crash on login",
            ["BUILD_SOURCEBRANCH"] = "refs/heads/release/2.4",
            ["BUILD_SOURCEBRANCHNAME"] = "2.4",
            ["BUILD_BUILDNUMBER"] = "20241124.3",
            ["BUILD_REPOSITORY_URI"] = "https://dev.azure.com/org/proj/_git/app",
            ["SYSTEM_TEAMFOUNDATIONCOLLECTIONURI"] = "https://dev.azure.com/org/",
            ["SYSTEM_TEAMPROJECT"] = "My Project",
            ["BUILD_BUILDID"] = "1234",
        };
        var ci = CiEnvironment.Detect(env.GetValueOrDefault)!;
        Assert.Equal("Azure DevOps", ci.Name);
        Assert.Equal("e3c0fedc625094db1cbb2823fd425b51ddc0932e", ci.Commit);
        Assert.Equal("Fix crash on login", ci.CommitMessage);
        Assert.Equal("2.4", ci.Branch);
        Assert.Null(ci.Tag);
        Assert.Equal("20241124.3", ci.BuildNumber);
        Assert.Equal("https://dev.azure.com/org/My%20Project/_build/results?buildId=1234", ci.BuildUrl);
        Assert.Equal("https://dev.azure.com/org/My%20Project", ci.CiUrl);
        Assert.Equal("https://dev.azure.com/org/proj/_git/app", ci.RepositoryUrl);
    }

    [Fact]
    public void GitHub_Actions_tag_builds_report_the_tag_not_a_branch()
    {
        var env = new Dictionary<string, string?>
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_SHA"] = "f52ace0",
            ["GITHUB_REF_TYPE"] = "tag",
            ["GITHUB_REF_NAME"] = "v2.4.0-rc1",
            ["GITHUB_REPOSITORY"] = "myorg/myapp",
            ["GITHUB_RUN_ID"] = "123",
            ["GITHUB_RUN_NUMBER"] = "173",
        };
        var ci = CiEnvironment.Detect(env.GetValueOrDefault)!;
        Assert.Equal("GitHub Actions", ci.Name);
        Assert.Equal("v2.4.0-rc1", ci.Tag);
        Assert.Null(ci.Branch);
        Assert.Equal("https://github.com/myorg/myapp/actions/runs/123", ci.BuildUrl);
        Assert.Equal("https://github.com/myorg/myapp/actions", ci.CiUrl);
        Assert.Equal("https://github.com/myorg/myapp", ci.RepositoryUrl);
        Assert.Equal("173", ci.BuildNumber);
    }

    [Theory]
    [InlineData("GITLAB_CI", "true", "CI_COMMIT_SHA", "GitLab CI")]
    [InlineData("BITRISE_IO", "true", "BITRISE_GIT_COMMIT", "Bitrise")]
    [InlineData("JENKINS_URL", "https://ci.example/", "GIT_COMMIT", "Jenkins")]
    [InlineData("CIRCLECI", "true", "CIRCLE_SHA1", "CircleCI")]
    public void Each_CI_is_recognised_with_its_commit_variable(string marker, string value, string commitVariable, string name)
    {
        var env = new Dictionary<string, string?> { [marker] = value, [commitVariable] = "abc123" };
        var ci = CiEnvironment.Detect(env.GetValueOrDefault)!;
        Assert.Equal(name, ci.Name);
        Assert.Equal("abc123", ci.Commit);
    }

    [Fact]
    public void Outside_CI_nothing_is_detected() => Assert.Null(CiEnvironment.Detect(_ => null));
}
