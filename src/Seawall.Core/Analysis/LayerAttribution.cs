using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Core.Analysis;

/// <summary>
/// Which layer brought each package in. A package database is rewritten by every layer that installs
/// anything, so the database file's own layer says little: a package belongs to the earliest layer from
/// which it has been present, at the version it has now, in every later version of the database.
/// </summary>
public static class LayerAttribution
{
    /// <param name="versions">Each version of the database, oldest first: the layer that wrote it and the packages in it (key to version).</param>
    public static Dictionary<string, LayerRef?> Attribute(IEnumerable<(LayerRef? Layer, IReadOnlyDictionary<string, string> Packages)> versions)
    {
        var introduced = new Dictionary<string, (string Version, LayerRef? Layer)>(StringComparer.Ordinal);
        foreach (var (layer, packages) in versions)
        {
            foreach (var key in introduced.Keys.Where(k => !packages.ContainsKey(k)).ToList())
            {
                introduced.Remove(key);
            }
            foreach (var (key, version) in packages)
            {
                if (!introduced.TryGetValue(key, out var seen) || seen.Version != version)
                {
                    introduced[key] = (version, layer);
                }
            }
        }
        return introduced.ToDictionary(p => p.Key, p => p.Value.Layer, StringComparer.Ordinal);
    }

    /// <summary>Reads every earlier version of a file and parses it, then attributes packages across all versions.</summary>
    public static async Task<Dictionary<string, LayerRef?>> AttributeAsync(
        IFileTree tree, AnalyzerFile current, long maxBytes, Func<byte[], IReadOnlyDictionary<string, string>> parse, CancellationToken ct)
    {
        var versions = new List<(LayerRef?, IReadOnlyDictionary<string, string>)>();
        foreach (var earlier in tree.EarlierVersions(current.Node.Path))
        {
            var bytes = await tree.ReadAllBytesAsync(earlier, maxBytes, ct).ConfigureAwait(false);
            if (bytes is not null)
            {
                versions.Add((earlier.Layer, parse(bytes)));
            }
        }
        versions.Add((current.Node.Layer, parse(current.Content)));
        return Attribute(versions);
    }
}
