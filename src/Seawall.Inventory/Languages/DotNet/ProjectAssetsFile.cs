using System.Text.Json;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.DotNet;

/// <summary>
/// obj/project.assets.json, NuGet's restore output: "libraries" lists every package (and project reference) restored,
/// "targets" the graph per framework, "project.frameworks.*.dependencies" the PackageReferences the project declares.
/// </summary>
internal static class ProjectAssetsFile
{
    public static List<Package> Parse(byte[] content, List<string> warnings)
    {
        using var document = DotNetJson.Parse(content);
        var root = document.RootElement;
        if (DotNetJson.Object(root, "libraries") is not { } libraries)
        {
            throw new InvalidDataException("has no \"libraries\" object: not a project.assets.json file");
        }
        var declared = DeclaredReferences(root);
        var graph = Graph(root);
        var packages = new List<Package>();
        foreach (var library in libraries.EnumerateObject())
        {
            // Project references are the solution's own code, not packages.
            if (DotNetJson.String(library.Value, "type") != "package")
            {
                continue;
            }
            if (DotNetJson.SplitKey(library.Name) is not var (name, version))
            {
                warnings.Add($"library '{library.Name}' has no version; skipped");
                continue;
            }
            packages.Add(new Package
            {
                Name = name,
                Version = version,
                Ecosystem = "NuGet",
                Direct = declared is null ? null : declared.Contains(name),
                DependsOn = [.. graph.GetValueOrDefault(library.Name, []).Order(StringComparer.Ordinal)],
            });
        }
        return [.. packages.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Version, StringComparer.Ordinal)];
    }

    /// <summary>Package names the project references itself, in any framework; null when the file has no project section.</summary>
    private static HashSet<string>? DeclaredReferences(JsonElement root)
    {
        if (DotNetJson.Object(root, "project") is not { } project || DotNetJson.Object(project, "frameworks") is not { } frameworks)
        {
            return null;
        }
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var framework in frameworks.EnumerateObject())
        {
            if (DotNetJson.Object(framework.Value, "dependencies") is { } dependencies)
            {
                foreach (var dependency in dependencies.EnumerateObject())
                {
                    names.Add(dependency.Name);
                }
            }
        }
        return names;
    }

    /// <summary>"Name/Version" → the "name@version" of each package it depends on, resolved within each target framework.</summary>
    private static Dictionary<string, HashSet<string>> Graph(JsonElement root)
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        if (DotNetJson.Object(root, "targets") is not { } targets)
        {
            return graph;
        }
        foreach (var target in targets.EnumerateObject().Where(t => t.Value.ValueKind == JsonValueKind.Object))
        {
            // Dependencies give version ranges; the version restored is the one this target lists for that name.
            var restored = new Dictionary<string, (string Name, string Version)>(StringComparer.OrdinalIgnoreCase);
            foreach (var library in target.Value.EnumerateObject())
            {
                if (DotNetJson.SplitKey(library.Name) is var (name, version))
                {
                    restored.TryAdd(name, (name, version));
                }
            }
            foreach (var library in target.Value.EnumerateObject())
            {
                if (DotNetJson.Object(library.Value, "dependencies") is not { } dependencies)
                {
                    continue;
                }
                if (!graph.TryGetValue(library.Name, out var edges))
                {
                    graph[library.Name] = edges = new HashSet<string>(StringComparer.Ordinal);
                }
                foreach (var dependency in dependencies.EnumerateObject())
                {
                    if (restored.TryGetValue(dependency.Name, out var resolved))
                    {
                        edges.Add($"{resolved.Name}@{resolved.Version}");
                    }
                }
            }
        }
        return graph;
    }
}
