using System;
using System.Management.Automation;
using PSBuildUpload.Engine.Diagnostics;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Core;

/// <summary>Turns engine errors into ErrorRecords: ErrorId <c>Service.Reason</c>, category, target, message.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(BuildServiceException error)
    {
        var category = Enum.TryParse<ErrorCategory>(error.Kind.ToString(), out var parsed) ? parsed : ErrorCategory.NotSpecified;
        var record = new ErrorRecord(error, error.ErrorId, category, error.Target)
        {
            ErrorDetails = new ErrorDetails(Redactor.Scrub(error.Message)),
        };
        if (error.RecommendedAction is not null)
        {
            record.ErrorDetails.RecommendedAction = Redactor.Scrub(error.RecommendedAction);
        }

        return record;
    }

    /// <summary>An error about a parameter, raised by a cmdlet before any request.</summary>
    public static BuildServiceException InvalidArgument(string errorId, string message, object? target) =>
        new(errorId, ErrorKind.InvalidArgument, message, target);
}
