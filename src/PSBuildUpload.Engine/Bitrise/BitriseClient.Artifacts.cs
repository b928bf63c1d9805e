using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Diagnostics;
using PSBuildUpload.Engine.Errors;
using PSBuildUpload.Engine.Http;

namespace PSBuildUpload.Engine.Bitrise;

/// <summary>Build artifacts: list, get, switch the public page, delete, download.</summary>
public sealed partial class BitriseClient
{
    private static readonly char[] ForbiddenNameCharacters =
        Path.GetInvalidFileNameChars().Concat(new[] { '<', '>', ':', '"', '/', '\\', '|', '?', '*' }).Distinct().ToArray();

    public Task ListArtifactsAsync(string appSlug, string buildSlug, long? wanted, Func<BitriseArtifact, bool> onItem, Action<long?>? onTotal, CancellationToken cancellationToken)
    {
        if (onItem is null)
        {
            throw new ArgumentNullException(nameof(onItem));
        }

        return ListAsync<BitriseArtifact>(
            BuildPath(appSlug, buildSlug) + "/artifacts",
            null,
            wanted,
            artifact =>
            {
                Adopt(artifact, appSlug, buildSlug);
                return onItem(artifact);
            },
            onTotal,
            BuildNotFound(appSlug, buildSlug),
            cancellationToken);
    }

    /// <summary>One artifact, with its expiring download URL (valid for minutes).</summary>
    public async Task<BitriseArtifact> GetArtifactAsync(string appSlug, string buildSlug, string artifactSlug, CancellationToken cancellationToken)
    {
        var artifact = await GetDataAsync<BitriseArtifact>(ArtifactPath(appSlug, buildSlug, artifactSlug), ArtifactNotFound(appSlug, buildSlug, artifactSlug), cancellationToken).ConfigureAwait(false);
        return Adopt(artifact, appSlug, buildSlug);
    }

    /// <summary>Refuses, before any change is asked for, a type the public install page does not exist for.</summary>
    public static void CheckPublicPageSupported(BitriseArtifact artifact)
    {
        if (artifact is null)
        {
            throw new ArgumentNullException(nameof(artifact));
        }

        if (!artifact.SupportsPublicPage)
        {
            throw new BuildServiceException(
                ErrorIds.Bitrise.PublicPageNotSupported,
                ErrorKind.InvalidOperation,
                $"Artifact '{artifact.Title}' ('{artifact.ArtifactSlug}') is of type '{artifact.ArtifactType}'; Bitrise has a public install page only for '{BitriseArtifact.AndroidApk}' and '{BitriseArtifact.IosIpa}' artifacts. Choose an APK or IPA artifact.",
                artifact.ArtifactSlug);
        }
    }

    public async Task<BitriseArtifact> SetArtifactPublicPageAsync(string appSlug, string buildSlug, string artifactSlug, bool enabled, CancellationToken cancellationToken)
    {
        var request = new ApiRequest(new HttpMethod("PATCH"), Api(ArtifactPath(appSlug, buildSlug, artifactSlug)))
        {
            JsonBody = Serialize(new Dictionary<string, object?> { ["is_public_page_enabled"] = enabled }),
            Target = artifactSlug,
            NotFoundMessage = ArtifactNotFound(appSlug, buildSlug, artifactSlug),
        };
        var envelope = await SendJsonAsync(request, r => Deserialize<BitriseData<BitriseArtifact>>(r), cancellationToken).ConfigureAwait(false);
        var artifact = envelope.Data ?? throw InvalidResponse(request, 200, "no 'data' object");
        return Adopt(artifact, appSlug, buildSlug);
    }

    public async Task RemoveArtifactAsync(string appSlug, string buildSlug, string artifactSlug, CancellationToken cancellationToken)
    {
        var request = new ApiRequest(HttpMethod.Delete, Api(ArtifactPath(appSlug, buildSlug, artifactSlug)))
        {
            Target = artifactSlug,
            NotFoundMessage = ArtifactNotFound(appSlug, buildSlug, artifactSlug),
        };
        try
        {
            await SendJsonAsync(request, _ => true, cancellationToken).ConfigureAwait(false);
        }
        catch (BuildServiceException e) when (e.StatusCode == HttpStatusCode.NotFound && request.EarlierTryMayHaveActed)
        {
            // An earlier try deleted it and its answer was lost: gone is what was asked for.
            Observer.Verbose($"Artifact '{artifactSlug}' is gone: an earlier try deleted it before its answer was lost.");
        }
    }

