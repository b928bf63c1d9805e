using System;
using System.IO;
using PSBuildUpload.Engine.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PSBuildUpload.Engine.Bitrise;

/// <summary>
/// The local check of a bitrise.yml before it is uploaded: YAML syntax (YamlDotNet), one document, a mapping at the
/// root. A fault is a Bitrise.InvalidYaml error that gives line and column (1-based) and carries a
/// <see cref="BitriseYamlFault"/>; the line's text is not quoted, as a config can hold values best kept out of logs.
/// </summary>
public static class BitriseYaml
{
    /// <param name="source">Where the YAML came from, for the message (a path, or "-Yaml").</param>
    public static void Check(string yaml, string source)
    {
        if (string.IsNullOrWhiteSpace(yaml))
        {
            throw Fault(source, 1, 1, "the YAML is empty; a bitrise.yml holds at least format_version and workflows");
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            // A "While scanning/parsing X, …" fault starts where X began and ends where the problem was found: report
            // the latter, as parsers usually do. Other faults (a duplicate key) start where they are.
            var at = e.Message.IndexOf("While ", StringComparison.Ordinal) >= 0 ? e.End : e.Start;
            var (line, column) = ((int)Math.Max(1, at.Line), (int)Math.Max(1, at.Column));

            // YamlDotNet raises "found invalid tab as indentation" without a position: find the tab itself.
            if (e.Start.Index == 0 && e.End.Index == 0 && e.Message.IndexOf(" tab ", StringComparison.Ordinal) >= 0 && FirstIndentingTab(yaml) is { } tab)
            {
                (line, column) = tab;
            }

            throw Fault(source, line, column, Describe(e), e);
        }

        if (stream.Documents.Count == 0)
        {
            throw Fault(source, 1, 1, "the YAML holds no document (only comments)");
        }

        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode.Start;
            throw Fault(source, (int)second.Line, (int)second.Column, "the YAML holds more than one document ('---'); a bitrise.yml is one");
        }

        var root = stream.Documents[0].RootNode;
        if (root is not YamlMappingNode)
        {
            throw Fault(source, (int)root.Start.Line, (int)root.Start.Column, "the top level is not a mapping of keys (format_version:, workflows: …)");
        }
    }

    /// <summary>The first tab in the indentation of a line that has content (1-based line and column).</summary>
    private static (int Line, int Column)? FirstIndentingTab(string yaml)
    {
        var lines = yaml.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var text = lines[i].TrimEnd('\r');
            var content = 0;
            while (content < text.Length && (text[content] == ' ' || text[content] == '\t'))
            {
                content++;
            }

            var tab = text.IndexOf('\t', 0, content);
            if (tab >= 0 && content < text.Length && text[content] != '#')
            {
                return (i + 1, tab + 1);
            }
        }

        return null;
    }

    private static string Describe(YamlException e)
    {
        // YamlDotNet puts the position in front of its message: "(Line: 3, Col: 5, Idx: 40) - (Line: …): problem".
        var message = e.Message;
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line:", StringComparison.Ordinal) && cut > 0)
        {
            message = message.Substring(cut + 3);
        }

        if (e.InnerException is YamlException inner && inner.Message.IndexOf("duplicate", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            message += " (" + inner.Message + ")";
        }

        return message.Trim().TrimEnd('.');
    }

    private static BuildServiceException Fault(string source, int line, int column, string problem, Exception? inner = null) =>
        new(
            ErrorIds.Bitrise.InvalidYaml,
            ErrorKind.InvalidData,
            $"The bitrise.yml from {source} is not valid YAML at line {line}, column {column}: {problem}. Nothing was uploaded; fix it and run again.",
            source,
            inner)
        {
            Data2 = new BitriseYamlFault { Line = line, Column = column, Problem = problem },
        };
}
