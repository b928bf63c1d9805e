using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace PSBuildUpload.HelpBuilder;

/// <summary>The /// summaries of the cmdlet assembly (its GenerateDocumentationFile output), as plain sentences.</summary>
internal sealed partial class XmlDocumentation
{
    private readonly Dictionary<string, string> _summaries = new(StringComparer.Ordinal);

    public static XmlDocumentation Empty { get; } = new();

    public static XmlDocumentation Load(string? path)
    {
        var docs = new XmlDocumentation();
        if (path is null || !File.Exists(path))
        {
            return docs;
        }

        foreach (var member in XDocument.Load(path).Descendants("member"))
        {
            var name = (string?)member.Attribute("name");
            var summary = member.Element("summary");
            if (name is not null && summary is not null)
            {
                docs._summaries[name] = Text(summary);
            }
        }

        return docs;
    }

    /// <summary>The summary of a type ("T:Namespace.Type") or property ("P:Namespace.Type.Name"), or null.</summary>
    public string? Summary(string memberId) => _summaries.TryGetValue(memberId, out var text) && text.Length > 0 ? text : null;

    private static string Text(XElement element)
    {
        var parts = element.Nodes().Select(node => node switch
        {
            XText text => text.Value,
            XElement { Name.LocalName: "see" or "seealso" } see => ShortName((string?)see.Attribute("cref") ?? (string?)see.Attribute("langword") ?? see.Value),
            XElement { Name.LocalName: "paramref" or "typeparamref" } reference => (string?)reference.Attribute("name") ?? string.Empty,
            XElement other => Text(other),
            _ => string.Empty,
        });
        return Whitespace().Replace(string.Concat(parts), " ").Trim();
    }

    private static string ShortName(string cref)
    {
        var name = cref.Contains(':', StringComparison.Ordinal) ? cref[(cref.IndexOf(':', StringComparison.Ordinal) + 1)..] : cref;
        var paren = name.IndexOf('(', StringComparison.Ordinal);
        if (paren >= 0)
        {
            name = name[..paren];
        }

        return name[(name.LastIndexOf('.') + 1)..];
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
