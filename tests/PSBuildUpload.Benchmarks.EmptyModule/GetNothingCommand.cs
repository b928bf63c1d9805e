using System.Management.Automation;

namespace EmptyModule;

/// <summary>Does nothing; it exists so the module has a cmdlet to load.</summary>
[Cmdlet(VerbsCommon.Get, "Nothing")]
public sealed class GetNothingCommand : PSCmdlet
{
}
