using System;
using System.IO;

namespace PSBuildUpload.Benchmarks;

internal static class Paths
{
    public static string Root { get; } = FindRoot();

    public static string Manifest => Path.Combine(Root, "out", "PSBuildUpload", "PSBuildUpload.psd1");

    public static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    public static string SandboxDll => Path.Combine(Root, "tests", "PSBuildUpload.Sandbox", "bin", Configuration, "net10.0", "PSBuildUpload.Sandbox.dll");

    public static string EmptyModuleDll => Path.Combine(Root, "tests", "PSBuildUpload.Benchmarks.EmptyModule", "bin", Configuration, "netstandard2.0", "PSBuildUpload.Benchmarks.EmptyModule.dll");

    private static string FindRoot()
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
}
