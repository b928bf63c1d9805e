namespace PSBuildUpload.Engine;

/// <summary>The three services the engine talks to. (The cmdlets have their own BuildService enum: see docs/dependency-isolation.md.)</summary>
public enum ServiceKind
{
    ProductScience,
    Applivery,
    Bitrise,
}
