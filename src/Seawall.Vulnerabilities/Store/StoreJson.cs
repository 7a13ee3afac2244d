using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Seawall.Vulnerabilities.Store;

/// <summary>
/// The compact JSON the store keeps lists in (affected entries, string lists, severities, references),
/// written and read by hand: no reflection (the CLI is Native AOT) and no allocation beyond the values.
/// </summary>
internal static class StoreJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = true };

    /// <summary>
    /// One affected row's entry column, positional to keep it small and quick to read back:
    /// [advisory key, advisory id, source id, withdrawn 0|1, package, purl, fixed version, status, severity, status note, range...],
    /// each range an array [type, repo, kind, version, kind, version, ...] with kinds i(ntroduced), f(ixed),
    /// l(ast_affected), m (limit). Absent values are null.
    /// </summary>
    public static string Entry(long advisoryKey, string advisoryId, long sourceId, bool withdrawn, AffectedRecord entry) => Write((advisoryKey, advisoryId, sourceId, withdrawn, entry), static (w, v) =>
    {
        w.WriteStartArray();
        w.WriteNumberValue(v.advisoryKey);
        w.WriteStringValue(v.advisoryId);
        w.WriteNumberValue(v.sourceId);
        w.WriteNumberValue(v.withdrawn ? 1 : 0);
        w.WriteStringValue(v.entry.Package);
        WriteNullable(w, v.entry.Purl);
        WriteNullable(w, v.entry.FixedVersion);
        WriteNullable(w, v.entry.Status is { } status ? StoreSchema.StatusName(status) : null);
        WriteNullable(w, v.entry.Severity);
        WriteNullable(w, v.entry.StatusNote);
        foreach (var range in v.entry.Ranges)
        {
            w.WriteStartArray();
            w.WriteStringValue(range.Type);
            WriteNullable(w, range.Repo);
            foreach (var e in range.Events)
            {
                w.WriteStringValue(e.Kind switch
                {
                    RangeEventKind.Introduced => "i",
                    RangeEventKind.Fixed => "f",
                    RangeEventKind.LastAffected => "l",
                    _ => "m",
                });
                w.WriteStringValue(e.Version);
            }
            w.WriteEndArray();
        }
        w.WriteEndArray();
    });

    /// <summary>Reads an <see cref="Entry"/> column back; the caller supplies what the row's other columns say.</summary>
    public static AffectedEntry ReadEntry(ReadOnlySpan<byte> json, string ecosystem, Func<long, string> sourceName, byte[]? versions)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read(); // [
        reader.Read();
        var key = reader.GetInt64();
        reader.Read();
        var id = reader.GetString()!;
        reader.Read();
        var source = sourceName(reader.GetInt64());
        reader.Read();
        var withdrawn = reader.GetInt32() != 0;
        reader.Read();
        var package = reader.GetString()!;
        var purl = NextNullable(ref reader);
        var fixedVersion = NextNullable(ref reader);
        var status = StoreSchema.ParseStatus(NextNullable(ref reader));
        var severity = NextNullable(ref reader);
        var statusNote = NextNullable(ref reader);
        var ranges = new List<AffectedRange>(1);
        while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
        {
            reader.Read();
            var type = reader.ValueTextEquals("ECOSYSTEM"u8) ? "ECOSYSTEM" : reader.ValueTextEquals("SEMVER"u8) ? "SEMVER" : reader.GetString()!;
            var repo = NextNullable(ref reader);
            var events = new List<RangeEvent>(2);
            while (reader.Read() && reader.TokenType == JsonTokenType.String)
            {
                var kind = reader.ValueSpan[0] switch
                {
                    (byte)'i' => RangeEventKind.Introduced,
                    (byte)'f' => RangeEventKind.Fixed,
                    (byte)'l' => RangeEventKind.LastAffected,
                    _ => RangeEventKind.Limit,
                };
                reader.Read();
                // Most ranges start at "0": one string for all of them.
                events.Add(new RangeEvent(kind, reader.ValueTextEquals("0"u8) ? "0" : reader.GetString()!));
            }
            ranges.Add(new AffectedRange(type, repo, events));
        }
        return new AffectedEntry
        {
            AdvisoryKey = key,
            AdvisoryId = id,
            Source = source,
            Withdrawn = withdrawn,
            Ecosystem = ecosystem,
            Package = package,
            Purl = purl,
            FixedVersion = fixedVersion,
            Status = status,
            Severity = severity,
            StatusNote = statusNote,
            Ranges = ranges,
            VersionsJson = versions,
        };
    }

    private static string? NextNullable(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
    }

    private static void WriteNullable(Utf8JsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

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

    public static IReadOnlyList<string> ReadStrings(string? json) => ReadStrings(json is null ? null : Encoding.UTF8.GetBytes(json));

    public static IReadOnlyList<string> ReadStrings(byte[]? json)
    {
        if (json is null || json.Length == 0)
        {
            return [];
        }
        var reader = new Utf8JsonReader(json);
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
