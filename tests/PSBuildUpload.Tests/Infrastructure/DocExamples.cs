using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using PSBuildUpload.HelpBuilder;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Tests.Bitrise;

namespace PSBuildUpload.Tests.Infrastructure;

/// <summary>One example of a docs/&lt;Cmdlet&gt;.md, as a user would type it.</summary>
public sealed record DocExample(string Command, int Number, string Title, string Code)
{
    public override string ToString() => $"{Command} {Title}";
}

/// <summary>
/// The documented examples and a harness that runs them against the sandbox as they are written: each service is
/// already connected to the sandbox, -BaseUri defaults to it (so an example's own Connect-BuildService goes there
/// too), Read-Host answers a token prompt with the sandbox's token (an Applivery service-account token when the prompt
/// says "service account"), every build file or SSH key (*.key) an example names exists in the current directory, and
/// the Bitrise and Applivery data the build examples use is in place (DocExamples.Builds.cs: <c>$app</c> and fast
/// builds). Run inside <see cref="ProcessStateCollection"/>: it sets the services' token variables.
/// </summary>
public static partial class DocExamples
{
    /// <summary>Files an example may name, by extension, and what they hold.</summary>
    private static readonly Dictionary<string, Func<byte[]>> FileContents = new(StringComparer.OrdinalIgnoreCase)
    {
        // Past the 1 MiB progress threshold, so transfers report progress as real ones do.
        [".apk"] = () => RandomNumberGenerator.GetBytes(1_500_000),
        [".aab"] = () => RandomNumberGenerator.GetBytes(1_500_000),
        [".ipa"] = () => RandomNumberGenerator.GetBytes(1_500_000),
        [".zip"] = () => RandomNumberGenerator.GetBytes(200_000),
        [".yml"] = () => Encoding.UTF8.GetBytes(Sandbox.Bitrise.BitriseEmulator.SampleBitriseYml),
        [".yaml"] = () => Encoding.UTF8.GetBytes(Sandbox.Bitrise.BitriseEmulator.SampleBitriseYml),
        [".p12"] = () => RandomNumberGenerator.GetBytes(4_000),
        [".mobileprovision"] = () => RandomNumberGenerator.GetBytes(8_000),
        // An SSH deploy key as ssh-keygen -t ed25519 -N '' writes it: OpenSSH format, its public key inside.
        [".key"] = () => Encoding.ASCII.GetBytes(BitriseTestData.OpenSshKey("deploy@example.com").PrivateKey),
        [".txt"] = () => Encoding.UTF8.GetBytes("Fixes the crash at login on Android 14.\n"),
        [".png"] = () => Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="),
    };

    public static string DocsFolder => Path.Combine(Repo.Root, "docs");

    /// <summary>Every example of every cmdlet help file in docs/.</summary>
    public static IReadOnlyList<DocExample> All()
    {
        var examples = new List<DocExample>();
        foreach (var path in Directory.GetFiles(DocsFolder, "*.md").OrderBy(p => p, StringComparer.Ordinal))
        {
            var text = File.ReadAllText(path);
            if (!HelpBuilderTasks.IsCommandHelp(text))
            {
                continue;
            }

            var help = MarkdownHelpReader.Parse(text, path);
            examples.AddRange(help.Examples.Select((e, i) => new DocExample(help.Name, i + 1, e.Title, StripPrompt(e.Code))));
        }

        return examples;
    }

    public static IEnumerable<DocExample> Of(string command) => All().Where(e => e.Command == command);

    /// <summary>
    /// The sandbox's tokens in the services' environment variables, for examples that rely on them; and no CI agent
    /// variables, so a suite run inside Azure DevOps or GitHub Actions does not announce the tokens it checks for.
    /// </summary>
    public static IDisposable TokensInEnvironment(SandboxServer sandbox)
    {
        var saved = new Dictionary<string, string?>
        {
            ["PRODUCTSCIENCE_TOKEN"] = sandbox.Tokens.ProductScience,
            ["APPLIVERY_TOKEN"] = sandbox.Tokens.AppliveryApp,
            ["BITRISE_TOKEN"] = sandbox.Tokens.Bitrise,
            ["TF_BUILD"] = null,
            ["GITHUB_ACTIONS"] = null,
        };
        var previous = saved.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        foreach (var (name, value) in saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        return new Restore(() =>
        {
            foreach (var (name, value) in previous)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        });
    }

    /// <summary>Runs one example in a fresh session prepared as the class summary says.</summary>
    public static PsResult Run(SandboxServer sandbox, DocExample example)
    {
        var folder = Directory.CreateTempSubdirectory("psbu-example-").FullName;
        CreateNamedFiles(folder, example.Code);
        using var session = new PsSession(sandbox);
        session.Set("ExampleFolder", folder);
        foreach (var (name, value) in PrepareBuildServices(sandbox))
        {
            session.Set(name, value);
        }

        var setup = session.Run("""
            Connect-BuildService -Service ProductScience -BaseUri $Base -Token $PsToken
            Connect-BuildService -Service Applivery -BaseUri $Base -Token $AppToken
            Connect-BuildService -Service Bitrise -BaseUri $Base -Token $BitriseToken
            $global:PSDefaultParameterValues['*:BaseUri'] = $Base
            function global:Read-Host {
                param([Parameter(Position = 0)] [string] $Prompt, [switch] $AsSecureString)
                if ($Prompt -match 'Bitrise') { $BitriseToken } elseif ($Prompt -match 'service.account') { $SaToken } elseif ($Prompt -match 'Applivery') { $AppToken } else { $PsToken }
            }
            $null = $ExecutionContext.SessionState.Path.SetLocation($ExampleFolder)
            """);
        if (setup.AllErrors.Any())
        {
            throw new InvalidOperationException("The example harness failed to set up: " + string.Join("; ", setup.AllErrors));
        }

        try
        {
            return session.Run(example.Code);
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Creates each relative file path with a known extension that the code names (./app.apk, build/x.ipa).</summary>
    private static void CreateNamedFiles(string folder, string code)
    {
        foreach (Match match in RelativeFile().Matches(code))
        {
            var relative = match.Value.Trim('\'', '"');
            var extension = Path.GetExtension(relative);
            if (Path.IsPathRooted(relative) || relative.Contains('$', StringComparison.Ordinal) || !FileContents.TryGetValue(extension, out var content))
            {
                continue;
            }

            var path = Path.GetFullPath(Path.Combine(folder, relative));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (!File.Exists(path))
            {
                File.WriteAllBytes(path, content());
            }
        }
    }

    private static string StripPrompt(string code) =>
        string.Join("\n", code.Split('\n').Select(line => PromptPrefix().Replace(line, string.Empty)));

    [GeneratedRegex(@"(?<=^|[\s'""=(])(?:\.{1,2}/)?[\w.-]+(?:/[\w.-]+)*\.[A-Za-z0-9]+(?=$|[\s'"")|,;])", RegexOptions.Multiline)]
    private static partial Regex RelativeFile();

    [GeneratedRegex(@"^PS [^>]*> ")]
    private static partial Regex PromptPrefix();

    private sealed class Restore : IDisposable
    {
        private readonly Action _restore;

        public Restore(Action restore) => _restore = restore;

        public void Dispose() => _restore();
    }
}
