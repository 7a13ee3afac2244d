using System.Globalization;
using System.Text;
using Seawall.IntegrationTests.Support;

namespace Seawall.IntegrationTests.Accuracy;

/// <summary>
/// Seawall's CycloneDX next to Trivy's for the same image archive: which packages each lists (by purl without
/// qualifiers), and, for the packages both list, how the qualifiers, licences and dependencies compare.
/// </summary>
public sealed record PeerComparison(string Suite, IReadOnlyList<SbomPackage> Seawall, IReadOnlyList<SbomPackage> Trivy)
{
    public const string TrivyProgram = "trivy-cdxgen";

    /// <summary>The qualifiers Seawall writes in Trivy's form on purpose, so vulnerability tooling keyed on them lines up.</summary>
    public static readonly string[] ComparedQualifiers = ["arch", "distro", "epoch"];

    public IReadOnlySet<string> SeawallKeys { get; } = Seawall.Select(p => p.Purl.Key).ToHashSet(StringComparer.Ordinal);

    public IReadOnlySet<string> TrivyKeys { get; } = Trivy.Select(p => p.Purl.Key).ToHashSet(StringComparer.Ordinal);

    public IReadOnlyList<string> OnlySeawall => [.. SeawallKeys.Except(TrivyKeys).Order(StringComparer.Ordinal)];

    public IReadOnlyList<string> OnlyTrivy => [.. TrivyKeys.Except(SeawallKeys).Order(StringComparer.Ordinal)];

    private IEnumerable<(SbomPackage S, SbomPackage T)> Common =>
        Seawall.Join(Trivy, s => s.Purl.Key, t => t.Purl.Key, (s, t) => (s, t), StringComparer.Ordinal).OrderBy(p => p.s.Purl.Key, StringComparer.Ordinal);

    /// <summary>Share of the union both tools list, in percent.</summary>
    public double Agreement => SeawallKeys.Count + TrivyKeys.Count == 0 ? 100 : 100.0 * SeawallKeys.Intersect(TrivyKeys).Count() / SeawallKeys.Union(TrivyKeys).Count();

    /// <summary>"name: qualifier seawall=x trivy=y" for every compared qualifier that differs.</summary>
    public IReadOnlyList<string> QualifierDifferences =>
    [
        .. Common.SelectMany(p => ComparedQualifiers
            .Where(q => p.S.Purl.Qualifiers.GetValueOrDefault(q) != p.T.Purl.Qualifiers.GetValueOrDefault(q))
            .Select(q => $"{p.S.Purl.Key}: {q} seawall={p.S.Purl.Qualifiers.GetValueOrDefault(q) ?? "-"} trivy={p.T.Purl.Qualifiers.GetValueOrDefault(q) ?? "-"}")),
    ];

