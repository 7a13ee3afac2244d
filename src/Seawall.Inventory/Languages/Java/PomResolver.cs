using System.Text;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Java;

/// <summary>
/// Turns a POM and the parent POMs found beside it into packages, offline: ${properties} from the POM, its parents
/// and the project model (project.version, project.parent.version, ...), versions from dependencyManagement, ranges
/// to their lower bound. Nothing is fetched from a repository; what only a remote POM would tell stays unresolved.
/// </summary>
internal static class PomResolver
{
    private const int MaxInterpolationDepth = 10;
    private const int MaxInterpolatedLength = 64 * 1024;

    /// <param name="parents">The parent chain that was found locally, nearest first.</param>
    /// <param name="unresolved">Dependencies whose version needs a POM that is not here, as "group:artifact (why)".</param>
    public static List<Package> Resolve(PomFile pom, IReadOnlyList<PomFile> parents, out List<string> unresolved)
    {
        var properties = EffectiveProperties(pom, parents);
        unresolved = [];

        // Managed versions: this POM's win over its parents'. BOM imports (scope import) would need the BOM itself.
        var managed = new Dictionary<string, (string? Version, string? Scope)>(StringComparer.Ordinal);
        foreach (var dependency in pom.ManagedDependencies.Concat(parents.SelectMany(p => p.ManagedDependencies)))
        {
            if (dependency.Scope != "import")
            {
                managed.TryAdd(NameOf(dependency, properties), (dependency.Version is { } v ? Interpolate(v, properties) : null, dependency.Scope));
            }
        }

        var packages = new List<Package>();
        var declared = new HashSet<string>(StringComparer.Ordinal);
        // A module inherits its parents' dependencies; its own declaration of the same artifact wins.
        foreach (var dependency in pom.Dependencies.Concat(parents.SelectMany(p => p.Dependencies)))
        {
            var name = NameOf(dependency, properties);
            if (!declared.Add(name))
            {
                continue;
            }
            var managedEntry = managed.GetValueOrDefault(name);
            var version = dependency.Version is { } explicitVersion ? Interpolate(explicitVersion, properties) : managedEntry.Version;
            var scope = dependency.Scope ?? managedEntry.Scope;
            packages.Add(MavenPackage(name, Concrete(name, version, unresolved), scope, dependency.Optional, direct: true));
        }
        // osv-scanner also reports what this POM's own dependencyManagement pins (a parent POM pins versions for its
        // modules this way); inherited pins only lend versions. Whether they are used is not known here: Direct stays null.
        foreach (var dependency in pom.ManagedDependencies)
        {
            var name = NameOf(dependency, properties);
            if (dependency.Scope != "import" && declared.Add(name))
            {
                var version = dependency.Version is { } v ? Interpolate(v, properties) : null;
                packages.Add(MavenPackage(name, Concrete(name, version, unresolved), dependency.Scope, dependency.Optional, direct: null));
            }
        }
        return packages;
    }

    private static Package MavenPackage(string name, string version, string? scope, bool optional, bool? direct) => new()
    {
        Name = name,
        Version = version,
        Ecosystem = "Maven",
        Direct = direct,
        Dev = scope == "test",
        Optional = optional,
    };

    private static string NameOf(PomDependency dependency, IReadOnlyDictionary<string, string> properties) =>
        Interpolate(dependency.GroupId, properties) + ":" + Interpolate(dependency.ArtifactId, properties);

    /// <summary>
    /// The version a scanner can match: a range gives its lower bound ("[9.4.35,9.5)" → "9.4.35", as osv-scanner
    /// does); an unresolved ${property} or a missing version gives "" and is listed in <paramref name="unresolved"/>.
    /// </summary>
    private static string Concrete(string name, string? version, List<string> unresolved)
    {
        if (version is null)
        {
            unresolved.Add($"{name} (no version here or in a local parent's dependencyManagement)");
            return string.Empty;
        }
        if (version.Contains("${", StringComparison.Ordinal))
        {
            unresolved.Add($"{name} ({version})");
            return string.Empty;
        }
        if (version.StartsWith('[') || version.StartsWith('('))
        {
            var end = version.IndexOfAny([',', ']', ')'], 1);
            var lower = (end < 0 ? version[1..] : version[1..end]).Trim();
            if (lower.Length == 0)
            {
                unresolved.Add($"{name} ({version} has no lower bound)");
            }
            return lower;
        }
        return version;
    }

    /// <summary>Properties of the parents (farthest first), then the POM's own, then the project model's fields.</summary>
    private static Dictionary<string, string> EffectiveProperties(PomFile pom, IReadOnlyList<PomFile> parents)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in parents.Reverse().Append(pom))
        {
            foreach (var (key, value) in source.Properties)
            {
                properties[key] = value;
            }
        }
        var model = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["groupId"] = pom.GroupId ?? pom.ParentGroupId,
            ["artifactId"] = pom.ArtifactId,
            ["version"] = pom.Version ?? pom.ParentVersion,
            ["parent.groupId"] = pom.ParentGroupId,
            ["parent.artifactId"] = pom.ParentArtifactId,
            ["parent.version"] = pom.ParentVersion,
        };
        foreach (var (key, value) in model)
        {
            if (value is null)
            {
                continue;
            }
            // project.* is the modern spelling; pom.* and the bare names are Maven 2's, still honoured by Maven 3.
            properties["project." + key] = value;
            properties["pom." + key] = value;
            properties.TryAdd(key, value);
        }
        return properties;
    }

    /// <summary>Replaces every ${name} it can, recursively (a property may name another), leaving unknown ones as written.</summary>
    internal static string Interpolate(string value, IReadOnlyDictionary<string, string> properties)
    {
        for (var round = 0; round < MaxInterpolationDepth && value.Contains("${", StringComparison.Ordinal); round++)
        {
            var result = new StringBuilder(value.Length);
            var at = 0;
            var changed = false;
            while (at < value.Length)
            {
                var start = value.IndexOf("${", at, StringComparison.Ordinal);
                var end = start < 0 ? -1 : value.IndexOf('}', start + 2);
                if (end < 0)
                {
                    result.Append(value, at, value.Length - at);
                    break;
                }
                result.Append(value, at, start - at);
                var key = value[(start + 2)..end];
                if (properties.TryGetValue(key, out var replacement))
                {
                    result.Append(replacement);
                    changed = true;
                }
                else
                {
                    result.Append(value, start, end + 1 - start);
                }
                at = end + 1;
            }
            value = result.ToString();
            // Properties that double each other ("${a}${a}") would grow without bound.
            if (!changed || value.Length > MaxInterpolatedLength)
            {
                break;
            }
        }
        return value;
    }
}
