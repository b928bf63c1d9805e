namespace PSBuildUpload.Engine.Auth;

/// <summary>Where the token of a call came from, in the order they are tried.</summary>
public enum TokenSource
{
    Parameter,
    Connection,
    Environment,
    File,
}
