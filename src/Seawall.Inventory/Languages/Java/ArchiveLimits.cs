namespace Seawall.Inventory.Languages.Java;

/// <summary>
/// Caps on what one Java archive may cost. A jar is untrusted input: nested archives are expanded in memory, so
/// depth, per-entry size, expansion ratio and the total expanded size are all bounded (a zip bomb stops here).
/// </summary>
internal static class ArchiveLimits
{
    /// <summary>Archives inside archives: EAR → WAR → WEB-INF/lib jar → a jar shaded into it is 3; real ones stop there.</summary>
    public const int MaxNestingDepth = 4;

    /// <summary>Entries in one archive's central directory (ZipArchive holds an object per entry); big real jars have tens of thousands.</summary>
    public const long MaxEntries = 250_000;

    /// <summary>One nested archive, expanded in memory before it is opened.</summary>
    public const int MaxNestedArchiveBytes = 128 * 1024 * 1024;

    /// <summary>Expanded bytes of all nested archives of one top-level file together.</summary>
    public const long MaxTotalExpandedBytes = 1024L * 1024 * 1024;

    /// <summary>A pom.properties file; real ones are a few hundred bytes.</summary>
    public const int MaxPropertiesBytes = 1024 * 1024;

    /// <summary>How much of MANIFEST.MF is read: its main section is at the top, the per-file digests of signed jars follow.</summary>
    public const int MaxManifestBytes = 1024 * 1024;

    /// <summary>
    /// A jar inside a jar is already compressed, so storing it again barely shrinks it; an entry that expands more than
    /// this (and is over <see cref="RatioCheckFloorBytes"/>) is a decompression bomb, not an archive.
    /// </summary>
    public const long MaxNestedExpansionRatio = 100;

    public const long RatioCheckFloorBytes = 1024 * 1024;
}
