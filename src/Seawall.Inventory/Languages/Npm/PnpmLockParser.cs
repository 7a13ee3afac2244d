using System.Globalization;
using Seawall.Core.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Seawall.Inventory.Languages.Npm;

/// <summary>
/// pnpm-lock.yaml, lockfile versions 5 to 9. Packages are keyed by a dependency path whose syntax changed:
/// v5 "/name/1.0.0_peer@2.0.0" (or "registry.host/name/1.0.0"), v6-v8 "/name@1.0.0(peer@2.0.0)", v9
/// "name@1.0.0" in "packages" with the peer-resolved copies, and their dependencies, in "snapshots". Local,
/// tarball and git packages carry "name" and "version" fields instead. The project's own dependencies are the
/// top-level dependencies/devDependencies/optionalDependencies (one project) or "importers" (workspaces, v9).
/// Read with YamlDotNet's representation model: no reflection, so the Native AOT CLI can use it.
/// </summary>
internal static class PnpmLockParser
{
    private static readonly string[] ImporterSections = ["dependencies", "optionalDependencies", "devDependencies"];

    private sealed record Entry(string Key, NpmPackageDraft Draft, YamlMappingNode? Node);

    public static IReadOnlyList<Package> Parse(string text, List<string> problems)
    {
        var root = LoadLastDocument(text);
        if (root is null)
        {
            return [];
        }
        var lockVersion = LockfileVersion(root);
        var packages = Child(root, "packages") as YamlMappingNode;
        var snapshots = Child(root, "snapshots") as YamlMappingNode;
        var v9 = lockVersion >= 9;

        // Each package key -> its draft; keys that give no name and version are not packages (osv-scanner and Trivy skip them).
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in Pairs(packages))
        {
            var key = Scalar(keyNode);
            if (key is null)
            {
                continue;
            }
            var node = valueNode as YamlMappingNode;
            var name = ScalarOf(node, "name");
            var version = ScalarOf(node, "version");
            if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(version))
            {
                var (keyName, keyVersion, valid) = ParseKey(key, lockVersion);
                if (!valid && string.IsNullOrEmpty(name))
                {
                    problems.Add($"invalid package path '{key}'");
                    continue;
                }
                name = string.IsNullOrEmpty(name) ? keyName : name;
                version = string.IsNullOrEmpty(version) ? keyVersion : version;
            }
            if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(version))
            {
                continue;
            }
            var resolution = Child(node, "resolution") as YamlMappingNode;
            var commit = ScalarOf(resolution, "commit") is { Length: > 0 } pinned ? pinned : NpmCommit.From(ScalarOf(resolution, "tarball"));
            var draft = new NpmPackageDraft(name, version, commit)
            {
                Dev = ScalarOf(node, "dev") == "true",
                Optional = ScalarOf(node, "optional") == "true",
            };
            entries[key] = new Entry(key, draft, node);
        }

        // v9 dependency edges live in snapshots ("name@1.0.0(peer@2)" -> package "name@1.0.0").
        var byKey = new Dictionary<string, Entry>(entries, StringComparer.Ordinal);
        var edgeSources = new List<(Entry Entry, YamlMappingNode? Node)>();
        if (v9)
        {
            foreach (var (keyNode, valueNode) in Pairs(snapshots))
            {
                if (Scalar(keyNode) is { } snapshotKey && entries.TryGetValue(WithoutPeers(snapshotKey, lockVersion), out var entry))
                {
                    byKey.TryAdd(snapshotKey, entry);
                    var snapshot = valueNode as YamlMappingNode;
                    if (ScalarOf(snapshot, "optional") == "true")
                    {
                        entry.Draft.Optional = true;
                    }
                    edgeSources.Add((entry, snapshot));
                }
            }
        }
        else
        {
            edgeSources.AddRange(entries.Values.Select(e => (e, e.Node)));
        }

        Entry? Resolve(string depName, string reference)
        {
            if (reference.StartsWith("link:", StringComparison.Ordinal))
            {
                return null;
            }
            string[] candidates = v9
                ? [$"{depName}@{reference}", reference]
                : lockVersion >= 6
                    ? [$"/{depName}@{reference}", reference, $"/{reference}"]
                    : [$"/{depName}/{reference}", reference, $"/{reference}"];
            foreach (var candidate in candidates)
            {
                if (byKey.TryGetValue(candidate, out var found))
                {
                    return found;
                }
            }
            return null;
        }

        var flags = new DependencyFlags();
        foreach (var (entry, node) in edgeSources)
        {
            foreach (var section in new[] { "dependencies", "optionalDependencies" })
            {
                foreach (var (depName, reference) in ScalarMap(Child(node, section)))
                {
                    if (Resolve(depName, reference) is { } target)
                    {
                        entry.Draft.DependsOn.Add(target.Draft.Id);
                        flags.AddEdge(entry.Draft.Id, target.Draft.Id, section == "optionalDependencies");
                    }
                }
            }
        }

        // The project's dependencies: "importers" (workspaces; always in v9) or the top level (one project, v5-v8).
        var projects = Child(root, "importers") is YamlMappingNode importers
            ? importers.Children.Values.OfType<YamlMappingNode>().ToList()
            : [root];
        var told = false;
        var direct = new HashSet<string>(StringComparer.Ordinal);
        foreach (var project in projects)
        {
            foreach (var section in ImporterSections)
            {
                if (Child(project, section) is not YamlMappingNode dependencies)
                {
                    continue;
                }
                told = true;
                foreach (var (keyNode, valueNode) in dependencies.Children)
                {
                    // v5: "name: 1.0.0"; v6+: "name: {specifier: ^1.0.0, version: 1.0.0}".
                    var reference = valueNode is YamlMappingNode detail ? ScalarOf(detail, "version") : Scalar(valueNode);
                    if (Scalar(keyNode) is { } depName && reference is not null && Resolve(depName, reference) is { } target)
                    {
                        direct.Add(target.Draft.Id);
                        flags.AddRoot(target.Draft.Id, section switch
                        {
                            "devDependencies" => RootKind.Dev,
                            "optionalDependencies" => RootKind.Optional,
                            _ => RootKind.Prod,
                        });
                    }
                }
            }
        }
        flags.Compute();

        var set = new NpmPackageSet();
        foreach (var entry in entries.Values)
        {
            var draft = entry.Draft;
            draft.Direct = told ? direct.Contains(draft.Id) : null;
            if (v9)
            {
                // v9 dropped the per-package dev and optional fields: the graph from the importers tells them.
                var (dev, optional) = flags.FlagsOf(draft.Id);
                draft.Dev = dev;
                draft.Optional |= optional;
            }
            set.Add(draft);
        }
        return set.ToPackages();
    }

    /// <summary>The lockfile mapping: the last YAML document (pnpm 9 can put an environment document first).</summary>
    private static YamlMappingNode? LoadLastDocument(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new NpmLockfileException($"not valid YAML (line {ex.Start.Line}): {NpmLockParser.FirstLine(ex.Message)}");
        }
        if (stream.Documents.Count == 0)
        {
            return null;
        }
        return stream.Documents[^1].RootNode switch
        {
            YamlMappingNode mapping => mapping,
            YamlScalarNode { Value: null or "" } => null,
            _ => throw new NpmLockfileException("not a pnpm lockfile: the top level is not a mapping"),
        };
    }

    private static double LockfileVersion(YamlMappingNode root)
    {
        var text = ScalarOf(root, "lockfileVersion");
        if (text is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var version))
        {
            return version;
        }
        // Without a version, the shape tells: snapshots exist only from v9 on.
        return Child(root, "snapshots") is not null ? 9 : 5;
    }

    /// <summary>Name and version from a dependency path; valid is false for a path pnpm cannot have written.</summary>
    internal static (string? Name, string? Version, bool Valid) ParseKey(string key, double lockVersion)
    {
        var path = key;
        if (path.StartsWith("file:", StringComparison.Ordinal) || path.StartsWith("link:", StringComparison.Ordinal))
        {
            // Local folders and tarballs never encode a version in their path; their name and version fields do.
            return (null, null, true);
        }
        if (lockVersion < 9)
        {
            if (path.StartsWith('/'))
            {
                path = path[1..];
            }
            else
            {
                // "registry.npmjs.org/foo/1.1.0", "example.com/@s/foo/1.0.0": a registry host first.
                var slash = path.IndexOf('/', StringComparison.Ordinal);
                if (slash < 0)
                {
                    return (null, null, lockVersion >= 6);
                }
                path = path[(slash + 1)..];
            }
        }
        var scope = string.Empty;
        if (path.StartsWith('@'))
        {
            var slash = path.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                return (null, null, false);
            }
            scope = path[..(slash + 1)];
            path = path[(slash + 1)..];
        }
        var separator = lockVersion < 6 ? '/' : '@';
        var cut = path.IndexOf(separator, StringComparison.Ordinal);
        if (cut <= 0)
        {
            return (scope + path, null, true);
        }
        var name = scope + path[..cut];
        var version = WithoutPeers(path[(cut + 1)..], lockVersion);
        // "github.com/kevva/is-positive", "/foo/bar": no version in the path.
        return (name, version.Length > 0 && char.IsAsciiDigit(version[0]) ? version : null, true);
    }

    /// <summary>Drops the peer suffix: v5 "1.0.0_react@18.2.0", v6+ "1.0.0(react@18.2.0)".</summary>
    private static string WithoutPeers(string value, double lockVersion)
    {
        var cut = lockVersion < 6 ? value.IndexOf('_', StringComparison.Ordinal) : value.IndexOf('(', StringComparison.Ordinal);
        return cut >= 0 ? value[..cut] : value;
    }

    private static IEnumerable<KeyValuePair<YamlNode, YamlNode>> Pairs(YamlMappingNode? mapping) =>
        mapping?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>();

    private static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlNode? node) => (node as YamlScalarNode)?.Value;

    private static string? ScalarOf(YamlNode? node, string key) => Scalar(Child(node, key));

    private static IEnumerable<(string Name, string Value)> ScalarMap(YamlNode? node)
    {
        if (node is not YamlMappingNode mapping)
        {
            yield break;
        }
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (Scalar(keyNode) is { } name && Scalar(valueNode) is { } value)
            {
                yield return (name, value);
            }
        }
    }
}
