using System.Text;

namespace Seawall.Inventory.Languages.Npm;

/// <summary>One entry of a yarn.lock: the specifiers that resolve to it ("a@^1.0.0", "a@~1.2.0"), its fields and maps.</summary>
internal sealed class YarnEntry(IReadOnlyList<string> patterns, int line)
{
    public IReadOnlyList<string> Patterns { get; } = patterns;
    public int Line { get; } = line;
    public Dictionary<string, string> Fields { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, Dictionary<string, string>> Maps { get; } = new(StringComparer.Ordinal);
    /// <summary>Berry marks optional dependencies in dependenciesMeta rather than in optionalDependencies.</summary>
    public HashSet<string> OptionalMeta { get; } = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Map(string name) =>
        Maps.TryGetValue(name, out var map) ? map : (IReadOnlyDictionary<string, string>)EmptyMap;

    private static readonly Dictionary<string, string> EmptyMap = new(StringComparer.Ordinal);
}

/// <summary>A read yarn.lock: classic (v1, its own indented format) or berry (v2+, YAML with a __metadata entry).</summary>
internal sealed class YarnLock(IReadOnlyList<YarnEntry> entries, bool berry, IReadOnlyList<string> problems)
{
    public IReadOnlyList<YarnEntry> Entries { get; } = entries;
    public bool Berry { get; } = berry;
    /// <summary>Malformed lines, each "line N: what"; the entries around them are still read.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;

    /// <summary>Berry workspace folders, relative to the lockfile ("." is the project itself).</summary>
    public IEnumerable<string> WorkspacePaths =>
        Berry
            ? Entries.Select(e => YarnLockParser.SplitPattern(e.Fields.GetValueOrDefault("resolution") ?? string.Empty).Range)
                .Where(r => r.StartsWith("workspace:", StringComparison.Ordinal))
                .Select(r => r["workspace:".Length..])
                .Distinct(StringComparer.Ordinal)
            : [];
}

/// <summary>
/// yarn.lock, classic and berry, read line by line: both are an indented "key value" tree two levels deep, which a
/// full YAML parser would not read for the classic format. Berry entries for workspaces, patches, links and portals
/// are not packages (Trivy and osv-scanner skip them too; a patch repeats the package it patches).
/// </summary>
internal static class YarnLockParser
{
    private static readonly string[] NotPackageProtocols = ["workspace:", "patch:", "link:", "portal:"];

    public static YarnLock Read(string text)
    {
        var entries = new List<YarnEntry>();
        var problems = new List<string>();
        var berry = false;
        YarnEntry? current = null;
        string? level2 = null;
        string? level4 = null;
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r', ' ', '\t');
            var indent = 0;
            while (indent < line.Length && line[indent] == ' ')
            {
                indent++;
            }
            if (indent == line.Length || line[indent] == '#')
            {
                continue;
            }
            var body = line[indent..];
            if (indent == 0)
            {
                level2 = level4 = null;
                if (!body.EndsWith(':'))
                {
                    problems.Add($"line {lineNumber}: expected an entry key ending in ':'");
                    current = null;
                    continue;
                }
                var key = body[..^1];
                if (key is "__metadata" or "\"__metadata\"")
                {
                    berry = true;
                    current = null;
                    continue;
                }
                current = new YarnEntry(SplitPatterns(key), lineNumber);
                entries.Add(current);
                continue;
            }
            if (current is null)
            {
                continue;
            }
            if (!SplitField(body, out var name, out var value))
            {
                problems.Add($"line {lineNumber}: unreadable field");
                continue;
            }
            if (indent == 2)
            {
                level4 = null;
                if (value is null)
                {
                    level2 = name;
                }
                else
                {
                    level2 = null;
                    current.Fields[name] = value;
                }
            }
            else if (indent == 4 && level2 is not null)
            {
                if (value is null)
                {
                    level4 = name;
                    continue;
                }
                level4 = null;
                if (!current.Maps.TryGetValue(level2, out var map))
                {
                    current.Maps[level2] = map = new Dictionary<string, string>(StringComparer.Ordinal);
                }
                map[name] = value;
            }
            else if (indent == 6 && level2 == "dependenciesMeta" && level4 is not null && name == "optional" && value == "true")
            {
                current.OptionalMeta.Add(level4);
            }
        }
        return new YarnLock(entries, berry, problems);
    }

