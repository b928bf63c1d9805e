using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Sandbox.Bitrise;
using PSBuildUpload.Tests.Infrastructure;
using PSBuildUpload.Tests.ProductScience;
using Xunit;

namespace PSBuildUpload.Tests.Bitrise;

public sealed class BitriseConfigTests : IClassFixture<SandboxFixture>
{
    private const string App = "f46e89061e967f27";
    private const string Defaults = "$PSDefaultParameterValues['*-Bitrise*:Token'] = $BitriseToken; $PSDefaultParameterValues['*-Bitrise*:BaseUri'] = $Base\n";

    // A tab where the indentation of a sequence item should be: line 5, column 1.
    private const string TabIndented = "format_version: '11'\nworkflows:\n  primary:\n    steps:\n\t- script@1: {}\n";

    private const string NewYaml = "format_version: '13'\ndefault_step_lib_source: https://github.com/bitrise-io/bitrise-steplib.git\nworkflows:\n  primary:\n    steps:\n    - script@1:\n        inputs:\n        - content: echo \"héllo\"\n";

    private readonly SandboxServer _sandbox;

    public BitriseConfigTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    [Fact]
    public void Get_BitriseAppConfig_emits_the_YAML_text()
    {
        using var session = new PsSession(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run(Defaults + $"Get-BitriseAppConfig -AppSlug {App}");

        BitriseTestData.NoErrors(result);
        var yaml = Assert.IsType<string>(result.Output.Single().BaseObject);
        Assert.Equal(_sandbox.Bitrise.ConfigOf(App), yaml);
        var request = _sandbox.Requests.All.Single();
        Assert.Equal("GET", request.Method);
        Assert.Equal($"/v0.1/apps/{App}/bitrise.yml", request.Path);
        Assert.Equal("token " + _sandbox.Tokens.Bitrise, request.Header("Authorization"));
        Assert.Contains("text/plain", request.Header("Accept"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_build_s_config_by_BuildSlug_and_builds_pipe_in_by_property_name()
    {
        const string build = "1a2b3c4d5e6f7081";
        var ranWith = "format_version: '11'\nworkflows:\n  nightly: {}\n";
        _sandbox.Bitrise.RecordBuildConfig(App, build, ranWith);
        using var session = new PsSession(_sandbox);
        _sandbox.Requests.Clear();

        var result = session.Run(Defaults + $"[pscustomobject]@{{ AppSlug = '{App}'; BuildSlug = '{build}' }} | Get-BitriseAppConfig");
        BitriseTestData.NoErrors(result);
        Assert.Equal(ranWith, result.Output.Single().ToString());
        Assert.Equal($"/v0.1/apps/{App}/builds/{build}/bitrise.yml", _sandbox.Requests.All.Single().Path);

        var missing = session.Run(Defaults + $"Get-BitriseAppConfig -AppSlug {App} -BuildSlug 00000000000000aa");
        Assert.Equal("Bitrise.NotFound", missing.ErrorIds.Single());
        Assert.Contains("No build with slug '00000000000000aa'", missing.AllErrors.Single().ToString(), StringComparison.Ordinal);
        Assert.Equal("00000000000000aa", missing.AllErrors.Single().TargetObject);
    }

    [Fact]
    public void OutFile_writes_through_a_temporary_file_and_does_not_overwrite_without_Force()
    {
        var folder = Directory.CreateTempSubdirectory("psbu-yml-").FullName;
        var target = Path.Combine(folder, "bitrise.yml");
        using var session = new PsSession(_sandbox);

        var written = session.Run(Defaults + $"Get-BitriseAppConfig -AppSlug {App} -OutFile {TestFiles.Quote(target)}");
        BitriseTestData.NoErrors(written);
        Assert.Equal(target, ((FileInfo)written.Output.Single().BaseObject).FullName);
        Assert.Equal(_sandbox.Bitrise.ConfigOf(App), File.ReadAllText(target));
        Assert.Equal(new[] { "bitrise.yml" }, Directory.GetFiles(folder).Select(Path.GetFileName));

        File.WriteAllText(target, "mine");
        var refused = session.Run(Defaults + $"Get-BitriseAppConfig -AppSlug {App} -OutFile {TestFiles.Quote(target)}");
        Assert.Equal("Bitrise.DestinationExists", refused.ErrorIds.Single());
        Assert.Contains("-Force", refused.AllErrors.Single().ToString(), StringComparison.Ordinal);
        Assert.Contains("-OutFile", refused.AllErrors.Single().ToString(), StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(target));

        var forced = session.Run(Defaults + $"Get-BitriseAppConfig -AppSlug {App} -OutFile {TestFiles.Quote(target)} -Force");
        BitriseTestData.NoErrors(forced);
        Assert.Equal(_sandbox.Bitrise.ConfigOf(App), File.ReadAllText(target));
        Assert.Single(Directory.GetFiles(folder));
    }

    [Fact]
    public void A_failed_download_leaves_no_file_under_the_final_name()
    {
        var folder = Directory.CreateTempSubdirectory("psbu-yml-").FullName;
        var target = Path.Combine(folder, "bitrise.yml");
        _sandbox.Faults.Add("GET", "/bitrise.yml$", Sandbox.Infrastructure.FaultKind.ResetDuringResponseBody, times: -1).AfterBytes = 40;
        try
        {
            using var session = new PsSession(_sandbox);
            var result = session.Run(Defaults + $"Connect-BuildService -Service Bitrise -Token $BitriseToken -BaseUri $Base -MaximumRetryCount 0; Get-BitriseAppConfig -AppSlug {App} -OutFile {TestFiles.Quote(target)}");
            Assert.NotEmpty(result.AllErrors);
            Assert.Empty(Directory.GetFiles(folder));
        }
        finally
        {
            _sandbox.Faults.Clear();
        }
    }

    [Fact]
    public void Set_BitriseAppConfig_from_a_file_posts_the_YAML_as_a_string()
    {
        var path = BitriseTestData.WriteTemp("bitrise.yml", NewYaml);
        using var session = new PsSession(_sandbox);
        _sandbox.Requests.Clear();
        var result = session.Run(Defaults + $"Set-BitriseAppConfig -AppSlug {App} -Path {TestFiles.Quote(path)}");

        BitriseTestData.NoErrors(result);
        var upload = result.Output.Single();
        Assert.Equal("PSBuildUpload.Engine.Bitrise.BitriseAppConfigUpload", upload.TypeName());
        Assert.Equal(App, upload.P<string>("AppSlug"));
        Assert.Equal(path, upload.P<string>("Path"));
        Assert.Equal(8, upload.P<int>("Lines"));
        Assert.Equal(TestFiles.Sha256(path), upload.P<string>("Sha256"));
        Assert.Equal(new FileInfo(path).Length, upload.P<long>("Length"));

        var request = _sandbox.Requests.All.Single();
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/v0.1/apps/{App}/bitrise.yml", request.Path);
        var body = BitriseTestData.Json(request.BodyText);
        Assert.Equal(new[] { "app_config_datastore_yaml" }, BitriseTestData.Keys(body));
        Assert.Equal(NewYaml, body.GetProperty("app_config_datastore_yaml").GetString());
        Assert.Equal(NewYaml, _sandbox.Bitrise.Configs[App]);

        var back = session.Run(Defaults + $"Get-BitriseAppConfig -AppSlug {App}");
        Assert.Equal(NewYaml, back.Output.Single().ToString());
    }

    [Fact]
    public void Set_BitriseAppConfig_with_Yaml_text_and_a_file_with_a_byte_order_mark()
    {
        const string app = "93f256e365d929d3";
        using var session = new PsSession(_sandbox);
        session.Set("Text", NewYaml);
        var fromText = session.Run(Defaults + $"Set-BitriseAppConfig -AppSlug {app} -Yaml $Text");
        BitriseTestData.NoErrors(fromText);
        Assert.Null(fromText.Output.Single().P("Path"));
        Assert.Equal(NewYaml, _sandbox.Bitrise.Configs[app]);

        var bom = BitriseTestData.WriteTemp("bom.yml", string.Empty);
        File.WriteAllBytes(bom, Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("format_version: '12'\nworkflows: {}\n")).ToArray());
        var fromBom = session.Run(Defaults + $"Set-BitriseAppConfig -AppSlug {app} -Path {TestFiles.Quote(bom)}");
        BitriseTestData.NoErrors(fromBom);
        Assert.Equal("format_version: '12'\nworkflows: {}\n", _sandbox.Bitrise.Configs[app]);
    }

    [Theory]
    [InlineData(TabIndented, 5, 1)]
    [InlineData("format_version: '11'\nworkflows: [primary, deploy\n", 3, 1)]
    [InlineData("format_version: '11'\nworkflows:\n  primary: {}\n  primary: {}\n", 4, 3)]
    [InlineData("- just\n- a list\n", 1, 1)]
    [InlineData("format_version: '11'\n---\nworkflows: {}\n", 3, 1)]
    public void A_YAML_fault_is_InvalidYaml_with_line_and_column_and_nothing_is_sent(string yaml, int line, int column)
    {
        using var session = new PsSession(_sandbox);
        session.Set("Text", yaml);
        var path = BitriseTestData.WriteTemp("broken.yml", yaml);
        _sandbox.Requests.Clear();
        var before = _sandbox.Bitrise.ConfigOf(App);

        var result = session.Run(Defaults + $"Set-BitriseAppConfig -AppSlug {App} -Yaml $Text; Set-BitriseAppConfig -AppSlug {App} -Path {TestFiles.Quote(path)}");

        Assert.Equal(new[] { "Bitrise.InvalidYaml", "Bitrise.InvalidYaml" }, result.ErrorIds);
        Assert.All(result.Errors, e => Assert.Contains($"line {line}, column {column}", e.ToString(), StringComparison.Ordinal));
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidData, result.Errors[0].CategoryInfo.Category);
        Assert.Equal("-Yaml", result.Errors[0].TargetObject);
        Assert.Equal(path, result.Errors[1].TargetObject);
        Assert.Contains(path, result.Errors[1].ToString(), StringComparison.Ordinal);
        Assert.Empty(_sandbox.Requests.All);
        Assert.Equal(before, _sandbox.Bitrise.ConfigOf(App));
    }

    [Fact]
    public async Task The_API_itself_refuses_the_broken_YAML_the_local_check_stops()
    {
        using var client = BitriseTestData.Direct(_sandbox);
        var body = JsonSerializer.Serialize(new { app_config_datastore_yaml = TabIndented });
        using var response = await client.PostAsync($"/v0.1/apps/{App}/bitrise.yml", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Invalid bitrise.yml", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The seed's answer to a good one is the config as JSON.
        using var good = await client.PostAsync("/v0.1/apps/93f256e365d929d3/bitrise.yml", new StringContent(JsonSerializer.Serialize(new { app_config_datastore_yaml = BitriseEmulator.DefaultYaml }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        var config = BitriseTestData.Json(await good.Content.ReadAsStringAsync());
        Assert.Equal("1.3.1", config.GetProperty("format_version").GetString());
        Assert.False(config.GetProperty("app").GetProperty("envs")[0].GetProperty("opts").GetProperty("is_expand").GetBoolean());
    }

    [Fact]
    public void WhatIf_sends_nothing_and_unknown_apps_are_NotFound()
    {
        using var session = new PsSession(_sandbox);
        session.Set("Text", NewYaml);
        var before = _sandbox.Requests.All.Count;
        var whatIf = session.Run(Defaults + $"Set-BitriseAppConfig -AppSlug {App} -Yaml $Text -WhatIf");
        BitriseTestData.NoErrors(whatIf);
        Assert.Empty(whatIf.Output);
        Assert.Equal(before, _sandbox.Requests.All.Count);

        var missing = session.Run(Defaults + "Set-BitriseAppConfig -AppSlug 00000000000000bb -Yaml $Text; Get-BitriseAppConfig -AppSlug 00000000000000cc");
        Assert.Equal(new[] { "Bitrise.NotFound", "Bitrise.NotFound" }, missing.ErrorIds);
        Assert.Contains("'00000000000000bb'", missing.Errors[0].ToString(), StringComparison.Ordinal);
        Assert.Contains("'00000000000000cc'", missing.Errors[1].ToString(), StringComparison.Ordinal);
    }
}
