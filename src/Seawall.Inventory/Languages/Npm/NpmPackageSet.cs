using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Npm;

/// <summary>One package as a lockfile parser collects it, before duplicates (the same package at several paths) are merged.</summary>
internal sealed class NpmPackageDraft(string name, string version, string? commit)
{
    public string Name { get; } = name;
    public string Version { get; } = version;
    public string? Commit { get; } = commit;
    public bool Dev { get; set; }
    public bool Optional { get; set; }
    /// <summary>Null when the lockfile does not tell which packages the project asked for.</summary>
    public bool? Direct { get; set; }
    public IReadOnlyList<string> Licenses { get; set; } = [];
    public HashSet<string> DependsOn { get; } = new(StringComparer.Ordinal);

    /// <summary>"name@version", the form DependsOn entries use.</summary>
    public string Id => $"{Name}@{Version}";

    /// <summary>Git packages are told apart by commit too: two commits of one repository may carry the same (or no) version.</summary>
    public string Key => Commit is null ? Id : $"{Id}#{Commit}";
}

/// <summary>
/// Packages of one lockfile keyed by name and version (or commit). A package installed at several paths is one
/// package: dev only if every copy is dev, optional only if every copy that production needs is optional,
/// direct if any copy is, and it depends on the union of what the copies need.
/// </summary>
internal sealed class NpmPackageSet
{
    private readonly Dictionary<string, NpmPackageDraft> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (bool AllDev, bool ProdAllOptional, bool AllOptional)> _groups = new(StringComparer.Ordinal);

    public int Count => _byKey.Count;

    /// <summary>Adds a copy, returning the merged draft it now belongs to.</summary>
    public NpmPackageDraft Add(NpmPackageDraft copy)
    {
        var key = copy.Key;
        if (!_byKey.TryGetValue(key, out var kept))
        {
            _byKey[key] = copy;
            _groups[key] = (copy.Dev, copy.Dev || copy.Optional, copy.Optional);
            return copy;
        }
        var (allDev, prodAllOptional, allOptional) = _groups[key];
        _groups[key] = (allDev && copy.Dev, prodAllOptional && (copy.Dev || copy.Optional), allOptional && copy.Optional);
        var groups = _groups[key];
        kept.Dev = groups.AllDev;
        kept.Optional = groups.AllDev ? groups.AllOptional : groups.ProdAllOptional;
        kept.Direct = kept.Direct is null && copy.Direct is null ? null : kept.Direct == true || copy.Direct == true;
        if (kept.Licenses.Count == 0)
        {
            kept.Licenses = copy.Licenses;
        }
        kept.DependsOn.UnionWith(copy.DependsOn);
        return kept;
    }

    public NpmPackageDraft? Find(string key) => _byKey.GetValueOrDefault(key);

    public IEnumerable<NpmPackageDraft> Drafts => _byKey.Values;

    /// <summary>The packages, sorted by name then version, each with the dependencies it names (never itself).</summary>
    public IReadOnlyList<Package> ToPackages() =>
    [
        .. _byKey.Values
            .OrderBy(d => d.Name, StringComparer.Ordinal)
            .ThenBy(d => d.Version, StringComparer.Ordinal)
            .ThenBy(d => d.Commit, StringComparer.Ordinal)
            .Select(d => new Package
            {
                Name = d.Name,
                Version = d.Version,
                Ecosystem = "npm",
                Commit = d.Commit,
                Dev = d.Dev,
                Optional = d.Optional,
                Direct = d.Direct,
                Licenses = d.Licenses,
                DependsOn = [.. d.DependsOn.Where(id => id != d.Id).Order(StringComparer.Ordinal)],
            }),
    ];
}
