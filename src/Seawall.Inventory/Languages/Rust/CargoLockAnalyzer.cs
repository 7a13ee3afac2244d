using System.Text;
using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Rust;

/// <summary>
/// Cargo.lock: every locked crate, including workspace members and path crates (as osv-scanner and Trivy list
/// them), with the dependency graph. A crate without a source is the project's own: the crates it depends on
/// are direct dependencies, the rest transitive.
/// </summary>
public sealed class CargoLockAnalyzer : IAnalyzer
{
    public string Id => "cargo";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Lockfiles;

    public long MaxFileSize => 32L * 1024 * 1024;

    public bool IsApplicable(string path) => TreePath.FileName(path) == "Cargo.lock";

    public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var file in input.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            IReadOnlyList<CargoLockPackage> locked;
            try
            {
                locked = CargoLock.Parse(Encoding.UTF8.GetString(file.Content));
            }
            catch (FormatException ex)
            {
                sink.Warn($"{file.Path}: not a valid Cargo.lock ({ex.Message})");
                continue;
            }
            var packages = Packages(locked, file.Path, file.Node.Layer);
            if (packages.Count > 0)
            {
                sink.AddResult(new ScanResult { Target = file.Path, Class = ResultClass.LangPackages, Type = "cargo", Packages = packages });
            }
        }
        return Task.CompletedTask;
    }

    internal static IReadOnlyList<Package> Packages(IReadOnlyList<CargoLockPackage> locked, string filePath, LayerRef? layer)
    {
        var byName = locked.ToLookup(p => p.Name, StringComparer.Ordinal);
        var local = locked.Where(p => p.Source is null).ToList();
        var direct = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in local)
        {
            foreach (var dep in member.Dependencies)
            {
                if (CargoLock.Resolve(dep, byName) is { } id)
                {
                    direct.Add(id);
                }
            }
        }
        var packages = new List<Package>(locked.Count);
        foreach (var p in locked)
        {
            var id = $"{p.Name}@{p.Version}";
            packages.Add(new Package
            {
                Name = p.Name,
                Version = p.Version,
                Ecosystem = "crates.io",
                // The project's own crates are not dependencies; without any, the lockfile does not tell.
                Direct = p.Source is null || local.Count == 0 ? null : direct.Contains(id),
                FilePath = filePath,
                Layer = layer,
                DependsOn = [.. p.Dependencies.Select(d => CargoLock.Resolve(d, byName)).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            });
        }
        return [.. packages.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Version, StringComparer.Ordinal)];
    }
}
