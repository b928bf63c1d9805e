using System.Collections.Generic;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;


namespace PSBuildUpload.Connection;

/// <summary>
/// Connections belong to the runspace that made them (like a session variable, but invisible to scripts): a
/// static "current connection" would leak between runspaces of one process (SecretManagement issue 188).
/// </summary>
internal static class ConnectionStore
{
    private static readonly ConditionalWeakTable<Runspace, Dictionary<BuildService, BuildServiceConnection>> Table = new();
    private static readonly Dictionary<BuildService, BuildServiceConnection> NoRunspace = new();

    public static BuildServiceConnection? Get(BuildService service)
    {
        var map = Current();
        lock (map)
        {
            return map.TryGetValue(service, out var connection) ? connection : null;
        }
    }

    public static void Set(BuildServiceConnection connection)
    {
        var map = Current();
        lock (map)
        {
            map[connection.Service] = connection;
        }
    }

    public static bool Remove(BuildService service)
    {
        var map = Current();
        lock (map)
        {
            return map.Remove(service);
        }
    }

    private static Dictionary<BuildService, BuildServiceConnection> Current()
    {
        var runspace = Runspace.DefaultRunspace;
        return runspace is null ? NoRunspace : Table.GetValue(runspace, _ => new Dictionary<BuildService, BuildServiceConnection>());
    }
}
