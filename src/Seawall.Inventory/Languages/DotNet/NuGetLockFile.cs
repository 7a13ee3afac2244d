using System.Text.Json;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.DotNet;

/// <summary>
/// packages.lock.json (NuGet's RestorePackagesWithLockFile): per target framework, every resolved package with its
/// type (Direct, Transitive, CentralTransitive, Project) and the packages it depends on.
/// </summary>
internal static class NuGetLockFile
{
    public static List<Package> Parse(byte[] content)
    {
        using var document = DotNetJson.Parse(content);
        var root = document.RootElement;
        // Version 1 is what NuGet writes; 2 adds CentralTransitive for central package management.
        var version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : (int?)null;
        if (version is not (1 or 2))
        {
            throw new InvalidDataException($"unsupported lock file version {(version?.ToString() ?? "(none)")}");
        }
        var packages = new Dictionary<(string, string), (bool Direct, SortedSet<string> DependsOn)>();
        if (DotNetJson.Object(root, "dependencies") is not { } frameworks)
        {
            return [];
        }
        foreach (var framework in frameworks.EnumerateObject())
        {
            if (framework.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            // Dependencies name packages of the same framework; their resolved version is on that package's own entry.
            var resolved = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var spelling = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in framework.Value.EnumerateObject())
            {
                if (DotNetJson.String(entry.Value, "resolved") is { Length: > 0 } r && resolved.TryAdd(entry.Name, r))
                {
                    spelling[entry.Name] = entry.Name;
                }
            }
            foreach (var entry in framework.Value.EnumerateObject())
            {
                var type = DotNetJson.String(entry.Value, "type");
                // A "Project" entry is a project reference of the solution, not a package (Trivy skips it too).
                if (type == "Project" || !resolved.TryGetValue(entry.Name, out var packageVersion))
                {
                    continue;
                }
                var key = (entry.Name, packageVersion);
                if (!packages.TryGetValue(key, out var seen))
                {
                    seen = (false, new SortedSet<string>(StringComparer.Ordinal));
                }
                if (DotNetJson.Object(entry.Value, "dependencies") is { } dependencies)
                {
                    foreach (var dependency in dependencies.EnumerateObject())
                    {
                        // NuGet ids are case-insensitive; the edge names the package the way its own entry spells it.
                        seen.DependsOn.Add(resolved.TryGetValue(dependency.Name, out var dv) ? $"{spelling[dependency.Name]}@{dv}" : dependency.Name);
                    }
                }
                packages[key] = (seen.Direct || type == "Direct", seen.DependsOn);
            }
        }
        return [.. packages.Select(p => new Package
        {
            Name = p.Key.Item1,
            Version = p.Key.Item2,
            Ecosystem = "NuGet",
            Direct = p.Value.Direct,
            DependsOn = [.. p.Value.DependsOn],
        }).OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Version, StringComparer.Ordinal)];
    }
}