    /// <summary>"a@^1, a@^1.2" and "\"a@npm:^1, a@npm:^1.2\"" (berry quotes the whole list) into single specifiers.</summary>
    internal static List<string> SplitPatterns(string key)
    {
        var result = new List<string>();
        var i = 0;
        while (i < key.Length)
        {
            while (i < key.Length && key[i] is ' ' or ',')
            {
                i++;
            }
            if (i >= key.Length)
            {
                break;
            }
            string item;
            if (key[i] == '"')
            {
                item = ReadQuoted(key, i, out i);
            }
            else
            {
                var end = key.IndexOf(',', i);
                end = end < 0 ? key.Length : end;
                item = key[i..end];
                i = end;
            }
            foreach (var part in item.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                result.Add(part);
            }
        }
        return result;
    }

    /// <summary>A field line: classic `version "1.0.0"`, berry `version: 1.0.0`, either quoted. Value null for a map opener.</summary>
    private static bool SplitField(string body, out string name, out string? value)
    {
        int end;
        if (body[0] == '"')
        {
            name = ReadQuoted(body, 0, out end);
        }
        else
        {
            end = 0;
            while (end < body.Length && body[end] != ' ' && !(body[end] == ':' && (end + 1 == body.Length || body[end + 1] == ' ')))
            {
                end++;
            }
            name = body[..end];
        }
        if (name.Length == 0)
        {
            value = null;
            return false;
        }
        var rest = body[end..];
        if (rest.StartsWith(':'))
        {
            rest = rest[1..];
        }
        rest = rest.Trim();
        value = rest.Length == 0 ? null : Unquote(rest);
        return true;
    }

