using System;
using System.IO;

namespace PSBuildUpload.Tests.Infrastructure;

/// <summary>Paths of the repository and of the module the build laid out.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string ModuleFolder => Path.Combine(Root, "out", "PSBuildUpload");

    public static string Manifest => Path.Combine(ModuleFolder, "PSBuildUpload.psd1");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PSBuildUpload.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PSBuildUpload.sln not found above " + AppContext.BaseDirectory);
    }
}
