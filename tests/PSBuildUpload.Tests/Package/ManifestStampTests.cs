using System;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using PSBuildUpload.HelpBuilder;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;

namespace PSBuildUpload.Tests.Package;

/// <summary>The build's copy of the manifest: module/PSBuildUpload.psd1 with the version of Directory.Build.props, nothing else changed.</summary>
public sealed class ManifestStampTests
{
    private static string VersionPrefix()
    {
        var props = File.ReadAllText(Path.Combine(Repo.Root, "Directory.Build.props"));
        return Regex.Match(props, "<VersionPrefix>([^<]+)</VersionPrefix>").Groups[1].Value;
    }

    [Fact]
    public void The_laid_out_manifest_is_the_source_with_only_its_version_set()
    {
        var source = File.ReadAllText(Path.Combine(Repo.Root, "module", "PSBuildUpload.psd1"));
        var expected = Regex.Replace(source, @"^(\s*ModuleVersion\s*=\s*)'[^']*'", m => m.Groups[1].Value + "'" + VersionPrefix() + "'", RegexOptions.Multiline);

        Assert.NotEqual(source, expected);
        Assert.Equal(expected, File.ReadAllText(Repo.Manifest));
    }

    [Fact]
    public void Stamping_keeps_semicolons_line_ends_and_other_text_and_writes_a_byte_order_mark()
    {
        var folder = Directory.CreateTempSubdirectory("psbu-manifest-").FullName;
        try
        {
            var source = Path.Combine(folder, "in.psd1");
            var text = "# ModuleVersion is not this comment\r\n@{\r\n    ModuleVersion = '0.0.0'\r\n    PrivateData = @{ PSData = @{ Tags = @('a'; 'b'); ReleaseNotes = 'Café; déjà vu' } }\r\n}\r\n";
            File.WriteAllText(source, text, new UTF8Encoding(false));
            var target = Path.Combine(folder, "out", "Module.psd1");

            HelpBuilderTasks.StampManifest(source, target, "1.2.3");

            var bytes = File.ReadAllBytes(target);
            Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
            Assert.Equal(text.Replace("'0.0.0'", "'1.2.3'", StringComparison.Ordinal), Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("@{ }", "1.0.0", "has 0 ModuleVersion")]
    [InlineData("@{\n ModuleVersion = '1.0.0'\n ModuleVersion = '1.0.0'\n}", "1.0.0", "has 2 ModuleVersion")]
    [InlineData("@{\n ModuleVersion = '1.0.0'\n}", "1.0", "check VersionPrefix")]
    [InlineData("@{\n ModuleVersion = '1.0.0'\n}", "1.0.0-beta", "check VersionPrefix")]
    public void A_manifest_or_version_the_build_cannot_stamp_is_an_error_naming_what_to_fix(string manifest, string version, string message)
    {
        var folder = Directory.CreateTempSubdirectory("psbu-manifest-").FullName;
        try
        {
            var source = Path.Combine(folder, "in.psd1");
            File.WriteAllText(source, manifest);
            var target = Path.Combine(folder, "out.psd1");

            var error = Assert.Throws<FormatException>(() => HelpBuilderTasks.StampManifest(source, target, version));

            Assert.Contains(message, error.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(target));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
