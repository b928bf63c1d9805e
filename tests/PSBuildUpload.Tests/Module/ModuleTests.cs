using System;
using System.Collections;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;

namespace PSBuildUpload.Tests.Module;

public sealed class ModuleTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxFixture _fixture;

    public ModuleTests(SandboxFixture fixture) => _fixture = fixture;

    [Fact]
    public void Import_exports_exactly_the_cmdlets_the_manifest_lists()
    {
        using var session = new PsSession(importModule: false);
        var result = session.Run($"Import-Module '{Repo.Manifest}' -PassThru | ForEach-Object {{ $_.ExportedCmdlets.Keys }}");
        Assert.Empty(result.AllErrors);
        var exported = result.Output.Select(o => o.ToString()).OrderBy(x => x).ToArray();

        var manifest = session.Run($"Test-ModuleManifest -Path '{Repo.Manifest}' | ForEach-Object {{ $_.ExportedCmdlets.Keys }}");
        Assert.Empty(manifest.AllErrors);
        Assert.Equal(manifest.Output.Select(o => o.ToString()).OrderBy(x => x), exported);
        Assert.Contains("Send-BuildFile", exported);
        Assert.DoesNotContain(exported, name => name.Contains('*'));
    }

    [Fact]
    public void Manifest_version_is_the_assembly_version()
    {
        using var session = new PsSession(importModule: false);
        var result = session.Run($"(Test-ModuleManifest -Path '{Repo.Manifest}').Version.ToString(3)");
        Assert.Empty(result.AllErrors);
        var assembly = AssemblyName.GetAssemblyName(Path.Combine(Repo.ModuleFolder, "PSBuildUpload.dll"));
        Assert.Equal(assembly.Version!.ToString(3), result.Output.Single().ToString());
        Assert.NotEqual("0.0.0", result.Output.Single().ToString());
    }

    [Fact]
    public void Manifest_declares_both_editions_and_no_wildcard_exports()
    {
        using var session = new PsSession(importModule: false);
        // Import-PowerShellDataFile is a Utility cmdlet the hosted engine lacks; a manifest is a data-only hashtable.
        var data = (Hashtable)session.Run($"& ([scriptblock]::Create([IO.File]::ReadAllText('{Repo.Manifest}')))").Output.Single().BaseObject;
        Assert.Equal(new[] { "Core", "Desktop" }, ((object[])data["CompatiblePSEditions"]!).Cast<string>());
        Assert.Equal("5.1", data["PowerShellVersion"]);
        foreach (var key in new[] { "CmdletsToExport", "FunctionsToExport", "VariablesToExport", "AliasesToExport" })
        {
            Assert.DoesNotContain(((object[])data[key]!).Cast<string>(), v => v.Contains('*'));
        }
    }

    [Fact]
    public void Module_folder_holds_only_the_allowed_files()
    {
        var root = Directory.GetFiles(Repo.ModuleFolder).Select(Path.GetFileName).OrderBy(x => x).ToArray();
        Assert.All(root, name => Assert.True(
            name is "PSBuildUpload.dll" or "PSBuildUpload.psd1" || name!.EndsWith(".ps1xml", StringComparison.Ordinal),
            $"Unexpected file in the module root: {name}. Dependencies belong in Dependencies/."));
        Assert.Contains("PSBuildUpload.dll", root);
        Assert.Contains("PSBuildUpload.psd1", root);

        Assert.Contains("PSBuildUpload.Format.ps1xml", root);

        // Help: exactly the MAML of the cmdlets and the about topic, in en-US (found under any culture).
        var help = Directory.GetFiles(Path.Combine(Repo.ModuleFolder, "en-US")).Select(Path.GetFileName).OrderBy(x => x, StringComparer.Ordinal);
        Assert.Equal(new[] { "PSBuildUpload.dll-Help.xml", "about_PSBuildUpload.help.txt" }, help);
        Assert.Equal(new[] { "Dependencies", "en-US" }, Directory.GetDirectories(Repo.ModuleFolder).Select(Path.GetFileName).OrderBy(x => x, StringComparer.Ordinal));
        Assert.Empty(Directory.GetFiles(Repo.ModuleFolder, "*.xml", SearchOption.TopDirectoryOnly));

        var dependencies = Directory.GetFiles(Path.Combine(Repo.ModuleFolder, "Dependencies")).Select(Path.GetFileName).ToArray();
        Assert.Contains("PSBuildUpload.Engine.dll", dependencies);
        Assert.Contains("RestSharp.dll", dependencies);
        Assert.Contains("System.Text.Json.dll", dependencies);
        Assert.All(dependencies, name => Assert.EndsWith(".dll", name));
        Assert.DoesNotContain("System.Management.Automation.dll", dependencies);
    }

    [Fact]
    public void Engine_and_RestSharp_load_in_the_module_context_and_System_Text_Json_is_at_least_the_version_built_against()
    {
        using var session = new PsSession(_fixture.Sandbox);
        var result = session.Run("New-UploadContext -Project demo -Token $PsToken -BaseUri $Base");
        Assert.Empty(result.AllErrors);

        var engine = AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == "PSBuildUpload.Engine");
        var engineContext = AssemblyLoadContext.GetLoadContext(engine)!;
        Assert.NotSame(AssemblyLoadContext.Default, engineContext);
        Assert.Equal("PSBuildUpload.Loading.EngineLoadContext", engineContext.GetType().FullName);

        var restSharp = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == "RestSharp").ToArray();
        Assert.NotEmpty(restSharp);
        Assert.All(restSharp, a => Assert.Same(engineContext, AssemblyLoadContext.GetLoadContext(a)));

        // The engine was compiled against System.Text.Json 10; the runtime here has 10, so the runtime's copy serves
        // (on PowerShell 7.4, with 8.0, the module's own copy would load in the engine's context instead).
        var wanted = engine.GetReferencedAssemblies().Single(a => a.Name == "System.Text.Json");
        var json = engineContext.LoadFromAssemblyName(wanted);
        Assert.True(json.GetName().Version >= wanted.Version, $"System.Text.Json {json.GetName().Version} is older than {wanted.Version}");
        var jsonContext = AssemblyLoadContext.GetLoadContext(json);
        Assert.True(jsonContext == engineContext || jsonContext == AssemblyLoadContext.Default);
        Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name is "RestSharp" or "PSBuildUpload.Engine" or "YamlDotNet");
    }

    [Fact]
    public void Cmdlets_that_change_something_support_WhatIf()
    {
        using var session = new PsSession();
        foreach (var name in new[] { "New-UploadContext", "Submit-Build", "Send-BuildFile" })
        {
            var result = session.Run($"(Get-Command {name}).Parameters.ContainsKey('WhatIf')");
            Assert.Equal(true, result.Output.Single().BaseObject);
        }
    }
}
