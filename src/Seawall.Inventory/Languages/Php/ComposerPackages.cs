using System.Text.Json;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Php;

/// <summary>
/// The package objects composer.lock and vendor/composer/installed.json share: name, version, licence (a string or a
/// list), the git commit of the source, and "require", resolved to the packages of the same file. Platform requirements
/// (php, ext-*, lib-*, composer-*-api) are not packages: they have no vendor/ in their name.
/// </summary>
internal static class ComposerPackages
{
    public static JsonDocument ParseJson(byte[] content)
    {
        try
        {
            return JsonDocument.Parse(TreeFiles.WithoutBom(content), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw LanguageResults.FromJson(ex);
        }
    }

    /// <summary>Reads package objects; a name repeated across lists keeps its first entry (packages before packages-dev).</summary>
    public static List<Package> Read(IEnumerable<(JsonElement Entry, bool Dev)> entries)
    {
        var read = new List<(Package Package, List<string> Requires)>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (entry, dev) in entries)
        {
            if (entry.ValueKind != JsonValueKind.Object
                || String(entry, "name") is not { Length: > 0 } name
                || String(entry, "version") is not { Length: > 0 } version
                || !seen.Add(name))
            {
                continue;
            }
            read.Add((new Package
            {
                Name = name,
                Version = version,
                Ecosystem = "Packagist",
                Dev = dev,
                Licenses = Licenses(entry),
                Commit = entry.TryGetProperty("source", out var source) && source.ValueKind == JsonValueKind.Object && String(source, "type") == "git"
                    ? String(source, "reference")
                    : null,
            }, Requires(entry)));
        }
        var byName = read.ToDictionary(r => r.Package.Name, r => r.Package, StringComparer.OrdinalIgnoreCase);
        return [.. read.Select(r => r.Package with
        {
            DependsOn = [.. r.Requires
                .Select(n => byName.GetValueOrDefault(n))
                .OfType<Package>()
                .Select(p => p.Name + "@" + p.Version)
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)],
        })];
    }

    /// <summary>The keys of an object property ("require", "require-dev" of composer.json).</summary>
    public static IEnumerable<string> Keys(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object
            ? value.EnumerateObject().Select(p => p.Name)
            : [];

    public static string? String(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<string> Requires(JsonElement entry) =>
        [.. Keys(entry, "require").Where(n => n.Contains('/', StringComparison.Ordinal))];

    /// <summary>"license": ["MIT"] or "MIT" (the schema allows both).</summary>
    private static IReadOnlyList<string> Licenses(JsonElement entry)
    {
        if (!entry.TryGetProperty("license", out var license))
        {
            return [];
        }
        return license.ValueKind switch
        {
            JsonValueKind.String when license.GetString() is { Length: > 0 } one => [one],
            JsonValueKind.Array => [.. license.EnumerateArray().Where(l => l.ValueKind == JsonValueKind.String).Select(l => l.GetString()!).Where(l => l.Length > 0)],
            _ => [],
        };
    }
}
