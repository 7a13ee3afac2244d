using System.Text.Json;

namespace Seawall.Inventory.Languages.DotNet;

/// <summary>Reading the JSON files NuGet and the .NET SDK write, with one clear error for a file that is not JSON.</summary>
internal static class DotNetJson
{
    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
    };

    /// <summary>The document, whose root must be an object; <see cref="InvalidDataException"/> with the line otherwise.</summary>
    public static JsonDocument Parse(byte[] content)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content, Options);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"not valid JSON (line {(ex.LineNumber ?? 0) + 1})", ex);
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new InvalidDataException("not a JSON object");
        }
        return document;
    }

    /// <summary>The property when it is an object, else null (a missing section and a wrongly typed one read alike).</summary>
    public static JsonElement? Object(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>"Newtonsoft.Json/13.0.1" → ("Newtonsoft.Json", "13.0.1"); null without a version.</summary>
    public static (string Name, string Version)? SplitKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < key.Length - 1 ? (key[..slash], key[(slash + 1)..]) : null;
    }
}
