using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Tasks;

namespace PSBuildUpload.Benchmarks;

/// <summary>Rows 2-5: Applivery multipart upload, Bitrise artifact download, paging, per-call overhead.</summary>
internal sealed class ServiceRows(SandboxProcess sandbox, PsHost ps, HttpClient http, string file, long length, int repeats, bool quick)
{
    public Row AppliveryUpload()
    {
        ps.Run("Connect-BuildService -Service Applivery -Token $AppToken -BaseUri $Base");
        var curlTimes = new List<double>();
        var moduleTimes = new List<double>();
        var growths = new List<long>();
        var url = new Uri(sandbox.BaseUri, "/v1/integrations/builds").AbsoluteUri;
        for (var i = 0; i < repeats; i++)
        {
            curlTimes.Add(Curl.Time("-o", "/dev/null", "-H", "Authorization: Bearer " + sandbox.AppliveryAppToken, "-F", "build=@" + file, url).TotalSeconds);
            var (elapsed, growth) = Measure.WithMemory(() => ps.Run($"$null = Publish-AppliveryBuild -Path '{file}' -NoCiMetadata"));
            moduleTimes.Add(elapsed.TotalSeconds);
            growths.Add(growth);
        }

        var ratio = Measure.Median(curlTimes) / Measure.Median(moduleTimes);
        var peak = growths.Max();
        return new Row("2", $"Publish-AppliveryBuild {Report.MiB(length)} (multipart) vs curl -F", Report.MiBs(length / Measure.Median(moduleTimes)), Report.MiBs(length / Measure.Median(curlTimes)), $"ratio {ratio:0.00}, peak memory growth {Report.MiB(peak)}", ">= 0.95, < 64 MiB", ratio >= 0.95 && peak < 64L * 1024 * 1024);
    }

    public async Task<Row> ArtifactDownloadAsync(string folder)
    {
        ps.Run("Connect-BuildService -Service Bitrise -Token $BitriseToken -BaseUri $Base");
        using var seed = await http.PostAsync(new Uri(sandbox.BaseUri, $"/_sandbox/bitrise/seed-artifact?length={length}"), null);
        seed.EnsureSuccessStatusCode();
        using var seeded = JsonDocument.Parse(await seed.Content.ReadAsStringAsync());
        var app = seeded.RootElement.GetProperty("appSlug").GetString()!;
        var build = seeded.RootElement.GetProperty("buildSlug").GetString()!;
        var artifact = seeded.RootElement.GetProperty("artifactSlug").GetString()!;
        var curlTimes = new List<double>();
        var moduleTimes = new List<double>();
        var growths = new List<long>();
        for (var i = 0; i < repeats; i++)
        {
            var link = await GetJsonAsync($"/v0.1/apps/{app}/builds/{build}/artifacts/{artifact}");
            var download = link.RootElement.GetProperty("data").GetProperty("expiring_download_url").GetString()!;
            var curlTarget = Path.Combine(folder, "curl.apk");
            curlTimes.Add(Curl.Time("-o", curlTarget, download).TotalSeconds);
            File.Delete(curlTarget);
            var target = Path.Combine(folder, "module");
            var (elapsed, growth) = Measure.WithMemory(() => ps.Run($"$null = Save-BitriseArtifact -AppSlug {app} -BuildSlug {build} -ArtifactSlug {artifact} -Destination '{target}' -Force"));
            moduleTimes.Add(elapsed.TotalSeconds);
            growths.Add(growth);
            Directory.Delete(target, recursive: true);
        }

        var ratio = Measure.Median(curlTimes) / Measure.Median(moduleTimes);
        var peak = growths.Max();
        return new Row("3", $"Save-BitriseArtifact {Report.MiB(length)} vs curl -o", Report.MiBs(length / Measure.Median(moduleTimes)), Report.MiBs(length / Measure.Median(curlTimes)), $"ratio {ratio:0.00}, peak memory growth {Report.MiB(peak)}", ">= 0.95, < 64 MiB", ratio >= 0.95 && peak < 64L * 1024 * 1024);
    }

