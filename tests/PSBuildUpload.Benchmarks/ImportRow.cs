using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace PSBuildUpload.Benchmarks;

/// <summary>Row 6: Import-Module in a new process (cold), against an empty binary module as the floor.</summary>
internal static class ImportRow
{
    /// <summary>The child-process side: opens a runspace, times one Import-Module, prints the milliseconds.</summary>
    public static int Probe(string manifestOrDll)
    {
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        using var warm = PowerShell.Create();
        warm.Runspace = runspace;
        warm.AddScript("$null = Get-Command Import-Module").Invoke();
        using var shell = PowerShell.Create();
        shell.Runspace = runspace;
        shell.AddCommand("Import-Module").AddParameter("Name", manifestOrDll);
        var watch = Stopwatch.StartNew();
        shell.Invoke();
        watch.Stop();
        if (shell.HadErrors)
        {
            Console.Error.WriteLine(shell.Streams.Error[0]);
            return 1;
        }

        Console.WriteLine(watch.Elapsed.TotalMilliseconds.ToString("0.000", CultureInfo.InvariantCulture));
        return 0;
    }

    public static Row Run(int repeats)
    {
        var module = new List<double>();
        var floor = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            floor.Add(Child(Paths.EmptyModuleDll));
            module.Add(Child(Paths.Manifest));
        }

        var median = Measure.Median(module);
        var floorMedian = Measure.Median(floor);
        return new Row("6", $"Import-Module in a new process, median of {repeats}", Report.Ms(median), Report.Ms(floorMedian) + " (empty binary module)", $"+{median - floorMedian:0.0} ms over the floor", "< 300 ms, within 150 ms of the floor", median < 300 && median - floorMedian < 150);
    }

    private static double Child(string path)
    {
        // Through the dotnet host, so it works whether or not the build made an apphost.
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(typeof(ImportRow).Assembly.Location);
        info.ArgumentList.Add("--import-probe");
        info.ArgumentList.Add(path);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("Import probe failed: " + error);
        }

        return double.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }
}
