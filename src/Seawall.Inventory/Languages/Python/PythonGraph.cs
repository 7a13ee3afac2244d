using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Python;

/// <summary>
/// Resolving a lockfile's dependency names to its own packages, and walking the graph: "name@version" when the lock
/// holds one version of the name (or the one asked for), the bare name when it cannot tell.
/// </summary>
internal sealed class PythonGraph
{
    private readonly Dictionary<string, List<Package>> _byName = new(StringComparer.Ordinal);

    public PythonGraph(IEnumerable<Package> packages)
    {
        foreach (var package in packages)
        {
            var key = Pep508.Normalize(package.Name);
            if (!_byName.TryGetValue(key, out var list))
            {
                _byName[key] = list = [];
            }
            list.Add(package);
        }
    }

    public static string Key(Package p) => p.Name + "@" + p.Version;

    /// <summary>The "name@version" a dependency name refers to; null when the lock does not hold that name.</summary>
    public string? Resolve(string name, string? version = null)
    {
        if (!_byName.TryGetValue(Pep508.Normalize(name), out var candidates))
        {
            return null;
        }
        if (version is not null && candidates.FirstOrDefault(c => c.Version == version) is { } exact)
        {
            return Key(exact);
        }
        return candidates.Count == 1 ? Key(candidates[0]) : candidates[0].Name;
    }

    /// <summary>The packages of these normalised names, at every version the lock holds.</summary>
    public IEnumerable<string> KeysOf(IEnumerable<string> names) =>
        names.SelectMany(n => _byName.TryGetValue(Pep508.Normalize(n), out var list) ? list.Select(Key) : []);

    /// <summary>Every package reachable from the start keys through DependsOn (keys "name@version").</summary>
    public static HashSet<string> Reachable(IEnumerable<string> start, IReadOnlyDictionary<string, Package> byKey)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(start);
        while (queue.Count > 0)
        {
            var key = queue.Dequeue();
            if (!seen.Add(key) || !byKey.TryGetValue(key, out var package))
            {
                continue;
            }
            foreach (var next in package.DependsOn)
            {
                queue.Enqueue(next);
            }
        }
        return seen;
    }
}
