using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Seawall.Vulnerabilities.Store;

/// <summary>
/// The compact JSON the store keeps lists in (ranges in OSV's own shape, string lists, severities, references),
/// written and read by hand: no reflection (the CLI is Native AOT) and no allocation beyond the values.
/// </summary>
internal static class StoreJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = true };

    public static string? Ranges(IReadOnlyList<AffectedRange> ranges) => ranges.Count == 0 ? null : Write(ranges, static (w, list) =>
    {
        w.WriteStartArray();
        foreach (var range in list)
        {
            w.WriteStartObject();
            w.WriteString("type", range.Type);
            if (range.Repo is not null)
            {
                w.WriteString("repo", range.Repo);
            }
            w.WriteStartArray("events");
            foreach (var e in range.Events)
            {
                w.WriteStartObject();
                w.WriteString(EventName(e.Kind), e.Version);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    public static string? Strings(IReadOnlyList<string> values) => values.Count == 0 ? null : Write(values, static (w, list) =>
    {
        w.WriteStartArray();
        foreach (var value in list)
        {
            w.WriteStringValue(value);
        }
        w.WriteEndArray();
    });

    public static string? Severities(IReadOnlyList<SeverityScore> values) => values.Count == 0 ? null : Write(values, static (w, list) =>
    {
        w.WriteStartArray();
        foreach (var value in list)
        {
            w.WriteStartObject();
            w.WriteString("type", value.Type);
            w.WriteString("score", value.Score);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    public static string? References(IReadOnlyList<AdvisoryReference> values) => values.Count == 0 ? null : Write(values, static (w, list) =>
    {
        w.WriteStartArray();
        foreach (var value in list)
        {
            w.WriteStartObject();
            w.WriteString("type", value.Type);
            w.WriteString("url", value.Url);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    public static string EventName(RangeEventKind kind) => kind switch
    {
        RangeEventKind.Introduced => "introduced",
        RangeEventKind.Fixed => "fixed",
        RangeEventKind.LastAffected => "last_affected",
        RangeEventKind.Limit => "limit",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static RangeEventKind? ParseEventName(string name) => name switch
    {
        "introduced" => RangeEventKind.Introduced,
        "fixed" => RangeEventKind.Fixed,
        "last_affected" => RangeEventKind.LastAffected,
        "limit" => RangeEventKind.Limit,
        _ => null,
    };

    public static IReadOnlyList<AffectedRange> ReadRanges(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        var ranges = new List<AffectedRange>(1);
        reader.Read(); // [
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string type = string.Empty;
            string? repo = null;
            var events = new List<RangeEvent>(2);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var property = reader.GetString();
                reader.Read();
                switch (property)
                {
                    case "type":
                        type = reader.GetString()!;
                        break;
                    case "repo":
                        repo = reader.GetString();
                        break;
                    case "events":
                        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                        {
                            reader.Read();
                            var kind = ParseEventName(reader.GetString()!) ?? RangeEventKind.Introduced;
                            reader.Read();
                            events.Add(new RangeEvent(kind, reader.GetString()!));
                            reader.Read(); // }
                        }
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            ranges.Add(new AffectedRange(type, repo, events));
        }
        return ranges;
    }

    public static IReadOnlyList<string> ReadStrings(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        var values = new List<string>();
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            values.Add(reader.GetString()!);
        }
        return values;
    }

    public static IReadOnlyList<SeverityScore> ReadSeverities(string? json) =>
        ReadPairs(json, "type", "score", static (a, b) => new SeverityScore(a, b));

    public static IReadOnlyList<AdvisoryReference> ReadReferences(string? json) =>
        ReadPairs(json, "type", "url", static (a, b) => new AdvisoryReference(a, b));

    private static List<T> ReadPairs<T>(string? json, string first, string second, Func<string, string, T> create)
    {
        var values = new List<T>();
        if (string.IsNullOrEmpty(json))
        {
            return values;
        }
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string a = string.Empty, b = string.Empty;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var property = reader.GetString();
                reader.Read();
                if (property == first)
                {
                    a = reader.GetString() ?? string.Empty;
                }
                else if (property == second)
                {
                    b = reader.GetString() ?? string.Empty;
                }
                else
                {
                    reader.Skip();
                }
            }
            values.Add(create(a, b));
        }
        return values;
    }

    private static string Write<T>(T value, Action<Utf8JsonWriter, T> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer, value);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
