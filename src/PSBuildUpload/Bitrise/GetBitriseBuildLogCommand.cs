using System;
using System.IO;
using System.Management.Automation;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Completion;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// Emits a build's log, line by line: of a finished build the whole archived log; of a running build what there is
/// so far, or with -Follow every new line until the build finishes. ANSI colour codes are removed unless -Raw.
/// -OutFile writes the log to a file instead (through a temporary name, renamed when complete) and emits the file.
/// </summary>
[Cmdlet(VerbsCommon.Get, "BitriseBuildLog")]
[OutputType(typeof(string), typeof(FileInfo))]
public sealed class GetBitriseBuildLogCommand : BitriseCmdlet
{
    private TimeSpan _pollInterval;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BitriseAppSlugCompleter))]
    public string AppSlug { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string BuildSlug { get; set; } = string.Empty;

    /// <summary>For a running build: stream new lines as they come until the build finishes.</summary>
    [Parameter]
    public SwitchParameter Follow { get; set; }

    /// <summary>A file to write the log to (replaced if it exists); an existing folder gets &lt;BuildSlug&gt;.log.</summary>
    [Parameter]
    public string? OutFile { get; set; }

    /// <summary>Keeps the ANSI colour codes.</summary>
    [Parameter]
    public SwitchParameter Raw { get; set; }

    /// <summary>Seconds between two looks at a running build or a log not archived yet (default 5).</summary>
    [Parameter]
    public double PollInterval { get; set; } = 5;

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        _pollInterval = BitriseChecks.Seconds(PollInterval, nameof(PollInterval), ErrorIds.Bitrise.InvalidPollInterval, 3600);
        return Task.CompletedTask;
    }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var app = ValidateSlug(AppSlug, nameof(AppSlug));
            var build = ValidateSlug(BuildSlug, nameof(BuildSlug));
            var lines = new LogLines(Raw);
            if (OutFile is null)
            {
                await Client.ReadLogAsync(app, build, Follow, _pollInterval, text =>
                {
                    foreach (var line in lines.Add(text))
                    {
                        Emit(line);
                    }
                }, cancellationToken).ConfigureAwait(false);
                if (lines.Flush() is { } last)
                {
                    Emit(last);
                }

                return;
            }

            var path = Target(build);
            var temporary = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".partial");
            try
            {
                using (var writer = new StreamWriter(temporary, false, new UTF8Encoding(false)))
                {
                    writer.NewLine = "\n";
                    await Client.ReadLogAsync(app, build, Follow, _pollInterval, text =>
                    {
                        foreach (var line in lines.Add(text))
                        {
                            writer.WriteLine(line);
                        }
                    }, cancellationToken).ConfigureAwait(false);
                    if (lines.Flush() is { } last)
                    {
                        writer.WriteLine(last);
                    }
                }

                if (File.Exists(path))
                {
                    File.Delete(path);
                }

                File.Move(temporary, path);
                EmitVerbose($"Wrote the log of build '{build}' to {path}.");
                Emit(new FileInfo(path));
            }
            finally
            {
                if (File.Exists(temporary))
                {
                    File.Delete(temporary);
                }
            }
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }

    private string Target(string buildSlug)
    {
        var path = ResolvePath(OutFile!);
        if (string.IsNullOrWhiteSpace(path))
        {
            throw Core.ErrorRecords.InvalidArgument(ErrorIds.Bitrise.InvalidDestination, "-OutFile is empty. Give the path of the file to write the log to, or leave -OutFile out.", OutFile);
        }

        if (Directory.Exists(path))
        {
            return Path.Combine(path, buildSlug + ".log");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is null || !Directory.Exists(folder))
        {
            throw Core.ErrorRecords.InvalidArgument(ErrorIds.Bitrise.InvalidDestination, $"-OutFile '{path}': the folder '{folder}' does not exist. Create it first, or give another path.", OutFile);
        }

        return Path.GetFullPath(path);
    }
}
