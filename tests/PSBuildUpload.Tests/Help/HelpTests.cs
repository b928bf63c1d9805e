using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using PSBuildUpload.HelpBuilder;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;

namespace PSBuildUpload.Tests.Help;

/// <summary>
/// Help as Get-Help shows it in the hosted engine, for every cmdlet the module exports: a new cmdlet is covered as
/// soon as it is exported, and fails here until docs/&lt;Cmdlet&gt;.md describes it.
/// </summary>
public sealed class HelpTests
{
    private static readonly Lazy<IReadOnlyList<string>> Exported = new(() =>
    {
        using var session = new PsSession();
        return session.Run("(Get-Module PSBuildUpload).ExportedCmdlets.Keys").Output.Select(o => o.ToString()).OrderBy(n => n, StringComparer.Ordinal).ToList();
    });

    private static CommandHelp Docs(string command) =>
        MarkdownHelpReader.Parse(File.ReadAllText(Path.Combine(DocExamples.DocsFolder, command + ".md")), command + ".md");

    [Fact]
    public void Every_exported_cmdlet_has_a_complete_markdown_file()
    {
        Assert.NotEmpty(Exported.Value);
        foreach (var command in Exported.Value)
        {
            var path = Path.Combine(DocExamples.DocsFolder, command + ".md");
            Assert.True(File.Exists(path), $"{command} has no docs/{command}.md: run build.ps1 -Task Docs (or the HelpBuilder's markdown mode) and write its synopsis, description and examples.");
            var text = File.ReadAllText(path);
            Assert.DoesNotContain("{{", text, StringComparison.Ordinal);
            var help = Docs(command);
            Assert.False(string.IsNullOrWhiteSpace(help.Description), $"{command}: no DESCRIPTION");
            Assert.True(help.Examples.Count >= 2, $"{command}: {help.Examples.Count} example(s); write at least two.");
            Assert.All(help.Parameters, p => Assert.False(string.IsNullOrWhiteSpace(p.Description), $"{command} -{p.Name} has no description"));
        }
    }

    [Fact]
    public void Markdown_is_in_step_with_the_compiled_cmdlets()
    {
        // What build.ps1 -Task Docs would change: the syntax, the yaml blocks and the input/output types.
        var stale = HelpBuilderTasks.UpdateMarkdown(Repo.Manifest, DocExamples.DocsFolder, null, write: false, TextWriter.Null);
        Assert.True(stale.Count == 0, "Out of date with the compiled cmdlets: " + string.Join(", ", stale.Select(Path.GetFileName)) + ". Run build.ps1 -Task Docs.");
    }

    [Fact]
    public void Every_cmdlet_has_help_with_the_documented_synopsis_and_description()
    {
        using var session = new PsSession();
        foreach (var command in Exported.Value)
        {
            var help = session.Run($"Get-Help {command}");
            Assert.Empty(help.AllErrors);
            var synopsis = help.Output.Single().P<string>("Synopsis");
            Assert.False(string.IsNullOrWhiteSpace(synopsis));
            Assert.DoesNotContain("[<CommonParameters>]", synopsis, StringComparison.Ordinal);
            Assert.Equal(MamlWriter.PlainParagraphs(Docs(command).Synopsis).Single(), synopsis);
            var description = session.Run($"(Get-Help {command}).Description | ForEach-Object {{ $_.Text }}");
            Assert.NotEmpty(description.Output);
        }
    }

    [Fact]
    public void Help_parameters_are_the_real_parameters_in_the_real_sets()
    {
        using var session = new PsSession();
        foreach (var command in Exported.Value)
        {
            session.Set("Name", command);
            var real = session.Run("""
                (Get-Command $Name).ParameterSets | ForEach-Object {
                    (@($_.Parameters | Where-Object { -not [System.Management.Automation.Cmdlet]::CommonParameters.Contains($_.Name) } | ForEach-Object Name) | ForEach-Object { $_ }) -join ','
                }
                """).Output.Select(o => Normalize(o.ToString())).OrderBy(x => x, StringComparer.Ordinal).ToList();
            var shown = session.Run("""
                (Get-Help $Name -Full).syntax.syntaxItem | ForEach-Object { (@($_.parameter | ForEach-Object { $_.name })) -join ',' }
                """).Output.Select(o => Normalize(o.ToString())).OrderBy(x => x, StringComparer.Ordinal).ToList();
            Assert.True(real.SequenceEqual(shown), $"{command}: parameter sets {string.Join(" | ", real)} but help shows {string.Join(" | ", shown)}");

            var realNames = real.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries)).Distinct().OrderBy(x => x, StringComparer.Ordinal);
            var helpNames = session.Run("(Get-Help $Name -Full).parameters.parameter | ForEach-Object { $_.name }").Output.Select(o => o.ToString()).OrderBy(x => x, StringComparer.Ordinal);
            Assert.Equal(realNames, helpNames);

