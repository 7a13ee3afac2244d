namespace Seawall.Misconfig.Manifests;

/// <summary>
/// Data derived once from a whole set of manifests (the objects by kind, the NetworkPolicy model, the RBAC graph) and
/// shared by every check of a scan. The last set's value is kept per thread, in a plain field: a scan judges one set
/// at a time on one thread, and a ConditionalWeakTable entry per set (what this replaced) cost a lock and a GC
/// dependent handle per scan, a fifth of the CPU when every manifest was its own set. A caller may reuse one list for
/// several sets (the loader appends to the list it is given), so the value holds only while the list still has the
/// same length and the same first and last objects. The price: the last set scanned on a thread stays reachable
/// until the next scan there.
/// </summary>
internal static class SetCache<T>
    where T : class
{
    private sealed record Entry(IReadOnlyList<ManifestResource> Set, int Count, ManifestResource? First, ManifestResource? Last, T Value);

    [ThreadStatic]
    private static Entry? last;

    public static T For(IReadOnlyList<ManifestResource> set, Func<IReadOnlyList<ManifestResource>, T> build)
    {
        var count = set.Count;
        var first = count > 0 ? set[0] : null;
        var final = count > 0 ? set[count - 1] : null;
        if (last is { } entry && ReferenceEquals(entry.Set, set) && entry.Count == count && ReferenceEquals(entry.First, first) && ReferenceEquals(entry.Last, final))
        {
            return entry.Value;
        }
        var value = build(set);
        last = new Entry(set, count, first, final, value);
        return value;
    }
}
