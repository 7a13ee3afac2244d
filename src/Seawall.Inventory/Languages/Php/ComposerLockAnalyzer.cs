using System.Text.Json;
using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Php;

/// <summary>
/// composer.lock: "packages", and "packages-dev" marked dev, with the graph from each package's "require". The
/// composer.json beside it, when present, tells direct dependencies (its require and require-dev).
/// </summary>
public sealed class ComposerLockAnalyzer : IAnalyzer
{
    public string Id => "composer";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Lockfiles;

    public bool IsApplicable(string path) => path == "composer.lock" || path.EndsWith("/composer.lock", StringComparison.Ordinal);

    public async Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var file in input.Files)
        {
            IReadOnlyList<Package> packages;
            try
            {
                packages = Parse(file.Content);
            }
            catch (MalformedFileException ex)
            {
                sink.Warn(LanguageResults.Warning(file.Path, Id, ex));
                continue;
            }
            var direct = await DirectAsync(input.Tree, file.Path, sink, cancellationToken).ConfigureAwait(false);
            if (direct is not null)
            {
                packages = [.. packages.Select(p => p with { Direct = direct.Contains(p.Name) })];
            }
            LanguageResults.Add(sink, file, "composer", packages);
        }
    }

    public static IReadOnlyList<Package> Parse(byte[] content)
    {
        using var doc = ComposerPackages.ParseJson(content);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedFileException("not a composer.lock: the top level is not an object");
        }
        return ComposerPackages.Read(Section(doc.RootElement, "packages", dev: false).Concat(Section(doc.RootElement, "packages-dev", dev: true)));
    }

    private static IEnumerable<(JsonElement, bool)> Section(JsonElement root, string name, bool dev) =>
        root.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().Select(e => (e, dev)) : [];

    /// <summary>Names required by the composer.json beside the lock; null when there is none or it cannot be read.</summary>
    private static async Task<HashSet<string>?> DirectAsync(IFileTree tree, string lockPath, AnalysisSink sink, CancellationToken ct)
    {
        var path = TreePath.Combine(TreePath.Parent(lockPath), "composer.json");
        var bytes = await TreeFiles.TryReadAsync(tree, path, ct).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }
        try
        {
            using var doc = ComposerPackages.ParseJson(bytes);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            return new HashSet<string>(
                ComposerPackages.Keys(doc.RootElement, "require").Concat(ComposerPackages.Keys(doc.RootElement, "require-dev")),
                StringComparer.OrdinalIgnoreCase);
        }
        catch (MalformedFileException ex)
        {
            sink.Warn(LanguageResults.Warning(path, "composer", ex) + "; direct dependencies not marked");
            return null;
        }
    }
}
