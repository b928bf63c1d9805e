using System;
using System.Diagnostics;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;

namespace PSBuildUpload.Benchmarks;

/// <summary>The sandbox in a process of its own, so curl and the module hit the same server and its CPU can be read.</summary>
internal sealed class SandboxProcess : IDisposable
{
    private readonly Process _process;

    private SandboxProcess(Process process, Uri baseUri, JsonElement tokens)
    {
        _process = process;
        BaseUri = baseUri;
        ProductScienceToken = tokens.GetProperty("productScience").GetString()!;
        AppliveryAppToken = tokens.GetProperty("appliveryApp").GetString()!;
        BitriseToken = tokens.GetProperty("bitrise").GetString()!;
    }

    public Uri BaseUri { get; }

    public string ProductScienceToken { get; }

    public string AppliveryAppToken { get; }

    public string BitriseToken { get; }

    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static async Task<SandboxProcess> StartAsync()
    {
        var info = new ProcessStartInfo("dotnet", $"\"{Paths.SandboxDll}\"")
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the sandbox.");
        var line = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("The sandbox printed nothing.");
        using var document = JsonDocument.Parse(line);
        return new SandboxProcess(process, new Uri(document.RootElement.GetProperty("baseUri").GetString()!), document.RootElement.GetProperty("tokens").Clone());
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}
