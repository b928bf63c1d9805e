using System;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace PSBuildUpload.Engine.Ci;

/// <summary>
/// What a CI system says about the build it runs: detected from its environment variables
/// (docs/ci-metadata.md lists them per system). Null when the process is not in a known CI.
/// </summary>
public sealed class CiEnvironment
{
    public string Name { get; private set; } = string.Empty;

    public string? Commit { get; private set; }

    public string? CommitMessage { get; private set; }

    public string? Branch { get; private set; }

    public string? Tag { get; private set; }

    public string? BuildNumber { get; private set; }

    public string? BuildUrl { get; private set; }

    public string? CiUrl { get; private set; }

    public string? RepositoryUrl { get; private set; }

    /// <summary>When the CI run started, if the CI says so.</summary>
    public DateTimeOffset? TriggeredAt { get; private set; }

    /// <summary>The commit's time, if the CI says so (GitLab does); otherwise git is asked.</summary>
    public DateTimeOffset? CommitTimestamp { get; private set; }

    /// <param name="getEnvironment">Reads an environment variable (injectable for tests).</param>
    /// <param name="readFile">Reads a file the CI points at (GitHub's event payload); null when it cannot.</param>
    public static CiEnvironment? Detect(Func<string, string?>? getEnvironment = null, Func<string, string?>? readFile = null)
    {
        getEnvironment ??= Environment.GetEnvironmentVariable;
        readFile ??= ReadSmallFile;
        string? Get(string name)
        {
            var value = getEnvironment(name);
            return string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
        }

        if (IsTrue(Get("TF_BUILD")))
        {
            var collection = Get("SYSTEM_TEAMFOUNDATIONCOLLECTIONURI");
            var project = Get("SYSTEM_TEAMPROJECT");
            var projectUrl = collection is null || project is null ? null : collection.TrimEnd('/') + "/" + Uri.EscapeDataString(project);
            var sourceBranch = Get("BUILD_SOURCEBRANCH");
            var isTag = sourceBranch?.StartsWith("refs/tags/", StringComparison.Ordinal) == true;
            return new CiEnvironment
            {
                Name = "Azure DevOps",
                Commit = Get("BUILD_SOURCEVERSION"),
                CommitMessage = Get("BUILD_SOURCEVERSIONMESSAGE"),
                Branch = isTag ? null : Get("BUILD_SOURCEBRANCHNAME") ?? StripRef(sourceBranch),
                Tag = isTag ? sourceBranch!.Substring("refs/tags/".Length) : null,
                BuildNumber = Get("BUILD_BUILDNUMBER"),
                BuildUrl = projectUrl is null || Get("BUILD_BUILDID") is not { } id ? null : projectUrl + "/_build/results?buildId=" + id,
                CiUrl = projectUrl,
                RepositoryUrl = Get("BUILD_REPOSITORY_URI"),
                TriggeredAt = ParseDate(Get("SYSTEM_PIPELINESTARTTIME")),
            };
        }

        if (IsTrue(Get("GITHUB_ACTIONS")))
        {
            var server = Get("GITHUB_SERVER_URL") ?? "https://github.com";
            var repository = Get("GITHUB_REPOSITORY");
            var repositoryUrl = repository is null ? null : server.TrimEnd('/') + "/" + repository;
            var isTag = string.Equals(Get("GITHUB_REF_TYPE"), "tag", StringComparison.Ordinal);
            var (message, commitTime) = GitHubHeadCommit(Get("GITHUB_EVENT_PATH"), readFile);
            return new CiEnvironment
            {
                Name = "GitHub Actions",
                Commit = Get("GITHUB_SHA"),
                CommitMessage = message,
                CommitTimestamp = commitTime,
                Branch = isTag ? null : Get("GITHUB_HEAD_REF") ?? Get("GITHUB_REF_NAME"),
                Tag = isTag ? Get("GITHUB_REF_NAME") : null,
                BuildNumber = Get("GITHUB_RUN_NUMBER"),
                BuildUrl = repositoryUrl is null || Get("GITHUB_RUN_ID") is not { } run ? null : repositoryUrl + "/actions/runs/" + run,
                CiUrl = repositoryUrl is null ? null : repositoryUrl + "/actions",
                RepositoryUrl = repositoryUrl,
            };
        }

        if (IsTrue(Get("GITLAB_CI")))
        {
            return new CiEnvironment
            {
                Name = "GitLab CI",
                Commit = Get("CI_COMMIT_SHA"),
                CommitMessage = Get("CI_COMMIT_MESSAGE"),
                Branch = Get("CI_COMMIT_BRANCH") ?? (Get("CI_COMMIT_TAG") is null ? Get("CI_COMMIT_REF_NAME") : null),
                Tag = Get("CI_COMMIT_TAG"),
                BuildNumber = Get("CI_PIPELINE_IID") ?? Get("CI_PIPELINE_ID"),
                BuildUrl = Get("CI_PIPELINE_URL") ?? Get("CI_JOB_URL"),
                CiUrl = Get("CI_SERVER_URL"),
                RepositoryUrl = Get("CI_PROJECT_URL"),
                TriggeredAt = ParseDate(Get("CI_PIPELINE_CREATED_AT")),
                CommitTimestamp = ParseDate(Get("CI_COMMIT_TIMESTAMP")),
            };
        }

        if (IsTrue(Get("BITRISE_IO")) || Get("BITRISE_BUILD_URL") is not null)
        {
            return new CiEnvironment
            {
                Name = "Bitrise",
                Commit = Get("BITRISE_GIT_COMMIT") ?? Get("GIT_CLONE_COMMIT_HASH"),
                CommitMessage = Get("BITRISE_GIT_MESSAGE") ?? Get("GIT_CLONE_COMMIT_MESSAGE_SUBJECT"),
                Branch = Get("BITRISE_GIT_BRANCH"),
                Tag = Get("BITRISE_GIT_TAG"),
                BuildNumber = Get("BITRISE_BUILD_NUMBER"),
                BuildUrl = Get("BITRISE_BUILD_URL"),
                CiUrl = Get("BITRISE_APP_URL") ?? "https://app.bitrise.io",
                RepositoryUrl = Get("GIT_REPOSITORY_URL"),
                TriggeredAt = ParseUnixSeconds(Get("BITRISE_BUILD_TRIGGER_TIMESTAMP")),
            };
        }

        if (Get("JENKINS_URL") is not null || Get("JENKINS_HOME") is not null)
        {
            return new CiEnvironment
            {
                Name = "Jenkins",
                Commit = Get("GIT_COMMIT"),
                Branch = StripRemote(Get("GIT_BRANCH") ?? Get("BRANCH_NAME")),
                Tag = Get("TAG_NAME"),
                BuildNumber = Get("BUILD_NUMBER"),
                BuildUrl = Get("BUILD_URL"),
                CiUrl = Get("JENKINS_URL"),
                RepositoryUrl = Get("GIT_URL"),
            };
        }

        if (IsTrue(Get("CIRCLECI")))
        {
            return new CiEnvironment
            {
                Name = "CircleCI",
                Commit = Get("CIRCLE_SHA1"),
                Branch = Get("CIRCLE_BRANCH"),
                Tag = Get("CIRCLE_TAG"),
                BuildNumber = Get("CIRCLE_BUILD_NUM"),
                BuildUrl = Get("CIRCLE_BUILD_URL"),
                CiUrl = "https://app.circleci.com",
                RepositoryUrl = Get("CIRCLE_REPOSITORY_URL"),
            };
        }

        return null;
    }

