using System;
using System.Collections.Generic;
using System.Linq;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Tests.Infrastructure;
using Xunit;

namespace PSBuildUpload.Tests.Help;

/// <summary>
/// Runs every example of every docs/&lt;Cmdlet&gt;.md as written, against the sandbox (see <see cref="DocExamples"/>
/// for what the harness provides). A new cmdlet's examples are picked up from its markdown.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public sealed class DocumentationExampleTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _sandbox;

    public DocumentationExampleTests(SandboxFixture fixture) => _sandbox = fixture.Sandbox;

    public static IEnumerable<object[]> Examples() => DocExamples.All().Select(e => new object[] { e.Command, e.Number });

    [Theory]
    [MemberData(nameof(Examples))]
    public void Documented_example_runs_without_errors(string command, int number)
    {
        var example = DocExamples.Of(command).Single(e => e.Number == number);
        using var _ = DocExamples.TokensInEnvironment(_sandbox);
        var result = DocExamples.Run(_sandbox, example);
        Assert.True(!result.AllErrors.Any(), $"{example}:\n{example.Code}\n-> {string.Join("\n", result.AllErrors.Select(e => e.FullyQualifiedErrorId + ": " + e))}");
        Assert.DoesNotContain(_sandbox.Tokens.ProductScience, result.AllText(), StringComparison.Ordinal);
        Assert.DoesNotContain(_sandbox.Tokens.Bitrise, result.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_cmdlet_has_at_least_two_examples_and_they_use_no_sandbox_parameters()
    {
        var examples = DocExamples.All();
        Assert.NotEmpty(examples);
        foreach (var group in examples.GroupBy(e => e.Command))
        {
            Assert.True(group.Count() >= 2, $"{group.Key} has {group.Count()} example(s).");
        }

        Assert.All(examples, e =>
        {
            foreach (var variable in new[] { "$Base", "$PsToken", "$AppToken", "$SaToken", "$BitriseToken", "127.0.0.1", "localhost" })
            {
                Assert.DoesNotContain(variable, e.Code, StringComparison.OrdinalIgnoreCase);
            }
        });
    }
}
