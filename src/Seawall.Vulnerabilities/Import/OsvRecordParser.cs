using System.Globalization;
using System.Text.Json;
using Seawall.Vulnerabilities.Store;

namespace Seawall.Vulnerabilities.Import;

/// <summary>
/// One OSV record (JSON) to an <see cref="AdvisoryRecord"/>. Hostile or sloppy records are expected: a field of the
/// wrong type, an unknown ecosystem, a range without "introduced", a version the ecosystem cannot parse each cost
/// a warning naming the record and the part concerned, and the rest of the record is kept.
/// </summary>
internal sealed class OsvRecordParser(ImportOptions options, Action<string> warn)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Only entries of this ecosystem (and its releases) are kept: osv.dev's &lt;Ecosystem&gt;/all.zip repeats a record in the export of each ecosystem it names.</summary>
    public string? OnlyEcosystem { get; init; }

    /// <summary>Reports a problem with the input being read (counted with the source's warnings).</summary>
    public void Warn(string message) => warn(message);

    /// <summary>The record, or null when there is nothing to store (not a record, no id, or no package entry left).</summary>
    public AdvisoryRecord? Parse(ReadOnlyMemory<byte> json, string location)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            warn($"{location}: not valid JSON ({FirstLine(ex.Message)}); skipped");
            return null;
        }
        using (document)
        {
            return Parse(document.RootElement, location);
        }
    }

    public AdvisoryRecord? Parse(JsonElement root, string location)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            warn($"{location}: not an OSV record (the top level is not an object); skipped");
            return null;
        }
        var id = String(root, "id");
        if (string.IsNullOrWhiteSpace(id) || id.Length > 256 || id.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            warn($"{location}: OSV record without a usable 'id'; skipped");
            return null;
        }
        var where = $"{location} ({id})";
        var withdrawn = Timestamp(root, "withdrawn", where);
        if (root.TryGetProperty("withdrawn", out var w) && w.ValueKind != JsonValueKind.Null && withdrawn is null)
        {
            // Unreadable date, clear intent: a withdrawn record must not produce findings.
            withdrawn = DateTimeOffset.UnixEpoch;
        }
        string? informational = null;
        var affected = new List<AffectedRecord>();
        if (root.TryGetProperty("affected", out var affectedArray))
        {
            if (affectedArray.ValueKind != JsonValueKind.Array)
            {
                warn($"{where}: 'affected' is not a list; record skipped");
                return null;
            }
            var index = 0;
            foreach (var entry in affectedArray.EnumerateArray())
            {
                if (ParseAffected(entry, $"{where}: affected[{index}]") is { } record)
                {
                    affected.Add(record);
                }
                informational ??= entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("database_specific", out var ds) ? String(ds, "informational") : null;
                index++;
            }
        }
        if (affected.Count == 0)
        {
            return null;
        }
        return new AdvisoryRecord
        {
            Id = id,
            Aliases = Strings(root, "aliases"),
            Upstream = Strings(root, "upstream"),
            Summary = String(root, "summary"),
            Details = String(root, "details"),
            Severities = Severities(root),
            DatabaseSeverity = root.TryGetProperty("database_specific", out var dbs) ? String(dbs, "severity") : null,
            Informational = informational,
            References = References(root),
            Published = Timestamp(root, "published", where),
            Modified = Timestamp(root, "modified", where),
            Withdrawn = withdrawn,
            Affected = affected,
        };
    }

    private AffectedRecord? ParseAffected(JsonElement entry, string where)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            warn($"{where}: not an object; skipped");
            return null;
        }
        if (!entry.TryGetProperty("package", out var package) || package.ValueKind != JsonValueKind.Object)
        {
            // Valid OSV: an entry with GIT ranges only names commits, not a package; nothing to look up by. Its ranges
            // are still checked so a broken record is reported.
            ParseRanges(entry, where, ecosystem: null);
            return null;
        }
        var ecosystem = String(package, "ecosystem");
        var name = String(package, "name");
        if (string.IsNullOrEmpty(ecosystem) || string.IsNullOrEmpty(name))
        {
            warn($"{where}: package without {(string.IsNullOrEmpty(ecosystem) ? "an ecosystem" : "a name")}; skipped");
            return null;
        }
        if (!OsvEcosystems.IsKnown(ecosystem))
        {
            warn($"{where}: unknown ecosystem '{ecosystem}' (package {name}); skipped");
            return null;
        }
        if (OnlyEcosystem is not null && PackageNames.EcosystemBase(ecosystem) != OnlyEcosystem)
        {
            return null;
        }
        var label = $"{where} ({ecosystem}/{name})";
        var ranges = ParseRanges(entry, label, ecosystem);
        var versions = new List<string>();
        if (entry.TryGetProperty("versions", out var versionArray) && versionArray.ValueKind == JsonValueKind.Array)
        {
            foreach (var v in versionArray.EnumerateArray())
            {
                if (v.ValueKind != JsonValueKind.String || v.GetString() is not { Length: > 0 } version)
                {
                    warn($"{label}: a listed version is not a string; left out");
                }
                else if (!IsValidEcosystemVersion(ecosystem, version))
                {
                    warn($"{label}: unparsable {ecosystem} version '{version}' in 'versions'; left out");
                }
                else
                {
                    versions.Add(version);
                }
            }
        }
        var hadRanges = entry.TryGetProperty("ranges", out var r) && r.ValueKind == JsonValueKind.Array && r.GetArrayLength() > 0;
        var hadVersions = versionArray.ValueKind == JsonValueKind.Array && versionArray.GetArrayLength() > 0;
        if (ranges.Count == 0 && versions.Count == 0 && (hadRanges || hadVersions))
        {
            warn($"{label}: no usable range or version left; skipped");
            return null;
        }
        string? severity = null;
        foreach (var specific in new[] { "ecosystem_specific", "database_specific" })
        {
            if (severity is null && entry.TryGetProperty(specific, out var block))
            {
                severity = String(block, "severity") ?? String(block, "urgency");
            }
        }
        return new AffectedRecord
        {
            Ecosystem = ecosystem,
            Package = name,
            Purl = String(package, "purl"),
            Ranges = ranges,
            Versions = versions,
            Severity = severity,
        };
    }

    private List<AffectedRange> ParseRanges(JsonElement entry, string where, string? ecosystem)
    {
        var ranges = new List<AffectedRange>();
        if (!entry.TryGetProperty("ranges", out var array))
        {
            return ranges;
        }
        if (array.ValueKind != JsonValueKind.Array)
        {
            warn($"{where}: 'ranges' is not a list; ignored");
            return ranges;
        }
        var index = 0;
        foreach (var range in array.EnumerateArray())
        {
            var at = $"{where} range {index++}";
            if (range.ValueKind != JsonValueKind.Object)
            {
                warn($"{at}: not an object; skipped");
                continue;
            }
            var type = String(range, "type");
            if (type is not ("ECOSYSTEM" or "SEMVER" or "GIT"))
            {
                warn($"{at}: unknown range type '{type}'; skipped");
                continue;
            }
            if (!range.TryGetProperty("events", out var eventArray) || eventArray.ValueKind != JsonValueKind.Array)
            {
                warn($"{at}: no 'events'; skipped");
                continue;
            }
            var events = new List<RangeEvent>(eventArray.GetArrayLength());
            var usable = true;
            foreach (var e in eventArray.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Object || !TrySingleEvent(e, out var kind, out var version))
                {
                    warn($"{at}: an event is not one of introduced, fixed, last_affected, limit with a version; range skipped");
                    usable = false;
                    break;
                }
                if (ecosystem is not null && !(kind == RangeEventKind.Introduced && version == "0") && !IsValidRangeVersion(type, ecosystem, version))
                {
                    warn($"{at}: unparsable {(type == "SEMVER" ? "SemVer" : ecosystem)} version '{version}' in '{StoreJson.EventName(kind)}'; range skipped");
                    usable = false;
                    break;
                }
                events.Add(new RangeEvent(kind, version));
            }
            if (!usable)
            {
                continue;
            }
            if (!events.Any(e => e.Kind == RangeEventKind.Introduced))
            {
                warn($"{at}: no 'introduced' event (OSV requires one per range); skipped");
                continue;
            }
            ranges.Add(new AffectedRange(type, String(range, "repo"), events));
        }
        return ranges;
    }

    private static bool TrySingleEvent(JsonElement e, out RangeEventKind kind, out string version)
    {
        kind = default;
        version = string.Empty;
        var count = 0;
        foreach (var property in e.EnumerateObject())
        {
            if (++count > 1 || StoreJson.ParseEventName(property.Name) is not { } k || property.Value.ValueKind != JsonValueKind.String || property.Value.GetString() is not { Length: > 0 } v)
            {
                return false;
            }
            kind = k;
            version = v;
        }
        return count == 1;
    }

    private bool IsValidRangeVersion(string type, string ecosystem, string version) => type switch
    {
        "SEMVER" => OsvEcosystems.IsSemVer(version),
        "ECOSYSTEM" => IsValidEcosystemVersion(ecosystem, version),
        _ => true, // GIT: commit hashes
    };

    private bool IsValidEcosystemVersion(string ecosystem, string version) =>
        !version.Any(char.IsControl) && (options.IsValidVersion?.Invoke(ecosystem, version) ?? true);

    private static string? String(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IReadOnlyList<string> Strings(JsonElement element, string property)
    {
        if (!element.TryGetProperty(property, out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            return [];
        }
        var values = new List<string>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } value)
            {
                values.Add(value);
            }
        }
        return values;
    }

    private static List<SeverityScore> Severities(JsonElement root)
    {
        var values = new List<SeverityScore>();
        if (root.TryGetProperty("severity", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in array.EnumerateArray())
            {
                if (String(item, "type") is { } type && String(item, "score") is { } score)
                {
                    values.Add(new SeverityScore(type, score));
                }
            }
        }
        return values;
    }

    private static List<AdvisoryReference> References(JsonElement root)
    {
        var values = new List<AdvisoryReference>();
        if (root.TryGetProperty("references", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in array.EnumerateArray())
            {
                if (String(item, "url") is { } url)
                {
                    values.Add(new AdvisoryReference(String(item, "type") ?? "WEB", url));
                }
            }
        }
        return values;
    }

    private DateTimeOffset? Timestamp(JsonElement root, string property, string where)
    {
        if (String(root, property) is not { } text)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }
        warn($"{where}: '{property}' is not a timestamp ('{text}'); ignored");
        return null;
    }

    private static string FirstLine(string message)
    {
        var newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
