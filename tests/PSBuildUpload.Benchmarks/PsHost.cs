using System;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Security;

namespace PSBuildUpload.Benchmarks;

/// <summary>A runspace with the built module imported, as a user has it.</summary>
internal sealed class PsHost : IDisposable
{
    private readonly Runspace _runspace;

    public PsHost(SandboxProcess sandbox)
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(new[] { Paths.Manifest });
        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
        Set("Base", sandbox.BaseUri.AbsoluteUri);
        Set("PsToken", Secure(sandbox.ProductScienceToken));
        Set("AppToken", Secure(sandbox.AppliveryAppToken));
        Set("BitriseToken", Secure(sandbox.BitriseToken));
        Run("Connect-BuildService -Service ProductScience -Token $PsToken -BaseUri $Base");
    }

    public void Set(string name, object? value) => _runspace.SessionStateProxy.SetVariable(name, value);

    public Collection<PSObject> Run(string script)
    {
        using var shell = PowerShell.Create();
        shell.Runspace = _runspace;
        shell.AddScript(script);
        var output = shell.Invoke();
        if (shell.HadErrors)
        {
            throw new InvalidOperationException("The script failed: " + string.Join("; ", shell.Streams.Error.Select(e => e.ToString())) + "\n" + script);
        }

        return output;
    }

    /// <summary>Runs a script streaming its output into <paramref name="output"/> (to time the first object).</summary>
    public void Invoke(string script, PSDataCollection<PSObject> output)
    {
        using var shell = PowerShell.Create();
        shell.Runspace = _runspace;
        shell.AddScript(script);
        shell.Invoke(null, output);
        if (shell.HadErrors)
        {
            throw new InvalidOperationException("The script failed: " + string.Join("; ", shell.Streams.Error.Select(e => e.ToString())) + "\n" + script);
        }
    }

    public static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var c in text)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }

    public void Dispose() => _runspace.Dispose();
}