    public async Task<Row> PagingAsync()
    {
        var count = quick ? 500 : 10_000;
        using var seed = await http.PostAsync(new Uri(sandbox.BaseUri, $"/_sandbox/bitrise/seed-builds?count={count}"), null);
        seed.EnsureSuccessStatusCode();
        using var seeded = JsonDocument.Parse(await seed.Content.ReadAsStringAsync());
        var app = seeded.RootElement.GetProperty("appSlug").GetString()!;

        ps.Run($"$null = Get-BitriseBuild -AppSlug {app} -First 60");
        await PlainListAsync($"/v0.1/apps/{app}/builds");
        var moduleTotals = new List<double>();
        var firsts = new List<double>();
        var beforeSecondPage = true;
        var plainTotals = new List<double>();
        var emitted = 0;
        for (var i = 0; i < repeats; i++)
        {
            var started = DateTimeOffset.UtcNow;
            var watch = Stopwatch.StartNew();
            double first = -1;
            DateTimeOffset firstAt = default;
            emitted = 0;
            using (var output = new PSDataCollection<PSObject>())
            {
                output.DataAdded += (_, _) =>
                {
                    if (emitted++ == 0)
                    {
                        first = watch.Elapsed.TotalMilliseconds;
                        firstAt = DateTimeOffset.UtcNow;
                    }
                };
                ps.Invoke($"Get-BitriseBuild -AppSlug {app}", output);
            }

            moduleTotals.Add(watch.Elapsed.TotalMilliseconds);
            firsts.Add(first);
            var second = (await Requests()).Where(r => r.Path == $"/v0.1/apps/{app}/builds" && r.At >= started).OrderBy(r => r.At).Skip(1).FirstOrDefault();
            beforeSecondPage &= second.Path is null || firstAt <= second.At;

            watch.Restart();
            var plain = await PlainListAsync($"/v0.1/apps/{app}/builds");
            plainTotals.Add(watch.Elapsed.TotalMilliseconds);
            if (plain != count || emitted != count)
            {
                throw new InvalidOperationException($"Expected {count} builds, the module emitted {emitted} and the plain loop read {plain}.");
            }
        }

        var ratio = Measure.Median(moduleTotals) / Measure.Median(plainTotals);
        return new Row("4", $"Get-BitriseBuild over {count} builds ({count / 50} pages of 50)", $"{Report.Ms(Measure.Median(moduleTotals))} total, first object after {Report.Ms(Measure.Median(firsts))}", Report.Ms(Measure.Median(plainTotals)) + " (HttpClient + System.Text.Json loop)", $"total {ratio:0.00}x, first object before page 2 was requested: {(beforeSecondPage ? "yes" : "no")}", "first object before page 2, total <= 1.2x", beforeSecondPage && ratio <= 1.2);
    }

    public async Task<Row> PerCallAsync()
    {
        var calls = quick ? 100 : 1000;
        ps.Run("Connect-BuildService -Service Bitrise -Token $BitriseToken -BaseUri $Base");
        ps.Run("foreach ($i in 1..20) { $null = Get-BitriseUser }");
        for (var i = 0; i < 20; i++)
        {
            await GetJsonAsync("/v0.1/me");
        }

        var module = new List<double>();
        var plain = new List<double>();
        for (var r = 0; r < Math.Max(repeats, 3); r++)
        {
            var watch = Stopwatch.StartNew();
            ps.Run($"foreach ($i in 1..{calls}) {{ $null = Get-BitriseUser }}");
            module.Add(watch.Elapsed.TotalMilliseconds / calls);
            watch.Restart();
            for (var i = 0; i < calls; i++)
            {
                using var document = await GetJsonAsync("/v0.1/me");
            }

            plain.Add(watch.Elapsed.TotalMilliseconds / calls);
        }

        var ratio = Measure.Median(module) / Measure.Median(plain);
        return new Row("5", $"{calls} calls of Get-BitriseUser in one runspace", Report.Us(Measure.Median(module)) + " per call", Report.Us(Measure.Median(plain)) + " per call (HttpClient)", $"{ratio:0.00}x", "<= 1.5x", ratio <= 1.5);
    }

    private async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(sandbox.BaseUri, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("token", sandbox.BitriseToken);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
    }

    private async Task<int> PlainListAsync(string path)
    {
        var count = 0;
        string? next = null;
        do
        {
            using var page = await GetJsonAsync(path + "?limit=50" + (next is null ? string.Empty : "&next=" + next));
            foreach (var build in page.RootElement.GetProperty("data").EnumerateArray())
            {
                _ = build.GetProperty("slug").GetString();
                count++;
            }

            next = page.RootElement.GetProperty("paging").TryGetProperty("next", out var n) ? n.GetString() : null;
        }
        while (next is not null);
        return count;
    }

    private async Task<IReadOnlyList<(string Path, DateTimeOffset At)>> Requests()
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri(sandbox.BaseUri, "/_sandbox/requests")));
        return document.RootElement.EnumerateArray()
            .Select(r => (r.GetProperty("path").GetString()!, r.GetProperty("receivedAt").GetDateTimeOffset()))
            .ToArray();
    }
}
