using System;
using System.Globalization;
using PSBuildUpload.Core;
using PSBuildUpload.Engine;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>Parameter checks shared by the build, log and artifact cmdlets, each failing with its own ErrorId before any request.</summary>
internal static class BitriseChecks
{
    /// <summary>An optional text parameter: null when not given; given but blank is a mistake (an unset variable, often).</summary>
    public static string? OptionalText(string? value, string parameter)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Trim().Length == 0)
        {
            throw ErrorRecords.InvalidArgument(
                ErrorIds.For(ServiceKind.Bitrise, ErrorReason.InvalidArgument),
                $"-{parameter} is empty. Give a value, or leave the parameter out.",
                value);
        }

        return value.Trim();
    }

    /// <summary>
    /// Refuses, before the disk is read, a file whose name says it is not the kind the cmdlet uploads (a certificate
    /// given as a provisioning profile, and the reverse). A folder or an empty path is left to the file checks.
    /// </summary>
    public static void FileType(string path, string what, params string[] extensions)
    {
        if (string.IsNullOrWhiteSpace(path) || System.IO.Directory.Exists(path))
        {
            return;
        }

        foreach (var extension in extensions)
        {
            if (path.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
        }

        throw ErrorRecords.InvalidArgument(
            ErrorIds.Bitrise.UnsupportedFileType,
            $"-Path '{path}' is not {what}: give a file ending in {string.Join(" or ", extensions)}.",
            path);
    }

    /// <summary>A number of seconds that must be positive and at most <paramref name="maximum"/>; ends the command otherwise.</summary>
    public static TimeSpan Seconds(double value, string parameter, string errorId, double maximum)
    {
        if (double.IsNaN(value) || value <= 0 || value > maximum)
        {
            throw new BuildServiceException(
                errorId,
                ErrorKind.InvalidArgument,
                string.Format(CultureInfo.InvariantCulture, "-{0} {1} is out of range: give a number of seconds above 0 and at most {2}.", parameter, value, maximum),
                value)
            {
                IsTerminating = true,
            };
        }

        return TimeSpan.FromSeconds(value);
    }
}
