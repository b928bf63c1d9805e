using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text;

namespace PSBuildUpload.Tests.Infrastructure;

/// <summary>Everything a script produced, stream by stream.</summary>
public sealed class PsResult
{
    public List<PSObject> Output { get; } = new();

    public List<ErrorRecord> Errors { get; } = new();

    public List<string> Verbose { get; } = new();

    public List<string> Warning { get; } = new();

    public List<string> Debug { get; } = new();

    public List<string> Information { get; } = new();

    public List<ProgressRecord> Progress { get; } = new();

    /// <summary>The terminating error, if the script ended with one.</summary>
    public ErrorRecord? Terminating { get; set; }

    public IEnumerable<ErrorRecord> AllErrors => Terminating is null ? Errors : Errors.Append(Terminating);

    public IEnumerable<string> ErrorIds => AllErrors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]);

    /// <summary>All the text of every stream and every exception, for leak checks.</summary>
    public string AllText()
    {
        var text = new StringBuilder();
        foreach (var item in Output)
        {
            text.AppendLine(item?.ToString());
            if (item is null)
            {
                continue;
            }

            foreach (var property in item.Properties)
            {
                try
                {
                    text.Append(property.Name).Append('=').AppendLine(property.Value?.ToString());
                }
                catch (GetValueException)
                {
                }
            }
        }

        foreach (var error in AllErrors)
        {
            text.AppendLine(error.ToString());
            text.AppendLine(error.ErrorDetails?.Message);
            text.AppendLine(error.ErrorDetails?.RecommendedAction);
            text.AppendLine(error.TargetObject?.ToString());
            for (var e = error.Exception; e is not null; e = e.InnerException)
            {
                text.AppendLine(e.ToString());
            }
        }

        foreach (var line in Verbose.Concat(Warning).Concat(Debug).Concat(Information))
        {
            text.AppendLine(line);
        }

        foreach (var progress in Progress)
        {
            text.AppendLine(progress.Activity + " " + progress.StatusDescription + " " + progress.CurrentOperation);
        }

        return text.ToString();
    }
}
