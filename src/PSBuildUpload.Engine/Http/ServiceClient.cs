using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Auth;
using PSBuildUpload.Engine.Connection;
using PSBuildUpload.Engine.Diagnostics;
using PSBuildUpload.Engine.Errors;
using RestSharp;

namespace PSBuildUpload.Engine.Http;

/// <summary>
/// The base of every service client: JSON calls through RestSharp and streamed transfers through the shared
/// HttpClient, both inside one retry loop that knows which failures may be repeated, honours Retry-After and
/// cancellation, writes one verbose line per try and turns failures into <see cref="BuildServiceException"/>s.
/// </summary>
public abstract partial class ServiceClient
{
    private static readonly object RandomLock = new();
    private static readonly Random Random = new();

    protected ServiceClient(ServiceEndpoint endpoint, IOperationObserver? observer)
    {
        Endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        Observer = observer ?? NullObserver.Instance;
        Redactor.Register(endpoint.Token);
        Transport = HttpCore.For(endpoint.Settings);
    }

    public ServiceKind Service => Endpoint.Service;

    protected ServiceEndpoint Endpoint { get; }

    protected IOperationObserver Observer { get; }

    protected ServiceSettings Settings => Endpoint.Settings;

    internal HttpCore.Transport Transport { get; }

    /// <summary>Serialiser settings of the service's JSON (camelCase unless a client says otherwise).</summary>
    protected virtual JsonSerializerOptions JsonOptions => Json.EngineJson.CamelCase;

