using System.Diagnostics;
using System.Globalization;
using Seawall.Vulnerabilities.Versions;

// Throughput of every version scheme on 2,000 realistic versions each: parses per second, compares per second of
// versions parsed once (what the matcher does: one installed version against many range bounds), and compares per
// second straight from strings (parse both sides every time). Usage: dotnet run -c Release --project bench/versions [SECONDS]
var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 0.5;
const int Count = 2000;

Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {seconds:0.0} s per measurement, {Count} versions per scheme");
Console.WriteLine($"{"scheme",-10} {"parses/s",14} {"parsed cmp/s",14} {"string cmp/s",14}");
long sink = 0;
foreach (var (scheme, make) in Corpora())
{
    var comparer = VersionSchemes.ForScheme(scheme)!;
    var random = new Random(42);
    var texts = Enumerable.Range(0, Count).Select(i => make(random, i)).ToArray();
    var parsed = texts.Select(t => comparer.TryParse(t, out var v) ? v : throw new InvalidOperationException($"{scheme}: '{t}' does not parse")).ToArray();

    var parses = Measure(seconds, batch =>
    {
        for (var i = 0; i < batch; i++)
        {
            sink += comparer.TryParse(texts[i % Count], out _) ? 1 : 0;
        }
    });
    var parsedCompares = Measure(seconds, batch =>
    {
        for (var i = 0; i < batch; i++)
        {
            sink += parsed[i % Count].CompareTo(parsed[(i * 7 + 13) % Count]);
        }
    });
    var stringCompares = Measure(seconds, batch =>
    {
        for (var i = 0; i < batch; i++)
        {
            sink += comparer.Compare(texts[i % Count], texts[(i * 7 + 13) % Count]);
        }
    });
    Console.WriteLine($"{scheme,-10} {parses,14:N0} {parsedCompares,14:N0} {stringCompares,14:N0}");
}
Console.WriteLine($"(checksum {sink})");

// Operations per second: runs growing batches until the time is spent (after one warm-up batch).
static double Measure(double seconds, Action<int> run)
{
    run(1000);
    var batch = 1000;
    long done = 0;
    var watch = Stopwatch.StartNew();
    while (watch.Elapsed.TotalSeconds < seconds)
    {
        run(batch);
        done += batch;
        batch = Math.Min(batch * 2, 1 << 22);
    }
    return done / watch.Elapsed.TotalSeconds;
}

// Version shapes as they appear in real package databases and advisories.
static IEnumerable<(string Scheme, Func<Random, int, string> Make)> Corpora()
{
    string[] pre = ["alpha", "beta", "rc", "pre"];
    yield return ("dpkg", (r, i) => r.Next(4) switch
    {
        0 => $"{r.Next(1, 3)}:{r.Next(10)}.{r.Next(40)}.{r.Next(20)}-{r.Next(1, 9)}+deb12u{r.Next(1, 9)}",
        1 => $"{r.Next(10)}.{r.Next(40)}.{r.Next(20)}+dfsg-{r.Next(1, 9)}ubuntu0.{r.Next(1, 5)}",
        2 => $"{r.Next(10)}.{r.Next(40)}~rc{r.Next(1, 4)}-{r.Next(1, 4)}",
        _ => $"{r.Next(2000, 2025)}{r.Next(10, 13)}{r.Next(10, 29)}-{r.Next(1, 5)}",
    });
    yield return ("apk", (r, i) => r.Next(3) switch
    {
        0 => $"{r.Next(10)}.{r.Next(40)}.{r.Next(20)}-r{r.Next(12)}",
        1 => $"{r.Next(10)}.{r.Next(40)}.{r.Next(20)}_{pre[r.Next(4)]}{r.Next(5)}-r{r.Next(3)}",
        _ => $"{r.Next(10)}.{r.Next(40)}_p{r.Next(2020, 2025)}{r.Next(10, 13)}{r.Next(10, 29)}-r{r.Next(3)}",
    });
    yield return ("rpm", (r, i) => r.Next(3) switch
    {
        0 => $"{r.Next(10)}.{r.Next(40)}.{r.Next(20)}-{r.Next(1, 30)}.el9_{r.Next(5)}",
        1 => $"{r.Next(3)}:{r.Next(10)}.{r.Next(40)}.{r.Next(20)}-{r.Next(400, 500)}.{r.Next(30)}.1.el9_4",
        _ => $"{r.Next(10)}.{r.Next(40)}~rc{r.Next(3)}^{r.Next(2020, 2025)}git{r.Next(100)}-{r.Next(1, 5)}.fc40",
    });
    yield return ("semver", (r, i) => r.Next(3) switch
    {
        0 => $"{r.Next(10)}.{r.Next(40)}.{r.Next(20)}",
        1 => $"v{r.Next(3)}.{r.Next(40)}.{r.Next(20)}-{pre[r.Next(4)]}.{r.Next(10)}",
        _ => $"v0.0.0-{r.Next(2019, 2025)}0{r.Next(1, 9)}{r.Next(10, 28)}120000-{r.Next():x8}abcd",
    });
    yield return ("pub", (r, i) => $"{r.Next(10)}.{r.Next(40)}.{r.Next(20)}" + (r.Next(3) == 0 ? $"+{r.Next(9)}" : ""));
    yield return ("pep440", (r, i) => r.Next(4) switch
    {
        0 => $"{r.Next(10)}.{r.Next(40)}.{r.Next(20)}",
        1 => $"{r.Next(10)}.{r.Next(40)}{"abc"[r.Next(3)]}{r.Next(5)}",
        2 => $"{r.Next(10)}.{r.Next(40)}.post{r.Next(3)}.dev{r.Next(3)}",
        _ => $"{r.Next(2)}!{r.Next(10)}.{r.Next(40)}+ubuntu.{r.Next(5)}",
    });
    yield return ("maven", (r, i) => r.Next(3) switch
    {
        0 => $"{r.Next(10)}.{r.Next(40)}.{r.Next(20)}",
        1 => $"{r.Next(10)}.{r.Next(40)}.{r.Next(20)}-{pre[r.Next(4)]}-{r.Next(5)}",
        _ => $"{r.Next(10)}.{r.Next(40)}.{r.Next(20)}.RELEASE",
    });
    yield return ("nuget", (r, i) => r.Next(3) switch
    {
        0 => $"{r.Next(10)}.{r.Next(40)}.{r.Next(20)}",
        1 => $"{r.Next(10)}.{r.Next(40)}.{r.Next(20)}-{pre[r.Next(4)]}.{r.Next(10)}",
        _ => $"{r.Next(10)}.{r.Next(40)}.{r.Next(20)}.{r.Next(5)}",
    });
    yield return ("rubygems", (r, i) => r.Next(2) == 0 ? $"{r.Next(10)}.{r.Next(40)}.{r.Next(20)}" : $"{r.Next(10)}.{r.Next(40)}.{r.Next(20)}.{pre[r.Next(4)]}{r.Next(5)}");
    yield return ("composer", (r, i) => r.Next(2) == 0 ? $"v{r.Next(10)}.{r.Next(40)}.{r.Next(20)}" : $"{r.Next(10)}.{r.Next(40)}.{r.Next(20)}-{pre[r.Next(4)]}{r.Next(5)}");
    yield return ("cran", (r, i) => $"{r.Next(10)}.{r.Next(40)}-{r.Next(20)}");
    yield return ("hackage", (r, i) => $"{r.Next(10)}.{r.Next(40)}.{r.Next(20)}.{r.Next(5)}");
}
