using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;

namespace PSBuildUpload.Tests.Module;

/// <summary>
/// docs/errors.md and the module agree on the ErrorIds: the list in the document is exactly what the loaded engine's
/// ErrorIds.All() says (read by reflection in the hosted engine after importing the module; this project does not
/// reference the engine), every id the prose names exists, and Applivery's numeric codes follow the documented pattern.
/// </summary>
public sealed class ErrorDocumentationTests
{
    private static readonly string Document = File.ReadAllText(Path.Combine(Repo.Root, "docs", "errors.md"));

    /// <summary>ErrorIds.All() of the engine the imported module loaded, and Applivery's ids of two numeric codes.</summary>
    private static readonly Lazy<(string[] All, string Named, string Numbered)> Code = new(() =>
    {
        using var session = new PsSession();
        var result = session.Run(@"
            # The engine as the module loaded it: the assembly of a parameter type of one of its cmdlets.
            $engine = (Get-Command Send-BuildFile).Parameters['UploadSpec'].ParameterType.Assembly
            $ids = $engine.GetType('PSBuildUpload.Engine.Errors.ErrorIds', $true)
            $forCode = $ids.GetNestedType('Applivery').GetMethod('ForCode')
            ,@($ids.GetMethod('All').Invoke($null, @()))
            $forCode.Invoke($null, @([long]3001))
            $forCode.Invoke($null, @([long]5011))");
        Assert.Empty(result.AllErrors);
        var all = ((System.Collections.IEnumerable)result.Output[0].BaseObject).Cast<object>().Select(o => o.ToString()!).ToArray();
        return (all, result.Output[1].ToString(), result.Output[2].ToString());
    });

    [Fact]
    public void The_list_in_docs_errors_md_is_exactly_the_ErrorIds_the_code_can_raise()
    {
        var listed = ListedIds();
        var code = Code.Value.All;
        Assert.True(code.Length > 100, "ErrorIds.All() returned only " + code.Length + " ids.");
        Assert.Equal(listed.Length, listed.Distinct(StringComparer.Ordinal).Count());

        var undocumented = code.Except(listed, StringComparer.Ordinal).ToArray();
        var unknown = listed.Except(code, StringComparer.Ordinal).ToArray();
        Assert.True(undocumented.Length == 0, "Add to docs/errors.md (its list and a section saying when and what to do): " + string.Join(", ", undocumented));
        Assert.True(unknown.Length == 0, "docs/errors.md lists ids the code does not have: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Every_ErrorId_the_prose_names_exists_and_every_specific_one_is_explained()
    {
        var code = Code.Value.All.ToHashSet(StringComparer.Ordinal);
        var prose = Document.Substring(0, Document.IndexOf("## Every ErrorId", StringComparison.Ordinal));
        var named = Regex.Matches(prose, @"`((?:ProductScience|Applivery|Bitrise|PSBuildUpload)\.[A-Za-z][A-Za-z0-9]*)`").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var unknown = named.Where(id => !code.Contains(id)).ToArray();
        Assert.True(unknown.Length == 0, "docs/errors.md names ids the code does not have: " + string.Join(", ", unknown));

        // A common reason is explained once, as `Reason`; every other id has a row of its own.
        var reasons = Regex.Matches(prose, @"^\| `([A-Za-z]+)` \|", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var unexplained = code.Where(id => !named.Contains(id) && !reasons.Contains(id.Substring(id.IndexOf('.', StringComparison.Ordinal) + 1))).ToArray();
        Assert.True(unexplained.Length == 0, "Say in docs/errors.md when these happen and what to do: " + string.Join(", ", unexplained));
    }

    [Fact]
    public void Applivery_codes_without_a_name_follow_the_documented_pattern()
    {
        Assert.Equal("Applivery.EntityNotFound", Code.Value.Named);
        Assert.Equal("Applivery.5011", Code.Value.Numbered);
        Assert.Contains("`Applivery.<code>`", Document, StringComparison.Ordinal);
        Assert.Contains("`Applivery.5011`", Document, StringComparison.Ordinal);
    }

    [Fact]
    public void The_README_and_about_help_point_to_the_list()
    {
        Assert.Contains("(docs/errors.md)", File.ReadAllText(Path.Combine(Repo.Root, "README.md")), StringComparison.Ordinal);
        Assert.Contains("docs/errors.md", File.ReadAllText(Path.Combine(Repo.Root, "docs", "about_PSBuildUpload.md")), StringComparison.Ordinal);
    }

    /// <summary>The ids of the "Every ErrorId" section, one a line as "- `Id`".</summary>
    private static string[] ListedIds()
    {
        var section = Document.Substring(Document.IndexOf("## Every ErrorId", StringComparison.Ordinal));
        return Regex.Matches(section, @"^- `([^`]+)`\s*$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToArray();
    }
}
