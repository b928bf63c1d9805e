using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace PSBuildUpload.Loading;

/// <summary>
/// PowerShell 7: the engine is resolved, by its unique name only, into <see cref="EngineLoadContext"/>; everything
/// the engine asks for is then looked up there first.
/// </summary>
internal static class CoreClrLoader
{
    private static EngineLoadContext? _context;

    public static void Register(string folder)
    {
        _context = new EngineLoadContext(folder);
        AssemblyLoadContext.Default.Resolving += ResolveEngine;
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        string.Equals(name.Name, DependencyLoader.EngineAssemblyName, StringComparison.Ordinal) && _context is not null
            ? _context.LoadFromAssemblyName(name)
            : null;
}

/// <summary>
/// Loads the engine and, for each dependency, the copy in Dependencies/ unless the runtime already has the same
/// assembly at an equal or higher version: System.Text.Json 10 is taken from Dependencies on PowerShell 7.4
/// (which has 8.0), and from the runtime on 7.6 (which has 10); facades like System.Memory always come from the
/// runtime, so spans and tasks stay the runtime's own types.
/// </summary>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    private readonly string _folder;
    private readonly Lazy<Dictionary<string, string>> _platformAssemblies = new(ReadPlatformAssemblies);

    public EngineLoadContext(string folder)
    {
        _folder = folder;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var name = assemblyName.Name ?? string.Empty;
        var path = Path.Combine(_folder, name + ".dll");
        if (!File.Exists(path))
        {
            return null;
        }

        if (!string.Equals(name, DependencyLoader.EngineAssemblyName, StringComparison.Ordinal) && PlatformHasAtLeast(name, path))
        {
            return null;
        }

        return LoadFromAssemblyPath(path);
    }

    private bool PlatformHasAtLeast(string name, string ourPath)
    {
        if (!_platformAssemblies.Value.TryGetValue(name, out var platformPath))
        {
            return false;
        }

        try
        {
            var platform = AssemblyName.GetAssemblyName(platformPath).Version;
            var ours = AssemblyName.GetAssemblyName(ourPath).Version;
            return platform is not null && ours is not null && platform >= ours;
        }
        catch (Exception e) when (e is IOException || e is BadImageFormatException)
        {
            return false;
        }
    }

    private static Dictionary<string, string> ReadPlatformAssemblies()
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
        {
            foreach (var path in list.Split(Path.PathSeparator))
            {
                if (path.Length > 0)
                {
                    map[Path.GetFileNameWithoutExtension(path)] = path;
                }
            }
        }

        return map;
    }
}
