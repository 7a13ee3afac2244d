using System.Text.Json;

namespace Seawall.Inventory.Sbom;

/// <summary>Tolerant reads of a JSON element: a field of the wrong kind counts as absent, never as a crash.</summary>
internal static class SbomJson
{
    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];

    public static JsonElement? Object(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : null;

    public static IEnumerable<string> Strings(JsonElement element, string name) =>
        Array(element, name).Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!);
}
