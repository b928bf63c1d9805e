using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace PSBuildUpload.Loading;

/// <summary>
/// Makes the engine and its dependencies (RestSharp, System.Text.Json, YamlDotNet) load from the module's
/// Dependencies folder without clashing with other modules: an isolated AssemblyLoadContext on PowerShell 7, an
/// AssemblyResolve handler on Windows PowerShell 5.1. See docs/dependency-isolation.md.
/// </summary>
internal static class DependencyLoader
{
    public const string EngineAssemblyName = "PSBuildUpload.Engine";

    private static int _registered;

    public static string DependencyFolder { get; } =
        Path.Combine(Path.GetDirectoryName(typeof(DependencyLoader).Assembly.Location) ?? ".", "Dependencies");

    public static bool IsCoreClr { get; } =
        !RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1)
        {
            return;
        }

        // Each branch lives in its own class so the other runtime never JIT-compiles types it lacks.
        if (IsCoreClr)
        {
            CoreClrLoader.Register(DependencyFolder);
        }
        else
        {
            DesktopLoader.Register(DependencyFolder);
        }
    }
}
