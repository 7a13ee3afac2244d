using Seawall.Core.Analysis;
using Seawall.Core.Model;
using Seawall.Inventory.Executables;

namespace Seawall.Inventory.Languages.Rust;

/// <summary>
/// Rust binaries built with cargo-auditable, wherever they lie: the crates in their .dep-v0 section. As Trivy does,
/// the root crate (the application itself) and build-only crates (build scripts, proc macros) are left out.
/// </summary>
public sealed class RustBinaryAnalyzer : ExecutableAnalyzer
{
    public override string Id => "rustbinary";

    public override int Version => 1;

    protected override byte[] CondenseExecutable(string path, Stream content) => CargoAuditableInfo.Serialize(CargoAuditableInfo.FindSection(content));

    protected override byte[] CondensedError(string message) => CargoAuditableInfo.Serialize(new DepSectionResult(null, message));

    /// <summary>
    /// The .dep-v0 section is located by the ELF section table, which streams past last, so its content is looked for:
    /// a zlib stream that inflates to JSON. cargo-auditable (like rustc for its own metadata) gives the section no
    /// flags, so the linker puts it after everything loaded: only that tail is searched, and never in a Go binary.
    /// PE and Mach-O name their sections in the head, where the collector finds it.
    /// </summary>
    internal override void FindSignatures(long offset, ReadOnlySpan<byte> chunk, SparseCapture capture, ExecutableLayout layout)
    {
        if (layout.GoBinary || layout.LoadedEnd <= 0 || offset + chunk.Length <= layout.LoadedEnd)
        {
            return;
        }
        var skip = (int)Math.Max(0, layout.LoadedEnd - offset);
        CargoAuditableInfo.FindCandidates(offset + skip, chunk[skip..], capture);
    }

    public override Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var file in input.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (file.Content.Length == 0)
            {
                continue; // condensed to nothing: no dependency list
            }
            DepSectionResult section;
            using (var stream = new MemoryStream(file.Content, writable: false))
            {
                section = CargoAuditableInfo.FindSection(stream);
            }
            if (section.Error is { } error)
            {
                sink.Warn($"{file.Path}: {error}");
                continue;
            }
            if (section.Compressed is not { } compressed)
            {
                continue;
            }
            IReadOnlyList<AuditableCrate> crates;
            try
            {
                crates = CargoAuditableInfo.Parse(compressed);
            }
            catch (InvalidDataException ex)
            {
                sink.Warn($"{file.Path}: {ex.Message}");
                continue;
            }
            var packages = Packages(crates, file.Path, file.Node.Layer, out var problem);
            if (problem is not null)
            {
                sink.Warn($"{file.Path}: {problem}");
            }
            if (packages.Count > 0)
            {
                sink.AddResult(new ScanResult { Target = file.Path, Class = ResultClass.LangPackages, Type = "rustbinary", Packages = packages });
            }
        }
        return Task.CompletedTask;
    }

    internal static IReadOnlyList<Package> Packages(IReadOnlyList<AuditableCrate> crates, string filePath, LayerRef? layer, out string? problem)
    {
        problem = null;
        var direct = new HashSet<int>();
        var hasRoot = false;
        foreach (var root in crates.Where(c => c.Root))
        {
            direct.UnionWith(root.Dependencies);
            hasRoot = true;
        }
        var packages = new List<Package>();
        for (var i = 0; i < crates.Count; i++)
        {
            var crate = crates[i];
            if (crate.Root || crate.Kind != "runtime" || crate.Name.Length == 0)
            {
                continue;
            }
            var dependsOn = new List<string>();
            foreach (var index in crate.Dependencies)
            {
                if (index < 0 || index >= crates.Count)
                {
                    problem ??= $"crate {crate.Name} depends on entry {index}, which the list does not have";
                    continue;
                }
                var dep = crates[index];
                if (dep.Kind == "runtime" && !dep.Root)
                {
                    dependsOn.Add($"{dep.Name}@{dep.Version}");
                }
            }
            packages.Add(new Package
            {
                Name = crate.Name,
                Version = crate.Version,
                Ecosystem = "crates.io",
                Direct = hasRoot ? direct.Contains(i) : null,
                FilePath = filePath,
                Layer = layer,
                DependsOn = [.. dependsOn.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            });
        }
        return [.. packages.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Version, StringComparer.Ordinal)];
    }
}
