using System.Text.Json;
using Seawall.Vulnerabilities.Store;

namespace Seawall.Vulnerabilities.Import;

/// <summary>
/// The Debian security tracker's JSON (https://security-tracker.debian.org/tracker/data/json):
/// { source package: { CVE or TEMP id: { description, debianbug, releases: { codename: { status, fixed_version,
/// urgency, nodsa, nodsa_reason } } } } }. Each (package, id, release) becomes an affected entry under
/// "Debian:&lt;release number&gt;" keyed by source package, with the tracker's verdict, mapped as Trivy maps the
/// same annotations (its Debian source reads the tracker's CVE/list, whose annotations the JSON's fields carry):
/// <list type="bullet">
/// <item>resolved → fixed (fixed_version "0": the release never had the flaw, nothing is reported);</item>
/// <item>open with urgency "end-of-life" → end_of_life: the package is out of security support in that release;</item>
/// <item>open with nodsa_reason "ignored" → will_not_fix: Debian decided the flaw will not be fixed there;</item>
/// <item>open with nodsa_reason "postponed" → affected (Trivy's fix_deferred, a status Seawall's report does not
/// have): a fix will come with a later update;</item>
/// <item>open with a nodsa text → affected: no security advisory, a fix may come through a point release;</item>
/// <item>open otherwise → affected;</item>
/// <item>undetermined → not stored: the tracker has not decided whether the release is affected at all, and Trivy
/// skips these too rather than report a flaw that may not be there.</item>
/// </list>
/// The tracker's reason is kept as the entry's status note ("no-dsa: Minor issue", "postponed: ..."), which the
/// report carries. Entries also get OSV-style ranges (introduced 0, fixed X) so one matcher reads both kinds of data.
/// </summary>
internal static class DebianTrackerImporter
{
    public const string Kind = "debian-tracker";
    public const string SourceName = "debian-tracker";

