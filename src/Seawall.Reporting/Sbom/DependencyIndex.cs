using Seawall.Core.Model;

namespace Seawall.Reporting.Sbom;

/// <summary>
/// Resolves a package's DependsOn entries to ids within its result: "name@version" where the format resolved the
/// version (lockfiles, where one name can be installed at several versions), else the first package of that name.
/// </summary>
public static class DependencyIndex
{
    public static Func<string, string?> For<T>(IEnumerable<T> members, Func<T, Package> package, Func<T, string> id)
    {
        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            var p = package(member);
            index.TryAdd(p.Name, id(member));
            index.TryAdd(p.Name + "@" + p.Version, id(member));
        }
        return key => index.GetValueOrDefault(key);
    }
}