    /// <summary>
    /// Downloads an artifact into <paramref name="destinationFolder"/> under its title, made safe: whatever the
    /// title says ("../../x", "/etc/passwd"), the file lands inside the folder. Streamed to a temporary name and
    /// renamed when complete; an existing file is an error unless <paramref name="overwrite"/>.
    /// <paramref name="savedBy"/> (path → artifact slug) holds what one command saved so far: another artifact with a
    /// title already saved (the same file name in several builds, or twice in one) gets its slug in its name instead
    /// of replacing the earlier file.
    /// </summary>
    public async Task<SavedBitriseArtifact> SaveArtifactAsync(string appSlug, string buildSlug, string artifactSlug, string destinationFolder, bool overwrite, IDictionary<string, string>? savedBy, CancellationToken cancellationToken)
    {
        var folder = Path.GetFullPath(destinationFolder);
        if (File.Exists(folder))
        {
            throw new BuildServiceException(
                ErrorIds.Bitrise.InvalidDestination,
                ErrorKind.InvalidArgument,
                $"-Destination '{folder}' is a file. Give a folder; the artifacts are saved in it under their titles.",
                folder);
        }

        // A fresh link each time: the one in a listed or older object may have expired.
        var artifact = await GetArtifactAsync(appSlug, buildSlug, artifactSlug, cancellationToken).ConfigureAwait(false);
        var uri = artifact.GetDownloadUri() ?? throw new BuildServiceException(
            ErrorIds.Bitrise.ArtifactNotDownloadable,
            ErrorKind.ResourceUnavailable,
            $"Bitrise gave no download link for artifact '{artifact.Title}' ('{artifactSlug}') of build '{buildSlug}'; it may still be processing or have been deleted. Try again later.",
            artifactSlug);

        var name = SafeFileName(artifact.Title, artifactSlug);
        if (!string.Equals(name, artifact.Title, StringComparison.Ordinal))
        {
            Observer.Warning($"Artifact '{artifactSlug}' is titled '{artifact.Title}', which is not a plain file name; saving it as '{name}' in '{folder}'.");
        }

        var path = Path.GetFullPath(Path.Combine(folder, name));
        if (savedBy is not null && savedBy.TryGetValue(path, out var earlier) && !string.Equals(earlier, artifactSlug, StringComparison.Ordinal))
        {
            var distinct = WithSlug(name, artifactSlug);
            Observer.Warning($"Artifact '{artifactSlug}' of build '{buildSlug}' has the file name '{name}' of artifact '{earlier}', which this command saved before it; saving it as '{distinct}' so neither replaces the other.");
            name = distinct;
            path = Path.GetFullPath(Path.Combine(folder, name));
        }

        var root = folder.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? folder : folder + Path.DirectorySeparatorChar;
        if (!path.StartsWith(root, StringComparison.Ordinal) || path.Length == root.Length)
        {
            // SafeFileName makes this unreachable; it is the guard the promise rests on.
            throw new BuildServiceException(ErrorIds.Bitrise.InvalidDestination, ErrorKind.SecurityError, $"The artifact title '{artifact.Title}' would be saved outside '{folder}'; nothing was written.", artifactSlug);
        }

        var request = new ApiRequest(HttpMethod.Get, uri)
        {
            Authenticated = false,
            Presigned = true,
            CreatesResource = false,
            Target = artifactSlug,
        };
        var activity = string.Format(CultureInfo.InvariantCulture, "Downloading {0} from Bitrise", name);
        var (length, sha256, elapsed) = await DownloadToFileAsync(request, path, overwrite, activity, artifact.FileSizeBytes, cancellationToken).ConfigureAwait(false);
        Observer.Verbose(string.Format(CultureInfo.InvariantCulture, "Saved {0} ({1}, SHA-256 {2}).", path, Transfers.Size.Format(length), sha256));
        if (savedBy is not null)
        {
            savedBy[path] = artifactSlug;
        }

        return new SavedBitriseArtifact
        {
            AppSlug = appSlug,
            BuildSlug = buildSlug,
            ArtifactSlug = artifactSlug,
            Title = artifact.Title,
            Path = path,
            Length = length,
            Sha256 = sha256,
            Elapsed = elapsed,
        };
    }

    /// <summary>
    /// A file name from a title the server chose: only its last path segment, without characters any supported
    /// system forbids, never "." or ".." or empty (then the artifact's slug).
    /// </summary>
    public static string SafeFileName(string? title, string fallback)
    {
        var text = (title ?? string.Empty).Replace('\\', '/');
        var last = text.Split('/').LastOrDefault(s => s.Trim().Length > 0) ?? string.Empty;
        var cleaned = new StringBuilder(last.Length);
        foreach (var c in last)
        {
            cleaned.Append(char.IsControl(c) || Array.IndexOf(ForbiddenNameCharacters, c) >= 0 ? '_' : c);
        }

        // Windows drops trailing dots and spaces, which would turn "..." into "".
        var name = cleaned.ToString().Trim().TrimEnd('.', ' ');
        if (name.Length == 0 || name.Trim('.').Length == 0)
        {
            return fallback;
        }

        return name.Length > 200 ? name.Substring(0, 200) : name;
    }

    /// <summary>"app-release.apk" and slug "9a8b" → "app-release.9a8b.apk" (the extension stays last, for the tools that read it).</summary>
    internal static string WithSlug(string name, string artifactSlug)
    {
        var extension = Path.GetExtension(name);
        var stem = name.Substring(0, name.Length - extension.Length);
        return stem.Length == 0 ? name + "." + artifactSlug : stem + "." + artifactSlug + extension;
    }

    private static BitriseArtifact Adopt(BitriseArtifact artifact, string appSlug, string buildSlug)
    {
        artifact.AppSlug = appSlug;
        artifact.BuildSlug = buildSlug;
        if (artifact.GetDownloadUri() is { } uri && uri.Query.Length > 1)
        {
            Redactor.Register(uri.Query.Substring(1));
        }

        return artifact;
    }

    private static string ArtifactPath(string appSlug, string buildSlug, string artifactSlug) =>
        BuildPath(appSlug, buildSlug) + "/artifacts/" + Segment(artifactSlug);

    private static string ArtifactNotFound(string appSlug, string buildSlug, string artifactSlug) =>
        $"No Bitrise artifact with slug '{artifactSlug}' in build '{buildSlug}' of app '{appSlug}' is visible to this token: check the slugs (Get-BitriseArtifact -AppSlug {appSlug} -BuildSlug {buildSlug} lists them).";
}
