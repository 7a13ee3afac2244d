namespace Seawall.Vulnerabilities.Import;

/// <summary>The formats <c>seawall db import</c> reads; <see cref="Auto"/> tells them apart by content.</summary>
public enum AdvisoryFormat
{
    Auto,
    /// <summary>OSV JSON: osv.dev's &lt;Ecosystem&gt;/all.zip, a directory of records, one record.</summary>
    Osv,
    /// <summary>The Debian security tracker's JSON (security-tracker.debian.org/tracker/data/json).</summary>
    DebianTracker,
    /// <summary>Alpine secdb: secfixes per branch and repository, YAML or JSON (secdb.alpinelinux.org).</summary>
    AlpineSecdb,
}

/// <summary>How an import or update runs.</summary>
public sealed record ImportOptions
{
    /// <summary>The database file to update (<see cref="Store.AdvisoryStore.DefaultPath"/>).</summary>
    public required string DatabasePath { get; init; }

    public AdvisoryFormat Format { get; init; } = AdvisoryFormat.Auto;

    /// <summary>Never touch the network: a URL input or an update fails with a clear message.</summary>
    public bool Offline { get; init; }

    /// <summary>
    /// Tells whether a version string parses in an ecosystem (ecosystem as published, e.g. "PyPI", "Debian:12").
    /// A version it rejects is a warning naming the record, and the range or listed version is left out. Default:
    /// the ecosystem's comparer (<see cref="Versions.VersionSchemes.ForEcosystem"/>) must parse it; versions of an
    /// ecosystem Seawall cannot order pass. Null: no check but SEMVER ranges against SemVer 2.0.
    /// </summary>
    public Func<string, string, bool>? IsValidVersion { get; init; } = ParsesInEcosystem;

    /// <summary>Told each warning (a malformed record, an unknown ecosystem, an unparsable version); the import goes on.</summary>
    public Action<string>? Warning { get; init; }

    /// <summary>Told what the import is doing (downloading, reading a source), for a progress line.</summary>
    public Action<string>? Progress { get; init; }

    /// <summary>For downloads; a new client when null.</summary>
    public HttpClient? Http { get; init; }

    /// <summary>Largest download accepted (osv.dev's largest export, Debian's, is some hundreds of MB).</summary>
    public long MaxDownloadBytes { get; init; } = 4L << 30;

    /// <summary>Largest single OSV record or secdb file read (a record is a few KB; real ones stay under 1 MB).</summary>
    public int MaxRecordBytes { get; init; } = 32 << 20;

    /// <summary>Largest Debian tracker JSON read (the live file is about 80 MB).</summary>
    public long MaxTrackerBytes { get; init; } = 1L << 30;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The default <see cref="IsValidVersion"/>: the version parses under its ecosystem's comparer, if Seawall has one.</summary>
    public static bool ParsesInEcosystem(string ecosystem, string version) =>
        Versions.VersionSchemes.ForEcosystem(ecosystem) is not { } comparer || comparer.TryParse(version, out _);
}

/// <summary>One source an import wrote.</summary>
public sealed record ImportedSource(string Name, string Kind, string Origin, int Advisories, int Affected, int Warnings);

/// <summary>What an import or update did.</summary>
public sealed record ImportResult(string DatabasePath, IReadOnlyList<ImportedSource> Sources)
{
    public int Warnings => Sources.Sum(s => s.Warnings);
}
