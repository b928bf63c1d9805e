using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace PSBuildUpload.HelpBuilder;

/// <summary>
/// Turns an about_ topic written in markdown (platyPS's about template: # about_Name, ## SHORT DESCRIPTION,
/// ## LONG DESCRIPTION, ### subsections) into the plain text Get-Help shows: headings flush left, text indented
/// and wrapped at 80 columns, code indented further and kept as written.
/// </summary>
internal static class AboutHelpWriter
{
    private const int Width = 80;

    public static string Write(string markdown)
    {
        var text = MarkdownHelpReader.Normalize(markdown);
        var document = Markdown.Parse(text, new MarkdownPipelineBuilder().UsePipeTables().Build());
        var output = new StringBuilder();
        foreach (var block in document)
        {
            switch (block)
            {
                case HeadingBlock { Level: 1 } h1:
                    output.Append("TOPIC\n    ").Append(Inline(h1.Inline).Trim()).Append("\n\n");
                    break;
                case HeadingBlock { Level: 2 } h2:
                    output.Append(Inline(h2.Inline).Trim().ToUpperInvariant()).Append('\n');
                    break;
                case HeadingBlock h3:
                    output.Append("  ").Append(Inline(h3.Inline).Trim()).Append("\n\n");
                    break;
                case ParagraphBlock paragraph:
                    Wrap(output, Inline(paragraph.Inline), "    ", "    ");
                    output.Append('\n');
                    break;
                case ListBlock list:
                    var number = 1;
                    foreach (var item in list.OfType<ListItemBlock>())
                    {
                        var bullet = list.IsOrdered ? $"{number++}. " : "- ";
                        var itemText = string.Join(" ", item.OfType<ParagraphBlock>().Select(p => Inline(p.Inline)));
                        Wrap(output, itemText, "    " + bullet, "    " + new string(' ', bullet.Length));
                    }

                    output.Append('\n');
                    break;
                case FencedCodeBlock code:
                    foreach (var line in code.Lines.Lines.Take(code.Lines.Count))
                    {
                        output.Append("        ").Append(line.Slice.ToString()).Append('\n');
                    }

                    output.Append('\n');
                    break;
                default:
                    var raw = text.Substring(block.Span.Start, Math.Min(block.Span.Length, text.Length - block.Span.Start));
                    foreach (var line in raw.Split('\n'))
                    {
                        output.Append("    ").Append(line).Append('\n');
                    }

                    output.Append('\n');
                    break;
            }
        }

        return output.ToString().TrimEnd('\n') + "\n";
    }

    private static string Inline(ContainerInline? inline)
    {
        if (inline is null)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        foreach (var child in inline)
        {
            Append(text, child);
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, Markdig.Syntax.Inlines.Inline inline)
    {
        switch (inline)
        {
            case LiteralInline literal:
                text.Append(literal.Content.ToString());
                break;
            case CodeInline code:
                text.Append(code.Content);
                break;
            case LineBreakInline:
                text.Append(' ');
                break;
            case LinkInline link:
                var label = new StringBuilder();
                foreach (var child in link)
                {
                    Append(label, child);
                }

                text.Append(label);
                if (link.Url is { } url && url.StartsWith("http", StringComparison.OrdinalIgnoreCase) && label.ToString() != url)
                {
                    text.Append(" (").Append(url).Append(')');
                }

                break;
            case ContainerInline container:
                foreach (var child in container)
                {
                    Append(text, child);
                }

                break;
        }
    }

    private static void Wrap(StringBuilder output, string text, string firstIndent, string indent)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var line = new StringBuilder(firstIndent);
        var empty = true;
        foreach (var word in words)
        {
            if (!empty && line.Length + 1 + word.Length > Width)
            {
                output.Append(line.ToString().TrimEnd()).Append('\n');
                line.Clear().Append(indent);
                empty = true;
            }

            if (!empty)
            {
                line.Append(' ');
            }

            line.Append(word);
            empty = false;
        }

        output.Append(line.ToString().TrimEnd()).Append('\n');
    }

    /// <summary>The level-2 headings of an about topic (SHORT DESCRIPTION, LONG DESCRIPTION, ...).</summary>
    internal static IReadOnlyList<string> Sections(string markdown) =>
        Markdown.Parse(MarkdownHelpReader.Normalize(markdown)).OfType<HeadingBlock>().Where(h => h.Level == 2).Select(h => Inline(h.Inline).Trim()).ToList();
}
