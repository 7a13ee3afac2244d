using Seawall.Vulnerabilities.Store;
using Seawall.Vulnerabilities.Versions;

namespace Seawall.Vulnerabilities.Matching;

/// <summary>
/// OSV's affected-range rules (https://ossf.github.io/osv-schema/#evaluation): an installed version is affected when
/// one of an entry's ECOSYSTEM or SEMVER ranges covers it or its explicit <c>versions</c> list names it.
/// </summary>
internal static class AffectedRanges
{
    /// <summary>
    /// Whether the entry covers the installed version; the range's fixed versions (newer than the installed one) are
    /// added to <paramref name="fixedVersions"/> (once per covering range: the caller sorts out repeats). A bound that does not parse in the scheme makes that range unusable:
    /// it is reported through <paramref name="warn"/> and skipped, never guessed.
    /// </summary>
    public static bool Covers(AffectedEntry entry, ParsedVersion installed, IVersionComparer comparer, ICollection<string> fixedVersions, Action<string> warn)
    {
        var affected = false;
        // Indexed, not foreach: the lists are arrays behind an interface, and each foreach would allocate an enumerator.
        var ranges = entry.Ranges;
        for (var r = 0; r < ranges.Count; r++)
        {
            var range = ranges[r];
            // GIT ranges name commits: only their events' expansion into `versions` (which OSV publishes) can match.
            if (range.Type is not ("ECOSYSTEM" or "SEMVER"))
            {
                continue;
            }
            if (InRange(range, installed, comparer, fixedVersions, entry, warn))
            {
                affected = true;
            }
        }
        if (!affected)
        {
            // Listed versions are exact releases, compared as text as osv-scanner does; Go's "v" prefix aside.
            var text = installed.Text;
            affected = entry.ListsVersion(text) || (text.StartsWith('v') && entry.ListsVersion(text[1..]));
        }
        return affected;
    }

    /// <summary>Scratch for one range's parsed events: every entry of a scan is evaluated, and one list each was most of it.</summary>
    [ThreadStatic]
    private static List<(ParsedVersion? Version, RangeEvent Event)>? s_events;

    private static readonly Comparison<(ParsedVersion? Version, RangeEvent Event)> ByVersion = static (a, b) =>
        a.Version is null ? (b.Version is null ? 0 : -1) : b.Version is null ? 1 : a.Version.CompareTo(b.Version);

    private static bool InOrder(List<(ParsedVersion? Version, RangeEvent Event)> events)
    {
        for (var i = 1; i < events.Count; i++)
        {
            if (ByVersion(events[i - 1], events[i]) > 0)
            {
                return false;
            }
        }
        return true;
    }

    private static bool InRange(AffectedRange range, ParsedVersion installed, IVersionComparer comparer, ICollection<string> fixedVersions, AffectedEntry entry, Action<string> warn)
    {
        // Evaluated as the spec's reference algorithm: events sorted by version ("0" lowest), the last event at or
        // below the installed version decides; `limit` bounds the whole range.
        var events = s_events ??= new List<(ParsedVersion?, RangeEvent)>(8);
        events.Clear();
        var published = range.Events;
        for (var i = 0; i < published.Count; i++)
        {
            var e = published[i];
            if (e.Kind == RangeEventKind.Introduced && e.Version == "0")
            {
                events.Add((null, e));
                continue;
            }
            if (!comparer.TryParse(e.Version, out var version))
            {
                warn($"{entry.AdvisoryId} ({entry.Source}): {e.Kind} version '{e.Version}' is not a {comparer.Scheme} version; range skipped");
                return false;
            }
            events.Add((version, e));
        }
        // Most ranges are published in order ("0", then the fix). Up to 16 items List.Sort is an insertion sort, which
        // leaves ordered input as it is, so skipping it there changes nothing.
        if (events.Count > 16 || !InOrder(events))
        {
            events.Sort(ByVersion);
        }

        var affected = false;
        string? fixedAfter = null;
        foreach (var (version, e) in events)
        {
            switch (e.Kind)
            {
                case RangeEventKind.Introduced when version is null || installed.CompareTo(version) >= 0:
                    affected = true;
                    fixedAfter = null;
                    break;
                case RangeEventKind.Fixed when installed.CompareTo(version) >= 0:
                    affected = false;
                    break;
                case RangeEventKind.Fixed when affected && fixedAfter is null:
                    fixedAfter = e.Version; // the first fix above the installed version
                    break;
                case RangeEventKind.LastAffected when installed.CompareTo(version) > 0:
                    affected = false;
                    break;
                case RangeEventKind.Limit when installed.CompareTo(version) >= 0:
                    return false;
            }
        }
        if (affected && fixedAfter is not null)
        {
            fixedVersions.Add(fixedAfter);
        }
        return affected;
    }
}
