using Seawall.Core.Model;
using Seawall.Vulnerabilities.Cvss;

namespace Seawall.Tests.Vulnerabilities.Cvss;

/// <summary>CVSS v4.0 vectors with the scores their publishers state, and the MacroVector table's shape.</summary>
public sealed class Cvss4CalculatorTests
{
    /// <summary>Base-only vectors (CVSS-B) and their published scores; the comment before each group names the source.</summary>
    public static TheoryData<string, double> PublishedBaseScores() => new()
    {
        // RedHatProductSecurity/cvss tests/vectors_simple4 (the Python cvss library's v4.0 test vectors).
        { "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L", 9.2 },
        { "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:H/SI:N/SA:L", 7.8 },
        { "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:L/SA:H", 7.9 },
        { "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:L/VI:N/VA:N/SC:L/SI:N/SA:L", 5.3 },
        { "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.6 },
        { "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:N/VA:N/SC:H/SI:N/SA:N", 8.3 },
        { "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:A/VC:H/VI:H/VA:H/SC:H/SI:N/SA:H", 9.3 },
        { "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:P/VC:L/VI:L/VA:N/SC:L/SI:N/SA:N", 4.8 },
        { "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:N/SA:H", 9.5 },
        { "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:N/SA:N", 2.1 },
        { "CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:L/VA:L/SC:L/SI:N/SA:N", 1.8 },
        { "CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:L/SI:H/SA:L", 9.4 },
        { "CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:H/SA:N", 4.0 },
        { "CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:L/SA:N", 9.5 },
        { "CVSS:4.0/AV:A/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:N/SC:L/SI:L/SA:L", 7.4 },
        { "CVSS:4.0/AV:A/AC:L/AT:P/PR:L/UI:P/VC:L/VI:N/VA:N/SC:N/SI:L/SA:L", 1.0 },
        { "CVSS:4.0/AV:A/AC:L/AT:P/PR:H/UI:N/VC:H/VI:H/VA:N/SC:H/SI:N/SA:N", 8.4 },
        { "CVSS:4.0/AV:A/AC:H/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:L/SI:H/SA:H", 5.6 },
        { "CVSS:4.0/AV:A/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:L/SA:L", 7.7 },
        { "CVSS:4.0/AV:A/AC:H/AT:P/PR:N/UI:A/VC:H/VI:H/VA:H/SC:H/SI:L/SA:N", 8.6 },
        { "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:L/SI:L/SA:H", 8.3 },
        { "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:L/SC:H/SI:N/SA:N", 9.2 },
        { "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:A/VC:L/VI:L/VA:N/SC:L/SI:N/SA:L", 2.4 },
        { "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:A/VC:L/VI:N/VA:N/SC:N/SI:L/SA:L", 1.0 },
        { "CVSS:4.0/AV:L/AC:H/AT:N/PR:L/UI:N/VC:H/VI:H/VA:L/SC:N/SI:H/SA:L", 8.5 },
        { "CVSS:4.0/AV:L/AC:H/AT:P/PR:H/UI:N/VC:N/VI:N/VA:L/SC:H/SI:H/SA:L", 4.7 },
        { "CVSS:4.0/AV:P/AC:L/AT:P/PR:L/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:N", 7.0 },
        { "CVSS:4.0/AV:P/AC:L/AT:P/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:H/SA:H", 2.1 },
        { "CVSS:4.0/AV:P/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:H/SI:H/SA:N", 6.9 },
        { "CVSS:4.0/AV:P/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0 },
        { "CVSS:4.0/AV:P/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:N/SC:H/SI:H/SA:H", 7.2 },
        { "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:H/SI:H/SA:L", 2.3 },
        // RedHatProductSecurity/cvss tests/test_cvss4.py (test_json_schema_high_va, test_json_schema_no_impact_metrics).
        { "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 8.7 },
        { "CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0 },
        // cvss-rs tests: CVE-2024-7657's published score.
        { "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", 5.3 },
        // polycvss documentation (docs.rs polycvss::v4) example.
        { "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", 6.9 },
        // The most severe vector: MacroVector 000000, 10 in the specification's lookup table.
        { "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0 },
    };

    [Theory]
    [MemberData(nameof(PublishedBaseScores))]
    public void Score_PublishedBaseVector_GivesPublishedScore(string vector, double published)
    {
        var result = CvssCalculator.Score(vector);

        Assert.Equal(CvssVersion.V4_0, result.Version);
        Assert.Equal(published, result.BaseScore);
        Assert.Equal(published, result.Score);
        Assert.Null(result.TemporalScore);
        Assert.Null(result.EnvironmentalScore);
    }

    /// <summary>Vectors with threat (CVSS-BT) or environmental (CVSS-BE, -BTE) metrics and their published score.</summary>
    public static TheoryData<string, double> PublishedThreatAndEnvironmentalScores() => new()
    {
        // RedHatProductSecurity/cvss tests/vectors_threat4.
        { "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A", 7.3 },
        { "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:P", 5.9 },
        { "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U", 4.1 },
        { "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:U", 0.0 },
        // cvss-rs tests: CVE-2025-6829 with E:X (not defined) keeps its 5.3.
        { "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N/E:X", 5.3 },
        // RedHatProductSecurity/cvss tests/vectors_security4.
        { "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:H/AR:H", 7.3 },
        { "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:M/AR:L", 7.1 },
        { "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:M/IR:H/AR:H", 7.2 },
        { "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:M/IR:M/AR:M", 5.5 },
        { "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:L/IR:L/AR:L", 5.4 },
        // RedHatProductSecurity/cvss tests/test_cvss4.py (test_json_schema_high_va_low_ar, test_json_schema_high_msi).
        { "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N/AR:L", 7.9 },
        { "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/MSI:H", 7.7 },
        // FIRST's reference calculator (cvss-v4-calculator, cvss40.js) documentation example: CVSS-BTE 8.7.
        { "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N/E:A/MAV:A", 8.7 },
    };

    [Theory]
    [MemberData(nameof(PublishedThreatAndEnvironmentalScores))]
    public void Score_ThreatOrEnvironmentalVector_GivesPublishedScore(string vector, double published)
    {
        Assert.Equal(published, CvssCalculator.Score(vector).Score);
    }

    /// <summary>
    /// RedHatProductSecurity/cvss test_cvss4.py test_severity: full vectors (threat, environmental with MSI/MSA Safety,
    /// supplemental, metrics out of the specification's order) and the rating published for each.
    /// </summary>
    [Theory]
    [InlineData("CVSS:4.0/AV:L/AC:H/AT:P/PR:N/UI:P/VC:H/VI:N/VA:N/SC:N/SI:N/AU:N/SA:N/S:P/R:A/V:D/RE:L/U:Red/MAV:L/MAC:L/MAT:N/MPR:L/MUI:A/MVC:L/MVI:N/MVA:H/MSC:H/MSI:L/MSA:N/CR:H/IR:L/AR:L/E:P", CvssRating.Low)]
    [InlineData("CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:P/VC:N/VI:L/VA:L/SC:H/SI:N/AU:Y/SA:N/S:N/R:I/V:C/RE:M/U:Amber/MAV:L/MAC:H/MAT:P/MPR:N/MUI:P/MVC:L/MVI:N/MVA:H/MSC:H/MSI:H/MSA:S/CR:M/IR:M/AR:M/E:A", CvssRating.High)]
    [InlineData("CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:L/SI:N/AU:Y/SA:L/S:P/R:U/V:D/RE:M/U:Red/MAV:N/MAC:H/MAT:P/MPR:H/MUI:P/MVC:L/MVI:H/MVA:L/MSC:N/MSI:H/MSA:H/CR:L/IR:H/AR:M/E:U", CvssRating.Low)]
    [InlineData("CVSS:4.0/AV:A/AC:H/AT:N/PR:N/UI:A/VC:L/VI:L/VA:N/SC:N/SI:H/AU:N/SA:L/S:P/R:U/V:D/RE:H/U:Clear/MAV:A/MAC:L/MAT:N/MPR:N/MUI:P/MVC:N/MVI:L/MVA:L/MSC:H/MSI:N/MSA:L/CR:M/IR:M/AR:L/E:U", CvssRating.Low)]
    [InlineData("CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:A/VC:H/VI:H/VA:N/SC:H/SI:N/AU:Y/SA:N/S:N/R:I/V:C/RE:L/U:Green/MAV:L/MAC:L/MAT:N/MPR:H/MUI:P/MVC:L/MVI:L/MVA:N/MSC:H/MSI:H/MSA:S/CR:H/IR:H/AR:H/E:P", CvssRating.Medium)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:H/SC:H/SI:L/AU:Y/SA:H/S:N/R:U/V:C/RE:M/U:Amber/MAV:L/MAC:H/MAT:N/MPR:H/MUI:N/MVC:N/MVI:L/MVA:N/MSC:L/MSI:S/MSA:H/CR:H/IR:M/AR:M/E:A", CvssRating.Medium)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L", CvssRating.Medium)]
    [InlineData("CVSS:4.0/AV:A/AC:H/AT:P/PR:N/UI:P/VC:N/VI:L/VA:N/SC:H/SI:H/AU:N/SA:N/S:N/R:A/V:C/RE:M/U:Green/MAV:L/MAC:L/MAT:P/MPR:L/MUI:A/MVC:N/MVI:L/MVA:H/MSC:L/MSI:N/MSA:S/CR:L/IR:L/AR:M/E:P", CvssRating.Low)]
    [InlineData("CVSS:4.0/AV:A/AC:H/AT:N/PR:H/UI:A/VC:H/VI:N/VA:H/SC:L/SI:N/AU:N/SA:H/S:P/R:I/V:D/RE:M/U:Red/MAV:N/MAC:L/MAT:N/MPR:N/MUI:N/MVC:H/MVI:H/MVA:H/MSC:H/MSI:S/MSA:S/CR:H/IR:H/AR:H/E:U", CvssRating.Critical)]
    [InlineData("CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:P/VC:L/VI:N/VA:H/SC:L/SI:N/AU:Y/SA:H/S:P/R:I/V:D/RE:H/U:Green/MAV:A/MAC:L/MAT:N/MPR:N/MUI:A/MVC:L/MVI:H/MVA:H/MSC:N/MSI:H/MSA:L/CR:L/IR:H/AR:L/E:U", CvssRating.Medium)]
    [InlineData("CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:N/VC:L/VI:N/VA:H/SC:L/SI:H/AU:N/SA:H/S:P/R:U/V:C/RE:H/U:Red/MAV:L/MAC:L/MAT:P/MPR:L/MUI:P/MVC:N/MVI:N/MVA:N/MSC:N/MSI:N/MSA:N/CR:H/IR:H/AR:H/E:P", CvssRating.None)]
    public void Score_FullVector_GivesPublishedRating(string vector, CvssRating published)
    {
        var result = CvssCalculator.Score(vector);

        Assert.Equal(published, result.Rating);
        Assert.Equal(result.EnvironmentalScore ?? result.BaseScore, result.Score);
    }

    [Fact]
    public void Score_ThreatAndEnvironmental_ReportsEachNomenclatureScore()
    {
        // CVSS-B 7.3 and CVSS-BT 4.1 (vectors_threat4's E:A and E:U rows); CVSS-BTE, with CR/IR/AR:L besides, lower still.
        var result = CvssCalculator.Score("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U/CR:L/IR:L/AR:L");

        Assert.Equal(7.3, result.BaseScore);
        Assert.Equal(4.1, result.TemporalScore);
        Assert.NotNull(result.EnvironmentalScore);
        Assert.True(result.EnvironmentalScore < 4.1, $"CVSS-BTE {result.EnvironmentalScore} should be below CVSS-BT 4.1");
        Assert.Equal(result.EnvironmentalScore, result.Score);
    }

    [Fact]
    public void Score_SupplementalMetrics_DoNotChangeTheScore()
    {
        var plain = CvssCalculator.Score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N");
        var supplemental = CvssCalculator.Score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N/S:P/AU:Y/R:I/V:C/RE:H/U:Red");

        Assert.Equal(plain.Score, supplemental.Score);
        Assert.Null(supplemental.TemporalScore);
        Assert.Null(supplemental.EnvironmentalScore);
    }

    [Fact]
    public void MacroVectorTable_HasTheSpecifications270Entries()
    {
        Assert.Equal(270, Cvss4MacroVectorTable.Count);
        var defined = 0;
        for (var eq1 = 0; eq1 < 3; eq1++)
        for (var eq2 = 0; eq2 < 2; eq2++)
        for (var eq3 = 0; eq3 < 3; eq3++)
        for (var eq4 = 0; eq4 < 3; eq4++)
        for (var eq5 = 0; eq5 < 3; eq5++)
        for (var eq6 = 0; eq6 < 2; eq6++)
        {
            var score = Cvss4MacroVectorTable.Score(eq1, eq2, eq3, eq4, eq5, eq6);
            // EQ3 level 2 (no high vulnerable-system impact) cannot meet EQ6 level 0 (a high impact with a high requirement).
            Assert.Equal(eq3 == 2 && eq6 == 0, double.IsNaN(score));
            if (!double.IsNaN(score))
            {
                defined++;
                Assert.InRange(score, 0.1, 10.0);
            }
        }
        Assert.Equal(270, defined);
        Assert.True(double.IsNaN(Cvss4MacroVectorTable.Score(3, 0, 0, 0, 0, 0)));
        // Spot checks against the published table: its first, last and a middle entry.
        Assert.Equal(10.0, Cvss4MacroVectorTable.Score(0, 0, 0, 0, 0, 0));
        Assert.Equal(0.1, Cvss4MacroVectorTable.Score(2, 1, 2, 2, 2, 1));
        Assert.Equal(5.7, Cvss4MacroVectorTable.Score(1, 1, 1, 1, 1, 1));
    }

    [Fact]
    public void Score_MostSevereVectorOfAMacroVector_ScoresItsTableEntry()
    {
        // A MacroVector's highest-severity vector sits at severity distance 0, so it scores the table entry itself.
        Assert.Equal(9.3, CvssCalculator.Score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:L/SI:L/SA:L").Score); // 000200
        Assert.Equal(9.5, CvssCalculator.Score("CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H").Score); // 010100
        // EQ4 level 2 has no lower level, so its distance (SC/SI/SA N instead of L) takes nothing off: still 9.3.
        Assert.Equal(9.3, CvssCalculator.Score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N").Score);
        Assert.Equal(Severity.Critical, CvssCalculator.Score("CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H").Severity);
    }
}
