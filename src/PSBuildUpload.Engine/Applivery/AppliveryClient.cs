using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Connection;
using PSBuildUpload.Engine.Diagnostics;
using PSBuildUpload.Engine.Errors;
using PSBuildUpload.Engine.Http;
using PSBuildUpload.Engine.Transfers;

namespace PSBuildUpload.Engine.Applivery;

/// <summary>Applivery's build upload (Integrations and Workspace APIs), build details, build list and processing wait.</summary>
public interface IAppliveryClient
{
    Task<AppliveryBuild> PublishBuildAsync(AppliveryUpload upload, CancellationToken cancellationToken);

    Task<AppliveryBuild> GetBuildAsync(string buildId, AppliveryWorkspace? workspace, CancellationToken cancellationToken);

    /// <summary>Reads the list page by page, handing each to <paramref name="onPage"/>; stops when it returns false.</summary>
    Task ListBuildsAsync(AppliveryBuildQuery query, AppliveryWorkspace? workspace, Func<AppliveryBuildPage, bool> onPage, CancellationToken cancellationToken);

    /// <summary>Polls the build until it is processed (returned) or failed or out of time (thrown).</summary>
    Task<AppliveryBuild> WaitForProcessingAsync(string buildId, AppliveryWorkspace? workspace, TimeSpan timeout, TimeSpan pollInterval, CancellationToken cancellationToken);
}

public sealed class AppliveryClient : ServiceClient, IAppliveryClient
{
    public static readonly Uri DefaultUploadBaseUri = new("https://upload.applivery.io/");

    public static readonly Uri DefaultApiBaseUri = new("https://api.applivery.io/");

    /// <summary>Process-log lines an error message shows; the whole log stays on the build object.</summary>
    private const int LogLinesShown = 20;

    private readonly Uri? _uploadBaseUri;
    private readonly Uri? _apiBaseUri;

    /// <param name="endpoint">Token, settings, and the -BaseUri that rebases both hosts.</param>
    /// <param name="uploadBaseUri">Replaces the upload host only (already validated); null to follow <paramref name="endpoint"/>.</param>
    /// <param name="apiBaseUri">Replaces the api host only (already validated); null to follow <paramref name="endpoint"/>.</param>
    public AppliveryClient(ServiceEndpoint endpoint, Uri? uploadBaseUri, Uri? apiBaseUri, IOperationObserver? observer)
        : base(endpoint, observer)
    {
        _uploadBaseUri = uploadBaseUri;
        _apiBaseUri = apiBaseUri;
    }

    protected override JsonSerializerOptions JsonOptions => AppliveryJson.Options;

    private Uri UploadBase => _uploadBaseUri ?? Endpoint.Rebase(DefaultUploadBaseUri);

    private Uri ApiBase => _apiBaseUri ?? Endpoint.Rebase(DefaultApiBaseUri);

    /// <summary>Checks list filters before any request: status and os are the API's values, the page size 1–100.</summary>
    public static AppliveryBuildQuery ValidateQuery(AppliveryBuildQuery query)
    {
        if (query is null)
        {
            throw new ArgumentNullException(nameof(query));
        }

        string? Code(string? value, string[] allowed, string errorId, string parameter)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return null;
            }

