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

    /// <summary>What the previous row of a lookup said: rows of one package come together and repeat its name and purl.</summary>
    internal struct EntryReuse
    {
        public string? Package;
        public string? Purl;
        public string? Repo;
    }

    /// <summary>Scratch for one range's events (lookups run under the store's lock, one at a time).</summary>
    [ThreadStatic]
    private static List<RangeEvent>? s_events;

    /// <summary>Reads an <see cref="Entry"/> column back; the caller supplies what the row's other columns say.</summary>
    /// <remarks>
    /// A lookup reads thousands of rows and keeps them all while they are matched, so each row is made of few objects:
    /// arrays rather than lists, and the package name, purl and repository of the previous row reused when they repeat.
    /// </remarks>
    public static AffectedEntry ReadEntry(ReadOnlySpan<byte> json, string ecosystem, Func<long, string> sourceName, byte[]? versions, ref EntryReuse reuse)
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
        var package = reuse.Package = Reused(ref reader, reuse.Package)!;
        reader.Read();
        var purl = reuse.Purl = Reused(ref reader, reuse.Purl);
        var fixedVersion = NextNullable(ref reader);
        var status = StoreSchema.ParseStatus(NextNullable(ref reader));
        var severity = NextNullable(ref reader);
        var statusNote = NextNullable(ref reader);
        AffectedRange? single = null;
        List<AffectedRange>? several = null;
        var events = s_events ??= new List<RangeEvent>(8);
        while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
        {
            reader.Read();
            var type = reader.ValueTextEquals("ECOSYSTEM"u8) ? "ECOSYSTEM" : reader.ValueTextEquals("SEMVER"u8) ? "SEMVER" : reader.ValueTextEquals("GIT"u8) ? "GIT" : reader.GetString()!;
            reader.Read();
            string? repo = null;
            if (reader.TokenType != JsonTokenType.Null)
            {
                repo = reuse.Repo = Reused(ref reader, reuse.Repo);
            }
            events.Clear();
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
            var range = new AffectedRange(type, repo, [.. events]);
            if (single is null)
            {
                single = range;
            }
            else
            {
                (several ??= [single]).Add(range);
            }
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
            Ranges = several is not null ? [.. several] : single is not null ? [single] : [],
            VersionsJson = versions,
        };
    }

    /// <summary>The current string or null token, as <paramref name="previous"/> when it says the same.</summary>
    private static string? Reused(ref Utf8JsonReader reader, string? previous) =>
        reader.TokenType == JsonTokenType.Null ? null
        : previous is not null && reader.ValueTextEquals(previous) ? previous
        : reader.GetString();

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

    /// <summary>A JSON array of strings, as UTF-8 into <paramref name="buffer"/> (the lookup keys a statement unpacks with json_each).</summary>
    public static void WriteStrings(IBufferWriter<byte> buffer, IEnumerable<string> values)
    {
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        writer.WriteStartArray();
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }
        writer.WriteEndArray();
    }

    /// <summary>A JSON array of numbers, as UTF-8 into <paramref name="buffer"/>.</summary>
    public static void WriteNumbers(IBufferWriter<byte> buffer, IEnumerable<long> values)
    {
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        writer.WriteStartArray();
        foreach (var value in values)
        {
            writer.WriteNumberValue(value);
        }
        writer.WriteEndArray();
    }

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

    /// <summary>A string list column (UTF-8 JSON as SQLite holds it); empty for NULL.</summary>
    public static IReadOnlyList<string> ReadStrings(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty)
        {
            return [];
        }
        var reader = new Utf8JsonReader(json);
        var values = Scratch<string>.Get();
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            values.Add(reader.GetString()!);
        }
        return Scratch<string>.ToArray(values);
    }

    /// <summary>
    /// A list to collect into before the one array a value keeps: thousands of advisories are read per scan and a
    /// list of their own would be two objects each.
    /// </summary>
    private static class Scratch<T>
    {
        [ThreadStatic]
        private static List<T>? s_list;

        public static List<T> Get()
        {
            var list = s_list ??= new List<T>(16);
            list.Clear();
            return list;
        }

        /// <summary>The collected values; the scratch list lets go of them.</summary>
        public static T[] ToArray(List<T> list)
        {
            var array = list.ToArray();
            list.Clear();
            return array;
        }
    }

    public static IReadOnlyList<SeverityScore> ReadSeverities(ReadOnlySpan<byte> json) =>
        ReadPairs(json, "type"u8, "score"u8, static (a, b) => new SeverityScore(a, b));

    public static IReadOnlyList<AdvisoryReference> ReadReferences(ReadOnlySpan<byte> json) =>
        ReadPairs(json, "type"u8, "url"u8, static (a, b) => new AdvisoryReference(a, b));

    /// <summary>The few type names OSV uses, one string each instead of one per reference or score read.</summary>
    private static readonly (byte[] Utf8, string Text)[] KnownTypes = [.. new[]
    {
        "WEB", "ADVISORY", "FIX", "REPORT", "PACKAGE", "ARTICLE", "EVIDENCE", "DETECTION", "DISCUSSION", "INTRODUCED", "GIT", "CVSS_V2", "CVSS_V3", "CVSS_V4",
    }.Select(name => (Encoding.UTF8.GetBytes(name), name))];

    private static T[] ReadPairs<T>(ReadOnlySpan<byte> json, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Func<string, string, T> create)
    {
        if (json.IsEmpty)
        {
            return [];
        }
        var values = Scratch<T>.Get();
        var reader = new Utf8JsonReader(json);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string a = string.Empty, b = string.Empty;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isFirst = reader.ValueTextEquals(first);
                var isSecond = !isFirst && reader.ValueTextEquals(second);
                reader.Read();
                if (isFirst)
                {
                    a = (reader.TokenType == JsonTokenType.String ? Known(ref reader) : null) ?? reader.GetString() ?? string.Empty;
                }
                else if (isSecond)
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
        return Scratch<T>.ToArray(values);
    }

    private static string? Known(ref Utf8JsonReader reader)
    {
        foreach (var (utf8, text) in KnownTypes)
        {
            if (reader.ValueTextEquals(utf8))
            {
                return text;
            }
        }
        return null;
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
