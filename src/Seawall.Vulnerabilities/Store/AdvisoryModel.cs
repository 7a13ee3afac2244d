namespace Seawall.Vulnerabilities.Store;

/// <summary>The kind of an OSV range event: the version where the flaw appears, the first fixed one, the last affected one, or an upper limit.</summary>
public enum RangeEventKind
{
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

/// <summary>One OSV range event, as published (the version string is not parsed here).</summary>
public readonly record struct RangeEvent(RangeEventKind Kind, string Version);

/// <summary>
/// One OSV range: <see cref="Type"/> is ECOSYSTEM, SEMVER or GIT (GIT ranges name commits of <see cref="Repo"/>).
/// Events are in published order; distribution data is stored the same way (introduced "0", fixed X).
/// </summary>
public sealed record AffectedRange(string Type, string? Repo, IReadOnlyList<RangeEvent> Events);

/// <summary>
/// A distribution's verdict for one package in one release (Debian security tracker, Alpine secdb). Language
/// advisories (OSV) carry no status: their ranges say it all.
/// </summary>
public enum DistroStatus
{
    /// <summary>Fixed in <see cref="AffectedEntry.FixedVersion"/> ("0": the release never shipped the flaw).</summary>
    Fixed,
    /// <summary>Affected, no fix yet (Debian "open").</summary>
    Unfixed,
    /// <summary>
    /// Debian will not issue a security advisory; a fix may come through a point release (no-dsa), or later (postponed,
    /// Trivy's fix_deferred). Reported as affected, with the tracker's reason in <see cref="AffectedEntry.StatusNote"/>.
    /// </summary>
    NoDsa,
    /// <summary>Debian decided to ignore it for this release (nodsa_reason "ignored").</summary>
    Ignored,
    /// <summary>The release is out of security support (Debian urgency "end-of-life").</summary>
    EndOfLife,
}

/// <summary>
/// One package's entry of one advisory, as <see cref="AdvisoryStore.Lookup"/> returns it: enough to decide
/// whether an installed version is affected. The advisory's text, scores and references are fetched separately,
/// for the entries that match only (<see cref="AdvisoryStore.GetAdvisory"/>).
/// </summary>
public sealed record AffectedEntry
{
    /// <summary>The advisory's row in the store, for <see cref="AdvisoryStore.GetAdvisory"/>.</summary>
    public required long AdvisoryKey { get; init; }
    /// <summary>The advisory id as its source names it: GO-2022-0001, PYSEC-..., GHSA-..., CVE-... (Debian, Alpine), UBUNTU-CVE-...</summary>
    public required string AdvisoryId { get; init; }
    /// <summary>The source the entry came from: osv:Go, debian-tracker, alpine-secdb:v3.19/main, ...</summary>
    public required string Source { get; init; }
    /// <summary>True when the advisory was withdrawn; withdrawn advisories stay in the store but must not be reported.</summary>
    public bool Withdrawn { get; init; }

    /// <summary>OSV ecosystem with its release for distributions: PyPI, Go, Debian:12, Alpine:v3.19, Ubuntu:22.04:LTS.</summary>
    public required string Ecosystem { get; init; }
    /// <summary>The package name as published (source package name for distributions).</summary>
    public required string Package { get; init; }
    public string? Purl { get; init; }

    public IReadOnlyList<AffectedRange> Ranges { get; init; } = [];

    /// <summary>
    /// OSV's explicit list of affected versions (may repeat what the ranges say, or stand alone), parsed from the
    /// store's JSON on first use: PyPI lists run to hundreds of versions a matcher rarely needs once the ranges decide.
    /// </summary>
    public IReadOnlyList<string> Versions
    {
        get => _versions ??= StoreJson.ReadStrings(_versionsJson);
        init => _versions = value;
    }

    internal byte[]? VersionsJson
    {
        init => _versionsJson = value;
    }

    /// <summary>
    /// Whether the explicit versions list names this exact version, searched in the stored JSON without parsing it:
    /// a scan asks this of every entry its ranges do not cover, and PyPI lists run to hundreds of versions.
    /// </summary>
    public bool ListsVersion(string version)
    {
        if (_versions is not null || _versionsJson is null || version.AsSpan().IndexOfAny('"', '\\') >= 0 || HasControl(version))
        {
            return Versions.Contains(version);
        }
        Span<byte> quoted = stackalloc byte[System.Text.Encoding.UTF8.GetMaxByteCount(Math.Min(version.Length, 256)) + 2];
        if (version.Length > 256)
        {
            return false; // no version scheme accepts such text
        }
        quoted[0] = (byte)'"';
        var length = System.Text.Encoding.UTF8.GetBytes(version, quoted[1..]);
        quoted[length + 1] = (byte)'"';
        return _versionsJson.AsSpan().IndexOf(quoted[..(length + 2)]) >= 0;
    }

    private static bool HasControl(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }
        return false;
    }

    private IReadOnlyList<string>? _versions;
    private readonly byte[]? _versionsJson;

    /// <summary>Distribution data only: the fixed version the tracker gives for this release.</summary>
    public string? FixedVersion { get; init; }
    /// <summary>Distribution data only: the tracker's verdict; null for OSV entries.</summary>
    public DistroStatus? Status { get; init; }
    /// <summary>
    /// A severity word for this package as the source published it: Debian urgency per release (low, medium, high,
    /// unimportant, not yet assigned; NVD-derived "**" marks dropped), or an OSV entry's ecosystem/database-specific severity.
    /// </summary>
    public string? Severity { get; init; }
    /// <summary>
    /// Distribution data only: why the verdict is what it is, in the tracker's words ("no-dsa: Minor issue",
    /// "postponed: revisit when fixed upstream", "ignored: ...", "end-of-life").
    /// </summary>
    public string? StatusNote { get; init; }
}

/// <summary>One OSV `severity[]` entry as published: CVSS_V2, CVSS_V3 or CVSS_V4 with a vector, or a distribution's own scale ("Ubuntu": "medium").</summary>
public sealed record SeverityScore(string Type, string Score);

/// <summary>One OSV reference: ADVISORY, ARTICLE, REPORT, FIX, PACKAGE, WEB, ...</summary>
public sealed record AdvisoryReference(string Type, string Url);

/// <summary>The advisory behind one or more <see cref="AffectedEntry"/> rows: identity, text, scores and references.</summary>
public sealed record Advisory
{
    public required long Key { get; init; }
    public required string Id { get; init; }
    public required string Source { get; init; }
    public IReadOnlyList<string> Aliases { get; init; } = [];
    /// <summary>OSV `upstream`: the advisories this one derives from (a UBUNTU-CVE-x names CVE-x here rather than in aliases).</summary>
    public IReadOnlyList<string> Upstream { get; init; } = [];
    public string? Summary { get; init; }
    public string? Details { get; init; }
    /// <summary>OSV `severity[]` as published: CVSS vectors (scored by the Cvss calculator, not here) and distribution scales.</summary>
    public IReadOnlyList<SeverityScore> Severities { get; init; } = [];
    /// <summary>The advisory database's own severity word: GHSA `database_specific.severity` (LOW, MODERATE, HIGH, CRITICAL).</summary>
    public string? DatabaseSeverity { get; init; }
    /// <summary>RustSec informational advisories: "unmaintained", "unsound", "notice"; null for a vulnerability.</summary>
    public string? Informational { get; init; }
    public IReadOnlyList<AdvisoryReference> References { get; init; } = [];
    public DateTimeOffset? Published { get; init; }
    public DateTimeOffset? Modified { get; init; }
    public DateTimeOffset? Withdrawn { get; init; }
}
