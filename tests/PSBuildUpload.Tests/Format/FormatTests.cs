using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Xml.Linq;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;

namespace PSBuildUpload.Tests.Format;

/// <summary>
/// The default views: every [OutputType] of every exported cmdlet has a table view as its first view, and every
/// column of every view renders for real objects. The hosted engine has no Format-Table/Out-String, so columns are
/// evaluated from the format data itself: PropertyName as a property, ScriptBlock with the object as $_. The objects
/// come from running the cmdlet's documented examples against the sandbox, so a new cmdlet is covered by its docs.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public sealed class FormatTests : IClassFixture<SandboxFixture>
{
    /// <summary>Every format file of the module (one per area: module/*.Format.ps1xml).</summary>
    private static readonly string[] FormatFiles = Directory.GetFiles(Repo.ModuleFolder, "*.Format.ps1xml").OrderBy(f => f, StringComparer.Ordinal).ToArray();

    private readonly SandboxServer _sandbox;

    public FormatTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Fact]
    public void The_format_file_is_valid_and_listed_in_the_manifest()
    {
        // FormatTable validates the file as Update-FormatData would, and throws on any fault.
        _ = new FormatTable(FormatFiles);
        using var session = new PsSession(importModule: false);
        var listed = session.Run($"(Test-ModuleManifest -Path '{Repo.Manifest}').ExportedFormatFiles");
        Assert.Empty(listed.AllErrors);
        Assert.Contains("PSBuildUpload.Format.ps1xml", FormatFiles.Select(Path.GetFileName));
        Assert.Equal(FormatFiles.Select(Path.GetFileName).Order(StringComparer.Ordinal), listed.Output.Select(o => Path.GetFileName(o.ToString())).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_exported_cmdlet_declares_its_output_type()
    {
        using var session = new PsSession();
        var undeclared = session.Run("(Get-Module PSBuildUpload).ExportedCmdlets.Values | Where-Object { $_.OutputType.Count -eq 0 } | ForEach-Object Name");
        Assert.Empty(undeclared.AllErrors);
        Assert.True(undeclared.Output.Count == 0, "[OutputType] missing on: " + string.Join(", ", undeclared.Output));
    }

    [Fact]
    public void Every_declared_output_type_has_a_default_table_view()
    {
        var views = Views();
        var missing = new List<string>();
        foreach (var (command, type) in OutputTypes().Where(t => IsModuleType(t.Type)))
        {
            var first = views.FirstOrDefault(v => v.TypeName == type);
            if (first is null || first.Kind != "TableControl")
            {
                missing.Add($"{type} (from {command}): " + (first is null ? "no view" : $"first view is a {first.Kind}, not a table"));
            }
        }

        Assert.True(missing.Count == 0, "Add a table view to a module/*.Format.ps1xml for: " + string.Join("; ", missing));
    }

    [Fact]
    public void Every_column_of_every_view_renders_real_objects_from_the_documented_examples()
    {
        var views = Views();
        var faults = new List<string>();
        using var tokens = DocExamples.TokensInEnvironment(_sandbox);
        using var session = new PsSession();
        foreach (var group in OutputTypes().GroupBy(x => x.Type))
        {
            var objects = RealObjects(group.Select(x => x.Command), group.Key);
            if (objects.Count == 0)
            {
                faults.Add($"{group.Key}: no documented example of {string.Join(" or ", group.Select(x => x.Command))} emits one; add one.");
                continue;
            }

            foreach (var view in views.Where(v => v.TypeName == group.Key))
            {
                foreach (var column in view.Columns)
                {
                    var values = objects.Select(o => Evaluate(session, o, column, faults, view)).ToList();
                    if (values.All(string.IsNullOrWhiteSpace))
                    {
                        faults.Add($"{view.TypeName} {view.Kind} column '{column.Label}' is empty for all {objects.Count} real object(s): check its property or script.");
                    }
                }
            }
        }

        Assert.True(faults.Count == 0, string.Join("\n", faults));
    }

    [Fact]
    public void The_upload_result_table_shows_size_in_MiB_throughput_and_elapsed()
    {
        var table = Views().First(v => v.TypeName == "PSBuildUpload.Engine.ProductScience.BuildFileUpload");
        Assert.Equal(new[] { "BuildId", "File", "Size (MiB)", "MiB/s", "Elapsed", "Project" }, table.Columns.Select(c => c.Label));
        var connection = Views().First(v => v.TypeName == "PSBuildUpload.Connection.BuildServiceConnection");
        Assert.Equal(new[] { "Service", "Connected", "BaseUri", "TokenSet", "TokenSource" }, connection.Columns.Select(c => c.Label));
        var app = Views().First(v => v.TypeName == "PSBuildUpload.Engine.Bitrise.BitriseApp");
        Assert.Equal(new[] { "AppSlug", "Title", "ProjectType", "Owner" }, app.Columns.Select(c => c.Label));
    }

    private string? Evaluate(PsSession session, PSObject item, Column column, List<string> faults, View view)
    {
        session.Set("Item", item);
        session.Set("ColumnScript", column.Script);
        var result = column.Property is not null
            ? session.Run($"$Item.'{column.Property}'")
            : session.Run("$Item | ForEach-Object ([scriptblock]::Create($ColumnScript))");
        if (result.AllErrors.Any())
        {
            faults.Add($"{view.TypeName} {view.Kind} column '{column.Label}': {string.Join("; ", result.AllErrors)}");
            return null;
        }

        if (column.Property is not null && item.Properties[column.Property] is null)
        {
            faults.Add($"{view.TypeName} {view.Kind} column '{column.Label}': the object has no property '{column.Property}'.");
        }

        return string.Concat(result.Output.Select(o => o?.ToString()));
    }

    /// <summary>Objects of <paramref name="type"/> emitted by the documented examples of the commands that declare it.</summary>
    private List<PSObject> RealObjects(IEnumerable<string> commands, string type)
    {
        var found = new List<PSObject>();
        foreach (var example in commands.SelectMany(DocExamples.Of))
        {
            found.AddRange(DocExamples.Run(_sandbox, example).Output.Where(o => o?.BaseObject.GetType().FullName == type));
        }

        return found;
    }

    /// <summary>
    /// A type of this module, which only its format files can show well. PowerShell formats its own and .NET's types
    /// (a log line as System.String, a saved file as System.IO.FileInfo) itself: a module view of one of those would
    /// change how every string or file of the session is shown.
    /// </summary>
    private static bool IsModuleType(string type) => type.StartsWith("PSBuildUpload.", StringComparison.Ordinal);

    private static List<(string Command, string Type)> OutputTypes()
    {
        using var session = new PsSession();
        var result = session.Run("""
            (Get-Module PSBuildUpload).ExportedCmdlets.Values | ForEach-Object {
                $name = $_.Name
                $_.OutputType | ForEach-Object { "$name=$($_.Name)" }
            }
            """);
        Assert.Empty(result.AllErrors);
        // The module's own types only: .NET types a cmdlet also emits (System.String, System.IO.FileInfo) keep
        // PowerShell's formatting, since a module's view of them would change how every string or file displays.
        return result.Output.Select(o => o.ToString().Split('=', 2))
            .Where(p => p[1].StartsWith("PSBuildUpload.", StringComparison.Ordinal))
            .Select(p => (p[0], p[1]))
            .ToList();
    }

    private static List<View> Views()
    {
        var views = new List<View>();
        foreach (var view in FormatFiles.SelectMany(f => XDocument.Load(f).Descendants("View")))
        {
            var type = view.Element("ViewSelectedBy")!.Elements("TypeName").Single().Value.Trim();
            var control = view.Elements().Single(e => e.Name.LocalName.EndsWith("Control", StringComparison.Ordinal));
            var columns = new List<Column>();
            if (control.Name.LocalName == "TableControl")
            {
                var headers = control.Element("TableHeaders")!.Elements("TableColumnHeader").ToList();
                var items = control.Descendants("TableColumnItem").ToList();
                Assert.Equal(headers.Count, items.Count);
                for (var i = 0; i < items.Count; i++)
                {
                    var property = items[i].Element("PropertyName")?.Value.Trim();
                    columns.Add(new Column(headers[i].Element("Label")?.Value ?? property ?? $"#{i}", property, items[i].Element("ScriptBlock")?.Value));
                }
            }
            else
            {
                foreach (var item in control.Descendants("ListItem"))
                {
                    var property = item.Element("PropertyName")?.Value.Trim();
                    columns.Add(new Column(item.Element("Label")?.Value ?? property ?? "?", property, item.Element("ScriptBlock")?.Value));
                }
            }

            views.Add(new View(type, control.Name.LocalName, columns));
        }

        return views;
    }

    private sealed record Column(string Label, string? Property, string? Script);

    private sealed record View(string TypeName, string Kind, List<Column> Columns);
}
