using Seawall.Core.Model;
using Seawall.Vulnerabilities.Cvss;

namespace Seawall.Tests.Vulnerabilities.Cvss;

/// <summary>CVSS v2 vectors (NVD's form for old CVEs, OSV's CVSS_V2) with their published scores.</summary>
public sealed class Cvss2CalculatorTests
{
    /// <summary>(vector, base, temporal, environmental) as published; null where the vector has no such metrics.</summary>
    public static TheoryData<string, double, double?, double?> PublishedScores() => new()
    {
        // NVD's v2 calculator, hand-picked (RedHatProductSecurity/cvss tests/vectors_calculator2).
        { "AV:A/AC:M/Au:S/C:N/I:N/A:P", 2.3, null, null },
        { "AV:A/AC:M/Au:N/C:C/I:N/A:P/E:POC/RL:W/RC:UC", 6.4, 4.9, null },
        { "AV:A/AC:H/Au:S/C:N/I:P/A:P/E:POC/RL:OF/RC:C/CDP:LM/TD:M/CR:M/IR:L/AR:L", 2.9, 2.3, 2.8 },
        // cvsslib's test vectors (RedHatProductSecurity/cvss tests/vectors_cvsslib2).
        { "AV:L/AC:M/Au:S/C:N/I:P/A:C/E:U/RL:OF/RC:UR/CDP:N/TD:L/CR:H/IR:H/AR:H", 5.0, 3.5, 1.2 },
        { "AV:N/AC:M/Au:M/C:C/I:N/A:P/RL:W/RC:UC/CDP:LM/TD:M/CR:L/IR:L/AR:L", 6.4, 5.5, 4.0 },
        { "AV:L/AC:L/Au:S/C:P/I:P/A:P/E:U/RC:C/CDP:LM/TD:L/IR:H/AR:M", 4.3, 3.7, 1.5 },
        { "AV:A/AC:M/Au:S/C:C/I:P/A:C", 7.0, null, null },
        { "AV:N/AC:L/Au:S/C:P/I:P/A:N", 5.5, null, null },
        { "AV:N/AC:L/Au:S/C:C/I:C/A:C", 9.0, null, null },
        { "AV:L/AC:L/Au:N/C:P/I:P/A:P", 4.6, null, null },
        { "AV:N/AC:M/Au:S/C:C/I:C/A:C", 8.5, null, null },
        { "AV:N/AC:M/Au:N/C:P/I:P/A:P", 6.8, null, null },
        { "AV:L/AC:M/Au:N/C:C/I:C/A:C", 6.9, null, null },
        { "AV:A/AC:L/Au:N/C:N/I:C/A:N", 6.1, null, null },
        { "AV:A/AC:L/Au:N/C:C/I:C/A:C", 8.3, null, null },
        { "AV:L/AC:L/Au:N/C:N/I:C/A:N", 4.9, null, null },
        { "AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3, null, null },
        // NVD's v2 scores of CVE-2014-0160 (Heartbleed) and CVE-2014-6271 (Shellshock).
        { "AV:N/AC:L/Au:N/C:P/I:N/A:N", 5.0, null, null },
        { "AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0, null, null },
        // NVD's v2 score of CVE-2016-5195 (Dirty COW).
        { "AV:L/AC:L/Au:N/C:C/I:C/A:C", 7.2, null, null },
    };

    [Theory]
    [MemberData(nameof(PublishedScores))]
    public void Score_PublishedVector_GivesPublishedScores(string vector, double baseScore, double? temporal, double? environmental)
    {
        var result = CvssCalculator.Score(vector);

        Assert.Equal(CvssVersion.V2_0, result.Version);
        Assert.Equal(baseScore, result.BaseScore);
        Assert.Equal(temporal, result.TemporalScore);
        Assert.Equal(environmental, result.EnvironmentalScore);
        Assert.Equal(baseScore, result.Score);
        Assert.Equal("2.0", result.VersionText);
    }

    [Fact]
    public void Score_V2TemporalHalfway_RoundsHalfUpOnTheDecimalValue()
    {
        // 9.0 x 0.95 is 8.55, which round_to_1_decimal takes to 8.6; binary doubles hold 8.549999... and would give 8.5.
        var result = CvssCalculator.Score("AV:N/AC:M/Au:N/C:C/I:P/A:C/E:F/RL:ND/RC:ND");

        Assert.Equal(9.0, result.BaseScore);
        Assert.Equal(8.6, result.TemporalScore);
    }

    [Theory]
    // NVD's v2 ranges: Low 0.0-3.9, Medium 4.0-6.9, High 7.0-10.0 (no Critical, no None).
    [InlineData("AV:A/AC:M/Au:S/C:N/I:N/A:P", CvssRating.Low, Severity.Low)]
    [InlineData("AV:N/AC:L/Au:N/C:P/I:N/A:N", CvssRating.Medium, Severity.Medium)]
    [InlineData("AV:N/AC:L/Au:N/C:C/I:C/A:C", CvssRating.High, Severity.High)]
    [InlineData("AV:N/AC:L/Au:N/C:N/I:N/A:N", CvssRating.Low, Severity.Low)]
    public void Score_V2_UsesNvdRanges(string vector, CvssRating rating, Severity severity)
    {
        var result = CvssCalculator.Score(vector);

        Assert.Equal(rating, result.Rating);
        Assert.Equal(severity, result.Severity);
    }
}
