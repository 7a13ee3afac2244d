using Seawall.Misconfig.Manifests;

namespace Seawall.Misconfig.Checks;

/// <summary>
/// The objects of a scan by kind, built once per scan: checks that relate objects (a workload and its service account,
/// a Service and the pods it selects) look up the kind they need instead of walking every object, which made a scan of
/// 20,000 manifests quadratic (595 s of CPU; now linear).
/// </summary>
internal static class NeighbourIndex
{
    /// <summary>The objects of <paramref name="kind"/> loaded with <paramref name="resource"/>, in load order.</summary>
    public static IEnumerable<ManifestResource> NeighboursOfKind(this ManifestResource resource, string? kind) =>
        kind is not null && For(resource.Neighbours).TryGetValue(kind, out var list) ? list.Select(e => e.Resource) : [];

    /// <summary>
    /// The objects of any of <paramref name="kinds"/> in namespace <paramref name="ns"/> ("default" for an unset one),
    /// in load order: a check that relates each object to the others of its namespace stays linear in the scan's size
    /// (a workload against every ServiceAccount of the scan was quadratic).
    /// </summary>
    public static IEnumerable<ManifestResource> NeighboursOfKindsIn(this ManifestResource resource, IEnumerable<string> kinds, string ns)
    {
        var index = InNamespace(resource.Neighbours);
        List<(int Position, ManifestResource Resource)>? only = null;
        var found = 0;
        foreach (var kind in kinds)
        {
            if (index.TryGetValue((kind, ns), out var list))
            {
                only = list;
                found++;
            }
        }
        return found switch
        {
            0 => [],
            1 => only!.Select(e => e.Resource),
            _ => kinds.SelectMany(k => index.TryGetValue((k, ns), out var list) ? list : []).OrderBy(e => e.Position).Select(e => e.Resource),
        };
    }

    /// <summary>The objects of <paramref name="kind"/> in namespace <paramref name="ns"/>, in load order.</summary>
    public static IEnumerable<ManifestResource> NeighboursOfKindIn(this ManifestResource resource, string? kind, string ns) =>
        kind is not null && InNamespace(resource.Neighbours).TryGetValue((kind, ns), out var list) ? list.Select(e => e.Resource) : [];

    public static bool HasNeighbourOfKind(this ManifestResource resource, string kind) => For(resource.Neighbours).ContainsKey(kind);

    public static bool HasNeighbourOfKinds(this ManifestResource resource, IEnumerable<string> kinds)
    {
        var index = For(resource.Neighbours);
        return kinds.Any(index.ContainsKey);
    }

    /// <summary>Whether <paramref name="set"/> holds an object of <paramref name="kind"/>.</summary>
    public static bool Holds(IReadOnlyList<ManifestResource> set, string kind) => For(set).ContainsKey(kind);

    private static Dictionary<(string Kind, string Namespace), List<(int Position, ManifestResource Resource)>> InNamespace(IReadOnlyList<ManifestResource> set) =>
        SetCache<Dictionary<(string Kind, string Namespace), List<(int Position, ManifestResource Resource)>>>.For(set, static set =>
        {
            var byKind = new Dictionary<(string, string), List<(int, ManifestResource)>>();
            for (var i = 0; i < set.Count; i++)
            {
                var key = (set[i].Kind, set[i].NamespaceOrDefault);
                if (!byKind.TryGetValue(key, out var list))
                {
                    byKind[key] = list = [];
                }
                list.Add((i, set[i]));
            }
            return byKind;
        });

    private static Dictionary<string, List<(int Position, ManifestResource Resource)>> For(IReadOnlyList<ManifestResource> set) =>
        SetCache<Dictionary<string, List<(int Position, ManifestResource Resource)>>>.For(set, static set =>
        {
            var byKind = new Dictionary<string, List<(int, ManifestResource)>>(StringComparer.Ordinal);
            for (var i = 0; i < set.Count; i++)
            {
                if (!byKind.TryGetValue(set[i].Kind, out var list))
                {
                    byKind[set[i].Kind] = list = [];
                }
                list.Add((i, set[i]));
            }
            return byKind;
        });
}
