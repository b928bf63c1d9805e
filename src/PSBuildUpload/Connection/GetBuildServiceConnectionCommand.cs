using System;
using System.Management.Automation;

using PSBuildUpload.Engine.Auth;
using PSBuildUpload.Engine.Connection;

namespace PSBuildUpload.Connection;

/// <summary>
/// Shows, per service, where calls go and where their token comes from: the connection, else the environment
/// variable (and for Product Science the files in the current directory). Never the token.
/// </summary>
[Cmdlet(VerbsCommon.Get, "BuildServiceConnection")]
[OutputType(typeof(BuildServiceConnection))]
public sealed class GetBuildServiceConnectionCommand : PSCmdlet
{
    /// <summary>The services to show; all three when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    public BuildService[]? Service { get; set; }

    /// <summary>Only services connected with Connect-BuildService.</summary>
    [Parameter]
    public SwitchParameter Connected { get; set; }

    protected override void ProcessRecord()
    {
        var services = Service ?? (BuildService[])Enum.GetValues(typeof(BuildService));
        foreach (var service in services)
        {
            var connection = ConnectionStore.Get(service);
            if (connection is null)
            {
                if (Connected)
                {
                    continue;
                }

                connection = new BuildServiceConnection(service, null, null, ServiceSettings.Default) { Connected = false };
                DescribeFallback(connection, SessionState.Path.CurrentFileSystemLocation.ProviderPath);
            }

            WriteObject(connection);
        }
    }

    /// <summary>Says where a connection without a token of its own will take one from.</summary>
    internal static void DescribeFallback(BuildServiceConnection connection, string currentDirectory)
    {
        try
        {
            var resolved = TokenResolver.Resolve(connection.Service.ToKind(), null, null, currentDirectory);
            connection.TokenSource = resolved.Origin;
            connection.TokenSourceDescription = resolved.Origin;
        }
        catch (Engine.Errors.BuildServiceException)
        {
            connection.TokenSource = "none";
        }
    }
}
