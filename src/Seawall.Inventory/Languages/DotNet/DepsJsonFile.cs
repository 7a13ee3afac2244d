using System.Text.Json;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.DotNet;

/// <summary>
/// *.deps.json, the dependency manifest the .NET SDK writes beside every built or published app: "libraries" names
/// each package, project and (self-contained) runtime pack as "Name/Version"; "targets" says, per runtime target,
/// which assets each one brings and what it depends on. Read as Trivy's dotnet-core parser reads it.
/// </summary>
internal static class DepsJsonFile
{
    private const string RuntimePackPrefix = "runtimepack.";

    public static List<Package> Parse(byte[] content, List<string> warnings)
    {
        using var document = DotNetJson.Parse(content);
        var root = document.RootElement;
        if (DotNetJson.Object(root, "libraries") is not { } libraries)
        {
            throw new InvalidDataException("has no \"libraries\" object: not a .deps.json file");
        }
        // The runtime target's section; without it every library is taken and no graph is known.
        var targetName = DotNetJson.Object(root, "runtimeTarget") is { } runtimeTarget ? DotNetJson.String(runtimeTarget, "name") : null;
        var target = targetName is not null && DotNetJson.Object(root, "targets") is { } targets ? DotNetJson.Object(targets, targetName) : null;
        var targetLibraries = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (target is { } t)
        {
            foreach (var library in t.EnumerateObject())
            {
                if (DotNetJson.SplitKey(library.Name) is var (name, version))
                {
                    targetLibraries.TryAdd(Id(name, version), library.Value);
                }
            }
        }

        var packages = new Dictionary<string, (Package Package, bool IsProject)>(StringComparer.Ordinal);
        var withoutVersion = new List<string>();
        foreach (var library in libraries.EnumerateObject())
        {
            if (DotNetJson.SplitKey(library.Name) is not var (name, version))
            {
                withoutVersion.Add(library.Name);
                continue;
            }
            var type = DotNetJson.String(library.Value, "type") ?? string.Empty;
            var isProject = type.Equals("project", StringComparison.OrdinalIgnoreCase);
            if (!isProject && !type.Equals("package", StringComparison.OrdinalIgnoreCase) && !type.Equals("runtimepack", StringComparison.OrdinalIgnoreCase))
            {
                // reference assemblies, msbuild projects and the like are not packages.
                continue;
            }
            var id = Id(name, version);
            // A package the app only compiles against (analyzers, reference-only packages) brings no runtime asset.
            if (target is not null && targetLibraries.TryGetValue(id, out var assets) && !HasRuntimeAssets(assets))
            {
                continue;
            }
            packages.TryAdd(id, (new Package { Name = StripRuntimePack(name), Version = version, Ecosystem = "NuGet" }, isProject));
        }
        if (withoutVersion.Count > 0)
        {
            warnings.Add($"libraries without a \"/version\" skipped: {string.Join(", ", withoutVersion.Take(5))}{(withoutVersion.Count > 5 ? ", ..." : string.Empty)}");
        }
        if (target is null)
        {
            return [.. packages.Values.Select(p => p.Package).OrderBy(p => p.Name, StringComparer.Ordinal)];
        }

        // The app itself is the one project no other library depends on; its dependencies are the direct ones.
        var referenced = targetLibraries.Values.SelectMany(DependencyIds).ToHashSet(StringComparer.Ordinal);
        var roots = packages.Where(p => p.Value.IsProject && !referenced.Contains(p.Key)).Select(p => p.Key).ToList();
        var direct = roots.Count == 1 && targetLibraries.TryGetValue(roots[0], out var rootAssets) ? DependencyIds(rootAssets).ToHashSet(StringComparer.Ordinal) : [];
        return [.. packages.Select(p =>
        {
            var dependsOn = targetLibraries.TryGetValue(p.Key, out var assets)
                ? DependencyIds(assets).Where(packages.ContainsKey).Select(d => $"{packages[d].Package.Name}@{packages[d].Package.Version}").Order(StringComparer.Ordinal).ToList()
                : [];
            return p.Value.Package with
            {
                DependsOn = dependsOn,
                // Projects are the app and its own libraries, not dependencies; without a root the file tells nothing.
                Direct = p.Value.IsProject || direct.Count == 0 ? null : direct.Contains(p.Key),
            };
        }).OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Version, StringComparer.Ordinal)];
    }

    /// <summary>Trivy counts a library as runtime when its runtime, runtimeTargets or native section is present.</summary>
    private static bool HasRuntimeAssets(JsonElement assets) =>
        assets.ValueKind == JsonValueKind.Object
        && (Present(assets, "runtime") || Present(assets, "runtimeTargets") || Present(assets, "native"));

    private static bool Present(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);

    private static IEnumerable<string> DependencyIds(JsonElement assets) =>
        DotNetJson.Object(assets, "dependencies") is { } dependencies
            ? dependencies.EnumerateObject().Where(d => d.Value.ValueKind == JsonValueKind.String).Select(d => Id(d.Name, d.Value.GetString()!))
            : [];

    /// <summary>A self-contained app names its bundled runtime "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64"; it is reported without the prefix.</summary>
    private static string StripRuntimePack(string name) =>
        name.StartsWith(RuntimePackPrefix, StringComparison.Ordinal) ? name[RuntimePackPrefix.Length..] : name;

    private static string Id(string name, string version) => StripRuntimePack(name) + "/" + version;
}
