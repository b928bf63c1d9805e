using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace PSBuildUpload.Engine.Bitrise;

/// <summary>
/// Turns the pieces of a build log (chunks or blocks of the archive, which end anywhere) into whole lines, with the
/// ANSI colour and cursor codes removed unless raw. Lines are cut before stripping, so a code split across two
/// pieces is still removed.
/// </summary>
public sealed class LogLines
{
    // CSI sequences (colours, cursor moves), OSC sequences (titles, links) and the two-character escapes.
    private static readonly Regex Ansi = new(
        @"\x1B\[[0-?]*[ -/]*[@-~]|\x1B\][^\x07\x1B]*(?:\x07|\x1B\\)|\x1B[@-Z\\-_]",
        RegexOptions.Compiled | RegexOptions.CultureInvariant);

    private readonly StringBuilder _carry = new();
    private readonly bool _raw;

    /// <param name="raw">Keep the ANSI codes.</param>
    public LogLines(bool raw) => _raw = raw;

    public static string StripAnsi(string text) => string.IsNullOrEmpty(text) ? text : Ansi.Replace(text, string.Empty);

    /// <summary>The lines completed by <paramref name="text"/>; the unfinished rest waits for the next piece.</summary>
    public IReadOnlyList<string> Add(string text)
    {
        var lines = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return lines;
        }

        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\n')
            {
                continue;
            }

            _carry.Append(text, start, i - start);
            lines.Add(Finish(_carry.ToString()));
            _carry.Clear();
            start = i + 1;
        }

        _carry.Append(text, start, text.Length - start);
        return lines;
    }

    /// <summary>The last line when the log does not end with a line break; null otherwise.</summary>
    public string? Flush()
    {
        if (_carry.Length == 0)
        {
            return null;
        }

        var line = Finish(_carry.ToString());
        _carry.Clear();
        return line;
    }

    private string Finish(string line)
    {
        if (line.EndsWith("\r", StringComparison.Ordinal))
        {
            line = line.Substring(0, line.Length - 1);
        }

        return _raw ? line : StripAnsi(line);
    }
}
