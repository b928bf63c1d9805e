using PSBuildUpload.Engine;

namespace PSBuildUpload;

/// <summary>The services of the module, as cmdlets take and show them (-Service).</summary>
/// <remarks>
/// Deliberately a twin of the engine's <see cref="ServiceKind"/> rather than that type: PowerShell loads the value
/// types of public fields while it lists a module's cmdlets, before the module's initializer can tell the runtime
/// where the engine lives. A test keeps the two in step.
/// </remarks>
public enum BuildService
{
    ProductScience = ServiceKind.ProductScience,
    Applivery = ServiceKind.Applivery,
    Bitrise = ServiceKind.Bitrise,
}

internal static class BuildServiceExtensions
{
    public static ServiceKind ToKind(this BuildService service) => (ServiceKind)(int)service;
}