            // The set each parameter belongs to, by name, as the markdown states it.
            var sets = session.Run("(Get-Command $Name).ParameterSets | ForEach-Object { $s = $_.Name; $_.Parameters | ForEach-Object { \"$($_.Name)=$s\" } }")
                .Output.Select(o => o.ToString().Split('=')).Where(p => !CmdletHelpGenerator.IsCommonParameter(p[0]))
                .GroupBy(p => p[0], p => p[1]).ToDictionary(g => g.Key, g => g.OrderBy(x => x, StringComparer.Ordinal).ToList());
            var allSets = sets.Values.SelectMany(v => v).Distinct().ToList();
            foreach (var parameter in Docs(command).Parameters)
            {
                var documented = parameter.Blocks.SelectMany(b => b.IsAllSets ? allSets : b.ParameterSets).Distinct().OrderBy(x => x, StringComparer.Ordinal);
                Assert.Equal(sets[parameter.Name], documented);
            }
        }
    }

    [Fact]
    public void Get_Help_Examples_shows_every_documented_example()
    {
        using var session = new PsSession();
        foreach (var command in Exported.Value)
        {
            var documented = Docs(command).Examples;
            var examples = session.Run($"(Get-Help {command} -Examples).examples.example");
            Assert.Empty(examples.AllErrors);
            Assert.Equal(documented.Count, examples.Output.Count);
            for (var i = 0; i < documented.Count; i++)
            {
                Assert.Contains(documented[i].Title, examples.Output[i].P<string>("title"), StringComparison.Ordinal);
                Assert.Equal(documented[i].Code.Trim(), examples.Output[i].P<string>("code").Replace("\r\n", "\n", StringComparison.Ordinal).Trim());
            }
        }
    }

    [Fact]
    public void Help_is_found_when_the_session_culture_is_invariant_or_another_language()
    {
        using var session = new PsSession();
        foreach (var culture in new[] { "", "de-DE" })
        {
            session.Set("Culture", culture);
            var result = session.Run("""
                [System.Threading.Thread]::CurrentThread.CurrentUICulture = [System.Globalization.CultureInfo]::GetCultureInfo($Culture)
                (Get-Help Submit-Build).Synopsis
                (Get-Help Submit-Build -Examples).examples.example.Count
                """);
            Assert.Empty(result.AllErrors);
            Assert.Equal(Docs("Submit-Build").Synopsis, result.Output[0].ToString());
            Assert.Equal(Docs("Submit-Build").Examples.Count, Convert.ToInt32(result.Output[1].BaseObject, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void The_about_topic_is_built_from_the_markdown_and_Get_Help_finds_it_by_name()
    {
        var topic = Path.Combine(Repo.ModuleFolder, "en-US", "about_PSBuildUpload.help.txt");
        Assert.True(File.Exists(topic));
        var text = File.ReadAllText(topic);
        foreach (var heading in new[] { "TOPIC", "SHORT DESCRIPTION", "LONG DESCRIPTION" })
        {
            Assert.Contains(heading + "\n", text, StringComparison.Ordinal);
        }

        foreach (var concept in new[] { "Connections and tokens", "The three services", "Pipelines and property binding", "Retries, time limits and proxies", "Errors and ErrorIds", "Azure DevOps" })
        {
            Assert.Contains(concept, text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("```", text, StringComparison.Ordinal);
        // Prose is wrapped for an 80-column console; code (indented by eight) is kept as written.
        Assert.All(text.Split('\n').Where(l => !l.StartsWith("        ", StringComparison.Ordinal)), line => Assert.True(line.Length <= 80, "Line too long for a console: " + line));

        using var session = new PsSession();
        var help = session.Run("Get-Help about_PSBuildUpload");
        Assert.Empty(help.AllErrors);
        Assert.StartsWith("TOPIC\n    about_PSBuildUpload", string.Concat(help.Output.Select(o => o.ToString())).Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private static string Normalize(string list) =>
        string.Join(",", list.Split(',', StringSplitOptions.RemoveEmptyEntries).OrderBy(x => x, StringComparer.Ordinal));
}
