using System.Threading.Tasks;
using PSBuildUpload.Sandbox;
using Xunit;

namespace PSBuildUpload.Tests.Infrastructure;

/// <summary>One sandbox per test class.</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public SandboxServer Sandbox { get; private set; } = null!;

    public async Task InitializeAsync() => Sandbox = await SandboxServer.StartAsync();

    public async Task DisposeAsync() => await Sandbox.DisposeAsync();
}

/// <summary>Tests that change process-wide state (environment variables) run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessStateCollection
{
    public const string Name = "Process-wide state";
}
