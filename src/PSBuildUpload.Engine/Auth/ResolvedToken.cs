namespace PSBuildUpload.Engine.Auth;

/// <summary>A normalised token and where it came from. <see cref="ToString"/> never shows the value.</summary>
public sealed class ResolvedToken
{
    public ResolvedToken(string value, TokenSource source, string origin)
    {
        Value = value;
        Source = source;
        Origin = origin;
    }

    public string Value { get; }

    public TokenSource Source { get; }

    /// <summary>A human description of the source: "-Token", "$env:BITRISE_TOKEN", a file path.</summary>
    public string Origin { get; }

    public override string ToString() => "token from " + Origin;
}
