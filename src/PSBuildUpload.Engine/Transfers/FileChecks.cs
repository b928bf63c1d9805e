using System;
using System.IO;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Engine.Transfers;

/// <summary>Checks made on a file before any request, each with its own ErrorId.</summary>
public static class FileChecks
{
    /// <summary>An existing, readable, non-empty file; <paramref name="parameter"/> names the parameter to fix.</summary>
    public static FileInfo RequireFile(ServiceKind service, string? path, string parameter)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new BuildServiceException(
                ErrorIds.For(service, ErrorReason.InvalidArgument),
                ErrorKind.InvalidArgument,
                $"{parameter} is empty. Give the path of the file.",
                path);
        }

        if (Directory.Exists(path))
        {
            throw new BuildServiceException(
                ErrorIds.For(service, ErrorReason.PathIsDirectory),
                ErrorKind.InvalidArgument,
                $"{parameter} '{path}' is a folder. Give the path of the file inside it.",
                path);
        }

        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new BuildServiceException(
                ErrorIds.For(service, ErrorReason.FileNotFound),
                ErrorKind.ObjectNotFound,
                $"{parameter} '{path}' does not exist. Check the path (relative paths are from the current PowerShell location).",
                path);
        }

        if (file.Length == 0)
        {
            throw new BuildServiceException(
                ErrorIds.For(service, ErrorReason.FileEmpty),
                ErrorKind.InvalidData,
                $"{parameter} '{path}' is empty (0 bytes). Check that the build step that makes it succeeded.",
                path);
        }

        try
        {
            using var probe = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            throw new BuildServiceException(
                ErrorIds.For(service, ErrorReason.FileUnreadable),
                ErrorKind.ReadError,
                $"{parameter} '{path}' cannot be read: {e.Message} Check its permissions and that no other process locks it.",
                path,
                e);
        }

        return file;
    }
}
