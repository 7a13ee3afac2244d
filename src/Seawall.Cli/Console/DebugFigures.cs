using System.Diagnostics;

namespace Seawall.Cli.Console;

/// <summary>
/// With SEAWALL_DEBUG set, one stderr line of phase times and memory figures: what the benchmarks read to tell
/// where time and memory go without a profiler.
/// </summary>
internal static class DebugFigures
{
    public static bool Enabled => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SEAWALL_DEBUG"));

    public static void Print(TimeSpan scan, TimeSpan report)
    {
        if (!Enabled)
        {
            return;
        }
        var gc = GC.GetGCMemoryInfo();
        using var self = Process.GetCurrentProcess();
        System.Console.Error.WriteLine(
            $"debug: scan {scan.TotalSeconds:F3}s, report {report.TotalSeconds:F3}s, " +
            $"managed heap now {GC.GetTotalMemory(false) >> 20} MB, last GC heap {gc.HeapSizeBytes >> 20} MB, committed {gc.TotalCommittedBytes >> 20} MB, " +
            $"allocated {GC.GetTotalAllocatedBytes() >> 20} MB, gen0/1/2 collections {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, " +
            $"peak working set {self.PeakWorkingSet64 >> 20} MB");
    }
}
