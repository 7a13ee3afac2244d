namespace Seawall.Vulnerabilities.Cvss;

/// <summary>
/// CVSS v3.0 and v3.1 base, temporal and environmental equations (FIRST CVSS v3.1 specification section 7,
/// v3.0 specification section 8). The versions differ in Roundup and in the environmental modified impact.
/// </summary>
internal static class Cvss3Scorer
{
    // Metric indexes into Metrics; modified metrics list X first, then the base metric's values in the same order.
    private const int AV = 0, AC = 1, PR = 2, UI = 3, S = 4, C = 5, I = 6, A = 7, E = 8, RL = 9, RC = 10,
        CR = 11, IR = 12, AR = 13, MAV = 14, MAC = 15, MPR = 16, MUI = 17, MS = 18, MC = 19, MI = 20, MA = 21;

    private static readonly CvssMetric[] Metrics =
    [
        new("AV", true, "N", "A", "L", "P"),
        new("AC", true, "L", "H"),
        new("PR", true, "N", "L", "H"),
        new("UI", true, "N", "R"),
        new("S", true, "U", "C"),
        new("C", true, "H", "L", "N"),
        new("I", true, "H", "L", "N"),
        new("A", true, "H", "L", "N"),
        new("E", false, "X", "H", "F", "P", "U"),
        new("RL", false, "X", "U", "W", "T", "O"),
        new("RC", false, "X", "C", "R", "U"),
        new("CR", false, "X", "H", "M", "L"),
        new("IR", false, "X", "H", "M", "L"),
        new("AR", false, "X", "H", "M", "L"),
        new("MAV", false, "X", "N", "A", "L", "P"),
        new("MAC", false, "X", "L", "H"),
        new("MPR", false, "X", "N", "L", "H"),
        new("MUI", false, "X", "N", "R"),
        new("MS", false, "X", "U", "C"),
        new("MC", false, "X", "H", "L", "N"),
        new("MI", false, "X", "H", "L", "N"),
        new("MA", false, "X", "H", "L", "N"),
    ];

    // Weights in the order of the value lists above (specification section 7.4).
    private static readonly double[] AttackVector = [0.85, 0.62, 0.55, 0.2];
    private static readonly double[] AttackComplexity = [0.77, 0.44];
    private static readonly double[] PrivilegesUnchanged = [0.85, 0.62, 0.27];
    private static readonly double[] PrivilegesChanged = [0.85, 0.68, 0.5];
    private static readonly double[] UserInteraction = [0.85, 0.62];
    private static readonly double[] Impact = [0.56, 0.22, 0];
    private static readonly double[] ExploitMaturity = [1, 1, 0.97, 0.94, 0.91];
    private static readonly double[] RemediationLevel = [1, 1, 0.97, 0.96, 0.95];
    private static readonly double[] ReportConfidence = [1, 1, 0.96, 0.92];
    private static readonly double[] Requirement = [1, 1.5, 1, 0.5];

    public static string? TryScore(string vector, int prefixLength, bool v31, out CvssResult? result)
    {
        result = null;
        Span<sbyte> m = stackalloc sbyte[Metrics.Length];
        var error = CvssVectorParser.Parse(vector.AsSpan(prefixLength), Metrics, m);
        if (error is not null)
        {
            return error;
        }

        var changed = m[S] == 1;
        var iss = 1 - ((1 - Impact[m[C]]) * (1 - Impact[m[I]]) * (1 - Impact[m[A]]));
        var impact = changed ? (7.52 * (iss - 0.029)) - (3.25 * Math.Pow(iss - 0.02, 15)) : 6.42 * iss;
        var privileges = changed ? PrivilegesChanged : PrivilegesUnchanged;
        var exploitability = 8.22 * AttackVector[m[AV]] * AttackComplexity[m[AC]] * privileges[m[PR]] * UserInteraction[m[UI]];
        var baseScore = impact <= 0
            ? 0
            : Roundup(Math.Min(changed ? 1.08 * (impact + exploitability) : impact + exploitability, 10), v31);

        var temporalFactor = ExploitMaturity[m[E]] * RemediationLevel[m[RL]] * ReportConfidence[m[RC]];
        double? temporal = m[E] > 0 || m[RL] > 0 || m[RC] > 0 ? Roundup(baseScore * temporalFactor, v31) : null;

        double? environmental = null;
        if (AnyDefined(m, CR, MA))
        {
            environmental = Environmental(m, temporalFactor, v31);
        }
        result = new CvssResult(v31 ? CvssVersion.V3_1 : CvssVersion.V3_0, vector, baseScore, temporal, environmental);
        return null;
    }

    private static double Environmental(ReadOnlySpan<sbyte> m, double temporalFactor, bool v31)
    {
        var changed = Modified(m, MS, S) == 1;
        var miss = Math.Min(
            1 - ((1 - (Requirement[m[CR]] * Impact[Modified(m, MC, C)]))
                 * (1 - (Requirement[m[IR]] * Impact[Modified(m, MI, I)]))
                 * (1 - (Requirement[m[AR]] * Impact[Modified(m, MA, A)]))),
            0.915);
        var impact = !changed
            ? 6.42 * miss
            : v31
                ? (7.52 * (miss - 0.029)) - (3.25 * Math.Pow((miss * 0.9731) - 0.02, 13))
                : (7.52 * (miss - 0.029)) - (3.25 * Math.Pow(miss - 0.02, 15));
        var privileges = changed ? PrivilegesChanged : PrivilegesUnchanged;
        var exploitability = 8.22 * AttackVector[Modified(m, MAV, AV)] * AttackComplexity[Modified(m, MAC, AC)]
                             * privileges[Modified(m, MPR, PR)] * UserInteraction[Modified(m, MUI, UI)];
        if (impact <= 0)
        {
            return 0;
        }
        var sum = Math.Min(changed ? 1.08 * (impact + exploitability) : impact + exploitability, 10);
        return Roundup(Roundup(sum, v31) * temporalFactor, v31);
    }

    /// <summary>A modified metric left at X takes the base metric's value (index - 1 maps X-first lists onto base lists).</summary>
    private static int Modified(ReadOnlySpan<sbyte> m, int modified, int baseMetric) => m[modified] > 0 ? m[modified] - 1 : m[baseMetric];

    private static bool AnyDefined(ReadOnlySpan<sbyte> m, int first, int last)
    {
        for (var i = first; i <= last; i++)
        {
            if (m[i] > 0)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The smallest one-decimal number not below the input. v3.1 (Appendix A) first rounds to 5 decimals so that
    /// floating-point noise (4.000000000000001) does not push a score up a tenth; v3.0 is the plain ceiling that
    /// FIRST's v3.0 calculator uses.
    /// </summary>
    internal static double Roundup(double value, bool v31)
    {
        if (!v31)
        {
            return Math.Ceiling(value * 10) / 10;
        }
        var scaled = (long)Math.Round(value * 100_000, MidpointRounding.AwayFromZero);
        return scaled % 10_000 == 0 ? scaled / 100_000.0 : (Math.Floor(scaled / 10_000.0) + 1) / 10.0;
    }
}
