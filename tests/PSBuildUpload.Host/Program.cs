using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Security;
using System.Security.Cryptography;
using System.Threading.Tasks;
using PSBuildUpload.Host;
using PSBuildUpload.Sandbox;

// dotnet run --project tests/PSBuildUpload.Host -- demo              the README demo (Product Science pipeline)
// dotnet run --project tests/PSBuildUpload.Host -- run <script.ps1>  any script against a fresh sandbox
// Scripts see $Base (the sandbox address) and $PsToken, $AppToken, $SaToken, $BitriseToken (SecureStrings).
var mode = args.Length > 0 ? args[0] : "demo";
var root = FindRoot();
var manifest = Path.Combine(root, "out", "PSBuildUpload", "PSBuildUpload.psd1");
await using var sandbox = await SandboxServer.StartAsync();
Console.WriteLine($"Sandbox listening on {sandbox.BaseUri} (loopback only; no token or network needed)");

string script;
if (mode == "run" && args.Length > 1)
{
    script = await File.ReadAllTextAsync(args[1]);
}
else
{
    var folder = Directory.CreateTempSubdirectory("psbuildupload-demo-").FullName;
    var apk = Path.Combine(folder, "app-release.apk");
    await File.WriteAllBytesAsync(apk, RandomNumberGenerator.GetBytes(4 * 1024 * 1024));
    Console.WriteLine($"Demo build: {apk} (4 MiB)");
    script = $"""
        Connect-BuildService -Service ProductScience -Token $PsToken -BaseUri $Base
        New-UploadContext -Project demo |
            Submit-Build -Path '{apk}' -BuildType APK -Name v5.2.8 -Description 'PSBuildUpload demo' -NoCiMetadata -Verbose |
            Send-BuildFile -Verbose
        """;
}

Console.WriteLine();
Console.WriteLine("PS> " + script.Trim().Replace("\n", "\n>> ", StringComparison.Ordinal));
Console.WriteLine();
var state = InitialSessionState.CreateDefault2();
state.ImportPSModule(new[] { manifest });
using var runspace = RunspaceFactory.CreateRunspace(state);
runspace.Open();
runspace.SessionStateProxy.SetVariable("Base", sandbox.BaseUri.AbsoluteUri);
runspace.SessionStateProxy.SetVariable("PsToken", Secure(sandbox.Tokens.ProductScience));
runspace.SessionStateProxy.SetVariable("AppToken", Secure(sandbox.Tokens.AppliveryApp));
runspace.SessionStateProxy.SetVariable("SaToken", Secure(sandbox.Tokens.AppliveryServiceAccount));
runspace.SessionStateProxy.SetVariable("BitriseToken", Secure(sandbox.Tokens.Bitrise));

using var shell = PowerShell.Create();
shell.Runspace = runspace;
shell.AddScript(script);
shell.Streams.Verbose.DataAdded += (s, e) => Console.WriteLine("VERBOSE: " + ((PSDataCollection<VerboseRecord>)s!)[e.Index].Message);
shell.Streams.Warning.DataAdded += (s, e) => Console.WriteLine("WARNING: " + ((PSDataCollection<WarningRecord>)s!)[e.Index].Message);
shell.Streams.Error.DataAdded += (s, e) =>
{
    var error = ((PSDataCollection<ErrorRecord>)s!)[e.Index];
    Console.Error.WriteLine($"ERROR: {error} ({error.FullyQualifiedErrorId})");
};
var failed = false;
try
{
    foreach (var item in shell.Invoke())
    {
        Console.WriteLine();
        Console.WriteLine(item is null ? string.Empty : ObjectPrinter.Format(item));
    }
}
catch (RuntimeException e)
{
    Console.Error.WriteLine($"ERROR: {e.ErrorRecord} ({e.ErrorRecord.FullyQualifiedErrorId})");
    failed = true;
}

failed |= shell.HadErrors;
if (mode == "demo")
{
    foreach (var stored in sandbox.Storage.Objects.Where(o => o.Key.StartsWith("productscience/", StringComparison.Ordinal)))
    {
        Console.WriteLine($"The sandbox's storage received {stored.Key}: {stored.Length} bytes, SHA-256 {stored.Sha256}");
    }
}

return failed ? 1 : 0;

static SecureString Secure(string text)
{
    var secure = new SecureString();
    foreach (var c in text)
    {
        secure.AppendChar(c);
    }

    secure.MakeReadOnly();
    return secure;
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "PSBuildUpload.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("Run from inside the PSBuildUpload repository.");
}
