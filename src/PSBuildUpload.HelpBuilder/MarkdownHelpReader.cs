using System;
using System.Collections.Generic;
using System.Linq;
using Markdig;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace PSBuildUpload.HelpBuilder;

/// <summary>Reads a platyPS schema 2.0.0 markdown file into a <see cref="CommandHelp"/>, keeping texts as written.</summary>
internal static class MarkdownHelpReader
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseYamlFrontMatter().Build();

    public static CommandHelp Parse(string markdown, string source)
    {
        var text = Normalize(markdown);
        var document = Markdown.Parse(text, Pipeline);
        var help = new CommandHelp();
        string? section = null;
        HelpExample? example = null;
        ParameterHelp? parameter = null;
        TypeHelp? typeEntry = null;
        SyntaxBlock? syntax = null;
        var sectionText = new List<string>();

        void FlushSection()
        {
            var joined = sectionText.Count == 0 ? null : string.Join("\n\n", sectionText).Trim();
            switch (section)
            {
                case "SYNOPSIS": help.Synopsis = joined; break;
                case "DESCRIPTION": help.Description = joined; break;
                case "NOTES": help.Notes = joined; break;
                case "RELATED LINKS": help.RelatedLinks = joined; break;
            }

            sectionText.Clear();
        }

        foreach (var block in document)
        {
            var raw = Slice(text, block);
            switch (block)
            {
                case YamlFrontMatterBlock:
                    foreach (var line in raw.Split('\n').Skip(1).Where(l => l.Trim() != "---"))
                    {
                        var colon = line.IndexOf(':', StringComparison.Ordinal);
                        if (colon > 0)
                        {
                            help.FrontMatter.Add(new KeyValuePair<string, string>(line[..colon].Trim(), line[(colon + 1)..].Trim()));
                        }
                    }

                    continue;

                case HeadingBlock { Level: 1 } h1:
                    help.Name = InlineText(h1).Trim();
                    continue;

                case HeadingBlock { Level: 2 } h2:
                    FlushSection();
                    section = InlineText(h2).Trim().ToUpperInvariant();
                    example = null;
                    parameter = null;
                    typeEntry = null;
                    syntax = null;
                    continue;

                case HeadingBlock { Level: 3 } h3:
                    var title = InlineText(h3).Trim();
                    switch (section)
                    {
                        case "SYNTAX":
                            var isDefault = title.EndsWith("(Default)", StringComparison.OrdinalIgnoreCase);
                            syntax = new SyntaxBlock { SetName = isDefault ? title[..^"(Default)".Length].Trim() : title, IsDefault = isDefault };
                            help.Syntax.Add(syntax);
                            break;
                        case "EXAMPLES":
                            example = new HelpExample { Title = title };
                            help.Examples.Add(example);
                            break;
                        case "PARAMETERS":
                            parameter = title.StartsWith('-') ? new ParameterHelp { Name = title[1..] } : null;
                            if (parameter is not null)
                            {
                                help.Parameters.Add(parameter);
                            }

                            break;
                        case "INPUTS":
                            typeEntry = new TypeHelp { TypeName = title };
                            help.Inputs.Add(typeEntry);
                            break;
                        case "OUTPUTS":
                            typeEntry = new TypeHelp { TypeName = title };
                            help.Outputs.Add(typeEntry);
                            break;
                        default:
                            // A level-3 heading inside a text section is part of its text.
                            sectionText.Add(raw);
                            break;
                    }

                    continue;
            }

            switch (section)
            {
                case "SYNTAX":
                    if (syntax is not null && block is FencedCodeBlock syntaxCode)
                    {
                        syntax.Line = CodeText(syntaxCode).Trim();
                    }

                    break;

                case "EXAMPLES":
                    if (example is null)
                    {
                        break;
                    }

                    if (example.Code.Length == 0 && block is FencedCodeBlock code)
                    {
                        example.Code = CodeText(code).TrimEnd();
                    }
                    else
                    {
                        example.Remarks = Join(example.Remarks, raw);
                    }

                    break;

                case "PARAMETERS":
                    if (parameter is null)
                    {
                        break;
                    }

                    if (block is FencedCodeBlock { Info: "yaml" } yaml)
                    {
                        parameter.Blocks.Add(ParseYaml(CodeText(yaml), source, parameter.Name));
                    }
                    else
                    {
                        parameter.Description = Join(parameter.Description, raw);
                    }

                    break;

                case "INPUTS":
                case "OUTPUTS":
                    if (typeEntry is not null)
                    {
                        typeEntry.Description = Join(typeEntry.Description, raw);
                    }

                    break;

                default:
                    // A list's span ends with its line break; without trimming, every rewrite would add a blank line.
                    sectionText.Add(raw.TrimEnd('\n'));
                    break;
            }
        }

        FlushSection();
        if (help.Name.Length == 0)
        {
            throw new FormatException($"{source}: no '# <cmdlet name>' heading.");
        }

        return help;
    }

    /// <summary>Line endings as \n, so source slices and rendering agree on every platform.</summary>
    public static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    private static ParameterMetadata ParseYaml(string yaml, string source, string parameter)
    {
        var metadata = new ParameterMetadata();
        foreach (var line in yaml.Split('\n'))
        {
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"{source}: -{parameter}: '{line}' is not a 'Key: value' line.");
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "Type": metadata.Type = value; break;
                case "Parameter Sets": metadata.ParameterSets.AddRange(SplitList(value)); break;
                case "Aliases": metadata.Aliases.AddRange(SplitList(value)); break;
                case "Accepted values": metadata.AcceptedValues.AddRange(SplitList(value)); break;
                case "Required": metadata.Required = bool.Parse(value); break;
                case "Position": metadata.Position = value.Length == 0 ? "Named" : value; break;
                case "Default value": metadata.DefaultValue = value.Length == 0 ? "None" : value; break;
                case "Accept pipeline input": metadata.PipelineInput = value.Length == 0 ? "False" : value; break;
                case "Accept wildcard characters": metadata.Wildcards = bool.Parse(value); break;
                default: throw new FormatException($"{source}: -{parameter}: unknown key '{key}' in a parameter's yaml block.");
            }
        }

        return metadata;
    }

    private static IEnumerable<string> SplitList(string value) =>
        value.Split(',').Select(v => v.Trim()).Where(v => v.Length > 0);

    private static string Join(string? existing, string more) =>
        string.IsNullOrEmpty(existing) ? more.Trim() : existing + "\n\n" + more.Trim();

    private static string Slice(string text, Block block) =>
        block.Span.Start >= 0 && block.Span.End < text.Length
            ? text.Substring(block.Span.Start, block.Span.Length)
            : text[Math.Max(0, block.Span.Start)..];

    private static string CodeText(FencedCodeBlock block) =>
        string.Join("\n", block.Lines.Lines.Take(block.Lines.Count).Select(l => l.Slice.ToString()));

    private static string InlineText(LeafBlock block)
    {
        if (block.Inline is null)
        {
            return string.Empty;
        }

        var parts = new List<string>();
        foreach (var inline in block.Inline.Descendants<LeafInline>())
        {
            parts.Add(inline switch
            {
                LiteralInline literal => literal.Content.ToString(),
                CodeInline code => code.Content,
                _ => inline.ToString() ?? string.Empty,
            });
        }

        return string.Concat(parts);
    }
}
