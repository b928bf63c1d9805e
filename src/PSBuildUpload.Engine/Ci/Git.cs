using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace PSBuildUpload.Engine.Ci;

/// <summary>Asks the git on PATH about a commit; every failure (no git, no repository, unknown commit) is just "don't know".</summary>
public static class Git
{
    /// <summary><c>git show -s --format=%cI &lt;commit&gt;</c> in <paramref name="workingDirectory"/>, or null.</summary>
    public static DateTimeOffset? CommitTimestamp(string commit, string workingDirectory, TimeSpan? timeout = null)
    {
        if (string.IsNullOrWhiteSpace(commit) || commit.IndexOfAny(new[] { ' ', '-', '"', '\'', ';', '&', '|' }) >= 0)
        {
            return null;
        }

        var output = Run(workingDirectory, timeout ?? TimeSpan.FromSeconds(5), "show", "-s", "--format=%cI", commit);
        return output is not null && DateTimeOffset.TryParse(output.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;
    }

    private static string? Run(string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var info = new ProcessStartInfo("git", string.Join(" ", arguments))
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        try
        {
            using var process = Process.Start(info);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit((int)timeout.TotalMilliseconds))
            {
                try
                {
                    process.Kill();
                }
                catch (InvalidOperationException)
                {
                }

                return null;
            }

            return process.ExitCode == 0 ? output.Result : null;
        }
        catch (Win32Exception)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        catch (System.IO.IOException)
        {
            return null;
        }
    }
}
