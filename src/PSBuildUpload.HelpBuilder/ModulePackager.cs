using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security;
using System.Text;
using System.Xml.Linq;

namespace PSBuildUpload.HelpBuilder;

/// <summary>
/// Packs a laid-out module folder as the .nupkg the PowerShell Gallery serves and Install-PSResource/Install-Module
/// install from a local repository: an OPC zip ([Content_Types].xml, _rels/.rels, core properties) with a nuspec
/// whose tags carry what Publish-Module would add (PSModule, PSEdition_*, PSIncludes_Cmdlet, PSCmdlet_/PSCommand_
/// per cmdlet), and the module's files at the package root. Everything comes from the laid-out manifest, whose
/// version the build stamped from Directory.Build.props.
/// </summary>
internal static class ModulePackager
{
    private const string NuspecNamespace = "http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd";

    /// <summary>Writes <c>&lt;Name&gt;.&lt;Version&gt;.nupkg</c> into <paramref name="outputFolder"/> and returns its path.</summary>
    public static string Pack(string moduleFolder, string outputFolder, Hashtable manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(moduleFolder));
        var version = Required(manifest, "ModuleVersion");
        var psData = (manifest["PrivateData"] as Hashtable)?["PSData"] as Hashtable ?? new Hashtable();
        var cmdlets = Strings(manifest["CmdletsToExport"]).ToList();

        Directory.CreateDirectory(outputFolder);
        var path = Path.Combine(outputFolder, $"{name}.{version}.nupkg");
        File.Delete(path);
        var coreProperties = $"package/services/metadata/core-properties/{Guid.NewGuid():N}.psmdcp";
        var files = Directory.GetFiles(moduleFolder, "*", SearchOption.AllDirectories)
            .Select(f => (Full: f, Entry: Path.GetRelativePath(moduleFolder, f).Replace('\\', '/')))
            .OrderBy(f => f.Entry, StringComparer.Ordinal)
            .ToList();

        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            Text(zip, name + ".nuspec", Nuspec(name, version, manifest, psData, cmdlets));
            foreach (var (full, entry) in files)
            {
                zip.CreateEntryFromFile(full, entry, CompressionLevel.Optimal);
            }

            Text(zip, "_rels/.rels", Relationships(name + ".nuspec", coreProperties));
            Text(zip, coreProperties, CoreProperties(name, version, manifest, psData));
            var extensions = files.Select(f => Path.GetExtension(f.Entry).TrimStart('.')).Append("nuspec").Where(e => e.Length > 0);
            Text(zip, "[Content_Types].xml", ContentTypes(extensions));
        }

        return path;
    }

    public static string Nuspec(string name, string version, Hashtable manifest, Hashtable psData, IReadOnlyCollection<string> cmdlets)
    {
        XNamespace ns = NuspecNamespace;
        var tags = Strings(psData["Tags"]).ToList();
        tags.Add("PSModule");
        foreach (var edition in Strings(manifest["CompatiblePSEditions"]))
        {
            tags.Add("PSEdition_" + edition);
        }

        if (cmdlets.Count > 0)
        {
            tags.Add("PSIncludes_Cmdlet");
        }

        foreach (var cmdlet in cmdlets)
        {
            tags.Add("PSCmdlet_" + cmdlet);
            tags.Add("PSCommand_" + cmdlet);
        }

        var metadata = new XElement(
            ns + "metadata",
            new XElement(ns + "id", name),
            new XElement(ns + "version", version),
            new XElement(ns + "authors", Required(manifest, "Author")),
            new XElement(ns + "owners", manifest["CompanyName"] as string ?? Required(manifest, "Author")),
            new XElement(ns + "requireLicenseAcceptance", "false"));
        if (psData["LicenseUri"] is string license)
        {
            metadata.Add(new XElement(ns + "licenseUrl", license));
        }

        if (psData["ProjectUri"] is string project)
        {
            metadata.Add(new XElement(ns + "projectUrl", project));
        }

        if (psData["IconUri"] is string icon)
        {
            metadata.Add(new XElement(ns + "iconUrl", icon));
        }

        metadata.Add(new XElement(ns + "description", Required(manifest, "Description")));
        if (psData["ReleaseNotes"] is string notes)
        {
            metadata.Add(new XElement(ns + "releaseNotes", notes));
        }

        if (manifest["Copyright"] is string copyright)
        {
            metadata.Add(new XElement(ns + "copyright", copyright));
        }

        metadata.Add(new XElement(ns + "tags", string.Join(" ", tags.Distinct(StringComparer.OrdinalIgnoreCase))));
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + new XElement(ns + "package", metadata) + "\n";
    }

    private static string Relationships(string nuspec, string coreProperties) =>
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\n"
        + $"  <Relationship Type=\"http://schemas.microsoft.com/packaging/2010/07/manifest\" Target=\"/{nuspec}\" Id=\"R{Id()}\" />\n"
        + $"  <Relationship Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"/{coreProperties}\" Id=\"R{Id()}\" />\n"
        + "</Relationships>\n";

    private static string CoreProperties(string name, string version, Hashtable manifest, Hashtable psData) =>
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        + "<coreProperties xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
        + "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\">\n"
        + $"  <dc:creator>{Escape(Required(manifest, "Author"))}</dc:creator>\n"
        + $"  <dc:description>{Escape(Required(manifest, "Description"))}</dc:description>\n"
        + $"  <dc:identifier>{Escape(name)}</dc:identifier>\n"
        + $"  <version>{Escape(version)}</version>\n"
        + $"  <keywords>{Escape(string.Join(" ", Strings(psData["Tags"])))}</keywords>\n"
        + "  <lastModifiedBy>PSBuildUpload.HelpBuilder</lastModifiedBy>\n"
        + "</coreProperties>\n";

    private static string ContentTypes(IEnumerable<string> extensions)
    {
        var text = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\n");
        text.Append("  <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\" />\n");
        text.Append("  <Default Extension=\"psmdcp\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\" />\n");
        foreach (var extension in extensions.Distinct(StringComparer.OrdinalIgnoreCase).Where(e => e is not "rels" and not "psmdcp").OrderBy(e => e, StringComparer.Ordinal))
        {
            text.Append($"  <Default Extension=\"{Escape(extension)}\" ContentType=\"application/octet\" />\n");
        }

        return text.Append("</Types>\n").ToString();
    }

    private static void Text(ZipArchive zip, string entryName, string content)
    {
        var entry = zip.CreateEntry(entryName, CompressionLevel.Optimal);
        using var stream = entry.Open();
        var bytes = new UTF8Encoding(false).GetBytes(content);
        stream.Write(bytes, 0, bytes.Length);
    }

    private static string Required(Hashtable manifest, string key) =>
        manifest[key]?.ToString() is { Length: > 0 } value ? value : throw new InvalidOperationException($"The manifest has no {key}; the package needs it.");

    private static IEnumerable<string> Strings(object? value) => value switch
    {
        null => Enumerable.Empty<string>(),
        string s => new[] { s },
        IEnumerable items => items.Cast<object>().Select(i => i?.ToString() ?? string.Empty).Where(s => s.Length > 0),
        _ => new[] { value.ToString() ?? string.Empty },
    };

    private static string Escape(string text) => SecurityElement.Escape(text) ?? string.Empty;

    private static string Id() => Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
}
