using Seawall.Artifacts.Cache;
using Seawall.Artifacts.Image;
using Seawall.Artifacts.Layers;
using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Core.Model;
using Seawall.Inventory;
using Seawall.Inventory.Purl;

namespace Seawall.Scanning;

/// <summary>
/// The one entry point the CLI (and later a server) calls: source to tree, tree to analyzers, analyzers
/// to one report. No formatting and no console here.
/// </summary>
public sealed class ScanService(ScanOptions options, IProgress<LayerProgress>? progress = null)
{
    private readonly AnalyzerHost _analyzers = new(AnalyzerCatalog.OsPackages(), options.MaxConcurrency);

    public async Task<ScanReport> ScanImageAsync(IImageSource image, CancellationToken cancellationToken)
    {
        var cache = options.CacheDir is null ? null : new LayerCache(options.CacheDir);
        var tree = await new ImageTreeBuilder(_analyzers, cache, progress).BuildAsync(image, cancellationToken).ConfigureAwait(false);
        var artifact = new ArtifactInfo(image.Name, ArtifactType.ContainerImage, image.ConfigDigest)
        {
            Layers = image.Layers,
            RepoTags = image.RepoTags,
            RepoDigests = image.RepoDigests,
            Architecture = image.Config.Architecture,
        };
        return await AnalyzeAsync(tree, artifact, cancellationToken).ConfigureAwait(false);
    }

    public Task<ScanReport> ScanDirectoryAsync(string path, ArtifactType type, CancellationToken cancellationToken)
    {
        // A rootfs is a whole system; skip the kernel's pseudo file systems if a live root is given.
        var tree = DirectoryFileTree.Walk(path, type == ArtifactType.Filesystem ? null : rel => rel is "proc" or "sys" or "dev");
        var artifact = new ArtifactInfo(Path.GetFullPath(path), type);
        return AnalyzeAsync(tree, artifact, cancellationToken);
    }

    public async Task<ScanReport> AnalyzeAsync(IFileTree tree, ArtifactInfo artifact, CancellationToken cancellationToken)
    {
        var sink = await _analyzers.RunAsync(tree, cancellationToken).ConfigureAwait(false);
        var os = sink.BestOs();
        var results = sink.Results
            .Select(r => r with
            {
                Packages = [.. r.Packages.Select(p => p.Purl is null ? p with { Purl = PurlBuilder.ForOsPackage(r.Type, p, os) } : p)],
            })
            .OrderBy(r => r.Class)
            .ThenBy(r => r.Target, StringComparer.Ordinal)
            .ToList();
        if (os is not null && !os.Distroless && results.Any(r => r.Target.StartsWith("var/lib/dpkg/status.d", StringComparison.Ordinal)) && !results.Any(r => r.Target == "var/lib/dpkg/status"))
        {
            os = os with { Distroless = true };
        }
        return new ScanReport
        {
            Artifact = artifact,
            Os = os,
            Results = results,
            Warnings = [.. sink.Warnings.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
        };
    }
}
