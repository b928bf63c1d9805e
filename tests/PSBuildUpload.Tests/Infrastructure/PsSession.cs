using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Security;
using System.Threading.Tasks;
using PSBuildUpload.Sandbox;

namespace PSBuildUpload.Tests.Infrastructure;

/// <summary>
/// A runspace of the real PowerShell engine with the built module imported, and, when a sandbox is given, the
/// variables scripts use: $Base (its address), $PsToken/$AppToken/$SaToken/$BitriseToken (SecureStrings).
/// </summary>
public sealed class PsSession : IDisposable
{
    private readonly Runspace _runspace;

    public PsSession(SandboxServer? sandbox = null, bool importModule = true)
    {
        var state = InitialSessionState.CreateDefault2();
        if (importModule)
        {
            state.ImportPSModule(new[] { Repo.Manifest });
        }

        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
        if (sandbox is not null)
        {
            Set("Base", sandbox.BaseUri.AbsoluteUri);
            Set("PsToken", Secure(sandbox.Tokens.ProductScience));
            Set("AppToken", Secure(sandbox.Tokens.AppliveryApp));
            Set("SaToken", Secure(sandbox.Tokens.AppliveryServiceAccount));
            Set("BitriseToken", Secure(sandbox.Tokens.Bitrise));
        }
    }

    public Runspace Runspace => _runspace;

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

    public void Set(string name, object? value) => _runspace.SessionStateProxy.SetVariable(name, value);

    public object? Get(string name) => _runspace.SessionStateProxy.GetVariable(name);

    /// <summary>Runs script text and returns every stream; a terminating error is captured, not thrown.</summary>
    public PsResult Run(string script, IDictionary<string, object?>? variables = null)
    {
        using var shell = PowerShell.Create();
        shell.Runspace = _runspace;
        return Invoke(shell, script, variables);
    }

    /// <summary>Starts script text; the caller can Stop() the returned shell.</summary>
    public (PowerShell Shell, Task<PsResult> Completion) Start(string script)
    {
        var shell = PowerShell.Create();
        shell.Runspace = _runspace;
        var completion = Task.Run(() => Invoke(shell, script, null));
        return (shell, completion);
    }

    private static PsResult Invoke(PowerShell shell, string script, IDictionary<string, object?>? variables)
    {
        if (variables is not null)
        {
            foreach (var (name, value) in variables)
            {
                shell.Runspace.SessionStateProxy.SetVariable(name, value);
            }
        }

        var result = new PsResult();
        // A cmdlet's terminating error ends only its statement unless something catches it; catching it here makes
        // "terminating" observable (Terminating) and distinct from a non-terminating error (Errors).
        shell.AddScript("try {\n" + script + "\n} catch { $global:__psbuTerminating = $_ }");
        shell.Streams.Verbose.DataAdded += (s, e) => result.Verbose.Add(((PSDataCollection<VerboseRecord>)s!)[e.Index].Message);
        shell.Streams.Warning.DataAdded += (s, e) => result.Warning.Add(((PSDataCollection<WarningRecord>)s!)[e.Index].Message);
        shell.Streams.Debug.DataAdded += (s, e) => result.Debug.Add(((PSDataCollection<DebugRecord>)s!)[e.Index].Message);
        shell.Streams.Information.DataAdded += (s, e) => result.Information.Add(((PSDataCollection<InformationRecord>)s!)[e.Index].MessageData?.ToString() ?? string.Empty);
        shell.Streams.Progress.DataAdded += (s, e) => result.Progress.Add(((PSDataCollection<ProgressRecord>)s!)[e.Index]);
        try
        {
            foreach (var item in shell.Invoke())
            {
                result.Output.Add(item);
            }
        }
        catch (RuntimeException e)
        {
            result.Terminating = e.ErrorRecord;
        }

        result.Errors.AddRange(shell.Streams.Error);
        if (shell.Runspace.SessionStateProxy.GetVariable("__psbuTerminating") is ErrorRecord caught)
        {
            result.Terminating = caught;
            shell.Runspace.SessionStateProxy.SetVariable("global:__psbuTerminating", null);
        }

        return result;
    }

    public void Dispose() => _runspace.Dispose();
}
