using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Seawall.Core.Model;
using Seawall.Vulnerabilities.Import;
using Seawall.Vulnerabilities.Matching;
using Seawall.Vulnerabilities.Store;

// Imports every <Ecosystem>/all.zip under an osv-db folder into a new database and times it, then looks up
// 10,000 packages (every package the database names, padded with misses) as a scan would.
// Usage: dotnet run -c Release --project bench/advisory-db -- [osv-db folder] [runs]
var osvDb = args.Length > 0 ? args[0] : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/data/osv-db"));
var runs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
var zips = Directory.GetDirectories(osvDb).Select(d => Path.Combine(d, "all.zip")).Where(File.Exists).Order(StringComparer.Ordinal).ToList();
if (zips.Count == 0)
{
    Console.Error.WriteLine($"no <Ecosystem>/all.zip under {osvDb}");
    return 2;
}
var work = Directory.CreateTempSubdirectory("seawall-bench-advdb-").FullName;
try
{
    var dbPath = Path.Combine(work, "db", AdvisoryStore.FileName);
    var importTimes = new List<double>();
    ImportResult? result = null;
    for (var run = 0; run < runs; run++)
    {
        if (File.Exists(dbPath))
        {
            File.Delete(dbPath);
        }
        var warnings = 0;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        result = await AdvisoryImporter.ImportAsync(zips, new ImportOptions { DatabasePath = dbPath, Warning = _ => warnings++ }, CancellationToken.None);
        importTimes.Add(clock.Elapsed.TotalSeconds);
        Console.WriteLine($"import run {run + 1}: {clock.Elapsed.TotalSeconds:F2} s wall, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F2} s CPU, {warnings} warnings");
    }
    foreach (var source in result!.Sources)
    {
        Console.WriteLine($"  {source.Name}: {source.Advisories} advisories, {source.Affected} affected entries");
    }
    importTimes.Sort();
    Console.WriteLine($"import median: {importTimes[importTimes.Count / 2]:F2} s for {zips.Count} zips ({string.Join(", ", zips.Select(z => Path.GetFileName(Path.GetDirectoryName(z))))})");
    Console.WriteLine($"database size: {new FileInfo(dbPath).Length / 1048576.0:F1} MB");

    var names = new List<(string, string)>();
    foreach (var zip in zips)
    {
        var ecosystem = Path.GetFileName(Path.GetDirectoryName(zip))!;
        using var archive = ZipFile.OpenRead(zip);
        foreach (var entry in archive.Entries)
        {
            using var doc = JsonDocument.Parse(entry.Open());
            foreach (var affected in doc.RootElement.GetProperty("affected").EnumerateArray())
            {
                names.Add((ecosystem, affected.GetProperty("package").GetProperty("name").GetString()!));
            }
        }
    }
    var wanted = names.Distinct().Take(10_000).ToList();
    var misses = 10_000 - wanted.Count;
    wanted.AddRange(Enumerable.Range(0, misses).Select(i => ("npm", $"no-such-package-{i}")));
    using var store = AdvisoryStore.Open(dbPath);
    store.LookupMany(wanted);
    var lookupTimes = new List<double>();
    var lookupCpu = new List<double>();
    var entries = 0;
    for (var run = 0; run < Math.Max(runs, 10); run++)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var found = store.LookupMany(wanted);
        // A matcher reads every entry's ranges; the explicit versions lists only where ranges do not decide (not counted).
        var events = found.Values.Sum(list => list.Sum(e => e.Ranges.Sum(r => r.Events.Count)));
        lookupTimes.Add(clock.Elapsed.TotalMilliseconds);
        lookupCpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
        entries = found.Values.Sum(v => v.Count);
    }
    var allocated = GC.GetAllocatedBytesForCurrentThread();
    var gcs = GC.CollectionCount(0);
    _ = store.LookupMany(wanted).Values.Sum(list => list.Sum(e => e.Ranges.Count));
    Console.WriteLine($"one lookup of 10,000 allocates {(GC.GetAllocatedBytesForCurrentThread() - allocated) / 1048576.0:F1} MB ({GC.CollectionCount(0) - gcs} gen0 collections)");
    lookupTimes.Sort();
    lookupCpu.Sort();
    // For a profiler (perf record with DOTNET_PerfMapEnabled=1): the lookups again and again.
    if (Environment.GetEnvironmentVariable("PROFILE_LOOP") is { Length: > 0 } loops)
    {
        for (var i = 0; i < int.Parse(loops, System.Globalization.CultureInfo.InvariantCulture); i++)
        {
            store.LookupMany(wanted);
        }
    }
    var versionsClock = Stopwatch.StartNew();
    var listed = store.LookupMany(wanted).Values.Sum(list => list.Sum(e => e.Versions.Count + e.Ranges.Count));
    Console.WriteLine($"the same with every explicit versions list parsed too ({listed} versions): {versionsClock.Elapsed.TotalMilliseconds:F0} ms wall");
    Console.WriteLine($"lookup of 10,000 packages ({10_000 - misses} in the database, {misses} misses): wall median {lookupTimes[lookupTimes.Count / 2]:F0} ms (best {lookupTimes[0]:F0} ms), CPU median {lookupCpu[lookupCpu.Count / 2]:F0} ms (best {lookupCpu[0]:F0} ms), {entries} affected entries returned");

    // Matching, as a scan does it: 10,000 packages (the same names, each at a low version most advisories cover, the
    // worst case: every entry's ranges are evaluated and thousands of findings built with their advisories read).
    var packages = wanted.Select(w => new Package
    {
        Name = w.Item2,
        Version = w.Item1 switch { "Go" => "v0.0.1", "PyPI" => "0.0.1", _ => "0.0.1" },
        Ecosystem = w.Item1,
    }).ToList();
    var report = new ScanReport
    {
        Artifact = new ArtifactInfo("bench", ArtifactType.Filesystem),
        Results = [new ScanResult { Target = "bench", Class = ResultClass.LangPackages, Type = "bench", Packages = packages }],
    };
    // The usual case: current releases, which the ranges clear (every entry still evaluated); what remains are the
    // advisories no release fixes yet.
    var current = report with
    {
        Results = [report.Results[0] with { Packages = [.. packages.Select(p => p with { Version = p.Ecosystem == "Go" ? "v999.0.0" : "999.0.0" })] }],
    };
    // The first match in a process also pays for the GC heap growing and, under the JIT, for compiling the matcher
    // (the CLI is compiled ahead of time); it is shown on its own, the medians are of the runs after it.
    var firstClock = Stopwatch.StartNew();
    var findings = new VulnerabilityMatcher(store).Match(report).Results.Sum(r => r.Vulnerabilities.Count);
    var first = firstClock.Elapsed.TotalMilliseconds;
    var currentFindings = new VulnerabilityMatcher(store).Match(current).Results.Sum(r => r.Vulnerabilities.Count);
    var worst = new MatchTimes();
    var usual = new MatchTimes();
    for (var run = 0; run < Math.Max(3 * runs, 9); run++)
    {
        // Alternated, so both cases see the same machine load.
        worst.Time(() => new VulnerabilityMatcher(store).Match(report));
        usual.Time(() => new VulnerabilityMatcher(store).Match(current));
    }
    // For a profiler (perf record; DOTNET_PerfMapEnabled=1 under the JIT): the worst case again and again.
    if (Environment.GetEnvironmentVariable("PROFILE_MATCH") is { Length: > 0 } matchLoops)
    {
        for (var i = 0; i < int.Parse(matchLoops, System.Globalization.CultureInfo.InvariantCulture); i++)
        {
            new VulnerabilityMatcher(store).Match(report);
        }
    }
    var reused = new VulnerabilityMatcher(store);
    reused.Match(report);
    var reusedClock = Stopwatch.StartNew();
    reused.Match(report);
    Console.WriteLine($"the same match with every advisory already read: {reusedClock.Elapsed.TotalMilliseconds:F0} ms wall");
    Console.WriteLine($"match of 10,000 packages at current versions (usual case): {usual.Summary()}, {currentFindings} findings (advisories without a fix)");
    Console.WriteLine($"match of 10,000 packages at 0.0.1 (worst case: lookup + ranges + advisories + alias merge): {worst.Summary()}, {findings} findings; first match in the process {first:F0} ms (target <= 300 ms)");
    Console.WriteLine($"load average (1 min): {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?")}");
    if (Environment.GetEnvironmentVariable("KEEP_DB") is { Length: > 0 } keep)
    {
        File.Copy(dbPath, keep, overwrite: true);
    }
    return 0;
}
finally
{
    Directory.Delete(work, recursive: true);
}

/// <summary>Wall and CPU medians of repeated matches, with what one match allocates.</summary>
internal sealed class MatchTimes
{
    private readonly List<double> _wall = [];
    private readonly List<double> _cpu = [];
    private double _allocated;
    private int _collections;

    public void Time(Action match)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var collections = GC.CollectionCount(0);
        var clock = Stopwatch.StartNew();
        match();
        _wall.Add(clock.Elapsed.TotalMilliseconds);
        _cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
        _allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0;
        _collections = GC.CollectionCount(0) - collections;
    }

    public string Summary()
    {
        _wall.Sort();
        _cpu.Sort();
        return $"wall median {_wall[_wall.Count / 2]:F0} ms (best {_wall[0]:F0} ms) of {_wall.Count}, CPU median {_cpu[_cpu.Count / 2]:F0} ms, {_allocated:F0} MB allocated, {_collections} gen0 collections";
    }
}