    /// <summary>
    /// GitHub has no variable for the commit message; a push event's payload (the file GITHUB_EVENT_PATH names)
    /// carries it, with the commit's time, in head_commit. Other events have no head_commit: nothing is known.
    /// </summary>
    private static (string? Message, DateTimeOffset? Timestamp) GitHubHeadCommit(string? eventPath, Func<string, string?> readFile)
    {
        var json = eventPath is null ? null : readFile(eventPath);
        if (string.IsNullOrWhiteSpace(json))
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(json!);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("head_commit", out var head)
                || head.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            var message = head.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()?.Trim() : null;
            var timestamp = head.TryGetProperty("timestamp", out var t) && t.ValueKind == JsonValueKind.String ? ParseDate(t.GetString()) : null;
            return (string.IsNullOrEmpty(message) ? null : message, timestamp);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string? ReadSmallFile(string path)
    {
        try
        {
            var file = new FileInfo(path);
            return file.Exists && file.Length < 16 * 1024 * 1024 ? File.ReadAllText(file.FullName) : null;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is NotSupportedException)
        {
            return null;
        }
    }

    private static bool IsTrue(string? value) =>
        value is not null && (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) || value == "1");

    private static string? StripRef(string? reference) =>
        reference?.StartsWith("refs/heads/", StringComparison.Ordinal) == true ? reference.Substring("refs/heads/".Length) : reference;

    private static string? StripRemote(string? branch) =>
        branch?.StartsWith("origin/", StringComparison.Ordinal) == true ? branch.Substring("origin/".Length) : branch;

    private static DateTimeOffset? ParseDate(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date : null;

    private static DateTimeOffset? ParseUnixSeconds(string? value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
}
