using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Connection;
using PSBuildUpload.Engine.Diagnostics;
using PSBuildUpload.Engine.Errors;
using PSBuildUpload.Engine.Http;
using PSBuildUpload.Engine.Transfers;

namespace PSBuildUpload.Engine.ProductScience;

/// <summary>The Product Science Tool upload API: upload context, build metadata + upload spec, file upload.</summary>
public interface IProductScienceClient
{
    Task<UploadContext> NewUploadContextAsync(string project, CancellationToken cancellationToken);

    Task<SubmittedBuild> SubmitBuildAsync(string project, BuildSubmission submission, string path, CancellationToken cancellationToken);

    Task<BuildFileUpload> SendBuildFileAsync(UploadSpec spec, string path, string? project, long? buildId, CancellationToken cancellationToken);
}

public sealed class ProductScienceClient : ServiceClient, IProductScienceClient
{
    public static readonly Uri DefaultBaseUri = new("https://productscience.app/");

    public ProductScienceClient(ServiceEndpoint endpoint, IOperationObserver? observer)
        : base(endpoint, observer)
    {
    }

    /// <summary>Trims a project name and refuses one that cannot be a path segment.</summary>
    public static string ValidateProject(string? project)
    {
        var trimmed = project?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            throw new BuildServiceException(
                ErrorIds.ProductScience.InvalidProject,
                ErrorKind.InvalidArgument,
                "-Project is empty. Give the Product Science project name as shown in the Product Science Tool.",
                project);
        }

        foreach (var c in trimmed)
        {
            if (char.IsControl(c))
            {
                throw new BuildServiceException(
                    ErrorIds.ProductScience.InvalidProject,
                    ErrorKind.InvalidArgument,
                    "-Project contains a control character (a line break or tab). Give the project name on its own.",
                    project);
            }
        }

