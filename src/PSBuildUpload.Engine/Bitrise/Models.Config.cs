namespace PSBuildUpload.Engine.Bitrise;

/// <summary>What Set-BitriseAppConfig uploaded: the app, where the YAML came from, and its size and hash.</summary>
public sealed class BitriseAppConfigUpload
{
    public string AppSlug { get; set; } = string.Empty;

    /// <summary>The file given with -Path; null for -Yaml.</summary>
    public string? Path { get; set; }

    /// <summary>UTF-8 bytes sent.</summary>
    public long Length { get; set; }

    public int Lines { get; set; }

    /// <summary>Lowercase hex SHA-256 of the UTF-8 YAML, to compare with a local file.</summary>
    public string Sha256 { get; set; } = string.Empty;

    public override string ToString() => $"{AppSlug}: {Lines} lines";
}

/// <summary>Where a YAML syntax fault is (1-based), carried by a Bitrise.InvalidYaml error.</summary>
public sealed class BitriseYamlFault
{
    public int Line { get; set; }

    public int Column { get; set; }

    public string Problem { get; set; } = string.Empty;

    public override string ToString() => $"line {Line}, column {Column}: {Problem}";
}
