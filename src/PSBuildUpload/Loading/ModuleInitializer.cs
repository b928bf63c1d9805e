using System.Management.Automation;

namespace PSBuildUpload.Loading;

/// <summary>Runs when the module is imported, before any cmdlet touches the engine.</summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    public void OnImport() => DependencyLoader.Register();
}