            var match = allowed.FirstOrDefault(a => string.Equals(a, value!.Trim(), StringComparison.OrdinalIgnoreCase));
            return match ?? throw new BuildServiceException(
                errorId,
                ErrorKind.InvalidArgument,
                $"{parameter} '{value!.Trim()}' is not one of Applivery's values. Use one of: {string.Join(", ", allowed)}.",
                value);
        }

        if (query.PageSize < 1 || query.PageSize > 100)
        {
            throw new BuildServiceException(
                ErrorIds.Applivery.InvalidPageSize,
                ErrorKind.InvalidArgument,
                string.Format(CultureInfo.InvariantCulture, "-PageSize {0} is out of range. Give a number from 1 to 100.", query.PageSize),
                query.PageSize);
        }

        return new AppliveryBuildQuery
        {
            VersionName = string.IsNullOrWhiteSpace(query.VersionName) ? null : query.VersionName!.Trim(),
            Status = Code(query.Status, AppliveryBuildStatus.Filterable, ErrorIds.Applivery.InvalidStatus, "-Status"),
            Os = Code(query.Os, new[] { "ios", "android" }, ErrorIds.Applivery.InvalidOs, "-Os"),
            PageSize = query.PageSize,
            FirstPage = Math.Max(1, query.FirstPage),
        };
    }

    /// <summary>Checks -Timeout and -PollInterval: both positive, the interval no longer than the timeout.</summary>
    public static void ValidateWait(TimeSpan timeout, TimeSpan pollInterval)
    {
        if (timeout <= TimeSpan.Zero)
        {
            throw new BuildServiceException(
                ErrorIds.Applivery.InvalidTimeout,
                ErrorKind.InvalidArgument,
                $"-Timeout {timeout} is not a positive time. Give seconds (-Timeout 900) or a TimeSpan (-Timeout (New-TimeSpan -Minutes 15)).",
                timeout);
        }

        if (pollInterval <= TimeSpan.Zero || pollInterval > timeout)
        {
            throw new BuildServiceException(
                ErrorIds.Applivery.InvalidPollInterval,
                ErrorKind.InvalidArgument,
                $"-PollInterval {pollInterval} must be positive and no longer than -Timeout ({timeout}). Give seconds, for example -PollInterval 5.",
                pollInterval);
        }
    }

    public async Task<AppliveryBuild> PublishBuildAsync(AppliveryUpload upload, CancellationToken cancellationToken)
    {
        if (upload is null)
        {
            throw new ArgumentNullException(nameof(upload));
        }

        var valid = upload.Validate();
        var file = valid.BuildFile!;
        var workspace = valid.Workspace;
        var url = workspace is null
            ? new Uri(UploadBase, "/v1/integrations/builds")
            : new Uri(UploadBase, "/v1/organizations/" + Uri.EscapeDataString(workspace.OrganizationId) + "/apps/" + Uri.EscapeDataString(workspace.ApplicationId) + "/builds");
        var request = new ApiRequest(HttpMethod.Post, url)
        {
            Target = file.FullName,
            NotFoundMessage = workspace is null
                ? "The app of this token was not found: check that the token is an app token of an existing app."
                : $"Check -OrganizationId '{workspace.OrganizationId}' and -ApplicationId '{workspace.ApplicationId}': both must exist and the service account must have access to them.",
        };
        var fields = valid.FormFields();
        Observer.Verbose(string.Format(
            CultureInfo.InvariantCulture,
            "Applivery {0} API: {1} ({2}) with the fields {3}.",
            workspace is null ? "Integrations" : "Workspace",
            file.Name,
            Size.Format(file.Length),
            fields.Count == 0 ? "(none)" : string.Join(", ", fields.Select(f => f.Key))));

        var progress = new ProgressReporter(Observer, "Uploading " + file.Name + " to Applivery", file.Length);
        var response = await Advised(request, SendContentAsync(request, (watchdog, reporter) => Form(valid, fields, watchdog, reporter), progress, cancellationToken)).ConfigureAwait(false);
        progress.Complete();
        try
        {
            return Stamp(Read(request, response, ReadBuild), workspace);
        }
        catch (AttemptFailedException e)
        {
            // Outside the retry loop (the POST must not be repeated), a reading failure is simply the error.
            throw e.Error;
        }
    }

    public Task<AppliveryBuild> GetBuildAsync(string buildId, AppliveryWorkspace? workspace, CancellationToken cancellationToken)
    {
        buildId = AppliveryUpload.ValidateBuildId(buildId);
        var request = new ApiRequest(HttpMethod.Get, BuildUri(workspace, buildId))
        {
            Target = buildId,
            NotFoundMessage = workspace is null
                ? $"No build '{buildId}' in the app of this token: check the id and that the token is the app token of the app the build belongs to."
                : $"No build '{buildId}' in {workspace}: check the ids.",
        };
        return Advised(request, SendJsonAsync(request, r => Stamp(ReadBuild(r), workspace), cancellationToken));
    }

    public async Task ListBuildsAsync(AppliveryBuildQuery query, AppliveryWorkspace? workspace, Func<AppliveryBuildPage, bool> onPage, CancellationToken cancellationToken)
    {
        if (onPage is null)
        {
            throw new ArgumentNullException(nameof(onPage));
        }

        var valid = ValidateQuery(query);
        for (var page = valid.FirstPage; ; page++)
        {
            var parameters = new List<string>();
            void Add(string name, string? value)
            {
                if (value is not null)
                {
                    parameters.Add(name + "=" + Uri.EscapeDataString(value));
                }
            }

            Add("versionName", valid.VersionName);
            Add("status", valid.Status);
            Add("os", valid.Os);
            Add("page", page.ToString(CultureInfo.InvariantCulture));
            Add("limit", valid.PageSize.ToString(CultureInfo.InvariantCulture));
            var url = new Uri(BuildUri(workspace, null).AbsoluteUri + "?" + string.Join("&", parameters));
            var request = new ApiRequest(HttpMethod.Get, url)
            {
                Target = workspace?.ToString() ?? "builds",
                NotFoundMessage = workspace is null ? null : $"Check the ids of {workspace}.",
            };
            var current = page;
            var result = await Advised(request, SendJsonAsync(request, r => ReadPage(r, current, valid.PageSize, workspace), cancellationToken)).ConfigureAwait(false);
            if (!onPage(result) || !result.HasNextPage || result.Items.Length == 0)
            {
                return;
            }
        }
    }

    public async Task<AppliveryBuild> WaitForProcessingAsync(string buildId, AppliveryWorkspace? workspace, TimeSpan timeout, TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        ValidateWait(timeout, pollInterval);
        buildId = AppliveryUpload.ValidateBuildId(buildId);
        var activityId = ProgressReporter.NewActivityId();
        var activity = "Waiting for Applivery to process build " + buildId;
        var stopwatch = Stopwatch.StartNew();
        string? lastStatus = null;
        var state = "asking";
        try
        {
            while (true)
            {
                var build = await GetBuildAsync(buildId, workspace, cancellationToken).ConfigureAwait(false);
                state = build.Status ?? "(no status)";
                if (!string.Equals(build.Status, lastStatus, StringComparison.Ordinal))
                {
                    Observer.Verbose(string.Format(CultureInfo.InvariantCulture, "Applivery build {0}: {1} after {2:0.0} s.", buildId, state, stopwatch.Elapsed.TotalSeconds));
                    lastStatus = build.Status;
                }

                if (AppliveryBuildStatus.IsDone(build.Status))
                {
                    return build;
                }

                if (AppliveryBuildStatus.IsError(build.Status))
                {
                    throw ProcessingFailed(build);
                }

                var left = timeout - stopwatch.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    throw WaitTimedOut(build, timeout);
                }

                Observer.Progress(WaitProgress(activityId, activity, state, stopwatch.Elapsed, completed: false));
                await Task.Delay(pollInterval < left ? pollInterval : left, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Observer.Progress(WaitProgress(activityId, activity, state, stopwatch.Elapsed, completed: true));
        }
    }

    internal override AttemptFailedException? InterpretSuccessBody(ApiRequest request, ApiResponse response)
    {
        if (IsNonJson(response) || response.Body.Length == 0)
        {
            // Unreadable (a proxy's page, a body cut short): a read is tried again, an upload is not.
            return new AttemptFailedException(FailureKind.InvalidResponse, new BuildServiceException(
                ErrorIds.Applivery.NonJsonResponse,
                ErrorKind.InvalidData,
                Redactor.Scrub(string.Format(
                    CultureInfo.InvariantCulture,
                    "Applivery answered {0} {1} to {2} {3} with {4} instead of JSON. {5}",
                    response.StatusCode,
                    response.ReasonPhrase,
                    request.Method.Method,
                    request.DisplayUrl,
                    DescribeBody(response),
                    NonJsonAdvice)),
                request.Target ?? request.DisplayUrl)
            {
                StatusCode = (System.Net.HttpStatusCode)response.StatusCode,
            });
        }

        var envelope = Envelope(response.Body);
        if (envelope is not { Failed: true } failure)
        {
            return null;
        }

        var errorId = failure.Code is { } code ? ErrorIds.Applivery.ForCode(code) : ErrorIds.For(ServiceKind.Applivery, ErrorReason.BadRequest);
        var advice = CodeAdvice(errorId, request);
        var said = failure.Message is null ? "no reason given" : failure.Message.TrimEnd('.');
        var codeText = failure.Code is { } c ? string.Format(CultureInfo.InvariantCulture, " (Applivery error {0})", c) : string.Empty;
        return new AttemptFailedException(FailureKind.Status, new BuildServiceException(
            errorId,
            CodeKind(errorId),
            Redactor.Scrub($"Applivery refused {request.Method.Method} {request.DisplayUrl}: {said}{codeText}. {advice}"),
            request.Target ?? request.DisplayUrl)
        {
            ServerMessage = failure.Message is null ? null : Redactor.Scrub(failure.Message),
            StatusCode = (System.Net.HttpStatusCode)response.StatusCode,
            RecommendedAction = advice,
            IsTerminating = CodeKind(errorId) == ErrorKind.AuthenticationError,
        });
    }

    internal override string ErrorIdFor(ApiRequest request, ApiResponse response)
    {
        if (Envelope(response.Body) is { Code: { } code })
        {
            return ErrorIds.Applivery.ForCode(code);
        }

        return IsNonJson(response) ? ErrorIds.Applivery.NonJsonResponse : base.ErrorIdFor(request, response);
    }

    internal override string? ServerMessage(ApiResponse response)
    {
        if (Envelope(response.Body) is { } envelope && (envelope.Code is not null || envelope.Message is not null))
        {
            var said = envelope.Message?.TrimEnd('.') ?? "no reason given";
            return envelope.Code is { } code ? string.Format(CultureInfo.InvariantCulture, "{0} (Applivery error {1})", said, code) : said;
        }

        return IsNonJson(response) ? DescribeBody(response) + " came back instead of JSON; " + NonJsonAdvice.TrimEnd('.') : base.ServerMessage(response);
    }

    private const string NonJsonAdvice =
        "A proxy, firewall or captive portal often answers like this, or -BaseUri points at something that is not Applivery: check HTTPS_PROXY or Connect-BuildService -Proxy, and -BaseUri.";

    private static TransferProgress WaitProgress(int activityId, string activity, string state, TimeSpan elapsed, bool completed) => new(
        activityId,
        activity,
        string.Format(CultureInfo.InvariantCulture, "Status: {0} ({1:0} s)", state, elapsed.TotalSeconds),
        (long)elapsed.TotalSeconds,
        null,
        elapsed,
        completed);

    private static BuildServiceException ProcessingFailed(AppliveryBuild build)
    {
        var text = new StringBuilder()
            .Append("Applivery could not process build ").Append(build.Id);
        if (build.VersionName is not null)
        {
            text.Append(" (").Append(build.VersionName).Append(')');
        }

        text.Append(": ").Append(string.IsNullOrWhiteSpace(build.Error) ? "processing ended in status 'error'" : build.Error!.Trim().TrimEnd('.'));
        if (build.ErrorCode is not null)
        {
            text.Append(" (error code ").Append(build.ErrorCode).Append(')');
        }

        text.Append('.');
        var logs = build.ProcessLogs ?? Array.Empty<string>();
        if (logs.Length > 0)
        {
            text.Append(" Process log");
            if (logs.Length > LogLinesShown)
            {
                text.Append(string.Format(CultureInfo.InvariantCulture, " (last {0} of {1} lines)", LogLinesShown, logs.Length));
            }

            text.Append(':');
            foreach (var line in logs.Skip(Math.Max(0, logs.Length - LogLinesShown)))
            {
                text.Append(Environment.NewLine).Append("  ").Append(line);
            }
        }

        return new BuildServiceException(ErrorIds.Applivery.BuildProcessingFailed, ErrorKind.InvalidData, Redactor.Scrub(text.ToString()), build)
        {
            RecommendedAction = "Fix the build file and upload it again; Applivery's build processing codes explain the error code. The error's TargetObject is the build, with ErrorCode and the whole ProcessLogs.",
            Data2 = build,
        };
    }

    private static BuildServiceException WaitTimedOut(AppliveryBuild build, TimeSpan timeout) => new(
        ErrorIds.Applivery.WaitTimeout,
        ErrorKind.OperationTimeout,
        string.Format(
            CultureInfo.InvariantCulture,
            "Applivery build {0} was still '{1}' after {2:0.#} s of waiting. Wait longer with -Timeout, or check again later: Get-AppliveryBuild -BuildId {0} | Wait-AppliveryBuild.",
            build.Id,
            build.Status,
            timeout.TotalSeconds),
        build)
    {
        Data2 = build,
    };

    private static AppliveryBuild Stamp(AppliveryBuild build, AppliveryWorkspace? workspace)
    {
        if (workspace is not null)
        {
            build.OrganizationId = workspace.OrganizationId;
            build.ApplicationId = workspace.ApplicationId;
        }

        return build;
    }

    private static MultipartFormDataContent Form(AppliveryUpload upload, IReadOnlyList<KeyValuePair<string, string>> fields, IdleWatchdog watchdog, ProgressReporter progress)
    {
        var form = new MultipartFormDataContent("PSBuildUpload-" + Guid.NewGuid().ToString("N"));
        foreach (var field in fields)
        {
            // No Content-Type on text parts, as browsers and curl -F send them.
            var part = new ByteArrayContent(Encoding.UTF8.GetBytes(field.Value));
            part.Headers.ContentDisposition = Disposition(field.Key, null);
            form.Add(part);
        }

        if (upload.PackageIconFile is { } icon)
        {
            var iconPart = new FileContent(icon.FullName, icon.Length, watchdog, null, null, upload.PackageIconContentType);
            iconPart.Headers.ContentDisposition = Disposition("packageIcon", icon.Name);
            form.Add(iconPart);
        }

        var file = upload.BuildFile!;
        var build = new FileContent(file.FullName, file.Length, watchdog, progress, null, "application/octet-stream");
        build.Headers.ContentDisposition = Disposition("build", file.Name);
        form.Add(build);
        return form;
    }

    /// <summary>
    /// A form-data disposition with the name quoted (filter[0][1] is not a header token). A file name outside
    /// printable ASCII goes as filename* and as an ASCII stand-in that keeps the extension.
    /// </summary>
    private static ContentDispositionHeaderValue Disposition(string name, string? fileName)
    {
        var disposition = new ContentDispositionHeaderValue("form-data") { Name = "\"" + name + "\"" };
        if (fileName is not null)
        {
            var ascii = new string(fileName.Select(c => c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? c : '_').ToArray());
            disposition.FileName = "\"" + ascii + "\"";
            if (!string.Equals(ascii, fileName, StringComparison.Ordinal))
            {
                disposition.FileNameStar = fileName;
            }
        }

        return disposition;
    }

    private AppliveryBuild ReadBuild(ApiResponse response)
    {
        using var document = JsonDocument.Parse(Utf8(response.Body));
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("The answer has no 'data' object.");
        }

        return data.Deserialize<AppliveryBuild>(JsonOptions) ?? throw new JsonException("'data' is null.");
    }

    private AppliveryBuildPage ReadPage(ApiResponse response, int page, int limit, AppliveryWorkspace? workspace)
    {
        using var document = JsonDocument.Parse(Utf8(response.Body));
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data))
        {
            throw new JsonException("The answer has no 'data'.");
        }

        JsonElement items;
        long? total = null;
        bool? hasNext = null;
        long? totalPages = null;
        if (data.ValueKind == JsonValueKind.Array)
        {
            items = data;
        }
        else if (data.ValueKind == JsonValueKind.Object)
        {
            // The paginated shape: items (or docs) beside totalDocs, totalPages and hasNextPage.
            if (!TryGetArray(data, out items, "items", "docs", "builds", "data"))
            {
                throw new JsonException("'data' has no list of builds ('items').");
            }

            total = Number(data, "totalDocs") ?? Number(data, "total") ?? Number(data, "totalItems");
            totalPages = Number(data, "totalPages");
            if (data.TryGetProperty("hasNextPage", out var next) && (next.ValueKind == JsonValueKind.True || next.ValueKind == JsonValueKind.False))
            {
                hasNext = next.GetBoolean();
            }
        }
        else
        {
            throw new JsonException("'data' is neither a list nor a page of builds.");
        }

        var builds = items.EnumerateArray()
            .Where(e => e.ValueKind == JsonValueKind.Object)
            .Select(e => Stamp(e.Deserialize<AppliveryBuild>(JsonOptions)!, workspace))
            .ToArray();
        var more = hasNext ?? (totalPages is { } pages ? page < pages : builds.Length >= limit);
        return new AppliveryBuildPage(page, builds, total, more);
    }

    private static bool TryGetArray(JsonElement element, out JsonElement array, params string[] names)
    {
        foreach (var name in names)
        {
            if (element.TryGetProperty(name, out array) && array.ValueKind == JsonValueKind.Array)
            {
                return true;
            }
        }

        array = default;
        return false;
    }

    private static long? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;

    private Uri BuildUri(AppliveryWorkspace? workspace, string? buildId)
    {
        var path = workspace is null
            ? "/v1/integrations/builds"
            : "/v1/organizations/" + Uri.EscapeDataString(workspace.OrganizationId) + "/apps/" + Uri.EscapeDataString(workspace.ApplicationId) + "/builds";
        return new Uri(ApiBase, buildId is null ? path : path + "/" + Uri.EscapeDataString(buildId));
    }

    /// <summary>Adds the advice of a named Applivery error code to an error raised from a status answer.</summary>
    private static async Task<T> Advised<T>(ApiRequest request, Task<T> task)
    {
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch (BuildServiceException e) when (e.RecommendedAction is null && CodeAdvice(e.ErrorId, request) is { } advice)
        {
            throw new BuildServiceException(e.ErrorId, e.Kind, e.Message, e.Target, e.InnerException)
            {
                ServerMessage = e.ServerMessage,
                StatusCode = e.StatusCode,
                IsTerminating = e.IsTerminating,
                RecommendedAction = advice,
                Data2 = e.Data2,
            };
        }
    }

    private static string? CodeAdvice(string errorId, ApiRequest request) => errorId switch
    {
        ErrorIds.Applivery.EntityNotFound => request.NotFoundMessage ?? "Check the ids in the command.",
        ErrorIds.Applivery.TokenExpired => "The token has expired: create a new one in the Applivery dashboard and give it with -Token, Connect-BuildService -Service Applivery or $env:APPLIVERY_TOKEN.",
        ErrorIds.Applivery.TokenEmpty => "No token reached Applivery: give one with -Token, Connect-BuildService -Service Applivery or $env:APPLIVERY_TOKEN.",
        ErrorIds.Applivery.TokenInvalid => "The token was refused. An app token works only with the Integrations API (no -OrganizationId/-ApplicationId); a service-account token only with the Workspace API (-OrganizationId and -ApplicationId).",
        ErrorIds.Applivery.InvalidBuildFile => "Applivery could not use the build file: check that it is a complete build of a supported type, and for custom platforms give -PackageName, -PackageVersion and -PackageIcon.",
        ErrorIds.Applivery.SlugAlreadyUsed => "Applivery says the slug is already used: choose another one.",
        _ when IsCodeId(errorId) => "Applivery's API reference lists its error codes.",
        _ => null,
    };

    private static bool IsCodeId(string errorId) =>
        errorId.StartsWith("Applivery.", StringComparison.Ordinal) && errorId.Length > "Applivery.".Length && errorId.Substring("Applivery.".Length).All(char.IsDigit);

    private static ErrorKind CodeKind(string errorId) => errorId switch
    {
        ErrorIds.Applivery.EntityNotFound => ErrorKind.ObjectNotFound,
        ErrorIds.Applivery.TokenExpired or ErrorIds.Applivery.TokenEmpty or ErrorIds.Applivery.TokenInvalid => ErrorKind.AuthenticationError,
        ErrorIds.Applivery.InvalidBuildFile => ErrorKind.InvalidData,
        ErrorIds.Applivery.SlugAlreadyUsed => ErrorKind.ResourceExists,
        _ => ErrorKind.InvalidOperation,
    };

    private sealed class EnvelopeError
    {
        public bool Failed { get; set; }

        public long? Code { get; set; }

        public string? Message { get; set; }
    }

    /// <summary>Applivery's envelope: <c>{"status":false,"error":{"code":5024,"message":"…"}}</c>; null when the body is not one.</summary>
    private static EnvelopeError? Envelope(byte[] body)
    {
        if (body is null || body.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(Utf8(body));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var failed = root.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.False;
            var result = new EnvelopeError { Failed = failed };
            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                if (error.TryGetProperty("code", out var code))
                {
                    if (code.ValueKind == JsonValueKind.Number && code.TryGetInt64(out var number))
                    {
                        result.Code = number;
                    }
                    else if (code.ValueKind == JsonValueKind.String && long.TryParse(code.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
                    {
                        result.Code = parsed;
                    }
                }

                if (error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(message.GetString()))
                {
                    result.Message = message.GetString()!.Trim();
                }
            }

            return failed || result.Code is not null ? result : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A body with content that is not JSON (an HTML page, plain text).</summary>
    private static bool IsNonJson(ApiResponse response)
    {
        var body = Utf8(response.Body);
        var blank = true;
        foreach (var b in body.Span)
        {
            if (b is not ((byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t'))
            {
                blank = false;
                break;
            }
        }

        if (blank)
        {
            return false;
        }

        if (response.ContentType?.IndexOf("html", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return false;
        }
        catch (JsonException)
        {
            return true;
        }
    }

    private static string DescribeBody(ApiResponse response)
    {
        if (response.Body.Length == 0)
        {
            return "an empty body";
        }

        var head = Encoding.UTF8.GetString(response.Body, 0, Math.Min(response.Body.Length, 256)).TrimStart('\uFEFF', ' ', '\r', '\n', '\t');
        var html = response.ContentType?.IndexOf("html", StringComparison.OrdinalIgnoreCase) >= 0
            || head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase)
            || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase);
        return html ? "an HTML page" : "a body that is not JSON" + (response.ContentType is null ? string.Empty : " (" + response.ContentType + ")");
    }

    private static ReadOnlyMemory<byte> Utf8(byte[] body) =>
        body.Length >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF ? body.AsMemory(3) : body.AsMemory();
}
