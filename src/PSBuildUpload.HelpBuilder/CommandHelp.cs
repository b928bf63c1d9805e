using System;
using System.Collections.Generic;

namespace PSBuildUpload.HelpBuilder;

/// <summary>
/// One cmdlet's help as a platyPS (schema 2.0.0) markdown file holds it. Texts are markdown as written; the parts
/// generated from the compiled cmdlet (syntax, parameter metadata, input and output types) sit beside them.
/// </summary>
internal sealed class CommandHelp
{
    public string Name { get; set; } = string.Empty;

    /// <summary>Front matter keys and values, in file order.</summary>
    public List<KeyValuePair<string, string>> FrontMatter { get; } = new();

    public string? Synopsis { get; set; }

    /// <summary>Syntax blocks: parameter set name (without " (Default)"), whether it is the default, and the line.</summary>
    public List<SyntaxBlock> Syntax { get; } = new();

    public string? Description { get; set; }

    public List<HelpExample> Examples { get; } = new();

    public List<ParameterHelp> Parameters { get; } = new();

    public List<TypeHelp> Inputs { get; } = new();

    public List<TypeHelp> Outputs { get; } = new();

    public string? Notes { get; set; }

    /// <summary>The RELATED LINKS section as written (a markdown list of links).</summary>
    public string? RelatedLinks { get; set; }

    public ParameterHelp? Parameter(string name) =>
        Parameters.Find(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}

internal sealed class SyntaxBlock
{
    public string SetName { get; set; } = string.Empty;

    public bool IsDefault { get; set; }

    public string Line { get; set; } = string.Empty;
}

internal sealed class HelpExample
{
    /// <summary>The heading without "### ": "Example 1: Upload a build".</summary>
    public string Title { get; set; } = string.Empty;

    public string Code { get; set; } = string.Empty;

    /// <summary>Everything after the code block, as markdown (text, output blocks).</summary>
    public string Remarks { get; set; } = string.Empty;
}

internal sealed class ParameterHelp
{
    public string Name { get; set; } = string.Empty;

    public string? Description { get; set; }

    /// <summary>One block per distinct combination of set membership and metadata, as platyPS writes them.</summary>
    public List<ParameterMetadata> Blocks { get; } = new();
}

/// <summary>One ```yaml block of a parameter.</summary>
internal sealed class ParameterMetadata
{
    public string Type { get; set; } = string.Empty;

    /// <summary>The set names, or "(All)".</summary>
    public List<string> ParameterSets { get; } = new();

    public List<string> Aliases { get; } = new();

    public List<string> AcceptedValues { get; } = new();

    public bool Required { get; set; }

    /// <summary>A number (0-based, as PowerShell reports it) or "Named".</summary>
    public string Position { get; set; } = "Named";

    public string DefaultValue { get; set; } = "None";

    /// <summary>"False", "True (ByValue)", "True (ByPropertyName)" or "True (ByPropertyName, ByValue)".</summary>
    public string PipelineInput { get; set; } = "False";

    public bool Wildcards { get; set; }

    public bool IsAllSets => ParameterSets.Count == 1 && ParameterSets[0] == "(All)";

    public bool IsSwitch => Type is "SwitchParameter" or "Switch";
}

/// <summary>An INPUTS or OUTPUTS entry: the type's full name and what it means.</summary>
internal sealed class TypeHelp
{
    public string TypeName { get; set; } = string.Empty;

    public string? Description { get; set; }
}
