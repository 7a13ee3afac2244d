using Seawall.Core.Model;
using Seawall.Vulnerabilities.Cvss;

namespace Seawall.Tests.Vulnerabilities.Cvss;

/// <summary>Strict parsing: what is refused, how the refusal reads, and the result's public surface.</summary>
public sealed class CvssVectorParsingTests
{
    [Theory]
    // (vector, text the one-line reason must contain)
    [InlineData("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "not a CVSS v2 vector: unknown metric 'PR'")] // v3 without its prefix
    [InlineData("CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unsupported prefix 'CVSS:3.2'")]
    [InlineData("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", "unsupported prefix 'CVSS:2.0'")]
    [InlineData("cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "not a CVSS v2 vector")] // prefixes are case-sensitive
    [InlineData("CVSS:3.1", "unsupported prefix 'CVSS:3.1'")]
    [InlineData("CVSS:3.1/", "no metrics")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "missing mandatory metric A")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H", "missing mandatory metric S")]
    [InlineData("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "metric AV given twice")]
    [InlineData("CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "metric AV given twice")]
    [InlineData("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown value 'Q' for metric AV (allowed: N, A, L, P)")]
    [InlineData("CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown value 'n' for metric AV")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AT:N", "unknown metric 'AT'")] // a v4.0 metric in v3.1
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", "empty metric")]
    [InlineData("CVSS:3.1//AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "empty metric")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/AH", "malformed metric 'AH' (expected KEY:VALUE)")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:", "malformed metric 'A:'")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H:H", "unknown value 'H:H' for metric A")]
    [InlineData("CVSS:3.1/AV:N /AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown value 'N ' for metric AV")]
    [InlineData(" CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "not a CVSS v2 vector")]
    [InlineData("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/E:H", "metric E given twice")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", "missing mandatory metric SA")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:J", "unknown value 'J' for metric SA")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SI:H", "metric SI given twice")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/JJ:H", "unknown metric 'JJ'")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:S/SA:N", "unknown value 'S' for metric SI")] // Safety is MSI's only
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/U:red", "unknown value 'red' for metric U")]
    [InlineData("CVSS:4.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown value 'U' for metric S (allowed: X, N, P)")] // v3.1 under a v4.0 prefix: S is v4.0's Safety
    [InlineData("CVSS:4.0/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H", "unknown metric 'C'")]
    [InlineData("AV:N/AC:L/Au:N/C:P/I:P", "missing mandatory metric A")]
    [InlineData("AV:N/AC:L/Au:N/C:P/I:P/A:P/E:X", "unknown value 'X' for metric E")] // v2 spells "not defined" ND
    [InlineData("(AV:N/AC:L/Au:N/C:P/I:P/A:P)", "unknown metric '(AV'")]
    public void TryScore_InvalidVector_FailsWithReasonNamingTheVector(string vector, string reason)
    {
        Assert.False(CvssCalculator.TryScore(vector, out var result, out var error));

        Assert.Null(result);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.StartsWith("invalid CVSS vector '", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
        Assert.False(CvssCalculator.TryScore(vector, out _));
    }

    [Fact]
    public void Score_InvalidVector_ThrowsFormatExceptionNamingVectorAndMetric()
    {
        var error = Assert.Throws<FormatException>(() => CvssCalculator.Score("CVSS:3.1/AV:N/AC:L/PR:X/UI:N/S:U/C:H/I:H/A:H"));

        Assert.Equal(
            "invalid CVSS vector 'CVSS:3.1/AV:N/AC:L/PR:X/UI:N/S:U/C:H/I:H/A:H': unknown value 'X' for metric PR (allowed: N, L, H)",
            error.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void TryScore_NothingGiven_FailsWithoutThrowing(string? vector)
    {
        Assert.False(CvssCalculator.TryScore(vector, out var result, out var error));
        Assert.Null(result);
        Assert.Equal("empty CVSS vector", error);
    }

    [Fact]
    public void TryScore_HostileInput_FailsOnOneCappedPrintableLine()
    {
        var huge = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/" + new string('X', 5000);
        Assert.False(CvssCalculator.TryScore(huge, out _, out var tooLong));
        Assert.Contains("longer than 1024 characters", tooLong, StringComparison.Ordinal);
        Assert.True(tooLong.Length < 400, tooLong);

        var control = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E\n\u0000\u00e9:H";
        Assert.False(CvssCalculator.TryScore(control, out _, out var unprintable));
        Assert.Contains("unknown metric 'E???'", unprintable, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', unprintable);
        Assert.DoesNotContain('\0', unprintable);

        var longKey = "CVSS:4.0/" + new string('K', 900) + ":N";
        Assert.False(CvssCalculator.TryScore(longKey, out _, out var keyError));
        Assert.Contains("unknown metric 'KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK...'", keyError, StringComparison.Ordinal);
        Assert.True(keyError.Length < 400, keyError);
    }

    [Theory]
    // The v3.x specifications allow any metric order, and GHSA publishes v4.0 vectors out of the specification's order.
    [InlineData("CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/SC:N/VI:H/SI:N/VA:H/SA:N", "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")]
    [InlineData("A:P/I:P/C:P/Au:N/AC:L/AV:N", "AV:N/AC:L/Au:N/C:P/I:P/A:P")]
    public void Score_MetricsOutOfOrder_ScoreAsInOrder(string shuffled, string ordered)
    {
        var a = CvssCalculator.Score(shuffled);
        var b = CvssCalculator.Score(ordered);

        Assert.Equal(b.BaseScore, a.BaseScore);
        Assert.Equal(b.Score, a.Score);
        Assert.Equal(shuffled, a.Vector);
    }

    [Theory]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, CvssRating.None, Severity.Unknown)]
    [InlineData("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1, CvssRating.Low, Severity.Low)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, CvssRating.Medium, Severity.Medium)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5, CvssRating.High, Severity.High)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, CvssRating.Critical, Severity.Critical)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0, CvssRating.None, Severity.Unknown)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:N/SA:N", 2.1, CvssRating.Low, Severity.Low)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", 6.9, CvssRating.Medium, Severity.Medium)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 8.7, CvssRating.High, Severity.High)]
    public void Score_RatesAndMapsToSeawallSeverity(string vector, double score, CvssRating rating, Severity severity)
    {
        var result = CvssCalculator.Score(vector);

        Assert.Equal(score, result.Score);
        Assert.Equal(rating, result.Rating);
        Assert.Equal(severity, result.Severity);
    }

    [Theory]
    [InlineData(CvssVersion.V3_1, 8.9, CvssRating.High)]
    [InlineData(CvssVersion.V3_1, 9.0, CvssRating.Critical)]
    [InlineData(CvssVersion.V4_0, 3.9, CvssRating.Low)]
    [InlineData(CvssVersion.V4_0, 4.0, CvssRating.Medium)]
    [InlineData(CvssVersion.V4_0, 0.1, CvssRating.Low)]
    [InlineData(CvssVersion.V2_0, 6.9, CvssRating.Medium)]
    [InlineData(CvssVersion.V2_0, 9.5, CvssRating.High)]
    public void Rate_Boundaries(CvssVersion version, double score, CvssRating rating)
    {
        Assert.Equal(rating, CvssCalculator.Rate(version, score));
    }

    [Fact]
    public void ToCvssScore_CarriesSourceVersionVectorScoreAndSeverity()
    {
        var vector = "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U";

        var model = CvssCalculator.Score(vector).ToCvssScore("ghsa");

        Assert.Equal(new CvssScore("ghsa", "4.0", vector, 4.1, Severity.Medium), model);
        Assert.Equal("3.0", CvssCalculator.Score("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").VersionText);
        Assert.Equal("3.1", CvssCalculator.Score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").VersionText);
    }
}
