using System.Text;
using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Go;

/// <summary>
/// go.mod: each required module (direct, or transitive when "// indirect"), with replace directives applied
/// (a version-specific one before a module-wide one; a directory replacement keeps its path with no version, as
/// osv-scanner reports it), and the toolchain as "stdlib" (the toolchain line, else the go line, as osv-scanner
/// reads it). The main module is the project itself, not a dependency. Versions keep Go's "v" prefix.
/// </summary>
public sealed class GoModAnalyzer : IAnalyzer
{
    public string Id => "gomod";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Lockfiles;

    public long MaxFileSize => 8L * 1024 * 1024;

    public bool IsApplicable(string path) => TreePath.FileName(path) == "go.mod";

    public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var file in input.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            GoModFile mod;
            try
            {
                mod = GoModFile.Parse(Encoding.UTF8.GetString(file.Content));
            }
            catch (FormatException ex)
            {
                sink.Warn($"{file.Path}: not a valid go.mod ({ex.Message})");
                continue;
            }
            var packages = Packages(mod, file.Path, file.Node.Layer);
            if (packages.Count > 0)
            {
                sink.AddResult(new ScanResult { Target = file.Path, Class = ResultClass.LangPackages, Type = "gomod", Packages = packages });
            }
        }
        return Task.CompletedTask;
    }

    internal static IReadOnlyList<Package> Packages(GoModFile mod, string filePath, LayerRef? layer)
    {
        var found = new Dictionary<(string Name, string Version), bool>();
        foreach (var require in mod.Requires)
        {
            var (name, version) = (require.Path, require.Version);
            // Go applies a replacement of this exact version before one for every version of the module.
            var replace = mod.Replaces.LastOrDefault(r => r.OldPath == require.Path && r.OldVersion == require.Version)
                ?? mod.Replaces.LastOrDefault(r => r.OldPath == require.Path && r.OldVersion is null);
            if (replace is not null)
            {
                (name, version) = (replace.NewPath, replace.NewVersion ?? string.Empty);
            }
            // Two requires can end as one module once replaced: one package, direct if either was.
            found[(name, version)] = found.GetValueOrDefault((name, version)) || !require.Indirect;
        }
        var packages = found.Select(p => new Package
        {
            Name = p.Key.Name,
            Version = p.Key.Version,
            Ecosystem = "Go",
            Direct = p.Value,
            FilePath = filePath,
            Layer = layer,
        }).ToList();
        if (StdlibVersion(mod) is { } stdlib)
        {
            packages.Add(new Package { Name = "stdlib", Version = stdlib, Ecosystem = "Go", Direct = true, FilePath = filePath, Layer = layer });
        }
        return [.. packages.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Version, StringComparer.Ordinal)];
    }

    /// <summary>"toolchain go1.22.5" gives v1.22.5; without it "go 1.21.3" gives v1.21.3 ("go1.22.5-custom" drops the suffix).</summary>
    private static string? StdlibVersion(GoModFile mod)
    {
        if (mod.Toolchain is { } toolchain && toolchain.StartsWith("go", StringComparison.Ordinal) && toolchain.Length > 2)
        {
            var name = toolchain[2..];
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            return "v" + (dash >= 0 ? name[..dash] : name);
        }
        return mod.Go is { Length: > 0 } go ? "v" + go : null;
    }
}