        return trimmed;
    }

    public Task<UploadContext> NewUploadContextAsync(string project, CancellationToken cancellationToken)
    {
        project = ValidateProject(project);
        var request = new ApiRequest(HttpMethod.Post, ProjectUri(project, "build-uploads"))
        {
            Target = project,
            NotFoundMessage = $"Check the project name '{project}': it must exist in the Product Science Tool and the token must have access to it.",
        };
        return SendJsonAsync(request, response =>
        {
            var context = Deserialize<UploadContext>(response);
            context.Project = project;
            return context;
        }, cancellationToken);
    }

    public Task<SubmittedBuild> SubmitBuildAsync(string project, BuildSubmission submission, string path, CancellationToken cancellationToken)
    {
        if (submission is null)
        {
            throw new ArgumentNullException(nameof(submission));
        }

        project = ValidateProject(project);
        var body = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["buildType"] = submission.BuildType.ToString(),
            ["buildFileName"] = submission.BuildFileName,
        };
        if (submission.ContextId is { } contextId)
        {
            // The API documents contextId as a string in the request and a number in the response.
            body["contextId"] = contextId.ToString(CultureInfo.InvariantCulture);
        }

        AddIfSet(body, "name", submission.Name);
        AddIfSet(body, "description", submission.Description);
        AddIfSet(body, "sourceControlId", submission.SourceControlId);
        if (submission.SourceControlTimestamp is { } timestamp)
        {
            body["sourceControlIsoTimestamp"] = timestamp.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        }

        var request = new ApiRequest(HttpMethod.Post, ProjectUri(project, "builds"))
        {
            JsonBody = JsonSerializer.Serialize(body),
            Target = project,
            NotFoundMessage = submission.ContextId is null
                ? $"Check the project name '{project}'."
                : $"Check the project name '{project}' and that upload context {submission.ContextId} belongs to it (New-UploadContext -Project '{project}').",
        };
        return SendJsonAsync(request, response =>
        {
            using var document = JsonDocument.Parse(response.Body);
            var root = document.RootElement;
            if (!root.TryGetProperty("build", out var buildElement) || !root.TryGetProperty("uploadSpec", out var specElement))
            {
                throw new JsonException("The answer has no 'build' or no 'uploadSpec'.");
            }

            var build = buildElement.Deserialize<ProductScienceBuild>(JsonOptions) ?? throw new JsonException("'build' is null.");
            return new SubmittedBuild
            {
                Project = project,
                Path = path,
                BuildId = build.Id,
                ContextId = build.ContextId ?? submission.ContextId,
                Build = build,
                UploadSpec = ReadSpec(specElement),
            };
        }, cancellationToken);
    }

    public async Task<BuildFileUpload> SendBuildFileAsync(UploadSpec spec, string path, string? project, long? buildId, CancellationToken cancellationToken)
    {
        if (spec is null)
        {
            throw new ArgumentNullException(nameof(spec));
        }

        var file = FileChecks.RequireFile(Service, path, "-Path");
        CheckSpec(spec, file);
        var request = new ApiRequest(new HttpMethod(spec.Method), spec.GetUri())
        {
            Authenticated = false,
            Presigned = true,
            CreatesResource = false,
            Target = file.FullName,
        };
        string? contentType = null;
        foreach (var header in spec.Headers)
        {
            if (string.Equals(header.Key, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = header.Value;
            }
            else if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(header.Key, "Authorization", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers[header.Key] = header.Value;
            }
        }

        var activity = "Uploading " + file.Name + " to Product Science";
        try
        {
            var (_, sha256, elapsed) = await UploadFileAsync(request, file, contentType ?? "application/octet-stream", activity, cancellationToken).ConfigureAwait(false);
            return new BuildFileUpload
            {
                Project = project,
                BuildId = buildId,
                Path = file.FullName,
                Length = file.Length,
                Sha256 = sha256,
                Elapsed = elapsed,
            };
        }
        catch (BuildServiceException e) when (e.StatusCode is { } status && (int)status >= 400 && (int)status < 500 && (int)status != 408 && (int)status != 429)
        {
            throw new BuildServiceException(
                ErrorIds.ProductScience.UploadRejected,
                e.Kind,
                e.Message + " The storage refused the file; the upload spec may have expired: run Submit-Build again for a new one.",
                e.Target,
                e)
            {
                ServerMessage = e.ServerMessage,
                StatusCode = e.StatusCode,
            };
        }
    }

    private static void CheckSpec(UploadSpec spec, FileInfo file)
    {
        var uri = spec.GetUri();
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && ServiceEndpoint.IsLoopback(uri))))
        {
            throw new BuildServiceException(
                ErrorIds.ProductScience.InvalidUploadSpec,
                ErrorKind.InvalidData,
                $"The upload spec's URL '{spec.Url}' is not https; the file is not sent over an unencrypted link. Run Submit-Build again, or report it to Product Science.",
                spec.Url);
        }

        if (spec.MaximumLength is { } max && file.Length > max)
        {
            throw new BuildServiceException(
                ErrorIds.ProductScience.FileTooLarge,
                ErrorKind.LimitsExceeded,
                $"'{file.FullName}' is {file.Length} bytes ({Size.Format(file.Length)}); the storage accepts at most {max} bytes ({Size.Format(max)}). Upload a smaller build.",
                file.FullName);
        }

        if (spec.MinimumLength is { } min && file.Length < min)
        {
            throw new BuildServiceException(
                ErrorIds.ProductScience.FileTooSmall,
                ErrorKind.InvalidData,
                $"'{file.FullName}' is {file.Length} bytes; the storage expects at least {min}. Check that the build step that makes it succeeded.",
                file.FullName);
        }
    }

    private static UploadSpec ReadSpec(JsonElement element)
    {
        var method = element.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() ?? "PUT" : "PUT";
        if (!element.TryGetProperty("url", out var u) || u.ValueKind != JsonValueKind.String || !Uri.TryCreate(u.GetString(), UriKind.Absolute, out var uri))
        {
            throw new JsonException("'uploadSpec.url' is missing or not an absolute URL.");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (element.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in h.EnumerateObject())
            {
                headers[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() ?? string.Empty : property.Value.GetRawText();
            }
        }

        return new UploadSpec(method, uri, headers);
    }

    private Uri ProjectUri(string project, string leaf) =>
        new(Endpoint.Rebase(DefaultBaseUri), "/api/v1/projects/" + Uri.EscapeDataString(project) + "/" + leaf);

    private static void AddIfSet(Dictionary<string, object?> body, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            body[name] = value!.Trim();
        }
    }
}
