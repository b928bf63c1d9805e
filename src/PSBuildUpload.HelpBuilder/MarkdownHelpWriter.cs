using System.Linq;
using System.Text;

namespace PSBuildUpload.HelpBuilder;

/// <summary>Writes a <see cref="CommandHelp"/> as platyPS schema 2.0.0 markdown, laid out as platyPS lays it out.</summary>
internal static class MarkdownHelpWriter
{
    public const string CommonParametersText =
        "This cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, -InformationAction, " +
        "-InformationVariable, -OutBuffer, -OutVariable, -PipelineVariable, -ProgressAction, -Verbose, -WarningAction, " +
        "and -WarningVariable. For more information, see " +
        "[about_CommonParameters](http://go.microsoft.com/fwlink/?LinkID=113216).";

    public static string Write(CommandHelp help)
    {
        var md = new StringBuilder();
        md.Append("---\n");
        foreach (var (key, value) in help.FrontMatter)
        {
            md.Append(key).Append(':').Append(value.Length > 0 ? " " + value : string.Empty).Append('\n');
        }

        md.Append("---\n\n");
        md.Append("# ").Append(help.Name).Append("\n\n");

        Section(md, "SYNOPSIS", help.Synopsis);

        md.Append("## SYNTAX\n\n");
        foreach (var syntax in help.Syntax)
        {
            md.Append("### ").Append(syntax.SetName).Append(syntax.IsDefault ? " (Default)" : string.Empty).Append('\n');
            md.Append("```\n").Append(syntax.Line).Append("\n```\n\n");
        }

        Section(md, "DESCRIPTION", help.Description);

        md.Append("## EXAMPLES\n\n");
        foreach (var example in help.Examples)
        {
            md.Append("### ").Append(example.Title).Append('\n');
            md.Append("```powershell\n").Append(example.Code).Append("\n```\n\n");
            if (example.Remarks.Length > 0)
            {
                md.Append(example.Remarks).Append("\n\n");
            }
        }

        md.Append("## PARAMETERS\n\n");
        foreach (var parameter in help.Parameters)
        {
            md.Append("### -").Append(parameter.Name).Append('\n');
            if (!string.IsNullOrEmpty(parameter.Description))
            {
                md.Append(parameter.Description).Append("\n\n");
            }

            foreach (var block in parameter.Blocks)
            {
                md.Append("```yaml\n");
                md.Append("Type: ").Append(block.Type).Append('\n');
                md.Append("Parameter Sets: ").Append(string.Join(", ", block.ParameterSets)).Append('\n');
                md.Append("Aliases:").Append(block.Aliases.Count > 0 ? " " + string.Join(", ", block.Aliases) : string.Empty).Append('\n');
                if (block.AcceptedValues.Count > 0)
                {
                    md.Append("Accepted values: ").Append(string.Join(", ", block.AcceptedValues)).Append('\n');
                }

                md.Append('\n');
                md.Append("Required: ").Append(block.Required ? "True" : "False").Append('\n');
                md.Append("Position: ").Append(block.Position).Append('\n');
                md.Append("Default value: ").Append(block.DefaultValue).Append('\n');
                md.Append("Accept pipeline input: ").Append(block.PipelineInput).Append('\n');
                md.Append("Accept wildcard characters: ").Append(block.Wildcards ? "True" : "False").Append('\n');
                md.Append("```\n\n");
            }
        }

        md.Append("### CommonParameters\n").Append(CommonParametersText).Append("\n\n");

        md.Append("## INPUTS\n\n");
        TypeEntries(md, help.Inputs);
        md.Append("## OUTPUTS\n\n");
        TypeEntries(md, help.Outputs);

        Section(md, "NOTES", help.Notes);
        Section(md, "RELATED LINKS", help.RelatedLinks);
        return md.ToString().TrimEnd('\n') + "\n";
    }

    private static void Section(StringBuilder md, string heading, string? text)
    {
        md.Append("## ").Append(heading).Append('\n');
        if (!string.IsNullOrWhiteSpace(text))
        {
            md.Append(text.Trim()).Append('\n');
        }

        md.Append('\n');
    }

    private static void TypeEntries(StringBuilder md, System.Collections.Generic.IEnumerable<TypeHelp> entries)
    {
        foreach (var entry in entries.Where(e => e.TypeName.Length > 0))
        {
            md.Append("### ").Append(entry.TypeName).Append("\n\n");
            if (!string.IsNullOrWhiteSpace(entry.Description))
            {
                md.Append(entry.Description.Trim()).Append("\n\n");
            }
        }
    }
}