    /// <summary>Qualifiers only one tool writes (not compared, listed in the summary).</summary>
    public IReadOnlyList<string> OtherQualifiers =>
    [
        .. Common.SelectMany(p => p.S.Purl.Qualifiers.Keys.Select(k => "seawall:" + k).Concat(p.T.Purl.Qualifiers.Keys.Select(k => "trivy:" + k)))
            .Where(k => !ComparedQualifiers.Contains(k[(k.IndexOf(':', StringComparison.Ordinal) + 1)..]))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal),
    ];

    /// <summary>Packages whose purl strings are byte-identical (same qualifiers, same percent-encoding).</summary>
    public int IdenticalPurls => Common.Count(p => p.S.RawPurl == p.T.RawPurl);

    public IReadOnlyList<string> PurlSpellingDifferences => [.. Common.Where(p => p.S.RawPurl != p.T.RawPurl).Select(p => $"seawall {p.S.RawPurl}  trivy {p.T.RawPurl}")];

    /// <summary>Packages for which both tools name the same licences, compared as written.</summary>
    public int SameLicences => Common.Count(p => p.S.Licenses.Order(StringComparer.Ordinal).SequenceEqual(p.T.Licenses.Order(StringComparer.Ordinal), StringComparer.Ordinal));

    public IReadOnlyList<string> LicenceDifferences =>
    [
        .. Common.Where(p => !p.S.Licenses.Order(StringComparer.Ordinal).SequenceEqual(p.T.Licenses.Order(StringComparer.Ordinal), StringComparer.Ordinal))
            .Select(p => $"{p.S.Purl.Name}: seawall [{string.Join(", ", p.S.Licenses)}] trivy [{string.Join(", ", p.T.Licenses)}]"),
    ];

    /// <summary>Packages each tool lists, by purl type (deb, golang, npm, nuget...): (Seawall, Trivy).</summary>
    public IReadOnlyDictionary<string, (int Seawall, int Trivy)> CountsByPurlType =>
        SeawallKeys.Concat(TrivyKeys).Select(k => k[..k.IndexOf('/', StringComparison.Ordinal)]).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToDictionary(t => t, t => (SeawallKeys.Count(k => k.StartsWith(t + "/", StringComparison.Ordinal)), TrivyKeys.Count(k => k.StartsWith(t + "/", StringComparison.Ordinal))), StringComparer.Ordinal);

    /// <summary>"key: seawall=diffID trivy=diffID" for packages both list that the two tools put in different layers (where both name one).</summary>
    public IReadOnlyList<string> LayerDifferences =>
    [
        .. Common.Where(p => p.S.LayerDiffId is not null && p.T.LayerDiffId is not null && p.S.LayerDiffId != p.T.LayerDiffId)
            .Select(p => $"{p.S.Purl.Key}: seawall={p.S.LayerDiffId} trivy={p.T.LayerDiffId}"),
    ];

    /// <summary>Packages both list for which both tools name the layer.</summary>
    public int LayersNamedByBoth => Common.Count(p => p.S.LayerDiffId is not null && p.T.LayerDiffId is not null);

    /// <summary>Dependency edges (package to package) each tool lists, among packages both list.</summary>
    public (int Both, int OnlySeawall, int OnlyTrivy) DependencyEdges
    {
        get
        {
            var s = Edges(true);
            var t = Edges(false);
            return (s.Intersect(t).Count(), s.Except(t).Count(), t.Except(s).Count());
        }
    }

    private HashSet<string> Edges(bool seawall) =>
        Common.SelectMany(p => (seawall ? p.S : p.T) is var side ? side.DependsOn.Select(d => side.Purl.Key + " -> " + d) : []).ToHashSet(StringComparer.Ordinal);

    public IReadOnlyList<string> DependencyEdgesOnlySeawall => [.. Edges(true).Except(Edges(false)).Order(StringComparer.Ordinal)];

    public IReadOnlyList<string> DependencyEdgesOnlyTrivy => [.. Edges(false).Except(Edges(true)).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Packages whose licences agree once both tools' spellings are folded together: SPDX's -only/-or-later and
    /// Debian's "+" dropped (Trivy writes "GPL-2.0" for both), Expat as MIT, Artistic-1.0-Perl as Artistic, case ignored.
    /// </summary>
    public int SameLicencesFolded => Common.Count(p => Fold(p.S.Licenses).SetEquals(Fold(p.T.Licenses)));

    private static HashSet<string> Fold(IEnumerable<string> licences) => licences.Select(l =>
    {
        var x = l.Trim().ToLowerInvariant();
        foreach (var suffix in new[] { "-only", "-or-later", "+" })
        {
            x = x.EndsWith(suffix, StringComparison.Ordinal) ? x[..^suffix.Length] : x;
        }
        x = x switch { "expat" => "mit", "artistic-1.0-perl" => "artistic", _ => x };
        // Debian's "GPL-2" and SPDX's "GPL-2.0" name the same licence.
        return System.Text.RegularExpressions.Regex.Replace(x, @"^((?:a|l)?gpl|gfdl)-(\d)$", "$1-$2.0");
    }).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Scans the archive with both tools; skips the test when Trivy is not installed. Trivy reads an OCI image
    /// layout only as a directory (it exits 1 without a message on a tar of one), so it may get the same
    /// layout unpacked: <paramref name="trivyInput"/>. <paramref name="seawallOptions"/> are added to Seawall's command line.
    /// </summary>
    public static async Task<PeerComparison> RunAsync(string suite, string archive, TempDir dir, string? trivyInput = null, IReadOnlyList<string>? seawallOptions = null)
    {
        var trivy = ProcessRunner.Require(TrivyProgram);
        var seawallOut = dir.File(suite + ".seawall.cdx.json");
        var seawall = await SeawallCli.RunAsync(["image", "--input", archive, "--format", "cyclonedx", "--no-cache", "--quiet", "-o", seawallOut, .. seawallOptions ?? []], null, TimeSpan.FromMinutes(5));
        Assert.True(seawall.ExitCode == 0, $"seawall exit {seawall.ExitCode}: {seawall.StdErr}");
        var cache = Directory.CreateDirectory(dir.File("trivy-cache")).FullName;
        var peer = await ProcessRunner.RunAsync(trivy, ["image", "--input", trivyInput ?? archive, "--format", "cyclonedx", "--skip-db-update", "--offline-scan", "--cache-dir", cache, "--quiet"], TimeSpan.FromMinutes(5));
        Assert.True(peer.ExitCode == 0, $"{TrivyProgram} exit {peer.ExitCode}: {peer.StdErr}");
        var seawallJson = await File.ReadAllTextAsync(seawallOut);
        // SEAWALL_ACCURACY_OUT=DIR keeps both documents, for a closer look than the summary gives.
        if (Environment.GetEnvironmentVariable("SEAWALL_ACCURACY_OUT") is { Length: > 0 } keep)
        {
            Directory.CreateDirectory(keep);
            await File.WriteAllTextAsync(Path.Combine(keep, suite + ".seawall.cdx.json"), seawallJson);
            await File.WriteAllTextAsync(Path.Combine(keep, suite + ".trivy.cdx.json"), peer.StdOut);
        }
        global::Seawall.Tests.Support.SchemaValidator.CycloneDx16().AssertValid(seawallJson);
        var comparison = new PeerComparison(suite, SbomPackages.Read(seawallJson), SbomPackages.Read(peer.StdOut));
        TestContext.Current.TestOutputHelper?.WriteLine(comparison.Summary());
        return comparison;
    }

    /// <summary>The figures docs/accuracy.md records, and every difference.</summary>
    public string Summary()
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        var (both, onlyS, onlyT) = DependencyEdges;
        var common = SeawallKeys.Intersect(TrivyKeys).Count();
        sb.Append(inv, $"== {Suite}: seawall {SeawallKeys.Count} packages, trivy {TrivyKeys.Count}, both {common}, agreement {Agreement:0.0}%\n");
        sb.Append(inv, $"   identical purl strings {IdenticalPurls}/{common}; qualifier differences {QualifierDifferences.Count}; other qualifiers: {string.Join(", ", OtherQualifiers)}\n");
        sb.Append(inv, $"   same licences {SameLicences}/{common} as written, {SameLicencesFolded}/{common} with spellings folded; dependency edges both {both}, seawall only {onlyS}, trivy only {onlyT}\n");
        sb.Append(inv, $"   by purl type (seawall/trivy): {string.Join(", ", CountsByPurlType.Select(c => $"{c.Key} {c.Value.Seawall}/{c.Value.Trivy}"))}; same layer {LayersNamedByBoth - LayerDifferences.Count}/{LayersNamedByBoth}\n");
        foreach (var (title, lines) in new[]
        {
            ("only seawall", OnlySeawall), ("only trivy", OnlyTrivy), ("qualifiers", QualifierDifferences),
            ("purl spelling", PurlSpellingDifferences), ("licences", LicenceDifferences), ("layer", LayerDifferences),
            ("dependency only seawall", DependencyEdgesOnlySeawall), ("dependency only trivy", DependencyEdgesOnlyTrivy),
        })
        {
            foreach (var line in lines.Take(60))
            {
                sb.Append("   ").Append(title).Append(": ").Append(line).Append('\n');
            }
            if (lines.Count > 60)
            {
                sb.Append(inv, $"   {title}: ... {lines.Count - 60} more\n");
            }
        }
        return sb.ToString();
    }
}
