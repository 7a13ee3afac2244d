using System.Text.Json;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Npm;

/// <summary>
/// package-lock.json and npm-shrinkwrap.json. Version 1 nests packages under "dependencies" (each level a
/// node_modules folder, "requires" naming what a package needs); versions 2 and 3 list every installed folder
/// under "packages", keyed by its node_modules path, with "" the project itself and link entries for workspaces and
/// local folders. When both are present (v2) "packages" is read: it is the complete one.
/// </summary>
internal static class NpmLockParser
{
    private const string NodeModules = "node_modules/";

    /// <param name="manifest">The package.json beside the lockfile, which names the direct dependencies of a v1 lockfile.</param>
    public static IReadOnlyList<Package> Parse(ReadOnlyMemory<byte> content, PackageManifest? manifest)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(PackageManifest.WithoutBom(content), PackageManifest.JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new NpmLockfileException($"not valid JSON (line {(ex.LineNumber ?? 0) + 1}): {FirstLine(ex.Message)}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new NpmLockfileException("not an npm lockfile: the top level is not an object");
            }
            if (root.TryGetProperty("packages", out var packages) && packages.ValueKind == JsonValueKind.Object)
            {
                return ParsePackages(packages);
            }
            if (root.TryGetProperty("dependencies", out var dependencies) && dependencies.ValueKind == JsonValueKind.Object)
            {
                return ParseDependencies(dependencies, manifest);
            }
            return [];
        }
    }

    internal static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end >= 0 ? message[..end] : message;
    }

    // ---- lockfileVersion 2 and 3 -------------------------------------------------------------------------------

    private static IReadOnlyList<Package> ParsePackages(JsonElement packages)
    {
        var entries = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in packages.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                entries[property.Name] = property.Value;
            }
        }
        // Links (workspaces, "file:" folders): node_modules/<name> -> the folder that holds the package.
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        var linkedFrom = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, entry) in entries)
        {
            if (PackageManifest.BoolOf(entry, "link") && PackageManifest.StringOf(entry, "resolved") is { Length: > 0 } target)
            {
                links[path] = target;
                linkedFrom.TryAdd(target, path);
            }
        }

        var drafts = new Dictionary<string, NpmPackageDraft>(StringComparer.Ordinal);
        foreach (var (path, entry) in entries)
        {
            if (path.Length == 0 || links.ContainsKey(path))
            {
                continue;
            }
            var name = PackageManifest.StringOf(entry, "name") is { Length: > 0 } own ? own
                : NameFromPath(linkedFrom.GetValueOrDefault(path) ?? path);
            var commit = NpmCommit.From(PackageManifest.StringOf(entry, "resolved"));
            var devOptional = PackageManifest.BoolOf(entry, "devOptional");
            drafts[path] = new NpmPackageDraft(name, PackageManifest.StringOf(entry, "version") ?? string.Empty, commit)
            {
                Dev = PackageManifest.BoolOf(entry, "dev"),
                // devOptional: needed by dev and, optionally, by production; an optional production package, not a dev one.
                Optional = PackageManifest.BoolOf(entry, "optional") || devOptional,
                Licenses = PackageManifest.LicensesOf(entry),
            };
        }

        // Direct: what the project and each of its workspaces or linked folders asks for.
        var hasRoot = entries.ContainsKey(string.Empty);
        var direct = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, entry) in entries)
        {
            if (path.Length != 0 && !linkedFrom.ContainsKey(path))
            {
                continue;
            }
            foreach (var dependency in DeclaredNames(entry))
            {
                if (Resolve(path, dependency, entries, links) is { } found)
                {
                    direct.Add(found);
                }
            }
        }

        var set = new NpmPackageSet();
        foreach (var (path, draft) in drafts)
        {
            draft.Direct = hasRoot ? direct.Contains(path) : null;
            var entry = entries[path];
            foreach (var dependency in RuntimeNames(entry))
            {
                if (Resolve(path, dependency, entries, links) is { } found && drafts.TryGetValue(found, out var target))
                {
                    draft.DependsOn.Add(target.Id);
                }
            }
            set.Add(draft);
        }
        return set.ToPackages();
    }

    /// <summary>Node's lookup: &lt;dir&gt;/node_modules/&lt;name&gt;, then each parent folder's node_modules up to the root; links followed.</summary>
    private static string? Resolve(string fromPath, string name, Dictionary<string, JsonElement> entries, Dictionary<string, string> links)
    {
        var dir = fromPath;
        while (true)
        {
            var candidate = dir.Length == 0 ? NodeModules + name : dir + "/" + NodeModules + name;
            if (entries.ContainsKey(candidate))
            {
                return links.TryGetValue(candidate, out var target) ? (entries.ContainsKey(target) ? target : null) : candidate;
            }
            if (dir.Length == 0)
            {
                return null;
            }
            var slash = dir.LastIndexOf('/');
            dir = slash < 0 ? string.Empty : dir[..slash];
        }
    }

    /// <summary>The package name a node_modules path installs: "node_modules/a/node_modules/@s/b" is "@s/b"; a plain folder gives its last name.</summary>
    internal static string NameFromPath(string path)
    {
        var cut = path.LastIndexOf(NodeModules, StringComparison.Ordinal);
        if (cut >= 0 && (cut == 0 || path[cut - 1] == '/'))
        {
            return path[(cut + NodeModules.Length)..];
        }
        var last = path.LastIndexOf('/');
        if (last > 0)
        {
            var previous = path.LastIndexOf('/', last - 1);
            var parent = path[(previous + 1)..last];
            if (parent.StartsWith('@'))
            {
                return path[(previous + 1)..];
            }
        }
        return path[(last + 1)..];
    }

    private static IEnumerable<string> DeclaredNames(JsonElement entry) =>
        PackageManifest.MapOf(entry, "dependencies").Keys
            .Concat(PackageManifest.MapOf(entry, "devDependencies").Keys)
            .Concat(PackageManifest.MapOf(entry, "optionalDependencies").Keys)
            .Concat(PackageManifest.MapOf(entry, "peerDependencies").Keys)
            .Distinct(StringComparer.Ordinal);

    /// <summary>What an installed package needs at run time (its own devDependencies are not installed).</summary>
    private static IEnumerable<string> RuntimeNames(JsonElement entry) =>
        PackageManifest.MapOf(entry, "dependencies").Keys
            .Concat(PackageManifest.MapOf(entry, "optionalDependencies").Keys)
            .Concat(PackageManifest.MapOf(entry, "peerDependencies").Keys)
            .Distinct(StringComparer.Ordinal);

    // ---- lockfileVersion 1 -----------------------------------------------------------------------------------------

    /// <summary>One node_modules level of a v1 lockfile: folder name -> package, with the level above for lookups.</summary>
    private sealed class Scope(Scope? parent)
    {
        public Scope? Parent { get; } = parent;
        public Dictionary<string, (NpmPackageDraft Draft, Scope Children, JsonElement Entry)> Packages { get; } = new(StringComparer.Ordinal);
    }

    private static IReadOnlyList<Package> ParseDependencies(JsonElement dependencies, PackageManifest? manifest)
    {
        var top = new Scope(null);
        Collect(dependencies, top);
        var declared = manifest is null ? null : new HashSet<string>(
            manifest.Dependencies.Keys.Concat(manifest.DevDependencies.Keys).Concat(manifest.OptionalDependencies.Keys).Concat(manifest.PeerDependencies.Keys),
            StringComparer.Ordinal);
        var set = new NpmPackageSet();
        AddScope(top, set, declared, isTop: true);
        return set.ToPackages();
    }

    private static void Collect(JsonElement dependencies, Scope scope)
    {
        foreach (var property in dependencies.EnumerateObject())
        {
            var entry = property.Value;
            if (entry.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            var name = property.Name;
            var raw = PackageManifest.StringOf(entry, "version") ?? string.Empty;
            var version = raw;
            string? commit = null;
            if (raw.StartsWith("npm:", StringComparison.Ordinal))
            {
                // An alias: the folder is "string-width-cjs", the package is "npm:string-width@4.2.0".
                var at = raw.LastIndexOf('@');
                if (at > "npm:".Length)
                {
                    name = raw["npm:".Length..at];
                    version = raw[(at + 1)..];
                }
            }
            else if (raw.StartsWith("file:", StringComparison.Ordinal))
            {
                // A local folder: the lockfile does not say which version it holds.
                version = string.Empty;
            }
            else if ((commit = NpmCommit.From(raw)) is not null)
            {
                // A git dependency: the version field is the repository URL; the version it holds is not recorded.
                version = string.Empty;
            }
            var children = new Scope(scope);
            var draft = new NpmPackageDraft(name, version, commit)
            {
                Dev = PackageManifest.BoolOf(entry, "dev"),
                Optional = PackageManifest.BoolOf(entry, "optional"),
            };
            scope.Packages[property.Name] = (draft, children, entry);
            if (entry.TryGetProperty("dependencies", out var nested) && nested.ValueKind == JsonValueKind.Object)
            {
                Collect(nested, children);
            }
        }
    }

    private static void AddScope(Scope scope, NpmPackageSet set, HashSet<string>? declared, bool isTop)
    {
        foreach (var (folder, (draft, children, entry)) in scope.Packages)
        {
            draft.Direct = declared is null ? null : isTop && declared.Contains(folder);
            foreach (var required in PackageManifest.MapOf(entry, "requires").Keys)
            {
                for (var look = children; look is not null; look = look.Parent)
                {
                    if (look.Packages.TryGetValue(required, out var target))
                    {
                        draft.DependsOn.Add(target.Draft.Id);
                        break;
                    }
                }
            }
            set.Add(draft);
            AddScope(children, set, declared, isTop: false);
        }
    }
}
