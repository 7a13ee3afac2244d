using System.Text.Json;

namespace Seawall.IntegrationTests.Accuracy;

/// <summary>A package URL split into its parts, percent-decoded (github.com/package-url/purl-spec).</summary>
public sealed record Purl(string Type, string Namespace, string Name, string Version, IReadOnlyDictionary<string, string> Qualifiers)
{
    /// <summary>type/namespace/name@version: what the acceptance criterion compares (qualifiers left out).</summary>
    public string Key => $"{Type}/{Namespace}/{Name}@{Version}";

    public static Purl Parse(string purl)
    {
        if (!purl.StartsWith("pkg:", StringComparison.Ordinal))
        {
            throw new FormatException($"not a purl: {purl}");
        }
        var rest = purl[4..];
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            rest = rest[..hash];
        }
        var qualifiers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var question = rest.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            foreach (var pair in rest[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                qualifiers[pair[..eq].ToLowerInvariant()] = Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
            rest = rest[..question];
        }
        var at = rest.LastIndexOf('@');
        var version = at >= 0 ? Uri.UnescapeDataString(rest[(at + 1)..]) : string.Empty;
        var path = (at >= 0 ? rest[..at] : rest).Split('/', StringSplitOptions.RemoveEmptyEntries);
        return new Purl(path[0].ToLowerInvariant(), string.Join('/', path[1..^1].Select(Uri.UnescapeDataString)), Uri.UnescapeDataString(path[^1]), version, qualifiers);
    }
}

/// <summary>
/// One package component of a CycloneDX document, whoever wrote it. Type and LayerDiffId come from each tool's own
/// properties (seawall:package:type / aquasecurity:trivy:PkgType, seawall:layer:diffId / aquasecurity:trivy:LayerDiffID).
/// </summary>
public sealed record SbomPackage(string RawPurl, Purl Purl, IReadOnlyList<string> Licenses, IReadOnlyList<string> DependsOn, string? Type = null, string? LayerDiffId = null);

public static class SbomPackages
{
    /// <summary>Every component with a purl (nested components too), with its licences and its dependencies as purl keys.</summary>
    public static IReadOnlyList<SbomPackage> Read(string cycloneDxJson)
    {
        using var doc = JsonDocument.Parse(cycloneDxJson);
        var components = new List<JsonElement>();
        void Collect(JsonElement parent)
        {
            if (parent.TryGetProperty("components", out var list))
            {
                foreach (var c in list.EnumerateArray())
                {
                    components.Add(c);
                    Collect(c);
                }
            }
        }
        Collect(doc.RootElement);
        var keyByRef = components
            .Where(c => c.TryGetProperty("purl", out _) && c.TryGetProperty("bom-ref", out _))
            .ToDictionary(c => c.GetProperty("bom-ref").GetString()!, c => Purl.Parse(c.GetProperty("purl").GetString()!).Key, StringComparer.Ordinal);
        var dependencies = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (doc.RootElement.TryGetProperty("dependencies", out var deps))
        {
            foreach (var d in deps.EnumerateArray())
            {
                dependencies[d.GetProperty("ref").GetString()!] = d.TryGetProperty("dependsOn", out var on)
                    ? [.. on.EnumerateArray().Select(x => keyByRef.GetValueOrDefault(x.GetString()!)).OfType<string>().Order(StringComparer.Ordinal)]
                    : [];
            }
        }
        return [.. components
            .Where(c => c.TryGetProperty("purl", out _))
            .Select(c =>
            {
                var raw = c.GetProperty("purl").GetString()!;
                var licences = c.TryGetProperty("licenses", out var ls)
                    ? ls.EnumerateArray().Select(l => l.TryGetProperty("license", out var lic)
                        ? (lic.TryGetProperty("id", out var id) ? id.GetString() : lic.TryGetProperty("name", out var n) ? n.GetString() : null)
                        : l.TryGetProperty("expression", out var e) ? e.GetString() : null).OfType<string>().ToList()
                    : [];
                var bomRef = c.TryGetProperty("bom-ref", out var r) ? r.GetString()! : string.Empty;
                var properties = c.TryGetProperty("properties", out var ps)
                    ? ps.EnumerateArray().GroupBy(p => p.GetProperty("name").GetString()!, StringComparer.Ordinal)
                        .ToDictionary(g => g.Key, g => g.First().GetProperty("value").GetString(), StringComparer.Ordinal)
                    : new Dictionary<string, string?>(StringComparer.Ordinal);
                return new SbomPackage(raw, Purl.Parse(raw), licences, dependencies.GetValueOrDefault(bomRef) ?? [],
                    properties.GetValueOrDefault("seawall:package:type") ?? properties.GetValueOrDefault("aquasecurity:trivy:PkgType"),
                    properties.GetValueOrDefault("seawall:layer:diffId") ?? properties.GetValueOrDefault("aquasecurity:trivy:LayerDiffID"));
            })];
    }
}
