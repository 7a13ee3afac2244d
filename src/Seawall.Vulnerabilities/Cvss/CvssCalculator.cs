using System.Diagnostics.CodeAnalysis;
using Seawall.Core.Model;

namespace Seawall.Vulnerabilities.Cvss;

/// <summary>
/// Scores CVSS vector strings: v3.0 and v3.1 ("CVSS:3.1/AV:N/..."), v4.0 ("CVSS:4.0/AV:N/...") and v2 (the bare
/// "AV:N/AC:L/Au:N/C:P/I:P/A:P" form NVD and OSV's CVSS_V2 entries use). Parsing is strict: the exact prefix, every
/// mandatory metric exactly once, only the values the specification defines, nothing but KEY:VALUE pairs. Metric
/// order is free. Thread-safe and allocation-light; <see cref="TryScore(string?, out CvssResult?)"/> never throws.
/// </summary>
public static class CvssCalculator
{
    /// <summary>Vectors longer than this are refused unread: the longest valid one (v4.0 with every metric) is about 190.</summary>
    public const int MaxVectorLength = 1024;

    /// <summary>Scores <paramref name="vector"/>; false (no exception) when it is not a valid vector.</summary>
    public static bool TryScore(string? vector, [NotNullWhen(true)] out CvssResult? result) =>
        TryScore(vector, out result, out _);

    /// <summary>Scores <paramref name="vector"/>; on false, <paramref name="error"/> is a one-line reason naming the vector and the bad metric.</summary>
    public static bool TryScore(string? vector, [NotNullWhen(true)] out CvssResult? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        string? reason;
        if (string.IsNullOrEmpty(vector))
        {
            error = "empty CVSS vector";
            return false;
        }
        if (vector.Length > MaxVectorLength)
        {
            reason = $"longer than {MaxVectorLength} characters";
        }
        else if (vector.StartsWith("CVSS:3.1/", StringComparison.Ordinal))
        {
            reason = Cvss3Scorer.TryScore(vector, "CVSS:3.1/".Length, v31: true, out result);
        }
        else if (vector.StartsWith("CVSS:4.0/", StringComparison.Ordinal))
        {
            reason = Cvss4Scorer.TryScore(vector, "CVSS:4.0/".Length, out result);
        }
        else if (vector.StartsWith("CVSS:3.0/", StringComparison.Ordinal))
        {
            reason = Cvss3Scorer.TryScore(vector, "CVSS:3.0/".Length, v31: false, out result);
        }
        else if (vector.StartsWith("CVSS:", StringComparison.Ordinal))
        {
            var end = vector.IndexOf('/');
            reason = $"unsupported prefix '{CvssVectorParser.Quote(end < 0 ? vector : vector[..end])}' (expected CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/)";
        }
        else
        {
            // No prefix: only v2 vectors are written that way.
            reason = Cvss2Scorer.TryScore(vector, out result);
            if (reason is not null)
            {
                reason = $"no CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/ prefix, and not a CVSS v2 vector: {reason}";
            }
        }
        if (reason is not null)
        {
            result = null;
            error = $"invalid CVSS vector '{CvssVectorParser.Quote(vector, 200)}': {reason}";
            return false;
        }
        error = null;
        return result is not null;
    }

    /// <summary>Scores <paramref name="vector"/>.</summary>
    /// <exception cref="FormatException">The vector is invalid; the message names it and the bad metric.</exception>
    public static CvssResult Score(string vector) =>
        TryScore(vector, out var result, out var error) ? result : throw new FormatException(error);

    /// <summary>The specification's qualitative rating of a score (see <see cref="CvssRating"/> for the ranges).</summary>
    public static CvssRating Rate(CvssVersion version, double score)
    {
        if (version == CvssVersion.V2_0)
        {
            return score >= 7.0 ? CvssRating.High : score >= 4.0 ? CvssRating.Medium : CvssRating.Low;
        }
        return score >= 9.0 ? CvssRating.Critical
            : score >= 7.0 ? CvssRating.High
            : score >= 4.0 ? CvssRating.Medium
            : score > 0 ? CvssRating.Low
            : CvssRating.None;
    }

    /// <summary>
    /// Seawall's severity for a rating. None (a 0.0 score: the vector claims no impact) becomes Unknown, because
    /// Seawall has no "none" level and calling it Low would invent an impact the source denies; the 0.0 score stays
    /// in the report beside it.
    /// </summary>
    public static Severity ToSeverity(CvssRating rating) => rating switch
    {
        CvssRating.Critical => Severity.Critical,
        CvssRating.High => Severity.High,
        CvssRating.Medium => Severity.Medium,
        CvssRating.Low => Severity.Low,
        _ => Severity.Unknown,
    };

    /// <summary>"2.0", "3.0", "3.1" or "4.0".</summary>
    public static string VersionText(CvssVersion version) => version switch
    {
        CvssVersion.V2_0 => "2.0",
        CvssVersion.V3_0 => "3.0",
        CvssVersion.V3_1 => "3.1",
        _ => "4.0",
    };
}
