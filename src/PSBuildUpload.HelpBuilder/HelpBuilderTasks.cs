using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;
using System.Text.RegularExpressions;

namespace PSBuildUpload.HelpBuilder;

/// <summary>The modes of the tool, callable from Program and from the tests.</summary>
internal static class HelpBuilderTasks
{
    public const string AboutPrefix = "about_";

    /// <summary>
    /// manifest: copies the module manifest with its ModuleVersion set to <paramref name="version"/> (the one version
    /// source is Directory.Build.props). Everything else is kept byte for byte; MSBuild's own line writing would split
    /// the text at every semicolon. Written as UTF-8 with a byte order mark, which Windows PowerShell 5.1 needs to
    /// read anything beyond ASCII.
    /// </summary>
    public static void StampManifest(string source, string destination, string version)
    {
        if (!Regex.IsMatch(version, @"^\d+\.\d+\.\d+(\.\d+)?$"))
        {
            throw new FormatException($"'{version}' is not a module version (major.minor.build[.revision]); check VersionPrefix in Directory.Build.props.");
        }

        var text = File.ReadAllText(source);
        var pattern = new Regex(@"^(\s*ModuleVersion\s*=\s*)'[^']*'", RegexOptions.Multiline);
        var found = pattern.Count(text);
        if (found != 1)
        {
            throw new FormatException($"{source} has {found} ModuleVersion = '...' lines; it needs exactly one for the build to set.");
        }

        var stamped = pattern.Replace(text, m => m.Groups[1].Value + "'" + version + "'");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
        File.WriteAllText(destination, stamped, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
    }

    /// <summary>
    /// markdown: imports the built module in a hosted engine and writes docs/&lt;Cmdlet&gt;.md for every exported cmdlet,
    /// regenerated where generated and kept where written. Returns the files whose text changed (or would, when
    /// <paramref name="write"/> is false).
    /// </summary>
    public static IReadOnlyList<string> UpdateMarkdown(string manifest, string docsFolder, string? xmlDocPath, bool write, TextWriter log)
    {
        var xmlDocs = XmlDocumentation.Load(xmlDocPath);
        var changed = new List<string>();
        using var runspace = OpenRunspace();
        foreach (var (cmdlet, moduleName) in ExportedCmdlets(runspace, manifest))
        {
            var path = Path.Combine(docsFolder, cmdlet.Name + ".md");
            var current = File.Exists(path) ? File.ReadAllText(path) : null;
            var existing = current is null ? null : MarkdownHelpReader.Parse(current, path);
            var text = MarkdownHelpWriter.Write(CmdletHelpGenerator.Generate(cmdlet, existing, xmlDocs, moduleName));
            if (current is not null && MarkdownHelpReader.Normalize(current) == text)
            {
                continue;
            }

            changed.Add(path);
            if (write)
            {
                Directory.CreateDirectory(docsFolder);
                File.WriteAllText(path, text, new UTF8Encoding(false));
                log.WriteLine((current is null ? "created " : "updated ") + path);
            }
        }

        return changed;
    }

    /// <summary>maml: docs/*.md (cmdlets) to &lt;Assembly&gt;.dll-Help.xml, docs/about_*.md to about_*.help.txt.</summary>
    public static IReadOnlyList<string> WriteMaml(string docsFolder, string outputFolder, TextWriter log)
    {
        var written = new List<string>();
        Directory.CreateDirectory(outputFolder);
        var commands = new List<CommandHelp>();
        var helpFile = "PSBuildUpload.dll-Help.xml";
        foreach (var path in Directory.GetFiles(docsFolder, "*.md").OrderBy(p => p, StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            var text = File.ReadAllText(path);
            if (name.StartsWith(AboutPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var target = Path.Combine(outputFolder, name + ".help.txt");
                File.WriteAllText(target, AboutHelpWriter.Write(text), new UTF8Encoding(false));
                written.Add(target);
                continue;
            }

            if (!IsCommandHelp(text))
            {
                continue;
            }

            var help = MarkdownHelpReader.Parse(text, path);
            helpFile = help.FrontMatter.FirstOrDefault(p => p.Key == "external help file").Value is { Length: > 0 } file ? file : helpFile;
            commands.Add(help);
        }

        var maml = Path.Combine(outputFolder, helpFile);
        File.WriteAllText(maml, MamlWriter.Write(commands), new UTF8Encoding(false));
        written.Add(maml);
        foreach (var path in written)
        {
            log.WriteLine("wrote " + path);
        }

        return written;
    }

    /// <summary>package: the module folder as a .nupkg in <paramref name="outputFolder"/>.</summary>
    public static string Package(string moduleFolder, string outputFolder)
    {
        var manifestPath = Directory.GetFiles(moduleFolder, "*.psd1").SingleOrDefault()
            ?? throw new FileNotFoundException("No module manifest (*.psd1) in " + moduleFolder + ". Build the module first.");
        using var runspace = OpenRunspace();
        return ModulePackager.Pack(moduleFolder, outputFolder, ReadManifest(runspace, manifestPath));
    }

    /// <summary>A cmdlet help file: platyPS front matter with "schema: 2.0.0" (other markdown in docs/ is not help).</summary>
    public static bool IsCommandHelp(string markdown) =>
        MarkdownHelpReader.Normalize(markdown).StartsWith("---\n", StringComparison.Ordinal)
        && markdown.Contains("schema: 2.0.0", StringComparison.Ordinal);

    /// <summary>A manifest as the data it is: a hashtable (Import-PowerShellDataFile is not in a hosted engine).</summary>
    public static Hashtable ReadManifest(Runspace runspace, string manifestPath)
    {
        using var shell = PowerShell.Create();
        shell.Runspace = runspace;
        shell.AddScript("param($p) $t = [IO.File]::ReadAllText($p); $b = [scriptblock]::Create($t); $b.CheckRestrictedLanguage([string[]]@(), [string[]]@(), $false); & $b")
            .AddArgument(manifestPath);
        var result = shell.Invoke();
        if (shell.HadErrors || result.Count != 1 || result[0].BaseObject is not Hashtable table)
        {
            throw new InvalidOperationException($"{manifestPath} is not a data-only manifest: {string.Join("; ", shell.Streams.Error)}");
        }

        return table;
    }

    public static Runspace OpenRunspace()
    {
        var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        return runspace;
    }

    /// <summary>The module's exported cmdlets as the engine sees them after Import-Module.</summary>
    public static IReadOnlyList<(CmdletInfo Cmdlet, string ModuleName)> ExportedCmdlets(Runspace runspace, string manifest)
    {
        using var shell = PowerShell.Create();
        shell.Runspace = runspace;
        shell.AddScript("param($m) (Import-Module $m -PassThru -ErrorAction Stop).ExportedCmdlets.Values").AddArgument(manifest);
        var items = shell.Invoke();
        if (shell.HadErrors)
        {
            throw new InvalidOperationException("Import-Module " + manifest + " failed: " + string.Join("; ", shell.Streams.Error));
        }

        return items.Select(i => (CmdletInfo)i.BaseObject).OrderBy(c => c.Name, StringComparer.Ordinal).Select(c => (c, c.ModuleName)).ToList();
    }
}