    /// <summary>Codename to release number (Debian's distro-info-data debian.csv); OSV's ecosystem is "Debian:&lt;number&gt;", "Debian:sid" for unstable.</summary>
    internal static readonly IReadOnlyDictionary<string, string> Releases = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["squeeze"] = "6", ["wheezy"] = "7", ["jessie"] = "8", ["stretch"] = "9", ["buster"] = "10", ["bullseye"] = "11",
        ["bookworm"] = "12", ["trixie"] = "13", ["forky"] = "14", ["duke"] = "15", ["sid"] = "sid",
    };

    public static void Import(string path, AdvisoryStoreWriter writer, Action<string> warn, ImportOptions options, CancellationToken cancellationToken)
    {
        var length = new FileInfo(path).Length;
        if (length > options.MaxTrackerBytes)
        {
            throw new AdvisoryStoreException($"{path}: {length >> 20} MB is more than the {options.MaxTrackerBytes >> 20} MB a Debian tracker file may have");
        }
        var bytes = File.ReadAllBytes(path);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 64, CommentHandling = JsonCommentHandling.Skip });
        var unknownReleases = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new AdvisoryStoreException($"{path}: not a Debian security tracker file (the top level is not an object)");
            }
            // One package at a time: the live file is tens of MB and only one package's subtree is held as a document.
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var package = reader.GetString()!;
                reader.Read();
                using var document = JsonDocument.ParseValue(ref reader);
                ImportPackage(path, package, document.RootElement, writer, warn, unknownReleases, options);
            }
        }
        catch (JsonException ex)
        {
            throw new AdvisoryStoreException($"{path}: not valid JSON at line {ex.LineNumber + 1} ({ex.Message.Split('\n')[0]})", ex);
        }
    }

    private static void ImportPackage(string path, string package, JsonElement issues, AdvisoryStoreWriter writer, Action<string> warn, HashSet<string> unknownReleases, ImportOptions options)
    {
        if (issues.ValueKind != JsonValueKind.Object)
        {
            warn($"{path}: package '{package}' is not an object; skipped");
            return;
        }
        foreach (var issue in issues.EnumerateObject())
        {
            var id = issue.Name;
            var where = $"{path} ({id}, {package})";
            if (issue.Value.ValueKind != JsonValueKind.Object)
            {
                warn($"{where}: not an object; skipped");
                continue;
            }
            if (!issue.Value.TryGetProperty("releases", out var releases) || releases.ValueKind != JsonValueKind.Object)
            {
                // The tracker writes "releases": [] for issues no release is tracked for.
                continue;
            }
            long? key = writer.FindAdvisory(id);
            foreach (var release in releases.EnumerateObject())
            {
                if (!Releases.TryGetValue(release.Name, out var number))
                {
                    if (unknownReleases.Add(release.Name))
                    {
                        warn($"{path}: unknown Debian release '{release.Name}' (first seen in {id}, {package}); its entries skipped");
                    }
                    continue;
                }
                var ecosystem = "Debian:" + number;
                if (Entry(release.Value, ecosystem, package, $"{where} {release.Name}", warn, options) is not { } entry)
                {
                    continue;
                }
                key ??= writer.AddAdvisory(Advisory(id, issue.Value));
                writer.AddAffected(key!.Value, id, withdrawn: false, entry);
            }
        }
    }

    private static AffectedRecord? Entry(JsonElement release, string ecosystem, string package, string where, Action<string> warn, ImportOptions options)
    {
        if (release.ValueKind != JsonValueKind.Object)
        {
            warn($"{where}: not an object; skipped");
            return null;
        }
        var status = Text(release, "status");
        var urgency = Text(release, "urgency");
        var fixedVersion = Text(release, "fixed_version");
        DistroStatus verdict;
        string? note = null;
        switch (status)
        {
            case "resolved":
                if (string.IsNullOrEmpty(fixedVersion))
                {
                    warn($"{where}: resolved without a fixed_version; skipped");
                    return null;
                }
                if (fixedVersion != "0" && options.IsValidVersion?.Invoke(ecosystem, fixedVersion) == false)
                {
                    warn($"{where}: unparsable Debian version '{fixedVersion}'; skipped");
                    return null;
                }
                verdict = DistroStatus.Fixed;
                break;
            case "open":
                fixedVersion = null;
                var reason = Text(release, "nodsa_reason");
                var nodsa = Text(release, "nodsa")?.Trim();
                (verdict, note) = (urgency, reason) switch
                {
                    ("end-of-life", _) => (DistroStatus.EndOfLife, "end-of-life"),
                    (_, "ignored") => (DistroStatus.Ignored, Note("ignored", nodsa)),
                    (_, "postponed") => (DistroStatus.NoDsa, Note("postponed", nodsa)),
                    _ when !string.IsNullOrEmpty(nodsa) => (DistroStatus.NoDsa, Note("no-dsa", nodsa)),
                    _ => (DistroStatus.Unfixed, null),
                };
                break;
            case "undetermined":
                // Not known to affect the release yet: not a finding (see the class summary).
                return null;
            default:
                warn($"{where}: unknown status '{status}'; skipped");
                return null;
        }
        List<RangeEvent> events = [new(RangeEventKind.Introduced, "0")];
        if (fixedVersion is not null)
        {
            events.Add(new RangeEvent(RangeEventKind.Fixed, fixedVersion));
        }
        return new AffectedRecord
        {
            Ecosystem = ecosystem,
            Package = package,
            Ranges = [new AffectedRange("ECOSYSTEM", null, events)],
            FixedVersion = fixedVersion,
            Status = verdict,
            Severity = Urgency(urgency),
            StatusNote = note,
        };
    }

    /// <summary>"no-dsa: Minor issue"; the bare kind when the tracker gives no text (or only repeats the kind).</summary>
    private static string Note(string kind, string? text) =>
        string.IsNullOrEmpty(text) || string.Equals(text, kind, StringComparison.OrdinalIgnoreCase) ? kind : $"{kind}: {text}";

    /// <summary>The urgency word without the "**" the tracker appends when it took the urgency from NVD; null for none, and for "end-of-life" (a status, not a severity).</summary>
    private static string? Urgency(string? urgency)
    {
        if (string.IsNullOrWhiteSpace(urgency) || urgency == "end-of-life")
        {
            return null;
        }
        return urgency.TrimEnd('*').Trim();
    }

    private static AdvisoryRecord Advisory(string id, JsonElement issue)
    {
        var references = new List<AdvisoryReference> { new("ADVISORY", "https://security-tracker.debian.org/tracker/" + Uri.EscapeDataString(id)) };
        if (issue.TryGetProperty("debianbug", out var bug) && bug.ValueKind == JsonValueKind.Number && bug.TryGetInt64(out var number))
        {
            references.Add(new AdvisoryReference("REPORT", $"https://bugs.debian.org/{number}"));
        }
        return new AdvisoryRecord
        {
            Id = id,
            Details = Text(issue, "description"),
            References = references,
        };
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
