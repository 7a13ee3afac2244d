namespace Seawall.Inventory.Languages.Npm;

/// <summary>How a project names a dependency in its manifest.</summary>
internal enum RootKind
{
    Prod,
    Optional,
    Dev,
}

/// <summary>
/// Works out dev and optional packages from the graph where the lockfile does not mark them (yarn, pnpm 9): a package
/// is dev when only devDependencies reach it, optional when every path production takes to it has an optional edge.
/// </summary>
internal sealed class DependencyFlags
{
    private readonly Dictionary<string, List<(string To, bool Optional)>> _edges = new(StringComparer.Ordinal);
    private readonly List<(string Id, RootKind Kind)> _roots = [];
    private HashSet<string> _prodRequired = [];
    private HashSet<string> _prodAny = [];
    private HashSet<string> _devRequired = [];
    private HashSet<string> _devAny = [];

    public bool HasRoots => _roots.Count > 0;

    public void AddEdge(string from, string to, bool optional)
    {
        if (!_edges.TryGetValue(from, out var list))
        {
            _edges[from] = list = [];
        }
        list.Add((to, optional));
    }

    public void AddRoot(string id, RootKind kind) => _roots.Add((id, kind));

    public void Compute()
    {
        _prodRequired = Reach(_roots.Where(r => r.Kind == RootKind.Prod).Select(r => r.Id), requiredOnly: true);
        _prodAny = Reach(_roots.Where(r => r.Kind != RootKind.Dev).Select(r => r.Id), requiredOnly: false);
        _devRequired = Reach(_roots.Where(r => r.Kind == RootKind.Dev).Select(r => r.Id), requiredOnly: true);
        _devAny = Reach(_roots.Where(r => r.Kind == RootKind.Dev).Select(r => r.Id), requiredOnly: false);
    }

    /// <summary>Dev and optional for one package; (false, false) for a package no root reaches.</summary>
    public (bool Dev, bool Optional) FlagsOf(string id)
    {
        if (_prodAny.Contains(id))
        {
            return (false, !_prodRequired.Contains(id));
        }
        if (_devAny.Contains(id))
        {
            return (true, !_devRequired.Contains(id));
        }
        return (false, false);
    }

    private HashSet<string> Reach(IEnumerable<string> starts, bool requiredOnly)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        foreach (var start in starts)
        {
            if (seen.Add(start))
            {
                pending.Push(start);
            }
        }
        while (pending.Count > 0)
        {
            if (!_edges.TryGetValue(pending.Pop(), out var next))
            {
                continue;
            }
            foreach (var (to, optional) in next)
            {
                if ((!requiredOnly || !optional) && seen.Add(to))
                {
                    pending.Push(to);
                }
            }
        }
        return seen;
    }
}
