using System.Text.Json;

namespace Seawall.Inventory.Languages.Npm;

/// <summary>The fields of a package.json that inventory needs: identity, licence, declared dependencies, workspaces.</summary>
internal sealed record PackageManifest
{
    public static readonly JsonDocumentOptions JsonOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 512 };

    /// <summary>The properties <see cref="Condense"/> keeps; everything else in a package.json (scripts, readme, files) is dropped.</summary>
    private static readonly string[] KeptProperties =
        ["name", "version", "license", "licenses", "dependencies", "devDependencies", "optionalDependencies", "peerDependencies", "workspaces"];

    public string? Name { get; init; }
    public string? Version { get; init; }
    public IReadOnlyList<string> Licenses { get; init; } = [];
    public IReadOnlyDictionary<string, string> Dependencies { get; init; } = Empty;
    public IReadOnlyDictionary<string, string> DevDependencies { get; init; } = Empty;
    public IReadOnlyDictionary<string, string> OptionalDependencies { get; init; } = Empty;
    public IReadOnlyDictionary<string, string> PeerDependencies { get; init; } = Empty;
    /// <summary>Workspace folder globs ("packages/*"), from "workspaces" as an array or as {"packages": [...]}.</summary>
    public IReadOnlyList<string> Workspaces { get; init; } = [];

    private static readonly Dictionary<string, string> Empty = new(StringComparer.Ordinal);

    /// <summary>Parses a package.json; throws <see cref="JsonException"/> when it is not JSON, returns null when it is not an object.</summary>
    public static PackageManifest? Parse(ReadOnlyMemory<byte> content)
    {
        using var doc = JsonDocument.Parse(WithoutBom(content), JsonOptions);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        return new PackageManifest
        {
            Name = StringOf(root, "name"),
            Version = StringOf(root, "version"),
            Licenses = LicensesOf(root),
            Dependencies = MapOf(root, "dependencies"),
            DevDependencies = MapOf(root, "devDependencies"),
            OptionalDependencies = MapOf(root, "optionalDependencies"),
            PeerDependencies = MapOf(root, "peerDependencies"),
            Workspaces = WorkspacesOf(root),
        };
    }

    /// <summary>
    /// The package.json reduced to the properties read here, so an image layer holds a few hundred bytes per package
    /// instead of whole manifests. Unparseable content is kept as is, so the analyzer still warns about it.
    /// </summary>
    public static byte[] Condense(byte[] content)
    {
        try
        {
            using var doc = JsonDocument.Parse(WithoutBom(content), JsonOptions);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return content;
            }
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                foreach (var property in doc.RootElement.EnumerateObject())
                {
                    if (Array.IndexOf(KeptProperties, property.Name) >= 0)
                    {
                        property.WriteTo(writer);
                    }
                }
                writer.WriteEndObject();
            }
            return buffer.WrittenSpan.Length < content.Length ? buffer.WrittenSpan.ToArray() : content;
        }
        catch (JsonException)
        {
            return content;
        }
    }

    public static ReadOnlyMemory<byte> WithoutBom(ReadOnlyMemory<byte> content) =>
        content.Span.StartsWith("\uFEFF"u8) ? content[3..] : content;

    public static string? StringOf(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static bool BoolOf(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>A name-to-string map ("dependencies": {"a": "^1.0.0"}); other value kinds are skipped.</summary>
    public static IReadOnlyDictionary<string, string> MapOf(JsonElement element, string property)
    {
        if (!element.TryGetProperty(property, out var value) || value.ValueKind != JsonValueKind.Object)
        {
            return Empty;
        }
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in value.EnumerateObject())
        {
            // "peerDependencies" and bundled metadata can hold objects; only name -> range pairs are dependencies.
            map[entry.Name] = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : string.Empty;
        }
        return map;
    }

    /// <summary>
    /// "license": "MIT" (an SPDX expression), the legacy {"type": "MIT"}, or "licenses": [{"type": ...}] / ["MIT"].
    /// </summary>
    public static IReadOnlyList<string> LicensesOf(JsonElement element)
    {
        var result = new List<string>();
        if (element.TryGetProperty("license", out var license))
        {
            AddLicense(result, license);
        }
        if (element.TryGetProperty("licenses", out var licenses))
        {
            if (licenses.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in licenses.EnumerateArray())
                {
                    AddLicense(result, item);
                }
            }
            else
            {
                AddLicense(result, licenses);
            }
        }
        return result.Distinct(StringComparer.Ordinal).ToList();
    }

    private static void AddLicense(List<string> result, JsonElement value)
    {
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object => StringOf(value, "type"),
            _ => null,
        };
        if (!string.IsNullOrWhiteSpace(text))
        {
            result.Add(text.Trim());
        }
    }

    private static IReadOnlyList<string> WorkspacesOf(JsonElement root)
    {
        if (!root.TryGetProperty("workspaces", out var workspaces))
        {
            return [];
        }
        if (workspaces.ValueKind == JsonValueKind.Object && workspaces.TryGetProperty("packages", out var packages))
        {
            workspaces = packages;
        }
        return workspaces.ValueKind == JsonValueKind.Array
            ? [.. workspaces.EnumerateArray().Where(w => w.ValueKind == JsonValueKind.String).Select(w => w.GetString()!)]
            : [];
    }
}
