using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace PSBuildUpload.HelpBuilder;

/// <summary>
/// Writes cmdlet help as MAML (<c>&lt;Assembly&gt;.dll-Help.xml</c>), the format Get-Help reads for compiled
/// cmdlets, the way platyPS's New-ExternalHelp does: the syntax is rebuilt from the parameters' yaml blocks (in the
/// order the SYNTAX section shows them), and markdown texts become paragraphs.
/// </summary>
internal static partial class MamlWriter
{
    private const string Maml = "http://schemas.microsoft.com/maml/2004/10";
    private const string Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private const string Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    private const string MSHelp = "http://msdn.microsoft.com/mshelp";

    public static string Write(IEnumerable<CommandHelp> commands)
    {
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", Encoding = new UTF8Encoding(false), NewLineChars = "\n" };
        using var buffer = new StringWriterUtf8();
        using (var xml = XmlWriter.Create(buffer, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("helpItems");
            xml.WriteAttributeString("schema", "maml");
            foreach (var help in commands)
            {
                WriteCommand(xml, help);
            }

            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return buffer.ToString() + "\n";
    }

    private static void WriteCommand(XmlWriter xml, CommandHelp help)
    {
        xml.WriteStartElement("command", "command", Command);
        xml.WriteAttributeString("xmlns", "maml", null, Maml);
        xml.WriteAttributeString("xmlns", "dev", null, Dev);
        xml.WriteAttributeString("xmlns", "MSHelp", null, MSHelp);

        xml.WriteStartElement("command", "details", Command);
        xml.WriteElementString("command", "name", Command, help.Name);
        var dash = help.Name.IndexOf('-', StringComparison.Ordinal);
        xml.WriteElementString("command", "verb", Command, dash > 0 ? help.Name[..dash] : help.Name);
        xml.WriteElementString("command", "noun", Command, dash > 0 ? help.Name[(dash + 1)..] : string.Empty);
        xml.WriteStartElement("maml", "description", Maml);
        Paragraphs(xml, help.Synopsis);
        xml.WriteEndElement();
        xml.WriteEndElement();

        xml.WriteStartElement("maml", "description", Maml);
        Paragraphs(xml, help.Description);
        xml.WriteEndElement();

        xml.WriteStartElement("command", "syntax", Command);
        foreach (var (_, parameters) in SyntaxItems(help))
        {
            xml.WriteStartElement("command", "syntaxItem", Command);
            xml.WriteElementString("maml", "name", Maml, help.Name);
            foreach (var (parameter, block) in parameters)
            {
                WriteParameter(xml, parameter, block, inSyntax: true);
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();

        xml.WriteStartElement("command", "parameters", Command);
        foreach (var parameter in help.Parameters.Where(p => p.Blocks.Count > 0))
        {
            WriteParameter(xml, parameter, parameter.Blocks[0], inSyntax: false);
        }

        xml.WriteEndElement();

        TypeList(xml, "inputTypes", "inputType", help.Inputs);
        TypeList(xml, "returnValues", "returnValue", help.Outputs);

        xml.WriteStartElement("maml", "alertSet", Maml);
        xml.WriteStartElement("maml", "alert", Maml);
        Paragraphs(xml, help.Notes);
        xml.WriteEndElement();
        xml.WriteEndElement();

        xml.WriteStartElement("command", "examples", Command);
        foreach (var example in help.Examples)
        {
            xml.WriteStartElement("command", "example", Command);
            xml.WriteElementString("maml", "title", Maml, $"--------- {example.Title} ---------");
            xml.WriteElementString("dev", "code", Dev, example.Code);
            xml.WriteStartElement("dev", "remarks", Dev);
            Paragraphs(xml, example.Remarks);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteEndElement();

        xml.WriteStartElement("command", "relatedLinks", Command);
        foreach (var (text, uri) in Links(help.RelatedLinks))
        {
            xml.WriteStartElement("maml", "navigationLink", Maml);
            xml.WriteElementString("maml", "linkText", Maml, text);
            xml.WriteElementString("maml", "uri", Maml, uri);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    /// <summary>
    /// The syntax items: one per parameter set named in the SYNTAX section (the yaml blocks say which parameters
    /// belong to it; "(All)" means every set), parameters in the order of the set's syntax line.
    /// </summary>
    public static IReadOnlyList<(string SetName, List<(ParameterHelp Parameter, ParameterMetadata Block)> Parameters)> SyntaxItems(CommandHelp help)
    {
        var setNames = help.Syntax.Select(s => s.SetName).ToList();
        if (setNames.Count == 0)
        {
            setNames.AddRange(help.Parameters.SelectMany(p => p.Blocks).SelectMany(b => b.ParameterSets).Where(s => s != "(All)").Distinct());
            if (setNames.Count == 0)
            {
                setNames.Add(CmdletHelpGenerator.AllSets);
            }
        }

        var items = new List<(string, List<(ParameterHelp, ParameterMetadata)>)>();
        foreach (var setName in setNames)
        {
            var line = help.Syntax.FirstOrDefault(s => s.SetName == setName)?.Line ?? string.Empty;
            var members = new List<(ParameterHelp Parameter, ParameterMetadata Block)>();
            foreach (var parameter in help.Parameters)
            {
                var block = parameter.Blocks.FirstOrDefault(b => b.ParameterSets.Contains(setName, StringComparer.OrdinalIgnoreCase))
                    ?? parameter.Blocks.FirstOrDefault(b => b.IsAllSets);
                if (block is not null)
                {
                    members.Add((parameter, block));
                }
            }

            var order = SyntaxOrder(line);
            members = members.OrderBy(m => order.TryGetValue(m.Parameter.Name, out var i) ? i : int.MaxValue).ToList();
            items.Add((setName, members));
        }

        return items;
    }

    private static Dictionary<string, int> SyntaxOrder(string line)
    {
        var order = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (Match match in ParameterToken().Matches(line))
        {
            order.TryAdd(match.Groups[1].Value, order.Count);
        }

        return order;
    }

    private static void WriteParameter(XmlWriter xml, ParameterHelp parameter, ParameterMetadata block, bool inSyntax)
    {
        var isSwitch = block.IsSwitch;
        xml.WriteStartElement("command", "parameter", Command);
        xml.WriteAttributeString("required", block.Required ? "true" : "false");
        xml.WriteAttributeString("variableLength", "true");
        xml.WriteAttributeString("globbing", block.Wildcards ? "true" : "false");
        xml.WriteAttributeString("pipelineInput", block.PipelineInput);
        xml.WriteAttributeString("position", block.Position.ToLowerInvariant());
        xml.WriteAttributeString("aliases", block.Aliases.Count > 0 ? string.Join(", ", block.Aliases) : "none");
        xml.WriteElementString("maml", "name", Maml, parameter.Name);
        xml.WriteStartElement("maml", "description", Maml);
        Paragraphs(xml, parameter.Description);
        xml.WriteEndElement();
        if (inSyntax && block.AcceptedValues.Count > 0)
        {
            xml.WriteStartElement("command", "parameterValueGroup", Command);
            foreach (var value in block.AcceptedValues)
            {
                xml.WriteStartElement("command", "parameterValue", Command);
                xml.WriteAttributeString("required", "false");
                xml.WriteAttributeString("variableLength", "false");
                xml.WriteString(value);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        // As platyPS: inside <syntax>, a switch shows no value placeholder.
        if (!inSyntax || !isSwitch)
        {
            xml.WriteStartElement("command", "parameterValue", Command);
            xml.WriteAttributeString("required", isSwitch ? "false" : "true");
            xml.WriteAttributeString("variableLength", "false");
            xml.WriteString(block.Type);
            xml.WriteEndElement();
        }

        xml.WriteStartElement("dev", "type", Dev);
        xml.WriteElementString("maml", "name", Maml, block.Type);
        xml.WriteElementString("maml", "uri", Maml, string.Empty);
        xml.WriteEndElement();
        xml.WriteElementString("dev", "defaultValue", Dev, block.DefaultValue);
        xml.WriteEndElement();
    }

    private static void TypeList(XmlWriter xml, string listName, string itemName, IEnumerable<TypeHelp> types)
    {
        xml.WriteStartElement("command", listName, Command);
        foreach (var type in types)
        {
            xml.WriteStartElement("command", itemName, Command);
            xml.WriteStartElement("dev", "type", Dev);
            xml.WriteElementString("maml", "name", Maml, type.TypeName);
            xml.WriteEndElement();
            xml.WriteStartElement("maml", "description", Maml);
            Paragraphs(xml, type.Description);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static void Paragraphs(XmlWriter xml, string? markdown)
    {
        foreach (var paragraph in PlainParagraphs(markdown))
        {
            xml.WriteElementString("maml", "para", Maml, paragraph);
        }
    }

    /// <summary>
    /// Markdown text as console paragraphs: blank lines separate them; lines of a paragraph join; code blocks and
    /// lists keep their lines; emphasis, inline code and link markup are reduced to their text.
    /// </summary>
    public static IEnumerable<string> PlainParagraphs(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown))
        {
            yield break;
        }

        var lines = MarkdownHelpReader.Normalize(markdown).Split('\n');
        var current = new List<string>();
        var inCode = false;
        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                if (inCode)
                {
                    yield return string.Join("\n", current);
                    current.Clear();
                }
                else if (current.Count > 0)
                {
                    yield return Flow(current);
                    current.Clear();
                }

                inCode = !inCode;
                continue;
            }

            if (inCode)
            {
                current.Add(line);
            }
            else if (line.Trim().Length == 0)
            {
                if (current.Count > 0)
                {
                    yield return Flow(current);
                    current.Clear();
                }
            }
            else
            {
                current.Add(line);
            }
        }

        if (current.Count > 0)
        {
            yield return inCode ? string.Join("\n", current) : Flow(current);
        }
    }

    private static string Flow(List<string> lines)
    {
        var isList = lines.Any(l => ListItem().IsMatch(l));
        var text = isList ? string.Join("\n", lines.Select(l => l.TrimEnd())) : string.Join(" ", lines.Select(l => l.Trim()));
        text = Link().Replace(text, m => m.Groups[2].Value.StartsWith("http", StringComparison.Ordinal) ? $"{m.Groups[1].Value} ({m.Groups[2].Value})" : m.Groups[1].Value);
        text = Strong().Replace(text, "$2");
        return InlineCode().Replace(text, "$1");
    }

    private static IEnumerable<(string Text, string Uri)> Links(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown))
        {
            yield break;
        }

        foreach (Match match in Link().Matches(markdown))
        {
            var uri = match.Groups[2].Value;
            yield return (match.Groups[1].Value, uri.StartsWith("http", StringComparison.OrdinalIgnoreCase) ? uri : string.Empty);
        }
    }

    [GeneratedRegex(@"(?<![\w-])-([A-Za-z][A-Za-z0-9]*)")]
    private static partial Regex ParameterToken();

    [GeneratedRegex(@"\[([^\]]+)\]\(([^)]*)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"(\*\*|__)(.+?)\1")]
    private static partial Regex Strong();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^\s*([-*]|\d+\.)\s")]
    private static partial Regex ListItem();

    private sealed class StringWriterUtf8 : StringWriter
    {
        public StringWriterUtf8()
            : base(System.Globalization.CultureInfo.InvariantCulture)
        {
        }

        public override Encoding Encoding => new UTF8Encoding(false);
    }
}
