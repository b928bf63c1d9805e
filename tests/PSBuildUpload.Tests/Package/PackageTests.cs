using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Xml.Linq;
using PSBuildUpload.HelpBuilder;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;

namespace PSBuildUpload.Tests.Package;

/// <summary>The PowerShell Gallery package of the built module, made by the HelpBuilder's package mode.</summary>
public sealed class PackageTests
{
    private static readonly Lazy<string> Package = new(() =>
        HelpBuilderTasks.Package(Repo.ModuleFolder, Directory.CreateTempSubdirectory("psbu-package-").FullName));

    private static string Version => AssemblyName.GetAssemblyName(Path.Combine(Repo.ModuleFolder, "PSBuildUpload.dll")).Version!.ToString(3);

    [Fact]
    public void The_package_is_named_after_the_module_and_its_one_version()
    {
        Assert.Equal($"PSBuildUpload.{Version}.nupkg", Path.GetFileName(Package.Value));
    }

    [Fact]
    public void The_package_is_an_OPC_zip_with_the_module_files_at_its_root()
    {
        using var zip = ZipFile.OpenRead(Package.Value);
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        foreach (var expected in new[]
        {
            "[Content_Types].xml", "_rels/.rels", "PSBuildUpload.nuspec",
            "PSBuildUpload.psd1", "PSBuildUpload.dll", "PSBuildUpload.Format.ps1xml",
            "en-US/PSBuildUpload.dll-Help.xml", "en-US/about_PSBuildUpload.help.txt",
            "Dependencies/PSBuildUpload.Engine.dll", "Dependencies/RestSharp.dll", "Dependencies/System.Text.Json.dll", "Dependencies/YamlDotNet.dll",
        })
        {
            Assert.Contains(expected, entries);
        }

        Assert.Single(entries, e => e.StartsWith("package/services/metadata/core-properties/", StringComparison.Ordinal) && e.EndsWith(".psmdcp", StringComparison.Ordinal));
        var moduleFiles = Directory.GetFiles(Repo.ModuleFolder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Repo.ModuleFolder, f).Replace('\\', '/'));
        Assert.All(moduleFiles, f => Assert.Contains(f, entries));

        var types = XDocument.Load(zip.GetEntry("[Content_Types].xml")!.Open());
        var extensions = types.Root!.Elements().Select(e => (string)e.Attribute("Extension")!).ToList();
        foreach (var extension in new[] { "rels", "psmdcp", "nuspec", "dll", "psd1", "ps1xml", "xml", "txt" })
        {
            Assert.Contains(extension, extensions);
        }

        var rels = XDocument.Load(zip.GetEntry("_rels/.rels")!.Open());
        Assert.Contains(rels.Root!.Elements(), r => (string)r.Attribute("Target")! == "/PSBuildUpload.nuspec" && (string)r.Attribute("Type")! == "http://schemas.microsoft.com/packaging/2010/07/manifest");
    }

    [Fact]
    public void The_nuspec_carries_the_manifest_metadata_and_the_gallery_tags()
    {
        using var zip = ZipFile.OpenRead(Package.Value);
        var nuspec = XDocument.Load(zip.GetEntry("PSBuildUpload.nuspec")!.Open());
        XNamespace ns = "http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd";
        var metadata = nuspec.Root!.Element(ns + "metadata")!;
        Assert.Equal("PSBuildUpload", metadata.Element(ns + "id")!.Value);
        Assert.Equal(Version, metadata.Element(ns + "version")!.Value);
        Assert.Equal("PSBuildUpload contributors", metadata.Element(ns + "authors")!.Value);
        Assert.StartsWith("Upload mobile builds", metadata.Element(ns + "description")!.Value, StringComparison.Ordinal);
        Assert.StartsWith("https://", metadata.Element(ns + "projectUrl")!.Value, StringComparison.Ordinal);
        Assert.StartsWith("https://", metadata.Element(ns + "licenseUrl")!.Value, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "releaseNotes")!.Value));

        var tags = metadata.Element(ns + "tags")!.Value.Split(' ');
        foreach (var tag in new[] { "PSModule", "PSEdition_Core", "PSEdition_Desktop", "PSIncludes_Cmdlet", "Bitrise", "AzureDevOps" })
        {
            Assert.Contains(tag, tags);
        }

        using var session = new PsSession();
        var cmdlets = session.Run("(Get-Module PSBuildUpload).ExportedCmdlets.Keys").Output.Select(o => o.ToString()).ToList();
        Assert.NotEmpty(cmdlets);
        Assert.All(cmdlets, c => Assert.Contains("PSCmdlet_" + c, tags));
        Assert.All(cmdlets, c => Assert.Contains("PSCommand_" + c, tags));
    }

    [Fact]
    public void The_extracted_package_passes_Test_ModuleManifest_and_imports()
    {
        var folder = Path.Combine(Directory.CreateTempSubdirectory("psbu-extracted-").FullName, "PSBuildUpload");
        ZipFile.ExtractToDirectory(Package.Value, folder);
        var manifest = Path.Combine(folder, "PSBuildUpload.psd1");
        using var session = new PsSession(importModule: false);
        session.Set("Manifest", manifest);
        var tested = session.Run("$m = Test-ModuleManifest -Path $Manifest; $m.Version.ToString(3); $m.ExportedCmdlets.Count; @($m.ExportedFormatFiles).Count");
        Assert.Empty(tested.AllErrors);
        Assert.Equal(Version, tested.Output[0].ToString());
        Assert.True(Convert.ToInt32(tested.Output[1].BaseObject, System.Globalization.CultureInfo.InvariantCulture) >= 7);
        // One format file per area (module/*.Format.ps1xml), every one listed in the manifest.
        var formatFiles = Directory.GetFiles(Repo.ModuleFolder, "*.Format.ps1xml").Length;
        Assert.Equal(formatFiles.ToString(System.Globalization.CultureInfo.InvariantCulture), tested.Output[2].ToString());

        // Help ships inside: Get-Help of the extracted module shows the documented synopsis.
        var imported = session.Run("Import-Module $Manifest; (Get-Help Get-BitriseApp).Synopsis");
        Assert.Empty(imported.AllErrors);
        Assert.StartsWith("Gets Bitrise apps", imported.Output.Last().ToString(), StringComparison.Ordinal);
    }
}
