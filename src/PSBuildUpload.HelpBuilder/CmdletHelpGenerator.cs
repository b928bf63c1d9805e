using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Reflection;

namespace PSBuildUpload.HelpBuilder;

/// <summary>
/// What platyPS's New-/Update-MarkdownHelp derive from a compiled cmdlet: the syntax of each parameter set, each
/// parameter's metadata, the input and output types; merged with the human parts of an existing markdown file, or
/// seeded from the assembly's /// summaries (then placeholders, as platyPS writes them) when there is none.
/// </summary>
internal static class CmdletHelpGenerator
{
    public const string AllSets = "__AllParameterSets";

    /// <summary>Added by SupportsShouldProcess and SupportsPaging: PowerShell's own descriptions.</summary>
    private static readonly Dictionary<string, string> BuiltInDescriptions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["WhatIf"] = "Shows what would happen if the cmdlet runs. The cmdlet is not run.",
        ["Confirm"] = "Prompts you for confirmation before running the cmdlet.",
        ["First"] = "Gets only the specified number of objects. Enter the number of objects to get.",
        ["Skip"] = "Ignores the specified number of objects and then gets the remaining objects. Enter the number of objects to skip.",
        ["IncludeTotalCount"] = "Reports the total number of objects in the data set (an integer) followed by the selected objects. If the cmdlet cannot determine the total count, it displays \"Unknown total count.\"",
    };

    private static readonly string[] TrailingParameters = { "WhatIf", "Confirm" };

    public static bool IsCommonParameter(string name) =>
        Cmdlet.CommonParameters.Contains(name) || string.Equals(name, "UseTransaction", StringComparison.OrdinalIgnoreCase);

    /// <summary>The help of <paramref name="cmdlet"/>, keeping what <paramref name="existing"/> says where it says it.</summary>
    public static CommandHelp Generate(CmdletInfo cmdlet, CommandHelp? existing, XmlDocumentation xmlDocs, string moduleName)
    {
        ArgumentNullException.ThrowIfNull(cmdlet);
        var help = new CommandHelp { Name = cmdlet.Name };
        var front = new List<KeyValuePair<string, string>>
        {
            new("external help file", cmdlet.ImplementingType.Assembly.GetName().Name + ".dll-Help.xml"),
            new("Module Name", moduleName),
            new("online version", existing?.FrontMatter.FirstOrDefault(p => p.Key == "online version").Value ?? string.Empty),
            new("schema", "2.0.0"),
        };
        help.FrontMatter.AddRange(front);

        help.Synopsis = NonEmpty(existing?.Synopsis) ?? xmlDocs.Summary("T:" + cmdlet.ImplementingType.FullName) ?? "{{ Fill in the Synopsis }}";
        help.Description = NonEmpty(existing?.Description) ?? "{{ Fill in the Description }}";
        if (existing is { Examples.Count: > 0 })
        {
            help.Examples.AddRange(existing.Examples);
        }
        else
        {
            help.Examples.Add(new HelpExample { Title = "Example 1", Code = "PS C:\\> {{ Add example code here }}", Remarks = "{{ Add example description here }}" });
        }

        var sets = cmdlet.ParameterSets.ToList();
        var realSetNames = sets.Select(s => s.Name).ToList();
        foreach (var set in sets.OrderByDescending(s => s.IsDefault))
        {
            help.Syntax.Add(new SyntaxBlock { SetName = set.Name, IsDefault = set.IsDefault && sets.Count > 1, Line = SyntaxLine(cmdlet.Name, set) });
        }

        var defaults = DefaultValues(cmdlet.ImplementingType);
        foreach (var name in ParameterOrder(sets))
        {
            var inSets = sets
                .Select(set => (set, parameter: set.Parameters.FirstOrDefault(p => p.Name == name)))
                .Where(x => x.parameter is not null)
                .ToList();
            var parameter = new ParameterHelp
            {
                Name = name,
                Description = NonEmpty(existing?.Parameter(name)?.Description)
                    ?? XmlSummary(cmdlet.ImplementingType, name, xmlDocs)
                    ?? (BuiltInDescriptions.TryGetValue(name, out var builtIn) ? builtIn : null)
                    ?? $"{{{{ Fill {name} Description }}}}",
            };

            // One yaml block per distinct metadata; "(All)" when the parameter is in every set with the same metadata.
            foreach (var group in inSets.GroupBy(x => Signature(x.parameter!)))
            {
                var block = Metadata(group.First().parameter!, defaults);
                var groupSets = group.Select(x => x.set.Name).ToList();
                if (groupSets.Count == realSetNames.Count)
                {
                    block.ParameterSets.Add("(All)");
                }
                else
                {
                    block.ParameterSets.AddRange(groupSets);
                }

                parameter.Blocks.Add(block);
            }

            help.Parameters.Add(parameter);
        }

        foreach (var type in InputTypes(sets))
        {
            help.Inputs.Add(new TypeHelp { TypeName = type, Description = NonEmpty(existing?.Inputs.FirstOrDefault(i => i.TypeName == type)?.Description) });
        }

        if (help.Inputs.Count == 0)
        {
            help.Inputs.Add(new TypeHelp { TypeName = "None", Description = NonEmpty(existing?.Inputs.FirstOrDefault(i => i.TypeName == "None")?.Description) });
        }

        foreach (var type in OutputTypes(cmdlet))
        {
            help.Outputs.Add(new TypeHelp { TypeName = type, Description = NonEmpty(existing?.Outputs.FirstOrDefault(i => i.TypeName == type)?.Description) });
        }

        help.Notes = NonEmpty(existing?.Notes);
        help.RelatedLinks = NonEmpty(existing?.RelatedLinks);
        return help;
    }

    /// <summary>The output types a cmdlet declares ([OutputType]), full names; "None" when it emits nothing.</summary>
    public static IReadOnlyList<string> OutputTypes(CmdletInfo cmdlet)
    {
        var names = cmdlet.OutputType
            .Select(t => t.Type?.FullName ?? t.Name)
            .Where(n => n is not null && n != typeof(void).FullName)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return names.Count == 0 ? new[] { "None" } : names!;
    }

    /// <summary>A set's syntax as platyPS writes it: positional first, then mandatory, then optional, WhatIf/Confirm last.</summary>
    public static string SyntaxLine(string command, CommandParameterSetInfo set)
    {
        var parameters = set.Parameters.Where(p => !IsCommonParameter(p.Name)).ToList();
        var ordered = parameters.Where(p => p.Position >= 0).OrderBy(p => p.Position)
            .Concat(parameters.Where(p => p.Position < 0 && p.IsMandatory && !TrailingParameters.Contains(p.Name)))
            .Concat(parameters.Where(p => p.Position < 0 && !p.IsMandatory && !TrailingParameters.Contains(p.Name)))
            .Concat(TrailingParameters.SelectMany(name => parameters.Where(p => p.Name == name && p.Position < 0)))
            .ToList();
        var parts = new List<string> { command };
        foreach (var p in ordered)
        {
            var isSwitch = p.ParameterType == typeof(SwitchParameter);
            var name = p.Position >= 0 ? $"[-{p.Name}]" : $"-{p.Name}";
            var text = isSwitch ? $"-{p.Name}" : $"{name} <{TypeName(p.ParameterType)}>";
            parts.Add(p.IsMandatory && !isSwitch ? text : $"[{text}]");
        }

        parts.Add("[<CommonParameters>]");
        return string.Join(" ", parts);
    }

    public static string TypeName(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsArray ? TypeName(underlying.GetElementType()!) + "[]" : underlying.Name;
    }

    private static string FullTypeName(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsArray ? FullTypeName(underlying.GetElementType()!) + "[]" : underlying.FullName ?? underlying.Name;
    }

    /// <summary>Parameters in platyPS's order: alphabetical, with -Confirm and -WhatIf last.</summary>
    private static IEnumerable<string> ParameterOrder(IEnumerable<CommandParameterSetInfo> sets)
    {
        var names = sets.SelectMany(s => s.Parameters).Select(p => p.Name).Where(n => !IsCommonParameter(n)).Distinct(StringComparer.Ordinal).ToList();
        return names.Where(n => !TrailingParameters.Contains(n)).OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
            .Concat(TrailingParameters.Reverse().Where(names.Contains));
    }

    private static string Signature(CommandParameterInfo p) =>
        string.Join("|", p.IsMandatory, p.Position, p.ValueFromPipeline, p.ValueFromPipelineByPropertyName);

    private static ParameterMetadata Metadata(CommandParameterInfo p, IReadOnlyDictionary<string, string> defaults)
    {
        var metadata = new ParameterMetadata
        {
            Type = TypeName(p.ParameterType),
            Required = p.IsMandatory,
            Position = p.Position >= 0 ? p.Position.ToString(CultureInfo.InvariantCulture) : "Named",
            DefaultValue = p.IsMandatory ? "None" : defaults.GetValueOrDefault(p.Name, p.ParameterType == typeof(SwitchParameter) ? "False" : "None"),
            PipelineInput = (p.ValueFromPipeline, p.ValueFromPipelineByPropertyName) switch
            {
                (true, true) => "True (ByPropertyName, ByValue)",
                (true, false) => "True (ByValue)",
                (false, true) => "True (ByPropertyName)",
                _ => "False",
            },
            Wildcards = p.Attributes.OfType<SupportsWildcardsAttribute>().Any(),
        };
        metadata.Aliases.AddRange(p.Aliases);
        var validateSet = p.Attributes.OfType<ValidateSetAttribute>().FirstOrDefault();
        var elementType = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
        elementType = elementType.IsArray ? elementType.GetElementType()! : elementType;
        if (validateSet is not null)
        {
            metadata.AcceptedValues.AddRange(validateSet.ValidValues);
        }
        else if (elementType.IsEnum && !elementType.IsDefined(typeof(FlagsAttribute), false))
        {
            metadata.AcceptedValues.AddRange(Enum.GetNames(elementType));
        }

        return metadata;
    }

    /// <summary>Values a new instance of the cmdlet holds for its parameters, shown when they are not the type's default.</summary>
    private static Dictionary<string, string> DefaultValues(Type cmdletType)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        object? instance;
        try
        {
            instance = Activator.CreateInstance(cmdletType);
        }
        catch (Exception e) when (e is MissingMethodException or TargetInvocationException or MemberAccessException)
        {
            return result;
        }

        foreach (var property in cmdletType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.IsDefined(typeof(ParameterAttribute), true) || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var value = property.GetValue(instance);
            result[property.Name] = value switch
            {
                SwitchParameter s => s.IsPresent ? "True" : "False",
                null => "None",
                string { Length: 0 } => "None",
                Array { Length: 0 } => "None",
                IFormattable when IsDefaultOf(value, property.PropertyType) => "None",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "None",
            };
        }

        (instance as IDisposable)?.Dispose();
        return result;
    }

    private static bool IsDefaultOf(object value, Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsValueType && value.Equals(Activator.CreateInstance(underlying));
    }

    private static string? XmlSummary(Type cmdletType, string parameter, XmlDocumentation docs)
    {
        var property = cmdletType.GetProperty(parameter, BindingFlags.Public | BindingFlags.Instance);
        return property?.DeclaringType is { } declaring ? docs.Summary($"P:{declaring.FullName}.{property.Name}") : null;
    }

    private static IEnumerable<string> InputTypes(IEnumerable<CommandParameterSetInfo> sets) =>
        sets.SelectMany(s => s.Parameters)
            .Where(p => !IsCommonParameter(p.Name) && (p.ValueFromPipeline || p.ValueFromPipelineByPropertyName))
            .Select(p => FullTypeName(p.ParameterType))
            .Distinct(StringComparer.Ordinal);

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