    /// <summary>Sends a JSON call and reads the answer with <paramref name="read"/>, inside the retry loop.</summary>
    internal Task<T> SendJsonAsync<T>(ApiRequest request, Func<ApiResponse, T> read, CancellationToken cancellationToken)
    {
        var rest = Transport.Rest(request.Url);
        return RunAsync(request, Settings.RequestTimeout, async (state, token) =>
        {
            var restRequest = new RestRequest(request.Url, ToRestMethod(request.Method));
            restRequest.AddHeader("Accept", "application/json");
            foreach (var header in request.Headers)
            {
                restRequest.AddHeader(header.Key, header.Value);
            }

            if (request.Authenticated)
            {
                restRequest.AddHeader("Authorization", AuthorizationValue());
            }

            if (request.JsonBody is not null)
            {
                restRequest.AddStringBody(request.JsonBody, ContentType.Json);
            }

            var response = await rest.ExecuteAsync(restRequest, token).ConfigureAwait(false);
            if (response.StatusCode == 0)
            {
                var error = response.ErrorException ?? new HttpRequestException(response.ErrorMessage ?? "No response.");
                if (error is OperationCanceledException || error.InnerException is OperationCanceledException)
                {
                    throw new OperationCanceledException(error.Message, error, token);
                }

                throw error;
            }

            state.StatusCode = (int)response.StatusCode;
            state.ReasonPhrase = response.StatusDescription;
            var body = response.RawBytes ?? Array.Empty<byte>();
            var apiResponse = new ApiResponse(
                (int)response.StatusCode,
                response.StatusDescription,
                body,
                response.ContentType,
                name => response.Headers?.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))?.Value?.ToString()
                    ?? response.ContentHeaders?.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))?.Value?.ToString());
            ThrowIfFailed(request, apiResponse);
            return Read(request, apiResponse, read);
        }, cancellationToken);
    }

    /// <summary>Deserialises a JSON answer with the client's options.</summary>
    internal Task<T> SendJsonAsync<T>(ApiRequest request, CancellationToken cancellationToken) =>
        SendJsonAsync(request, r => Deserialize<T>(r), cancellationToken);

    internal T Deserialize<T>(ApiResponse response)
    {
        var value = JsonSerializer.Deserialize<T>(response.Body, JsonOptions);
        return value ?? throw new JsonException("The response body was empty or null.");
    }

    internal string Serialize<T>(T value) => JsonSerializer.Serialize(value, JsonOptions);

    /// <summary>
    /// The retry loop for any kind of try. <paramref name="attempt"/> throws <see cref="AttemptFailedException"/>
    /// (or a transport exception) when a try fails; <paramref name="timeout"/> limits each try (null: none).
    /// </summary>
    internal async Task<T> RunAsync<T>(ApiRequest request, TimeSpan? timeout, Func<AttemptState, CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var tries = Math.Max(0, Settings.MaximumRetryCount) + 1;
        request.EarlierTryMayHaveActed = false;
        for (var number = 1; ; number++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var state = new AttemptState();
            AttemptState.Current = state;
            using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (timeout is { } limit && limit > TimeSpan.Zero && limit != Timeout.InfiniteTimeSpan)
            {
                attemptCts.CancelAfter(limit);
            }

            var stopwatch = Stopwatch.StartNew();
            AttemptFailedException failed;
            try
            {
                var result = await attempt(state, attemptCts.Token).ConfigureAwait(false);
                LogTry(request, state, stopwatch, null);
                return result;
            }
            catch (AttemptFailedException e)
            {
                failed = e;
            }
            catch (BuildServiceException)
            {
                throw;
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested && IsCancellation(e))
            {
                LogTry(request, state, stopwatch, "cancelled");
                throw new OperationCanceledException("The operation was stopped.", e, cancellationToken);
            }
            catch (Exception e) when (IsCancellation(e) || RetryPolicy.Classify(e) == FailureKind.Timeout)
            {
                failed = new AttemptFailedException(FailureKind.Timeout, TimeoutError(request, timeout, number));
            }
            catch (Exception e) when (e is HttpRequestException || e is System.IO.IOException || e is System.Net.Sockets.SocketException || e.InnerException is not null)
            {
                failed = TransportFailure(request, e, number);
            }
            finally
            {
                AttemptState.Current = null;
            }

            LogTry(request, state, stopwatch, failed.Status is null ? Describe(failed) : null);
            var retryable = number < tries && RetryPolicy.IsRetryable(failed.Failure, failed.Status, request.IsCreate, state);
            if (!retryable)
            {
                var heldBack = number < tries && request.IsCreate && RetryPolicy.IsRetryable(failed.Failure, failed.Status, false, state);
                throw Final(failed, number, heldBack
                    ? "It was not sent again: the service may have acted on it before the answer was lost, so check whether it did before running the command again."
                    : null);
            }

            if (!RetryPolicy.SurelyNotActed(failed.Failure, failed.Status, state))
            {
                request.EarlierTryMayHaveActed = true;
            }

            var delay = failed.RetryAfter ?? RetryPolicy.Backoff(number, Settings, NextRandom());
            if (failed.RetryAfter is { } asked && asked > Settings.MaximumRetryAfter)
            {
                throw new BuildServiceException(
                    failed.Error.ErrorId,
                    failed.Error.Kind,
                    failed.Error.Message + string.Format(CultureInfo.InvariantCulture, " The service asked to wait {0:0} s before trying again, longer than the {1:0} s this module waits; run the command again later.", asked.TotalSeconds, Settings.MaximumRetryAfter.TotalSeconds),
                    failed.Error.Target,
                    failed.Error.InnerException)
                {
                    ServerMessage = failed.Error.ServerMessage,
                    StatusCode = failed.Error.StatusCode,
                };
            }

            Observer.Verbose(string.Format(
                CultureInfo.InvariantCulture,
                "Trying again in {0:0.0} s (try {1} of {2}): {3}",
                delay.TotalSeconds,
                number + 1,
                tries,
                Describe(failed)));
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The Authorization header value of this service's scheme.</summary>
    protected string AuthorizationValue()
    {
        var token = Endpoint.Token ?? throw TokenResolver.Missing(Service);
        return TokenResolver.AuthorizationScheme(Service) + " " + token;
    }

    /// <summary>Turns a received response into an error when it is one (non-2xx, or a service's in-body failure).</summary>
    internal void ThrowIfFailed(ApiRequest request, ApiResponse response)
    {
        var status = response.StatusCode;
        if (status >= 200 && status < 300)
        {
            if (InterpretSuccessBody(request, response) is { } inBody)
            {
                throw inBody;
            }

            // Whatever the request (a JSON call or an upload), a page is not the service's answer: unreadable.
            ThrowIfHtml(request, response);
            return;
        }

        var retryAfter = RetryPolicy.ParseRetryAfter(response.Header("Retry-After"), DateTimeOffset.UtcNow);
        throw new AttemptFailedException(FailureKind.Status, StatusError(request, response), status, retryAfter);
    }

    /// <summary>
    /// A 2xx whose body still makes the try a failure: the service's own verdict (Applivery's status:false, Bitrise's
    /// status:"error": <see cref="FailureKind.Status"/>, never repeated) or an answer that cannot be read
    /// (<see cref="FailureKind.InvalidResponse"/>, repeated unless the request creates something).
    /// </summary>
    internal virtual AttemptFailedException? InterpretSuccessBody(ApiRequest request, ApiResponse response) => null;

    /// <summary>The server's own words from an error body: message, error_msg, error, errors[], detail, title.</summary>
    internal virtual string? ServerMessage(ApiResponse response) => ErrorBodies.Message(response.Body, response.ContentType);

    /// <summary>The ErrorId reason of a status; clients refine it (Applivery's numeric codes).</summary>
    internal virtual string ErrorIdFor(ApiRequest request, ApiResponse response) => ErrorIds.For(Service, ReasonFor(response.StatusCode));

    internal BuildServiceException StatusError(ApiRequest request, ApiResponse response)
    {
        var status = response.StatusCode;
        var serverMessage = ServerMessage(response);
        var reason = ReasonFor(status);
        var message = new StringBuilder()
            .Append(Service).Append(" answered ").Append(status).Append(' ').Append(response.ReasonPhrase ?? ((HttpStatusCode)status).ToString())
            .Append(" to ").Append(request.Method.Method).Append(' ').Append(request.DisplayUrl);
        message.Append(serverMessage is null ? "." : ": " + serverMessage.TrimEnd('.') + ".");
        if (reason == ErrorReason.RedirectNotFollowed)
        {
            message.Append(' ').Append(UnfollowedRedirect(request, response));
        }
        else if (AttemptState.Current?.RedirectedToHost is { } redirected)
        {
            message.Append(" The request was redirected to ").Append(redirected)
                .Append(", another host, where the token is not sent; check -BaseUri and any proxy or gateway in between.");
        }
        else
        {
            message.Append(' ').Append(Advice(reason, request));
        }
        return new BuildServiceException(ErrorIdFor(request, response), KindFor(status), Redactor.Scrub(message.ToString()), request.Target ?? request.DisplayUrl)
        {
            ServerMessage = serverMessage is null ? null : Redactor.Scrub(serverMessage),
            StatusCode = (HttpStatusCode)status,
            IsTerminating = reason == ErrorReason.Unauthorized,
        };
    }

    internal T Read<T>(ApiRequest request, ApiResponse response, Func<ApiResponse, T> read)
    {
        ThrowIfHtml(request, response);
        try
        {
            return read(response);
        }
        catch (JsonException e)
        {
            throw new AttemptFailedException(FailureKind.InvalidResponse, InvalidResponse(
                request,
                response.StatusCode,
                $"a body that is not the expected JSON ({e.Message}); the connection may have been cut or something between you and the service changed the answer. Run the command again"));
        }
        catch (InvalidOperationException e)
        {
            throw new AttemptFailedException(FailureKind.InvalidResponse, InvalidResponse(request, response.StatusCode, $"JSON of an unexpected shape ({e.Message})"));
        }
    }

    private void ThrowIfHtml(ApiRequest request, ApiResponse response)
    {
        if (LooksLikeHtml(response))
        {
            throw new AttemptFailedException(FailureKind.InvalidResponse, InvalidResponse(
                request,
                response.StatusCode,
                $"an HTML page (status {response.StatusCode}), which is not an answer of the service. A proxy, firewall or captive portal often answers like this: check HTTPS_PROXY / Connect-BuildService -Proxy and -BaseUri"));
        }
    }

    internal BuildServiceException InvalidResponse(ApiRequest request, int status, string what) => new(
        ErrorIds.For(Service, ErrorReason.InvalidResponse),
        ErrorKind.InvalidData,
        Redactor.Scrub($"{Service} answered {request.Method.Method} {request.DisplayUrl} with {what}."),
        request.Target ?? request.DisplayUrl)
    {
        StatusCode = (HttpStatusCode)status,
    };

    private static bool LooksLikeHtml(ApiResponse response)
    {
        if (response.ContentType?.IndexOf("html", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            return true;
        }

        var head = Encoding.UTF8.GetString(response.Body, 0, Math.Min(response.Body.Length, 64)).TrimStart();
        return head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase);
    }

    private static string ReasonFor(int status) => status switch
    {
        401 => ErrorReason.Unauthorized,
        403 => ErrorReason.Forbidden,
        404 => ErrorReason.NotFound,
        409 => ErrorReason.Conflict,
        408 => ErrorReason.Timeout,
        429 => ErrorReason.RateLimited,
        >= 500 => ErrorReason.ServerError,
        >= 300 and < 400 => ErrorReason.RedirectNotFollowed,
        _ => ErrorReason.BadRequest,
    };

    private static ErrorKind KindFor(int status) => status switch
    {
        401 => ErrorKind.AuthenticationError,
        403 => ErrorKind.PermissionDenied,
        404 => ErrorKind.ObjectNotFound,
        409 => ErrorKind.ResourceExists,
        408 => ErrorKind.OperationTimeout,
        429 => ErrorKind.ResourceUnavailable,
        >= 500 => ErrorKind.ResourceUnavailable,
        >= 300 and < 400 => ErrorKind.ProtocolError,
        _ => ErrorKind.InvalidArgument,
    };

    private string Advice(string reason, ApiRequest request) => reason switch
    {
        ErrorReason.Unauthorized => request.Authenticated
            ? $"The token was refused: check that it is current and belongs to {Service} (-Token, Connect-BuildService, or ${TokenResolver.EnvironmentVariable(Service)})."
            : "The link was refused; it may have expired: request a new one and run again.",
        ErrorReason.Forbidden => "The token is valid but may not do this: check its permissions, or that the item belongs to an account it can see.",
        ErrorReason.NotFound => request.NotFoundMessage ?? "Check the names and slugs in the command.",
        ErrorReason.Conflict => "It already exists or is in a state that does not allow this.",
        ErrorReason.RateLimited => $"The service is limiting requests and the retries ran out; wait and run again, or allow more with Connect-BuildService -Service {Service} -MaximumRetryCount.",
        ErrorReason.ServerError => "The service failed and the retries ran out; try again later.",
        ErrorReason.Timeout => $"Try again, or allow longer with Connect-BuildService -Service {Service} -TimeoutSec.",
        _ => "Check the parameters of the command.",
    };

    /// <summary>Why a redirect that reached the caller was not followed (see <see cref="RedirectHandler"/>).</summary>
    internal static string UnfollowedRedirect(ApiRequest request, ApiResponse response)
    {
        var location = response.Header("Location");
        if (string.IsNullOrWhiteSpace(location))
        {
            return "The answer names no address to go to (no Location header); check -BaseUri and any proxy or gateway in between.";
        }

        var target = Uri.TryCreate(request.Url, location, out var resolved) ? resolved : null;
        var shown = Redactor.Scrub(target?.GetLeftPart(UriPartial.Path) ?? location!);
        if (request.Url.Scheme == Uri.UriSchemeHttps && target is not null && target.Scheme != Uri.UriSchemeHttps)
        {
            return $"It leads to {shown}, from https to plain http, where the request and its token would cross the network unencrypted, so it was not followed; check -BaseUri and any proxy or gateway in between.";
        }

        if (response.StatusCode is 307 or 308)
        {
            return $"It asks for the request to be sent again, with its body, to {shown}; the module does not send a body to an address it was not given, so nothing was sent there. Check -BaseUri (use that address if the service has moved and you trust it) and any proxy or gateway in between.";
        }

        return $"The module does not follow a {response.StatusCode} answer; it names {shown}, and nothing was sent there. Check -BaseUri and any proxy or gateway in between.";
    }

    private BuildServiceException TimeoutError(ApiRequest request, TimeSpan? timeout, int number) => new(
        ErrorIds.For(Service, ErrorReason.Timeout),
        ErrorKind.OperationTimeout,
        Redactor.Scrub(string.Format(
            CultureInfo.InvariantCulture,
            "{0} {1} had no answer within {2:0} s (try {3}). Check the network, or allow longer with Connect-BuildService -Service {4} -TimeoutSec.",
            request.Method.Method,
            request.DisplayUrl,
            (timeout ?? Settings.RequestTimeout).TotalSeconds,
            number,
            Service)),
        request.Target ?? request.DisplayUrl);

    private AttemptFailedException TransportFailure(ApiRequest request, Exception e, int number)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is TooManyRedirectsException)
            {
                return new AttemptFailedException(FailureKind.None, new BuildServiceException(
                    ErrorIds.For(Service, ErrorReason.TooManyRedirects),
                    ErrorKind.ProtocolError,
                    Redactor.Scrub($"{request.Method.Method} {request.DisplayUrl} was redirected more than {RedirectHandler.MaximumRedirects} times. Check -BaseUri and any proxy in between."),
                    request.Target ?? request.DisplayUrl,
                    e));
            }
        }

        var failure = RetryPolicy.Classify(e);
        if (failure == FailureKind.None)
        {
            failure = FailureKind.ConnectionBroken;
        }

        var detail = Innermost(e).Message;
        var what = failure == FailureKind.ConnectionRefused
            ? $"could not connect to {request.Url.GetLeftPart(UriPartial.Authority)} ({detail})"
            : $"lost the connection ({detail})";
        return new AttemptFailedException(failure, new BuildServiceException(
            ErrorIds.For(Service, ErrorReason.ConnectionFailed),
            ErrorKind.ConnectionError,
            Redactor.Scrub($"{request.Method.Method} {request.DisplayUrl} {what} on try {number}. Check the network, the proxy (HTTPS_PROXY or Connect-BuildService -Proxy) and -BaseUri."),
            request.Target ?? request.DisplayUrl,
            e));
    }

    private static BuildServiceException Final(AttemptFailedException failed, int tries, string? note)
    {
        if (tries <= 1 && note is null)
        {
            return failed.Error;
        }

        var e = failed.Error;
        var message = e.Message.TrimEnd();
        if (tries > 1)
        {
            message += string.Format(CultureInfo.InvariantCulture, " (gave up after {0} tries)", tries);
        }

        if (note is not null)
        {
            message += " " + note;
        }

        return new BuildServiceException(e.ErrorId, e.Kind, message, e.Target, e.InnerException)
        {
            ServerMessage = e.ServerMessage,
            StatusCode = e.StatusCode,
            IsTerminating = e.IsTerminating,
            RecommendedAction = e.RecommendedAction,
            Data2 = e.Data2,
        };
    }

    private void LogTry(ApiRequest request, AttemptState state, Stopwatch stopwatch, string? failure)
    {
        if (Observer is IVerbosityAware { VerboseWanted: false })
        {
            return;
        }

        var outcome = state.StatusCode is { } status
            ? status.ToString(CultureInfo.InvariantCulture) + (state.ReasonPhrase is null ? string.Empty : " " + state.ReasonPhrase)
            : failure ?? "no response";
        var note = state.Note is null ? string.Empty : ", " + state.Note;
        var redirects = state.Redirects > 0 ? string.Format(CultureInfo.InvariantCulture, ", {0} redirect(s)", state.Redirects) : string.Empty;
        Observer.Verbose(Redactor.Scrub(string.Format(
            CultureInfo.InvariantCulture,
            "{0} {1} -> {2} ({3} ms{4}{5})",
            request.Method.Method,
            request.DisplayUrl,
            outcome,
            stopwatch.ElapsedMilliseconds,
            note,
            redirects)));
    }

    private static string Describe(AttemptFailedException failed) => failed.Failure switch
    {
        FailureKind.Status when failed.Status is { } s => s.ToString(CultureInfo.InvariantCulture) + " " + ((HttpStatusCode)s),
        FailureKind.Timeout => "timed out",
        FailureKind.ConnectionRefused => "connection refused",
        FailureKind.ConnectionBroken => "connection lost",
        FailureKind.InvalidResponse => "invalid response",
        _ => failed.Error.ErrorId,
    };

    private static bool IsCancellation(Exception e) =>
        e is OperationCanceledException || e.InnerException is OperationCanceledException;

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    private static Random NextRandom()
    {
        lock (RandomLock)
        {
            return new Random(Random.Next());
        }
    }

    private static Method ToRestMethod(HttpMethod method) => method.Method switch
    {
        "GET" => Method.Get,
        "POST" => Method.Post,
        "PUT" => Method.Put,
        "PATCH" => Method.Patch,
        "DELETE" => Method.Delete,
        "HEAD" => Method.Head,
        _ => throw new ArgumentOutOfRangeException(nameof(method), method.Method, "Unsupported method."),
    };
}
