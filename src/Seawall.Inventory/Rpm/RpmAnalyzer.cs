using Seawall.Core.Analysis;
using Seawall.Core.Errors;
using Seawall.Core.Model;

namespace Seawall.Inventory.Rpm;

/// <summary>
/// Red Hat, Fedora, CentOS, Rocky, Alma, Oracle, Amazon, SUSE and Mariner packages from the rpm database, in whichever
/// of its three formats the system uses: SQLite (rpmdb.sqlite), NDB (Packages.db) or BerkeleyDB (Packages).
/// </summary>
public sealed class RpmAnalyzer : IAnalyzer
{
    private static readonly HashSet<string> DatabasePaths = new(StringComparer.Ordinal)
    {
        "var/lib/rpm/rpmdb.sqlite",
        "usr/lib/sysimage/rpm/rpmdb.sqlite",
        "var/lib/rpm/Packages.db",
        "usr/lib/sysimage/rpm/Packages.db",
        "var/lib/rpm/Packages",
        "usr/lib/sysimage/rpm/Packages",
    };

    public string Id => "rpm";

    /// <summary>Also bump when <see cref="RpmPackageReader.TagsRead"/> changes: cached layers hold condensed databases.</summary>
    public int Version => 1;

    /// <summary>Real databases reach a few hundred MB on large hosts (BerkeleyDB files are sparse and padded).</summary>
    public long MaxFileSize => 512L * 1024 * 1024;

    public bool IsApplicable(string path) => DatabasePaths.Contains(path);

    /// <summary>Image layers keep each rpm database as the few tags the reader uses (see <see cref="RpmCondenser"/>).</summary>
    public byte[] Condense(string path, byte[] content) => RpmCondenser.Condense(content);

    public async Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var db in input.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RpmReadResult read;
            try
            {
                read = RpmPackageReader.Read(db.Content);
            }
            catch (ScanException ex)
            {
                // One broken database is a warning; the rest of the scan goes on.
                sink.Warn($"{db.Path}: {ex.Message}");
                continue;
            }
            foreach (var warning in read.Warnings)
            {
                sink.Warn($"{db.Path}: {warning}");
            }
            var layers = await AttributeLayersAsync(input, db, read.Packages, cancellationToken).ConfigureAwait(false);
            var packages = read.Packages
                .Select(p => p with { FilePath = db.Path, Layer = layers.GetValueOrDefault(Key(p)) })
                .DistinctBy(Key)
                .OrderBy(p => p.Name, StringComparer.Ordinal)
                .ThenBy(p => p.Version, StringComparer.Ordinal)
                .ThenBy(p => p.Arch, StringComparer.Ordinal)
                .ToList();
            if (packages.Count > 0)
            {
                sink.AddResult(new ScanResult { Target = db.Path, Class = ResultClass.OsPackages, Type = "rpm", Packages = packages });
            }
        }
    }

    /// <summary>Several versions of one package (kernels) and several arches (multilib) can be installed side by side.</summary>
    private static string Key(Package p) => $"{p.Name}-{p.Epoch}:{p.Version}.{p.Arch}";

    /// <summary>
    /// Reads the versions of the database earlier layers held; the current one is already parsed. A broken earlier
    /// version only costs attribution, not the packages.
    /// </summary>
    private async Task<Dictionary<string, LayerRef?>> AttributeLayersAsync(AnalyzerInput input, AnalyzerFile db, IReadOnlyList<Package> current, CancellationToken ct)
    {
        var versions = new List<(LayerRef?, IReadOnlyDictionary<string, string>)>();
        foreach (var earlier in input.Tree.EarlierVersions(db.Node.Path))
        {
            var bytes = await input.Tree.ReadAllBytesAsync(earlier, MaxFileSize, ct).ConfigureAwait(false);
            if (bytes is null)
            {
                continue;
            }
            try
            {
                versions.Add((earlier.Layer, Keys(RpmPackageReader.Read(bytes).Packages)));
            }
            catch (ScanException)
            {
                versions.Add((earlier.Layer, new Dictionary<string, string>()));
            }
        }
        versions.Add((db.Node.Layer, Keys(current)));
        return LayerAttribution.Attribute(versions);
    }

    private static Dictionary<string, string> Keys(IEnumerable<Package> packages)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in packages)
        {
            keys[Key(p)] = Key(p);
        }
        return keys;
    }
}
