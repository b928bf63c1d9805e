using System;
using System.IO;
using System.Reflection;

namespace PSBuildUpload.Loading;

/// <summary>
/// Windows PowerShell 5.1 has one load context, so isolation is by location: the engine and its dependencies are
/// loaded from Dependencies/ when the engine, or one of them, asks for them, and nobody else's requests are answered.
/// </summary>
internal static class DesktopLoader
{
    private static string _folder = string.Empty;

    public static void Register(string folder)
    {
        _folder = folder;
        AppDomain.CurrentDomain.AssemblyResolve += Resolve;
    }

    private static Assembly? Resolve(object? sender, ResolveEventArgs args)
    {
        var name = new AssemblyName(args.Name).Name ?? string.Empty;
        var path = Path.Combine(_folder, name + ".dll");
        if (!File.Exists(path))
        {
            return null;
        }

        var isEngine = string.Equals(name, DependencyLoader.EngineAssemblyName, StringComparison.Ordinal);
        var fromOurs = args.RequestingAssembly is null
            || string.Equals(Path.GetDirectoryName(args.RequestingAssembly.Location), _folder, StringComparison.OrdinalIgnoreCase);
        return isEngine || fromOurs ? Assembly.LoadFrom(path) : null;
    }
}