    private static string Unquote(string value)
    {
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            return ReadQuoted(value, 0, out _);
        }
        if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'')
        {
            return value[1..^1].Replace("''", "'", StringComparison.Ordinal);
        }
        return value;
    }

    /// <summary>A double-quoted string starting at <paramref name="start"/>, with \" and \\ escapes; <paramref name="end"/> is past the closing quote.</summary>
    private static string ReadQuoted(string text, int start, out int end)
    {
        var sb = new StringBuilder();
        var i = start + 1;
        while (i < text.Length && text[i] != '"')
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
            }
            sb.Append(text[i]);
            i++;
        }
        end = Math.Min(i + 1, text.Length);
        return sb.ToString();
    }

    /// <summary>"@scope/name@range" into name and range; range empty when there is none.</summary>
    internal static (string Name, string Range) SplitPattern(string pattern)
    {
        var at = pattern.IndexOf('@', pattern.StartsWith('@') ? 1 : 0);
        return at <= 0 ? (pattern, string.Empty) : (pattern[..at], pattern[(at + 1)..]);
    }

    /// <summary>The package an alias specifier installs: "npm:@babel/code-frame@^7" is @babel/code-frame.</summary>
    private static string RealName(string name, string range)
    {
        if (!range.StartsWith("npm:", StringComparison.Ordinal))
        {
            return name;
        }
        var target = range["npm:".Length..];
        var at = target.LastIndexOf('@');
        // "npm:other@^1" and "npm:@s/other@^1" are aliases; "npm:^1.0.0" is a plain range with the protocol written out.
        return at > 0 ? target[..at] : at == 0 ? target : name;
    }

    /// <summary>Builds the packages of a read lockfile; manifests maps workspace folders ("" the project) to their package.json.</summary>
    public static NpmPackageSet Packages(YarnLock yarnLock, IReadOnlyDictionary<string, PackageManifest> manifests, List<string> problems)
    {
        // Pass 1: each entry's package identity, and every specifier -> that identity.
        var byPattern = new Dictionary<string, string>(StringComparer.Ordinal);
        var drafts = new List<(YarnEntry Entry, NpmPackageDraft Draft)>();
        var workspaces = new List<(YarnEntry Entry, string Path)>();
        foreach (var entry in yarnLock.Entries)
        {
            if (entry.Patterns.Count == 0)
            {
                continue;
            }
            var (keyName, keyRange) = SplitPattern(entry.Patterns[0]);
            var name = RealName(keyName, keyRange);
            string? resolutionRange = null;
            if (yarnLock.Berry && entry.Fields.TryGetValue("resolution", out var resolution))
            {
                var (resolvedName, range) = SplitPattern(resolution);
                resolutionRange = range;
                if (resolvedName.Length > 0)
                {
                    name = resolvedName;
                }
            }
            if (resolutionRange is not null && resolutionRange.StartsWith("workspace:", StringComparison.Ordinal))
            {
                workspaces.Add((entry, resolutionRange["workspace:".Length..]));
                continue;
            }
            if (!entry.Fields.TryGetValue("version", out var version))
            {
                problems.Add($"line {entry.Line}: entry '{entry.Patterns[0]}' has no version");
                continue;
            }
            var id = $"{name}@{version}";
            foreach (var pattern in entry.Patterns)
            {
                byPattern.TryAdd(pattern, id);
            }
            if (resolutionRange is not null && Array.Exists(NotPackageProtocols, p => resolutionRange.StartsWith(p, StringComparison.Ordinal)))
            {
                // A patch resolves to the package it patches (same name and version); links and portals are local folders.
                continue;
            }
            var commit = NpmCommit.From(yarnLock.Berry ? entry.Fields.GetValueOrDefault("resolution") : entry.Fields.GetValueOrDefault("resolved"));
            drafts.Add((entry, new NpmPackageDraft(name, version, commit)));
        }

        string? Lookup(string name, string range) =>
            byPattern.GetValueOrDefault($"{name}@{range}") ?? byPattern.GetValueOrDefault($"{name}@npm:{range}");

        // Pass 2: edges, roots (the project's and its workspaces' manifests, or berry's workspace entries), flags.
        var flags = new DependencyFlags();
        var known = new HashSet<string>(drafts.Select(d => d.Draft.Id), StringComparer.Ordinal);
        foreach (var (entry, draft) in drafts)
        {
            foreach (var (depName, range) in entry.Map("dependencies"))
            {
                if (Lookup(depName, range) is { } target && known.Contains(target))
                {
                    draft.DependsOn.Add(target);
                    flags.AddEdge(draft.Id, target, entry.OptionalMeta.Contains(depName));
                }
            }
            foreach (var (depName, range) in entry.Map("optionalDependencies"))
            {
                if (Lookup(depName, range) is { } target && known.Contains(target))
                {
                    draft.DependsOn.Add(target);
                    flags.AddEdge(draft.Id, target, optional: true);
                }
            }
        }
        var direct = new HashSet<string>(StringComparer.Ordinal);
        void Root(string name, string range, RootKind kind)
        {
            if (Lookup(name, range) is { } id && known.Contains(id))
            {
                direct.Add(id);
                flags.AddRoot(id, kind);
            }
        }
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (folder, manifest) in manifests)
        {
            covered.Add(folder);
            foreach (var (name, range) in manifest.Dependencies)
            {
                Root(name, range, RootKind.Prod);
            }
            foreach (var (name, range) in manifest.OptionalDependencies)
            {
                Root(name, range, RootKind.Optional);
            }
            foreach (var (name, range) in manifest.DevDependencies)
            {
                Root(name, range, RootKind.Dev);
            }
        }
        foreach (var (entry, path) in workspaces)
        {
            // A berry workspace whose package.json was not found: its entry lists what it needs, without the dev split.
            if (covered.Contains(path == "." ? string.Empty : path))
            {
                continue;
            }
            foreach (var (name, range) in entry.Map("dependencies"))
            {
                Root(name, range, entry.OptionalMeta.Contains(name) ? RootKind.Optional : RootKind.Prod);
            }
        }
        var told = manifests.Count > 0 || workspaces.Count > 0;
        flags.Compute();
        var set = new NpmPackageSet();
        foreach (var (_, draft) in drafts)
        {
            draft.Direct = told ? direct.Contains(draft.Id) : null;
            (draft.Dev, draft.Optional) = flags.FlagsOf(draft.Id);
            set.Add(draft);
        }
        return set;
    }
}
