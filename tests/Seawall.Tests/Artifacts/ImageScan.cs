using Seawall.Artifacts.Archive;
using Seawall.Artifacts.Cache;
using Seawall.Artifacts.Image;
using Seawall.Artifacts.Layers;
using Seawall.Core.Analysis;
using Seawall.Core.Model;
using Seawall.Inventory;
using Seawall.Scanning;

namespace Seawall.Tests.Artifacts;

/// <summary>Runs images through the entry points the CLI uses: ImageArchive.Open, ImageTreeBuilder, ScanService.</summary>
internal static class ImageScan
{
    public static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>What `seawall image --input PATH` does, minus the console.</summary>
    public static async Task<ScanReport> ScanAsync(string path, string? cacheDir = null, IProgress<LayerProgress>? progress = null)
    {
        using var archive = ImageArchive.Open(path);
        var service = new ScanService(new ScanOptions { CacheDir = cacheDir }, progress);
        return await service.ScanImageAsync(archive.Images[0], Token);
    }

    /// <summary>The merged tree the real analyzers would see.</summary>
    public static Task<LayeredFileTree> TreeAsync(string path, string? cacheDir = null) =>
        TreeAsync(path, new AnalyzerHost(AnalyzerCatalog.OsPackages()), cacheDir);

    public static async Task<LayeredFileTree> TreeAsync(string path, AnalyzerHost analyzers, string? cacheDir = null)
    {
        using var archive = ImageArchive.Open(path);
        var cache = cacheDir is null ? null : new LayerCache(cacheDir);
        return await new ImageTreeBuilder(analyzers, cache).BuildAsync(archive.Images[0], Token);
    }

    /// <summary>The tree with content kept for every path under the given prefixes (a test analyzer asks for them).</summary>
    public static Task<LayeredFileTree> TreeKeepingAsync(string path, params string[] prefixes) =>
        TreeAsync(path, new AnalyzerHost([new PrefixAnalyzer(prefixes)]));

    public static async Task<string?> ReadTextAsync(LayeredFileTree tree, string path)
    {
        var node = tree.Resolve(path);
        if (node is null)
        {
            return null;
        }
        var bytes = await tree.ReadAllBytesAsync(node, 1 << 20, Token);
        return bytes is null ? null : System.Text.Encoding.UTF8.GetString(bytes);
    }

    /// <summary>A test analyzer that only selects files: it makes the tree keep the content of paths under its prefixes.</summary>
    public sealed class PrefixAnalyzer(string[] prefixes) : IAnalyzer
    {
        public string Id => "test-prefix";

        public int Version => 1;

        public bool IsApplicable(string path) => prefixes.Any(p => path.StartsWith(p, StringComparison.Ordinal));

        public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Counts the layers an image source opens: a warm scan must open none.</summary>
    public sealed class CountingImageSource(IImageSource inner) : IImageSource
    {
        private int _opened;

        public int LayersOpened => _opened;

        public string Name => inner.Name;
        public string? ConfigDigest => inner.ConfigDigest;
        public IReadOnlyList<string> RepoTags => inner.RepoTags;
        public IReadOnlyList<string> RepoDigests => inner.RepoDigests;
        public ImageConfig Config => inner.Config;
        public IReadOnlyList<LayerRef> Layers => inner.Layers;

        public Task<LayerStream> OpenLayerAsync(int index, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _opened);
            return inner.OpenLayerAsync(index, cancellationToken);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    public static readonly string DebianOsRelease =
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n";

    public static string DpkgEntry(string name, string version, string arch = "amd64") =>
        $"Package: {name}\nStatus: install ok installed\nPriority: optional\nArchitecture: {arch}\nVersion: {version}\nMaintainer: Test <t@example.org>\nDescription: {name}\n\n";
}
