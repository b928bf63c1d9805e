using System;
using System.IO;
using System.Security.Cryptography;

namespace PSBuildUpload.Tests.ProductScience;

internal static class TestFiles
{
    /// <summary>A file of <paramref name="length"/> random bytes in a new temporary folder; returns its path.</summary>
    public static string Create(string name, int length)
    {
        var folder = Directory.CreateTempSubdirectory("psbu-").FullName;
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(length));
        return path;
    }

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }

    public static string Quote(string path) => "'" + path.Replace("'", "''", StringComparison.Ordinal) + "'";
}
