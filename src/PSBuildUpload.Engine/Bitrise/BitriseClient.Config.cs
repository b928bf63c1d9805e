using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Errors;
using PSBuildUpload.Engine.Http;

namespace PSBuildUpload.Engine.Bitrise;

/// <summary>An app's bitrise.yml: read (the app's, or the one a build ran with) and replaced.</summary>
public sealed partial class BitriseClient
{
    private static readonly UTF8Encoding Utf8 = new(false);

    /// <summary>
    /// The YAML text of <c>GET /apps/{slug}/bitrise.yml</c>, or of <c>GET /apps/{slug}/builds/{slug}/bitrise.yml</c>
    /// when <paramref name="buildSlug"/> is given. The answer is text/plain, not JSON.
    /// </summary>
    public Task<string> GetAppConfigAsync(string appSlug, string? buildSlug, CancellationToken cancellationToken)
    {
        var request = ConfigRequest(appSlug, buildSlug);
        request.Headers["Accept"] = "text/plain, application/x-yaml, */*";
        return SendJsonAsync(request, r => Decode(r.Body), cancellationToken);
    }

    /// <summary>
    /// Saves the YAML to <paramref name="path"/> through a temporary file beside it, renamed when complete, so a
    /// failed download never leaves a half-written config under the final name.
    /// </summary>
    public async Task<FileInfo> SaveAppConfigAsync(string appSlug, string? buildSlug, string path, bool overwrite, CancellationToken cancellationToken)
    {
        var request = ConfigRequest(appSlug, buildSlug);
        try
        {
            await DownloadToFileAsync(request, path, overwrite, "Downloading bitrise.yml", null, cancellationToken).ConfigureAwait(false);
        }
        catch (BuildServiceException e) when (e.ErrorId == ErrorIds.For(Service, ErrorReason.DestinationExists))
        {
            throw new BuildServiceException(e.ErrorId, e.Kind, $"'{e.Target}' already exists. Use -Force to overwrite it, or choose another -OutFile.", e.Target, e);
        }

        return new FileInfo(Path.GetFullPath(path));
    }

    /// <summary>
    /// <c>POST /apps/{slug}/bitrise.yml</c> with <c>{"app_config_datastore_yaml": "…"}</c>: the YAML as a string, as the
    /// seed sends it (the spec calls the field an object; the service takes the string). Checked locally first.
    /// </summary>
    public async Task<BitriseAppConfigUpload> SetAppConfigAsync(string appSlug, string yaml, string? path, CancellationToken cancellationToken)
    {
        BitriseYaml.Check(yaml, path ?? "-Yaml");
        var body = new Dictionary<string, object?> { ["app_config_datastore_yaml"] = yaml };
        var request = new ApiRequest(HttpMethod.Post, Api($"apps/{Segment(appSlug)}/bitrise.yml"))
        {
            JsonBody = JsonSerializer.Serialize(body),
            Target = appSlug,
            NotFoundMessage = SetupAppNotFound(appSlug),
            CreatesResource = false,
        };

        // The answer is the saved config as JSON (seed) or a map of strings (spec): either way, only success matters.
        await SendJsonAsync(request, r => r.StatusCode, cancellationToken).ConfigureAwait(false);
        var bytes = Utf8.GetBytes(yaml);
        using var sha = SHA256.Create();
        return new BitriseAppConfigUpload
        {
            AppSlug = appSlug,
            Path = path,
            Length = bytes.Length,
            Lines = CountLines(yaml),
            Sha256 = Hex(sha.ComputeHash(bytes)),
        };
    }

    /// <summary>Reads a bitrise.yml file as UTF-8 (a byte-order mark is honoured and dropped).</summary>
    public static string ReadConfigFile(string path)
    {
        using var reader = new StreamReader(path, Utf8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private ApiRequest ConfigRequest(string appSlug, string? buildSlug)
    {
        var path = buildSlug is null
            ? $"apps/{Segment(appSlug)}/bitrise.yml"
            : $"apps/{Segment(appSlug)}/builds/{Segment(buildSlug)}/bitrise.yml";
        return new ApiRequest(HttpMethod.Get, Api(path))
        {
            Target = buildSlug ?? appSlug,
            NotFoundMessage = buildSlug is null
                ? SetupAppNotFound(appSlug)
                : $"No build with slug '{buildSlug}' of the Bitrise app '{appSlug}' is visible to this token: check both slugs (Get-BitriseBuild lists the builds).",
        };
    }

    private static string Decode(byte[] body)
    {
        var text = Utf8.GetString(body);
        return text.Length > 0 && text[0] == '\uFEFF' ? text.Substring(1) : text;
    }

    private static int CountLines(string text)
    {
        if (text.Length == 0)
        {
            return 0;
        }

        var lines = 1;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                lines++;
            }
        }

        return text[text.Length - 1] == '\n' ? lines - 1 : lines;
    }
}
