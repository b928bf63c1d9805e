using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using PSBuildUpload.Sandbox;
using Xunit;

namespace PSBuildUpload.Tests.Infrastructure;

/// <summary>
/// Files in every state a user can hand a cmdlet (missing, a folder, empty, unreadable, of the wrong type), named by
/// placeholders that the bad-input tables use: <c>&lt;&lt;name.ext&gt;&gt;</c> is a 4 KiB file of that name,
/// <c>&lt;&lt;empty:name.ext&gt;&gt;</c> a zero-byte one, <c>&lt;&lt;locked:name.ext&gt;&gt;</c> one that cannot be opened for
/// reading, <c>&lt;&lt;missing:name.ext&gt;&gt;</c> a path where nothing is, <c>&lt;&lt;dir&gt;&gt;</c> a folder,
/// <c>&lt;&lt;file&gt;&gt;</c> an existing file of any type, <c>&lt;&lt;nofolder&gt;&gt;</c> a path whose folder does not exist.
/// (Not braces: scripts use them for hashtables and script blocks.)
/// </summary>
/// <remarks>
/// The tests run as root, where chmod 000 does not stop a read. An unreadable file is instead one another handle
/// holds with FileShare.None: .NET on Unix takes an exclusive flock for that, and every other open (the module's
/// read probe among them) then fails with an IOException, as a file locked by another process does on Windows.
/// </remarks>
public sealed class BadInputFiles : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("psbu-badinput-").FullName;
    private readonly List<FileStream> _locks = new();
    private readonly Dictionary<string, string> _paths = new(StringComparer.Ordinal);

    public string Root => _root;

    /// <summary>Replaces every placeholder of <paramref name="script"/> with a quoted path, making the files it names.</summary>
    public string Expand(string script)
    {
        var text = script;
        int start;
        while ((start = text.IndexOf("<<", StringComparison.Ordinal)) >= 0)
        {
            var end = text.IndexOf(">>", start, StringComparison.Ordinal);
            var key = text.Substring(start + 2, end - start - 2);
            text = string.Concat(text.AsSpan(0, start), Quote(Path(key)), text.AsSpan(end + 2));
        }

        return text;
    }

    /// <summary>The path a placeholder stands for (made on first use).</summary>
    public string Path(string key)
    {
        if (_paths.TryGetValue(key, out var known))
        {
            return known;
        }

        var colon = key.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? key : key.Substring(0, colon);
        var name = colon < 0 ? key : key.Substring(colon + 1);
        var folder = Directory.CreateDirectory(System.IO.Path.Combine(_root, _paths.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
        var path = System.IO.Path.Combine(folder, name);
        switch (kind)
        {
            case "dir":
                path = folder;
                break;
            case "nofolder":
                path = System.IO.Path.Combine(folder, "no-such-folder", "file.txt");
                break;
            case "file":
                path = System.IO.Path.Combine(folder, "existing.txt");
                File.WriteAllText(path, "already here");
                break;
            case "missing":
                break;
            case "empty":
                File.WriteAllBytes(path, Array.Empty<byte>());
                break;
            case "locked":
                File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(4096));
                _locks.Add(new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None));
                break;
            default:
                File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(4096));
                break;
        }

        _paths[key] = path;
        return path;
    }

    public static string Quote(string path) => "'" + path.Replace("'", "''", StringComparison.Ordinal) + "'";

    public void Dispose()
    {
        foreach (var handle in _locks)
        {
            handle.Dispose();
        }
    }
}

/// <summary>The assertions every refused input must pass.</summary>
public static class BadInput
{
    /// <summary>
    /// The script ended with exactly one error of <paramref name="errorId"/> whose message contains
    /// <paramref name="says"/>, wrote no object, and sent no request at all to the sandbox.
    /// </summary>
    public static void AssertRefused(SandboxServer sandbox, PsSession session, string script, string errorId, string says)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        ArgumentNullException.ThrowIfNull(session);
        var before = sandbox.Requests.All.Count;
        var result = session.Run(script);
        var sent = sandbox.Requests.All.Skip(before).ToArray();

        var errors = result.AllErrors.ToArray();
        Assert.True(errors.Length == 1, $"Expected one error {errorId}, got: {string.Join(" | ", errors.Select(e => e.FullyQualifiedErrorId + ": " + e))}");
        var error = errors[0];
        Assert.Equal(errorId, error.FullyQualifiedErrorId.Split(',')[0]);
        var message = error.ErrorDetails?.Message ?? error.Exception.Message;
        Assert.Contains(says, message, StringComparison.Ordinal);
        Assert.Empty(result.Output);
        Assert.True(sent.Length == 0, "Requests were sent: " + string.Join(", ", sent.Select(r => r.ToString())));
    }
}
