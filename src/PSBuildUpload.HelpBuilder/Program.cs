using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PSBuildUpload.HelpBuilder;

// dotnet run --project src/PSBuildUpload.HelpBuilder -- <mode> [options]
//   markdown [--module out/PSBuildUpload/PSBuildUpload.psd1] [--docs docs] [--xmldoc <PSBuildUpload.xml>] [--check]
//       writes or refreshes docs/<Cmdlet>.md from the built module (what platyPS's New-/Update-MarkdownHelp do);
//       --check writes nothing and fails when a file is out of date.
//   maml [--docs docs] --out <folder>
//       docs/*.md to PSBuildUpload.dll-Help.xml and docs/about_*.md to about_*.help.txt (the module build runs this).
//   manifest --source module/PSBuildUpload.psd1 --out <file> --version <x.y.z>
//       the manifest with its ModuleVersion set, everything else kept (the module build runs this).
//   package [--module out/PSBuildUpload] [--out out]
//       out/PSBuildUpload as out/PSBuildUpload.<version>.nupkg for Install-PSResource/Install-Module.
if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine("usage: PSBuildUpload.HelpBuilder markdown|maml|manifest|package [--module path] [--docs folder] [--out folder] [--xmldoc file] [--check]");
    return args.Length == 0 ? 2 : 0;
}

var options = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
for (var i = 1; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal))
    {
        Console.Error.WriteLine($"Unexpected argument '{args[i]}'.");
        return 2;
    }

    var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
    options[args[i][2..]] = hasValue ? args[++i] : null;
}

var root = FindRoot(Directory.GetCurrentDirectory());
string Option(string name, string fallback) => Path.GetFullPath(options.TryGetValue(name, out var value) && value is not null ? value : Path.Combine(root, fallback));

try
{
    switch (args[0])
    {
        case "markdown":
            var manifest = Option("module", "out/PSBuildUpload/PSBuildUpload.psd1");
            var xmlDoc = options.TryGetValue("xmldoc", out var x) && x is not null ? Path.GetFullPath(x) : FindXmlDoc(root);
            var check = options.ContainsKey("check");
            var changed = HelpBuilderTasks.UpdateMarkdown(manifest, Option("docs", "docs"), xmlDoc, write: !check, Console.Out);
            if (check && changed.Count > 0)
            {
                Console.Error.WriteLine("Out of date with the compiled cmdlets: " + string.Join(", ", changed.Select(Path.GetFileName)) + ". Run the markdown mode (build.ps1 -Task Docs).");
                return 1;
            }

            Console.WriteLine(changed.Count == 0 ? "docs are up to date." : $"{changed.Count} file(s) written.");
            return 0;

        case "maml":
            if (!options.ContainsKey("out"))
            {
                Console.Error.WriteLine("maml needs --out <folder> (the module's en-US folder).");
                return 2;
            }

            HelpBuilderTasks.WriteMaml(Option("docs", "docs"), Option("out", "out/help/en-US"), Console.Out);
            return 0;

        case "manifest":
            if (!options.TryGetValue("out", out var target) || target is null || !options.TryGetValue("version", out var version) || version is null)
            {
                Console.Error.WriteLine("manifest needs --out <file> and --version <x.y.z>.");
                return 2;
            }

            HelpBuilderTasks.StampManifest(Option("source", "module/PSBuildUpload.psd1"), Path.GetFullPath(target), version);
            return 0;

        case "package":
            var package = HelpBuilderTasks.Package(Option("module", "out/PSBuildUpload"), Option("out", "out"));
            Console.WriteLine("wrote " + package);
            return 0;

        default:
            Console.Error.WriteLine($"Unknown mode '{args[0]}': use markdown, maml, manifest or package.");
            return 2;
    }
}
catch (Exception e) when (e is IOException or FormatException or InvalidOperationException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"{args[0]}: {e.Message}");
    return 1;
}

static string FindRoot(string start)
{
    for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "PSBuildUpload.sln")))
        {
            return dir.FullName;
        }
    }

    return start;
}

// The cmdlet project's documentation file, from whichever configuration was built last.
static string? FindXmlDoc(string root)
{
    var bin = Path.Combine(root, "src", "PSBuildUpload", "bin");
    return Directory.Exists(bin)
        ? Directory.GetFiles(bin, "PSBuildUpload.xml", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
        : null;
}
