using System.Management.Automation;


namespace PSBuildUpload.Connection;

/// <summary>Forgets a service's connection in this runspace.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "BuildService")]
[OutputType(typeof(void))]
public sealed class DisconnectBuildServiceCommand : PSCmdlet
{
    /// <summary>The services whose connections to forget.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public BuildService[] Service { get; set; } = System.Array.Empty<BuildService>();

    protected override void ProcessRecord()
    {
        foreach (var service in Service)
        {
            WriteVerbose(ConnectionStore.Remove(service)
                ? $"{service}: disconnected."
                : $"{service}: was not connected.");
        }
    }
}
