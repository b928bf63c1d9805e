using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace PSBuildUpload.Engine.Auth;

/// <summary>The java.util.Properties text format: '=', ':' or whitespace separators, '#'/'!' comments, '\' continuations and escapes.</summary>
public static class JavaProperties
{
    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var logical in LogicalLines(text))
        {
            var line = logical.TrimStart(' ', '\t', '\f');
            if (line.Length == 0 || line[0] == '#' || line[0] == '!')
            {
                continue;
            }

            var keyEnd = 0;
            while (keyEnd < line.Length)
            {
                var c = line[keyEnd];
                if (c == '\\')
                {
                    keyEnd += 2;
                    continue;
                }

                if (c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f')
                {
                    break;
                }

                keyEnd++;
            }

            keyEnd = Math.Min(keyEnd, line.Length);
            var valueStart = keyEnd;
            while (valueStart < line.Length && (line[valueStart] == ' ' || line[valueStart] == '\t' || line[valueStart] == '\f'))
            {
                valueStart++;
            }

            if (valueStart < line.Length && (line[valueStart] == '=' || line[valueStart] == ':'))
            {
                valueStart++;
                while (valueStart < line.Length && (line[valueStart] == ' ' || line[valueStart] == '\t' || line[valueStart] == '\f'))
                {
                    valueStart++;
                }
            }

            result[Unescape(line.Substring(0, keyEnd))] = Unescape(line.Substring(valueStart));
        }

        return result;
    }

    private static IEnumerable<string> LogicalLines(string text)
    {
        var current = new StringBuilder();
        var lines = text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        foreach (var raw in lines)
        {
            var line = current.Length > 0 ? raw.TrimStart(' ', '\t', '\f') : raw;
            var trailing = 0;
            for (var i = line.Length - 1; i >= 0 && line[i] == '\\'; i--)
            {
                trailing++;
            }

            var isComment = current.Length == 0 && line.TrimStart().StartsWith("#", StringComparison.Ordinal);
            if (trailing % 2 == 1 && !isComment)
            {
                current.Append(line, 0, line.Length - 1);
                continue;
            }

            current.Append(line);
            yield return current.ToString();
            current.Clear();
        }

        if (current.Length > 0)
        {
            yield return current.ToString();
        }
    }

    private static string Unescape(string s)
    {
        if (s.IndexOf('\\') < 0)
        {
            return s;
        }

        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c != '\\' || i + 1 >= s.Length)
            {
                sb.Append(c);
                continue;
            }

            var next = s[++i];
            switch (next)
            {
                case 't': sb.Append('\t'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 'f': sb.Append('\f'); break;
                case 'u' when i + 4 < s.Length
                    && int.TryParse(s.Substring(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                    sb.Append((char)code);
                    i += 4;
                    break;
                default: sb.Append(next); break;
            }
        }

        return sb.ToString();
    }
}
