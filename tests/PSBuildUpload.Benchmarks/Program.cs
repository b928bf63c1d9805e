using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using PSBuildUpload.Benchmarks;

// dotnet run -c Release --project tests/PSBuildUpload.Benchmarks                 full run: 1 GiB files, writes docs/benchmarks.md
// dotnet run -c Release --project tests/PSBuildUpload.Benchmarks -- --quick      small sizes, writes out/benchmarks-quick.md
// ... -- --rows 1,5 --output out/rows.md                                          only some rows (while profiling one)
if (args.Length == 2 && args[0] == "--import-probe")
{
    return ImportRow.Probe(args[1]);
}

var quick = args.Contains("--quick");
var output = args.SkipWhile(a => a != "--output").Skip(1).FirstOrDefault()
    ?? Path.Combine(Paths.Root, quick ? "out/benchmarks-quick.md" : "docs/benchmarks.md");
var only = args.SkipWhile(a => a != "--rows").Skip(1).FirstOrDefault()?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
bool Wanted(params string[] numbers) => only is null || numbers.Any(only.Contains);
if (only is not null && args.SkipWhile(a => a != "--output").Skip(1).FirstOrDefault() is null)
{
    Console.Error.WriteLine("--rows needs --output: a partial table must not replace docs/benchmarks.md.");
    return 2;
}

var length = quick ? 16L << 20 : 1L << 30;
var repeats = quick ? 1 : 3;

if (!File.Exists(Paths.Manifest) || !File.Exists(Paths.SandboxDll))
{
    Console.Error.WriteLine($"Build first: dotnet build PSBuildUpload.sln -c {Paths.Configuration}");
    return 2;
}

var rows = new List<Row>();
var notes = new List<string>();
var work = Directory.CreateTempSubdirectory("psbu-bench-").FullName;
try
{
    var file = Path.Combine(work, "build.apk");
    var downloads = Directory.CreateDirectory(Path.Combine(work, "downloads")).FullName;
    using (var stream = new FileStream(file, FileMode.CreateNew))
    {
        stream.SetLength(length);
    }

    using var sandbox = await SandboxProcess.StartAsync();
    using var http = new HttpClient();
    using var ps = new PsHost(sandbox);
    Console.WriteLine($"Sandbox at {sandbox.BaseUri}; files of {Report.MiB(length)}; {repeats} run(s) each.");
    var services = new ServiceRows(sandbox, ps, http, file, length, repeats, quick);
    if (!Curl.Available)
    {
        notes.Add("curl is not installed: rows 0-3 were not measured.");
    }
    else
    {
        if (Wanted("0", "1"))
        {
            rows.AddRange(await new UploadRows(sandbox, ps, http, file, length, repeats).RunAsync());
        }

        if (Wanted("2"))
        {
            rows.Add(services.AppliveryUpload());
        }

        if (Wanted("3"))
        {
            rows.Add(await services.ArtifactDownloadAsync(downloads));
        }
    }

    if (Wanted("4"))
    {
        rows.Add(await services.PagingAsync());
    }

    if (Wanted("5"))
    {
        rows.Add(await services.PerCallAsync());
    }

    if (Wanted("6"))
    {
        rows.Add(ImportRow.Run(quick ? 2 : 9));
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

notes.Add("Transfers use a sparse file: both sides read the same bytes from the page cache, so the figures compare the HTTP paths, not the disk.");
notes.Add("Memory growth is the peak working set of the benchmark process (PowerShell engine and module; the sandbox runs in its own process) over its value just before the call.");
var markdown = Report.Markdown(rows, notes, quick);
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
File.WriteAllText(output, markdown + (File.Exists(output) ? Report.HandWritten(File.ReadAllText(output)) : string.Empty));
Console.WriteLine(markdown);
Console.WriteLine($"Written to {output}");
return 0;
