namespace PSBuildUpload.Engine.Errors;

/// <summary>
/// The engine's own copy of the PowerShell error categories it uses; the cmdlet layer maps these by name,
/// so the engine never references System.Management.Automation.
/// </summary>
public enum ErrorKind
{
    NotSpecified,
    InvalidArgument,
    InvalidData,
    InvalidOperation,
    ObjectNotFound,
    AuthenticationError,
    PermissionDenied,
    ResourceUnavailable,
    ResourceExists,
    ConnectionError,
    OperationTimeout,
    OperationStopped,
    ProtocolError,
    ReadError,
    WriteError,
    LimitsExceeded,
    SecurityError,
}
