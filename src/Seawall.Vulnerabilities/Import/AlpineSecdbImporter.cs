using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Seawall.Vulnerabilities.Store;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Seawall.Vulnerabilities.Import;

/// <summary>
/// Alpine secdb, one file per branch and repository (v3.19/main.yaml, or the same shape as JSON from
/// secdb.alpinelinux.org): packages[].pkg.name is the origin (source) package, pkg.secfixes maps a fixed apk version
/// to the ids it fixes ("0": the branch never shipped the flaw). Each (package, id) becomes an affected entry under
/// "Alpine:&lt;distroversion&gt;" with status fixed and a range introduced 0, fixed X.
/// </summary>
internal static partial class AlpineSecdbImporter
{
    public const string Kind = "alpine-secdb";

    /// <summary>The parts of a secdb file the import needs, whatever its syntax.</summary>
    internal sealed record SecdbFile(string DistroVersion, string RepoName, IReadOnlyList<SecdbPackage> Packages);

    internal sealed record SecdbPackage(string Name, IReadOnlyList<(string Version, IReadOnlyList<string> Ids)> Fixes);

    /// <summary>Reads a secdb file; an <see cref="AdvisoryStoreException"/> when it is not one (its source cannot be named without distroversion).</summary>
    public static SecdbFile Read(string path, ImportOptions options, Action<string> warn)
    {
        var length = new FileInfo(path).Length;
        if (length > options.MaxRecordBytes)
        {
            throw new AdvisoryStoreException($"{path}: {length >> 20} MB is more than a secdb file may have ({options.MaxRecordBytes >> 20} MB)");
        }
        var text = File.ReadAllText(path, Encoding.UTF8);
        var file = text.TrimStart().StartsWith('{') ? FromJson(path, text, warn) : FromYaml(path, text, warn);
        return file;
    }

    /// <summary>The source name of a secdb file: one source per branch and repository, replaced when imported again.</summary>
    public static string SourceName(SecdbFile file) => $"{Kind}:{file.DistroVersion}/{file.RepoName}";

    public static void Import(string path, SecdbFile file, AdvisoryStoreWriter writer, Action<string> warn, ImportOptions options, CancellationToken cancellationToken)
    {
        var ecosystem = "Alpine:" + file.DistroVersion;
        foreach (var package in file.Packages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // "CVE-2017-17434-1" and "CVE-2017-17434-2" under one version are one fix of one CVE.
            var seen = new HashSet<(string Id, string Version)>();
            foreach (var (version, ids) in package.Fixes)
            {
                var where = $"{path} ({package.Name} {version})";
                if (version != "0" && options.IsValidVersion?.Invoke(ecosystem, version) == false)
                {
                    warn($"{where}: unparsable apk version '{version}'; its ids skipped");
                    continue;
                }
                foreach (var line in ids)
                {
                    var found = Ids(line);
                    if (found.Count == 0)
                    {
                        warn($"{where}: no advisory id in '{line}'; skipped");
                        continue;
                    }
                    var id = found[0];
                    if (!seen.Add((id, version)))
                    {
                        continue;
                    }
                    var entry = new AffectedRecord
                    {
                        Ecosystem = ecosystem,
                        Package = package.Name,
                        Ranges = [new AffectedRange("ECOSYSTEM", null, [new(RangeEventKind.Introduced, "0"), new(RangeEventKind.Fixed, version)])],
                        FixedVersion = version,
                        Status = DistroStatus.Fixed,
                    };
                    var key = writer.FindAdvisory(id) ?? writer.AddAdvisory(new AdvisoryRecord
                    {
                        Id = id,
                        Aliases = [.. found.Skip(1)],
                        References = [new AdvisoryReference("ADVISORY", "https://security.alpinelinux.org/vuln/" + Uri.EscapeDataString(id))],
                    })!.Value;
                    writer.AddAffected(key, id, withdrawn: false, entry);
                }
            }
        }
    }

    /// <summary>
    /// The ids on one secfixes line, best first: "CVE-2019-5060 TALOS-2019-0844" gives both, "CVE-2018-16808 (AoE)" the
    /// CVE, "CVE-2017-17434-1" and "CVE-2019-19451.patch" their CVE, "CVE-????-????? XSA-295" the XSA; a line without
    /// an id ("CVE_2019-2426") gives none.
    /// </summary>
    internal static List<string> Ids(string line)
    {
        var ids = new List<string>();
        foreach (var token in line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            var match = IdPattern().Match(token);
            if (match.Success && !ids.Contains(match.Value))
            {
                ids.Add(match.Value);
            }
        }
        return ids;
    }

