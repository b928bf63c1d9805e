using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation.Language;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;

namespace PSBuildUpload.Tests.Scripts;

/// <summary>
/// The PowerShell scripts of the repository (build.ps1, the Pester suite, the examples) cannot run here (no pwsh, no
/// Pester, no PSScriptAnalyzer), so they are held to what can be checked with PowerShell's own parser: they parse,
/// and they keep the PSScriptAnalyzer default rules that need no analysis engine.
/// </summary>
public sealed class ScriptTests
{
    private static readonly string[] Aliases = { "%", "?", "where", "foreach", "select", "sort", "gci", "ls", "dir", "cd", "cat", "echo", "iex", "irm", "iwr", "gc", "sc", "ni", "rm", "del", "cp", "mv", "ps", "kill", "sleep", "measure", "ft", "fl", "gm", "gcm", "type" };

    public static IEnumerable<object[]> Files() =>
        new[] { "build.ps1" }
            .Concat(Directory.GetFiles(Path.Combine(Repo.Root, "tests", "Pester"), "*.ps1").Select(f => Path.GetRelativePath(Repo.Root, f)))
            .Concat(Directory.GetFiles(Path.Combine(Repo.Root, "docs", "examples"), "*.ps1").Select(f => Path.GetRelativePath(Repo.Root, f)))
            .Select(f => new object[] { f.Replace('\\', '/') });

    [Theory]
    [MemberData(nameof(Files))]
    public void Script_parses_and_keeps_the_analyzer_rules_that_can_be_checked_here(string file)
    {
        var path = Path.Combine(Repo.Root, file);
        var ast = Parser.ParseFile(path, out _, out var errors);
        Assert.True(errors.Length == 0, string.Join("\n", errors.Select(e => $"{file}:{e.Extent.StartLineNumber}: {e.Message}")));

        var text = File.ReadAllText(path);
        Assert.True(text.All(c => c < 128), $"{file} has non-ASCII characters (PSUseBOMForUnicodeEncodedFile).");
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            Assert.False(lines[i].TrimEnd('\r').EndsWith(' ') || lines[i].EndsWith('\t'), $"{file}:{i + 1} has trailing whitespace (PSAvoidTrailingWhitespace).");
        }

        var commands = ast.FindAll(a => a is CommandAst, true).Cast<CommandAst>().Select(c => c.GetCommandName()).Where(n => n is not null).ToList();
        Assert.DoesNotContain("Write-Host", commands, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain("Invoke-Expression", commands, StringComparer.OrdinalIgnoreCase);
        foreach (var alias in Aliases)
        {
            Assert.DoesNotContain(alias, commands, StringComparer.OrdinalIgnoreCase);
        }

        var globals = ast.FindAll(a => a is VariableExpressionAst v && v.VariablePath.IsGlobal, true);
        Assert.Empty(globals);
    }

    [Fact]
    public void Every_Pester_file_takes_exactly_the_data_build_ps1_passes()
    {
        var build = File.ReadAllText(Path.Combine(Repo.Root, "build.ps1"));
        foreach (var key in new[] { "BaseUri", "ProductScienceToken", "BitriseToken", "ModulePath" })
        {
            Assert.Contains(key + " ", build, StringComparison.Ordinal);
        }

        foreach (var file in Directory.GetFiles(Path.Combine(Repo.Root, "tests", "Pester"), "*.Tests.ps1"))
        {
            var ast = Parser.ParseFile(file, out _, out _);
            var parameters = ast.ParamBlock!.Parameters.Select(p => p.Name.VariablePath.UserPath).OrderBy(x => x, StringComparer.Ordinal);
            Assert.Equal(new[] { "BaseUri", "BitriseToken", "ModulePath", "ProductScienceToken" }, parameters);
            var blocks = ast.FindAll(a => a is CommandAst c && c.GetCommandName() is "Describe" or "It" or "BeforeAll", true).Count();
            Assert.True(blocks >= 3, $"{file} has no Describe/It blocks.");
        }
    }
}
