using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;

namespace PSBuildUpload.Benchmarks;

/// <summary>Row 0 (the sandbox is not the bottleneck) and row 1 (Send-BuildFile vs curl -T).</summary>
internal sealed class UploadRows(SandboxProcess sandbox, PsHost ps, HttpClient http, string file, long length, int repeats)
{
    public async Task<IEnumerable<Row>> RunAsync()
    {
        // Warm-up outside the measurement: JIT, connections, page cache.
        var (warmUrl, warmHeaders) = await NewSpecAsync();
        var warm = new List<string> { "-o", "/dev/null", "-T", file };
        foreach (var (name, value) in warmHeaders)
        {
            warm.Add("-H");
            warm.Add($"{name}: {value}");
        }

        warm.Add(warmUrl);
        Curl.Time(warm.ToArray());
        ps.Run($"$null = Submit-Build -Project demo -Path '{file}' -BuildType APK -NoCiMetadata | Send-BuildFile");

        // Row 0: curl alone against the storage, and what the sandbox spends doing it.
        var cpuBefore = sandbox.CpuTime;
        var curlTimes = new List<double>();
        var moduleTimes = new List<double>();
        var growths = new List<long>();
        for (var i = 0; i < repeats; i++)
        {
            var (url, headers) = await NewSpecAsync();
            var arguments = new List<string> { "-o", "/dev/null", "-T", file };
            foreach (var (name, value) in headers)
            {
                arguments.Add("-H");
                arguments.Add($"{name}: {value}");
            }

            arguments.Add(url);
            curlTimes.Add(Curl.Time(arguments.ToArray()).TotalSeconds);
        }

        var curlCpu = (sandbox.CpuTime - cpuBefore).TotalSeconds;
        var curlWall = curlTimes.Sum();

        for (var i = 0; i < repeats; i++)
        {
            ps.Set("spec", ps.Run($"Submit-Build -Project demo -Path '{file}' -BuildType APK -NoCiMetadata").Single());
            var (elapsed, growth) = Measure.WithMemory(() => ps.Run("$spec | Send-BuildFile"));
            moduleTimes.Add(elapsed.TotalSeconds);
            growths.Add(growth);
        }

        var curlRate = length / Measure.Median(curlTimes);
        var moduleRate = length / Measure.Median(moduleTimes);
        var ratio = moduleRate / curlRate;
        var peak = growths.Max();
        return new[]
        {
            new Row("0", $"Sandbox capacity: curl -T {Report.MiB(length)} to the presigned storage", "-", Report.MiBs(curlRate), $"sandbox CPU {curlCpu / curlWall * 100:0}% of one core (of {Environment.ProcessorCount})", "sandbox not the bottleneck", curlCpu / curlWall < 0.9 * Environment.ProcessorCount),
            new Row("1", $"Send-BuildFile {Report.MiB(length)} vs curl -T", Report.MiBs(moduleRate), Report.MiBs(curlRate), $"ratio {ratio:0.00}, peak memory growth {Report.MiB(peak)}", ">= 0.95, < 64 MiB", ratio >= 0.95 && peak < 64L * 1024 * 1024),
        };
    }

    private async Task<(string Url, IReadOnlyList<(string, string)> Headers)> NewSpecAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(sandbox.BaseUri, "/api/v1/projects/demo/builds"))
        {
            Content = new StringContent($"{{\"buildType\":\"APK\",\"buildFileName\":\"{Path.GetFileName(file)}\"}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sandbox.ProductScienceToken);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var spec = document.RootElement.GetProperty("uploadSpec");
        var headers = spec.GetProperty("headers").EnumerateObject().Select(h => (h.Name, h.Value.GetString()!)).ToArray();
        return (spec.GetProperty("url").GetString()!, headers);
    }
}
