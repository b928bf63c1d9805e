using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Serialization;
using PSBuildUpload.Engine.Diagnostics;

namespace PSBuildUpload.Engine.ProductScience;

/// <summary>The build types Product Science accepts, spelled as its API spells them.</summary>
[SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "The API's own values, shown to users as-is.")]
public enum ProductScienceBuildType
{
    APK,
    INSTRUMENTED_APK,
}

/// <summary>Step 1's answer: the context that groups the builds of one upload (e.g. an APK and its instrumented twin).</summary>
public sealed class UploadContext
{
    public string Project { get; set; } = string.Empty;

    public long Id { get; set; }

    public DateTimeOffset DateCreated { get; set; }

    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "{0} #{1}", Project, Id);
}

/// <summary>A build as Product Science describes it (step 2's <c>build</c> object).</summary>
public sealed class ProductScienceBuild
{
    public long Id { get; set; }

    public long? ContextId { get; set; }

    public string BuildType { get; set; } = string.Empty;

    public string BuildFileName { get; set; } = string.Empty;

    public string? Name { get; set; }

    public string? Description { get; set; }

    public string? SourceControlId { get; set; }

    [JsonPropertyName("sourceControlIsoTimestamp")]
    public DateTimeOffset? SourceControlTimestamp { get; set; }

    /// <summary>UPLOADING, FINISHED or FAILED.</summary>
    public string? UploadState { get; set; }

    public DateTimeOffset? DateCreated { get; set; }

    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "{0} {1} ({2})", Id, BuildFileName, UploadState);
}

/// <summary>
/// Where and how to send the file (step 2's <c>uploadSpec</c>). The URL is a credential: <see cref="Url"/> shows it
/// without its signature; <see cref="GetUri"/> gives the real one to the code that sends the file.
/// </summary>
public sealed class UploadSpec
{
    private readonly Uri _uri;

    public UploadSpec(string method, Uri uri, IReadOnlyDictionary<string, string> headers)
    {
        Method = string.IsNullOrWhiteSpace(method) ? "PUT" : method.Trim().ToUpperInvariant();
        _uri = uri ?? throw new ArgumentNullException(nameof(uri));
        Headers = headers ?? new Dictionary<string, string>();
        Redactor.Register(uri.Query.Length > 1 ? uri.Query.Substring(1) : null);
        (MinimumLength, MaximumLength) = ParseRange(Headers);
    }

    public string Method { get; }

    /// <summary>The storage URL without its signature, safe to show.</summary>
    public string Url => Redactor.DisplayUrl(_uri, presigned: true);

    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>From X-Goog-Content-Length-Range, when the spec has it.</summary>
    public long? MinimumLength { get; }

    public long? MaximumLength { get; }

    public Uri GetUri() => _uri;

    public override string ToString() => Method + " " + Url;

    private static (long?, long?) ParseRange(IReadOnlyDictionary<string, string> headers)
    {
        foreach (var header in headers)
        {
            if (!string.Equals(header.Key, "X-Goog-Content-Length-Range", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var parts = (header.Value ?? string.Empty).Split(',');
            if (parts.Length == 2
                && long.TryParse(parts[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var min)
                && long.TryParse(parts[1].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var max))
            {
                return (min, max);
            }
        }

        return (null, null);
    }
}

/// <summary>Step 2's result as the module emits it: the build, its upload spec and the file to send.</summary>
public sealed class SubmittedBuild
{
    public string Project { get; set; } = string.Empty;

    /// <summary>Full path of the build file, for Send-BuildFile.</summary>
    public string Path { get; set; } = string.Empty;

    public long BuildId { get; set; }

    public long? ContextId { get; set; }

    public ProductScienceBuild Build { get; set; } = new();

    public UploadSpec UploadSpec { get; set; } = null!;

    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "{0} build {1}: {2}", Project, BuildId, Path);
}

/// <summary>Step 3's result: what was sent and how fast.</summary>
public sealed class BuildFileUpload
{
    public string? Project { get; set; }

    public long? BuildId { get; set; }

    public string Path { get; set; } = string.Empty;

    public long Length { get; set; }

    /// <summary>SHA-256 of the bytes sent, lowercase hex.</summary>
    public string Sha256 { get; set; } = string.Empty;

    public TimeSpan Elapsed { get; set; }

    public double MiBPerSecond => Elapsed.TotalSeconds > 0 ? Length / 1048576.0 / Elapsed.TotalSeconds : 0;

    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "{0} ({1} bytes, {2})", Path, Length, Sha256);
}

/// <summary>Step 2's request fields besides the project.</summary>
public sealed class BuildSubmission
{
    public long? ContextId { get; set; }

    public ProductScienceBuildType BuildType { get; set; }

    public string BuildFileName { get; set; } = string.Empty;

    public string? Name { get; set; }

    public string? Description { get; set; }

    public string? SourceControlId { get; set; }

    public DateTimeOffset? SourceControlTimestamp { get; set; }
}
