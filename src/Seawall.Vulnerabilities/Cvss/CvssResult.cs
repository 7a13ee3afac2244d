using Seawall.Core.Model;

namespace Seawall.Vulnerabilities.Cvss;

/// <summary>The CVSS versions the calculator scores.</summary>
public enum CvssVersion
{
    /// <summary>CVSS v2: a bare vector such as <c>AV:N/AC:L/Au:N/C:P/I:P/A:P</c> (NVD still publishes it for old CVEs).</summary>
    V2_0,
    V3_0,
    V3_1,
    V4_0,
}

/// <summary>
/// A specification's qualitative rating of a score. v3.x and v4.0 use None 0.0, Low 0.1-3.9, Medium 4.0-6.9,
/// High 7.0-8.9, Critical 9.0-10.0; v2 has no such table in its specification, so NVD's v2 ranges apply
/// (Low 0.0-3.9, Medium 4.0-6.9, High 7.0-10.0).
/// </summary>
public enum CvssRating
{
    None,
    Low,
    Medium,
    High,
    Critical,
}

/// <summary>
/// A scored CVSS vector.
/// <para><see cref="Score"/> is the number a source means when it publishes the vector, and the one to report:
/// for v2 and v3.x the base score (their temporal and environmental scores are published separately, and are here
/// too); for v4.0 the score of every metric the vector states (CVSS-B, -BT, -BE or -BTE), as FIRST's calculator shows it.</para>
/// </summary>
/// <param name="Version">The vector's CVSS version.</param>
/// <param name="Vector">The vector exactly as given.</param>
/// <param name="BaseScore">The base score: v2/v3.x base equation; v4.0 CVSS-B (threat and environmental metrics ignored).</param>
/// <param name="TemporalScore">v2/v3.x temporal score, v4.0 CVSS-BT; null when the vector defines no temporal (threat) metric.</param>
/// <param name="EnvironmentalScore">v2/v3.x environmental score, v4.0 CVSS-BE or CVSS-BTE; null when the vector defines no environmental metric.</param>
public sealed record CvssResult(
    CvssVersion Version,
    string Vector,
    double BaseScore,
    double? TemporalScore,
    double? EnvironmentalScore)
{
    /// <summary>The headline score (see the type's remarks): <see cref="BaseScore"/> for v2/v3.x, the nomenclature score for v4.0.</summary>
    public double Score => Version == CvssVersion.V4_0 ? EnvironmentalScore ?? TemporalScore ?? BaseScore : BaseScore;

    /// <summary>The specification's rating of <see cref="Score"/>.</summary>
    public CvssRating Rating => CvssCalculator.Rate(Version, Score);

    /// <summary>Seawall's severity of <see cref="Score"/> (see <see cref="CvssCalculator.ToSeverity"/>).</summary>
    public Severity Severity => CvssCalculator.ToSeverity(Rating);

    /// <summary>"2.0", "3.0", "3.1" or "4.0", as <see cref="CvssScore.Version"/> spells it.</summary>
    public string VersionText => CvssCalculator.VersionText(Version);

    /// <summary>The report model's record of this score, attributed to <paramref name="source"/> (nvd, ghsa, osv, ...).</summary>
    public CvssScore ToCvssScore(string source) => new(source, VersionText, Vector, Score, Severity);
}
