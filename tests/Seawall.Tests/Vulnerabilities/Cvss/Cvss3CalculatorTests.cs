using Seawall.Core.Model;
using Seawall.Vulnerabilities.Cvss;

namespace Seawall.Tests.Vulnerabilities.Cvss;

/// <summary>CVSS v3.0 and v3.1 vectors with the scores their publishers state.</summary>
public sealed class Cvss3CalculatorTests
{
    /// <summary>Base vectors and their published base scores; the comment before each group names where it was published.</summary>
    public static TheoryData<string, double> PublishedBaseScores() => new()
    {
        // FIRST "CVSS v3.0 Examples" document (transcribed with their scores in RedHatProductSecurity/cvss tests/vectors_cvsslib3).
        { "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1 }, // CVE-2013-1937 phpMyAdmin reflected XSS
        { "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4 }, // CVE-2013-0375 MySQL stored SQL injection
        { "CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1 }, // CVE-2014-3566 SSLv3 POODLE
        { "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9 }, // CVE-2012-1516 VMware guest to host escape
        { "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8 }, // CVE-2012-0384 Cisco IOS command execution
        { "CVSS:3.0/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8 }, // CVE-2015-1098 Apple iWork
        { "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5 }, // CVE-2014-0160 Heartbleed
        { "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8 }, // CVE-2014-6271 Shellshock
        { "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 6.8 }, // CVE-2008-1447 DNS cache poisoning
        { "CVSS:3.0/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 6.8 }, // CVE-2014-2005 Sophos login screen bypass
        { "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 5.8 }, // CVE-2010-0467 Joomla directory traversal
        { "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:L/A:N", 5.8 }, // CVE-2012-1342 Cisco ACL bypass
        { "CVSS:3.0/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H", 9.3 }, // CVE-2013-6014 Juniper proxy ARP
        { "CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", 5.4 },
        { "CVSS:3.0/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.8 },
        { "CVSS:3.0/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", 4.6 },
        { "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8 },
        { "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", 7.4 }, // CVE-2014-0224 OpenSSL CCS injection
        { "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 9.6 }, // CVE-2012-5376 Chrome IPC sandbox escape
        { "CVSS:3.0/AV:A/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:H", 8.2 },
        { "CVSS:3.0/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", 4.2 },
        { "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0 },

        // CVE Program records (cvelistV5, Oracle as CNA): vector and "CVSS v3.0 Base Score" in the description.
        { "CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:H/I:H/A:H", 6.3 }, // CVE-2017-3291
        { "CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:H/I:N/A:N", 4.0 }, // CVE-2017-3318
        { "CVSS:3.0/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:N/A:N", 4.7 }, // CVE-2017-3313
        { "CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:H", 4.0 }, // CVE-2017-3317
        { "CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:H/I:N/A:H", 5.6 }, // CVE-2017-3265
        { "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:L/A:N", 4.3 }, // CVE-2017-3651
        { "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N", 4.3 }, // CVE-2018-2813

        // NVD's v3.1 scores (as cited in the cvssrust crate's tests, and NVD's CVE-2021-44228 page).
        { "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:N", 8.1 }, // CVE-2020-0601
        { "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8 }, // CVE-2014-0011
        { "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0 }, // CVE-2021-44228 Log4Shell

        // FIRST's v3.1 calculator (first.org/cvss/calculator/3.1), as recorded in RedHatProductSecurity/cvss tests/vectors_simple31.
        { "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:L/A:N", 9.3 },
        { "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:L/A:L", 8.3 },
        { "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L", 7.3 },
        { "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:N/A:N", 4.7 },
        { "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H", 9.0 },
        { "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:N/A:N", 3.5 },
        { "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:L/I:L/A:L", 6.6 },
        { "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:N/A:N", 4.9 },
        { "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N", 0.0 },
    };

    [Theory]
    [MemberData(nameof(PublishedBaseScores))]
    public void Score_PublishedVector_GivesPublishedBaseScore(string vector, double published)
    {
        var result = CvssCalculator.Score(vector);

        Assert.Equal(published, result.BaseScore);
        Assert.Equal(published, result.Score);
        Assert.Equal(vector.StartsWith("CVSS:3.1/", StringComparison.Ordinal) ? CvssVersion.V3_1 : CvssVersion.V3_0, result.Version);
        Assert.Null(result.TemporalScore);
        Assert.Null(result.EnvironmentalScore);
    }

    /// <summary>Vectors with temporal and environmental metrics: (base, temporal, environmental) as published.</summary>
    public static TheoryData<string, double, double?, double?> PublishedAllScores() => new()
    {
        // cvsslib's test vectors (RedHatProductSecurity/cvss tests/vectors_cvsslib3).
        { "CVSS:3.0/AV:L/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N/MAV:A/MAC:L/MPR:N/MUI:N/MS:U/MC:N/MI:N/MA:N", 4.6, null, 0.0 },
        { "CVSS:3.0/AV:L/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N/MAV:A/MAC:L/MPR:N/MUI:N/MS:U/MC:L/MI:N/MA:N", 4.6, null, 4.3 },
        { "CVSS:3.0/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:N/A:H/E:H/RL:W/RC:U/CR:H/IR:H/AR:M/MAV:L/MAC:L/MPR:H/MUI:N/MS:C/MC:N/MI:H/MA:L", 5.8, 5.2, 7.4 },
        { "CVSS:3.0/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:N/A:H/MPR:N", 5.8, null, 7.1 },
        { "CVSS:3.0/AV:L/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:L/E:U/RL:U/RC:R/CR:M/MPR:L/MUI:R/MI:N/MA:H", 7.7, 6.8, 6.3 },
        { "CVSS:3.0/AV:L/AC:H/PR:H/UI:N/S:C/C:N/I:H/A:N/E:P/RL:U/RC:U/CR:H/IR:L/AR:H/MAV:L/MUI:R/MS:C/MC:N/MI:L/MA:N", 5.3, 4.6, 1.3 },
        // FIRST's v3.0 calculator, hand-picked (RedHatProductSecurity/cvss tests/vectors_calculator3); the first is out of order.
        { "CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X", 3.8, 3.7, null },
        { "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N/E:H/RL:O/RC:C/CR:H/IR:H/AR:H/MAV:N/MAC:L/MPR:L/MUI:N/MS:C/MC:H/MI:H/MA:H", 9.3, 8.9, 9.5 },
        // FIRST's v3.1 calculator shows these environmental scores for the base vectors (vectors_simple31); stating a
        // modified metric equal to its base value exercises v3.1's changed-scope modified impact ((MISS x 0.9731 - 0.02)^13),
        // which is why they differ from the base score.
        { "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H/MAV:N", 9.6, null, 9.7 },
        { "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H/MAV:N", 9.9, null, 10.0 },
        { "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H/MAV:N", 9.0, null, 9.1 },
    };

    [Theory]
    [MemberData(nameof(PublishedAllScores))]
    public void Score_TemporalAndEnvironmentalVector_GivesPublishedScores(string vector, double baseScore, double? temporal, double? environmental)
    {
        var result = CvssCalculator.Score(vector);

        Assert.Equal(baseScore, result.BaseScore);
        if (temporal is not null)
        {
            Assert.Equal(temporal, result.TemporalScore);
        }
        Assert.Equal(environmental, result.EnvironmentalScore);
        Assert.Equal(baseScore, result.Score);
    }

    [Fact]
    public void Score_SameModifiedVectorUnderV30_KeepsV30ModifiedImpact()
    {
        // v3.0's changed-scope modified impact is the base formula's; the environmental score equals the base one.
        Assert.Equal(9.6, CvssCalculator.Score("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H/MAV:N").EnvironmentalScore);
    }

    [Fact]
    public void Score_RedHatSeveritiesExample_RatesEachScore()
    {
        // RedHatProductSecurity/cvss test_json_schema_severities: base HIGH, temporal MEDIUM, environmental LOW.
        var result = CvssCalculator.Score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L/E:P/CR:L/IR:L/AR:L/MAV:P");

        Assert.Equal(CvssRating.High, CvssCalculator.Rate(result.Version, result.BaseScore));
        Assert.Equal(CvssRating.Medium, CvssCalculator.Rate(result.Version, result.TemporalScore!.Value));
        Assert.Equal(CvssRating.Low, CvssCalculator.Rate(result.Version, result.EnvironmentalScore!.Value));
        Assert.Equal(Severity.High, result.Severity);
    }

    [Theory]
    // Specification v3.1 Appendix A: Roundup(4.02) is 4.1, Roundup(4.00) is 4.0; the v3.1 definition keeps
    // floating-point noise from raising a score, which v3.0's plain ceiling does not.
    [InlineData(4.02, true, 4.1)]
    [InlineData(4.00, true, 4.0)]
    [InlineData(4.000000000000001, true, 4.0)]
    [InlineData(4.000000000000001, false, 4.1)]
    [InlineData(4.02, false, 4.1)]
    [InlineData(9.99, true, 10.0)]
    public void Roundup_FollowsTheVersionsDefinition(double input, bool v31, double expected)
    {
        Assert.Equal(expected, Cvss3Scorer.Roundup(input, v31));
    }
}
