namespace Seawall.Vulnerabilities.Cvss;

/// <summary>CVSS v2 base, temporal and environmental equations (FIRST "A Complete Guide to the CVSS Version 2.0", section 3.2).</summary>
internal static class Cvss2Scorer
{
    private const int AV = 0, AC = 1, Au = 2, C = 3, I = 4, A = 5, E = 6, RL = 7, RC = 8,
        CDP = 9, TD = 10, CR = 11, IR = 12, AR = 13;

    private static readonly CvssMetric[] Metrics =
    [
        new("AV", true, "L", "A", "N"),
        new("AC", true, "H", "M", "L"),
        new("Au", true, "M", "S", "N"),
        new("C", true, "N", "P", "C"),
        new("I", true, "N", "P", "C"),
        new("A", true, "N", "P", "C"),
        new("E", false, "ND", "U", "POC", "F", "H"),
        new("RL", false, "ND", "OF", "TF", "W", "U"),
        new("RC", false, "ND", "UC", "UR", "C"),
        new("CDP", false, "ND", "N", "L", "LM", "MH", "H"),
        new("TD", false, "ND", "N", "L", "M", "H"),
        new("CR", false, "ND", "L", "M", "H"),
        new("IR", false, "ND", "L", "M", "H"),
        new("AR", false, "ND", "L", "M", "H"),
    ];

    private static readonly double[] AccessVector = [0.395, 0.646, 1.0];
    private static readonly double[] AccessComplexity = [0.35, 0.61, 0.71];
    private static readonly double[] Authentication = [0.45, 0.56, 0.704];
    private static readonly double[] Impact = [0, 0.275, 0.660];
    private static readonly double[] Exploitability = [1, 0.85, 0.9, 0.95, 1];
    private static readonly double[] RemediationLevel = [1, 0.87, 0.9, 0.95, 1];
    private static readonly double[] ReportConfidence = [1, 0.9, 0.95, 1];
    private static readonly double[] CollateralDamage = [0, 0, 0.1, 0.3, 0.4, 0.5];
    private static readonly double[] TargetDistribution = [1, 0, 0.25, 0.75, 1];
    private static readonly double[] Requirement = [1, 0.5, 1, 1.51];

    public static string? TryScore(string vector, out CvssResult? result)
    {
        result = null;
        Span<sbyte> m = stackalloc sbyte[Metrics.Length];
        var error = CvssVectorParser.Parse(vector, Metrics, m);
        if (error is not null)
        {
            return error;
        }

        var exploitability = 20 * AccessVector[m[AV]] * AccessComplexity[m[AC]] * Authentication[m[Au]];
        var impact = 10.41 * (1 - ((1 - Impact[m[C]]) * (1 - Impact[m[I]]) * (1 - Impact[m[A]])));
        var baseScore = BaseEquation(impact, exploitability);

        var temporalFactor = Exploitability[m[E]] * RemediationLevel[m[RL]] * ReportConfidence[m[RC]];
        double? temporal = m[E] > 0 || m[RL] > 0 || m[RC] > 0 ? Round1(baseScore * temporalFactor) : null;

        double? environmental = null;
        if (m[CDP] > 0 || m[TD] > 0 || m[CR] > 0 || m[IR] > 0 || m[AR] > 0)
        {
            var adjustedImpact = Math.Min(10, 10.41 * (1
                - ((1 - (Impact[m[C]] * Requirement[m[CR]]))
                   * (1 - (Impact[m[I]] * Requirement[m[IR]]))
                   * (1 - (Impact[m[A]] * Requirement[m[AR]])))));
            var adjustedTemporal = Round1(BaseEquation(adjustedImpact, exploitability) * temporalFactor);
            environmental = Round1((adjustedTemporal + ((10 - adjustedTemporal) * CollateralDamage[m[CDP]])) * TargetDistribution[m[TD]]);
        }
        result = new CvssResult(CvssVersion.V2_0, vector, baseScore, temporal, environmental);
        return null;
    }

    private static double BaseEquation(double impact, double exploitability) =>
        impact == 0 ? 0 : Round1(((0.6 * impact) + (0.4 * exploitability) - 1.5) * 1.176);

    /// <summary>
    /// round_to_1_decimal, half up on the decimal value (9.0 x 0.95 = 8.55 gives 8.6, where the binary double
    /// 8.5499999 would give 8.5). Base scores come out the same either way for all 729 base vectors; temporal and
    /// environmental halfway values follow the guide's arithmetic, as the Python cvss library's exact decimals do.
    /// </summary>
    private static double Round1(double value) => (double)Math.Round((decimal)value, 1, MidpointRounding.AwayFromZero);
}