    [GeneratedRegex(@"^(CVE-\d{4}-\d{4,}|GHSA(-[23456789cfghjmpqrvwx]{4}){3}|[A-Z][A-Z0-9]*-\d{4}-\d+|[A-Z][A-Z0-9]*-\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    private static SecdbFile FromYaml(string path, string text, Action<string> warn)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new AdvisoryStoreException($"{path}: not valid YAML ({ex.Message})", ex);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new AdvisoryStoreException($"{path}: not an Alpine secdb file (the top level is not a mapping)");
        }
        var packages = new List<SecdbPackage>();
        if (Child(root, "packages") is YamlSequenceNode list)
        {
            var index = 0;
            foreach (var item in list)
            {
                var where = $"{path} packages[{index++}]";
                if (item is not YamlMappingNode entry || Child(entry, "pkg") is not YamlMappingNode pkg || Scalar(Child(pkg, "name")) is not { Length: > 0 } name)
                {
                    warn($"{where}: no pkg.name; skipped");
                    continue;
                }
                var fixes = new List<(string, IReadOnlyList<string>)>();
                if (Child(pkg, "secfixes") is YamlMappingNode secfixes)
                {
                    foreach (var (versionNode, idsNode) in secfixes.Children)
                    {
                        if (Scalar(versionNode) is not { Length: > 0 } version)
                        {
                            warn($"{where} ({name}): a secfixes key is not a version; skipped");
                            continue;
                        }
                        var ids = idsNode is YamlSequenceNode seq ? seq.Select(Scalar).OfType<string>().ToList() : [];
                        fixes.Add((version, ids));
                    }
                }
                packages.Add(new SecdbPackage(name, fixes));
            }
        }
        return Header(path, Scalar(Child(root, "distroversion")), Scalar(Child(root, "reponame")), packages);
    }

    private static SecdbFile FromJson(string path, string text, Action<string> warn)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new AdvisoryStoreException($"{path}: not valid JSON ({ex.Message.Split('\n')[0]})", ex);
        }
        using (document)
        {
            var root = document.RootElement;
            var packages = new List<SecdbPackage>();
            if (root.TryGetProperty("packages", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var item in list.EnumerateArray())
                {
                    var where = $"{path} packages[{index++}]";
                    if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("pkg", out var pkg) || pkg.ValueKind != JsonValueKind.Object
                        || !pkg.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String || nameElement.GetString() is not { Length: > 0 } name)
                    {
                        warn($"{where}: no pkg.name; skipped");
                        continue;
                    }
                    var fixes = new List<(string, IReadOnlyList<string>)>();
                    if (pkg.TryGetProperty("secfixes", out var secfixes) && secfixes.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var fix in secfixes.EnumerateObject())
                        {
                            var ids = fix.Value.ValueKind == JsonValueKind.Array
                                ? fix.Value.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!).ToList()
                                : [];
                            fixes.Add((fix.Name, ids));
                        }
                    }
                    packages.Add(new SecdbPackage(name, fixes));
                }
            }
            return Header(path, Text(root, "distroversion"), Text(root, "reponame"), packages);
        }
    }

    private static SecdbFile Header(string path, string? distroVersion, string? repoName, List<SecdbPackage> packages)
    {
        if (distroVersion is null || !BranchPattern().IsMatch(distroVersion))
        {
            throw new AdvisoryStoreException($"{path}: not an Alpine secdb file (distroversion '{distroVersion}' is not a branch like v3.19)");
        }
        if (string.IsNullOrEmpty(repoName) || repoName.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_'))
        {
            throw new AdvisoryStoreException($"{path}: not an Alpine secdb file (reponame '{repoName}')");
        }
        return new SecdbFile(distroVersion, repoName, packages);
    }

    [GeneratedRegex(@"^(v\d+\.\d+|edge)$", RegexOptions.CultureInvariant)]
    private static partial Regex BranchPattern();

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static string? Scalar(YamlNode? node) => node is YamlScalarNode scalar ? scalar.Value : null;

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
