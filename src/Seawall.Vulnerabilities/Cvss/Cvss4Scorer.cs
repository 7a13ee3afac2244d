namespace Seawall.Vulnerabilities.Cvss;

/// <summary>
/// CVSS v4.0 scoring (FIRST CVSS v4.0 specification section 8): the vector's MacroVector (EQ1..EQ6) gives a score
/// from <see cref="Cvss4MacroVectorTable"/>, from which the mean, over the EQs that have a lower MacroVector, of
/// (score gap to that lower MacroVector x the vector's severity distance from the MacroVector's highest-severity
/// vectors / the MacroVector's depth) is subtracted. The arithmetic follows FIRST's reference calculator step for
/// step (same operand order, doubles, half-up rounding) so that scores on a rounding edge agree with it.
/// </summary>
internal static class Cvss4Scorer
{
    private const int AV = 0, AC = 1, AT = 2, PR = 3, UI = 4, VC = 5, VI = 6, VA = 7, SC = 8, SI = 9, SA = 10,
        E = 11, CR = 12, IR = 13, AR = 14, MAV = 15, MAC = 16, MAT = 17, MPR = 18, MUI = 19,
        MVC = 20, MVI = 21, MVA = 22, MSC = 23, MSI = 24, MSA = 25;

    // Base, threat, environmental, then supplemental metrics (which never change the score).
    private static readonly CvssMetric[] Metrics =
    [
        new("AV", true, "N", "A", "L", "P"),
        new("AC", true, "L", "H"),
        new("AT", true, "N", "P"),
        new("PR", true, "N", "L", "H"),
        new("UI", true, "N", "P", "A"),
        new("VC", true, "H", "L", "N"),
        new("VI", true, "H", "L", "N"),
        new("VA", true, "H", "L", "N"),
        new("SC", true, "H", "L", "N"),
        new("SI", true, "H", "L", "N"),
        new("SA", true, "H", "L", "N"),
        new("E", false, "X", "A", "P", "U"),
        new("CR", false, "X", "H", "M", "L"),
        new("IR", false, "X", "H", "M", "L"),
        new("AR", false, "X", "H", "M", "L"),
        new("MAV", false, "X", "N", "A", "L", "P"),
        new("MAC", false, "X", "L", "H"),
        new("MAT", false, "X", "N", "P"),
        new("MPR", false, "X", "N", "L", "H"),
        new("MUI", false, "X", "N", "P", "A"),
        new("MVC", false, "X", "H", "L", "N"),
        new("MVI", false, "X", "H", "L", "N"),
        new("MVA", false, "X", "H", "L", "N"),
        new("MSC", false, "X", "H", "L", "N"),
        new("MSI", false, "X", "S", "H", "L", "N"),
        new("MSA", false, "X", "S", "H", "L", "N"),
        new("S", false, "X", "N", "P"),
        new("AU", false, "X", "N", "Y"),
        new("R", false, "X", "A", "U", "I"),
        new("V", false, "X", "D", "C"),
        new("RE", false, "X", "L", "M", "H"),
        new("U", false, "X", "Clear", "Green", "Amber", "Red"),
    ];

    /// <summary>The metrics a severity distance is measured over, in the reference calculator's order.</summary>
    private enum D
    {
        AV, PR, UI, AC, AT, VC, VI, VA, SC, SI, SA, CR, IR, AR,
    }

    private const int DistanceMetrics = 14;

    /// <summary>
    /// The highest-severity vectors of each EQ level (the reference calculator's max_composed.js, derived from the
    /// specification's EQ tables); EQ3 is keyed by EQ3 level then EQ6 level. EQ5 needs none: its one metric, E,
    /// never differs within a level.
    /// </summary>
    private static readonly char[][][] Eq1Max = Parts(["AV:N/PR:N/UI:N"], ["AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"], ["AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"]);
    private static readonly char[][][] Eq2Max = Parts(["AC:L/AT:N"], ["AC:H/AT:N", "AC:L/AT:P"]);
    private static readonly char[][][] Eq3Eq6Max = Parts(
        ["VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"],
        ["VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"],
        ["VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"],
        ["VC:L/VI:H/VA:L/CR:H/IR:M/AR:H", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M", "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M", "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H", "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M"],
        [],
        ["VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"]);
    private static readonly char[][][] Eq4Max = Parts(["SC:H/SI:S/SA:S"], ["SC:H/SI:H/SA:H"], ["SC:L/SI:L/SA:L"]);

    /// <summary>Depth of each MacroVector per EQ in severity-distance steps (the reference calculator's max_severity.js).</summary>
    private static readonly int[] Eq1Depth = [1, 4, 5];
    private static readonly int[] Eq2Depth = [1, 2];
    private static readonly int[] Eq3Eq6Depth = [7, 6, 8, 8, 0, 10]; // by eq3 * 2 + eq6; 2/0 does not exist
    private static readonly int[] Eq4Depth = [6, 5, 4];

    public static string? TryScore(string vector, int prefixLength, out CvssResult? result)
    {
        result = null;
        Span<sbyte> m = stackalloc sbyte[Metrics.Length];
        var error = CvssVectorParser.Parse(vector.AsSpan(prefixLength), Metrics, m);
        if (error is not null)
        {
            return error;
        }
        var threat = m[E] > 0;
        var environmental = false;
        for (var i = CR; i <= MSA; i++)
        {
            environmental |= m[i] > 0;
        }
        result = new CvssResult(
            CvssVersion.V4_0,
            vector,
            Score(m, threat: false, environmental: false),
            threat ? Score(m, threat: true, environmental: false) : null,
            environmental ? Score(m, threat, environmental: true) : null);
        return null;
    }

    /// <summary>The score counting the threat and/or environmental metrics or not (CVSS-B, -BT, -BE, -BTE).</summary>
    private static double Score(ReadOnlySpan<sbyte> m, bool threat, bool environmental)
    {
        // Effective values (the reference's getEffectiveMetricValue): a defined modified metric replaces its base
        // metric; E, CR, IR, AR left undefined take their worst case (A, H, H, H).
        Span<char> v = stackalloc char[DistanceMetrics];
        v[(int)D.AV] = Effective(m, environmental, AV, MAV);
        v[(int)D.PR] = Effective(m, environmental, PR, MPR);
        v[(int)D.UI] = Effective(m, environmental, UI, MUI);
        v[(int)D.AC] = Effective(m, environmental, AC, MAC);
        v[(int)D.AT] = Effective(m, environmental, AT, MAT);
        v[(int)D.VC] = Effective(m, environmental, VC, MVC);
        v[(int)D.VI] = Effective(m, environmental, VI, MVI);
        v[(int)D.VA] = Effective(m, environmental, VA, MVA);
        v[(int)D.SC] = Effective(m, environmental, SC, MSC);
        v[(int)D.SI] = Effective(m, environmental, SI, MSI);
        v[(int)D.SA] = Effective(m, environmental, SA, MSA);
        v[(int)D.CR] = Requirement(m, environmental, CR);
        v[(int)D.IR] = Requirement(m, environmental, IR);
        v[(int)D.AR] = Requirement(m, environmental, AR);
        var exploit = threat && m[E] > 0 ? Value(m, E) : 'A';

        // No impact on either system scores 0 whatever else holds.
        if (v[(int)D.VC] == 'N' && v[(int)D.VI] == 'N' && v[(int)D.VA] == 'N'
            && v[(int)D.SC] == 'N' && v[(int)D.SI] == 'N' && v[(int)D.SA] == 'N')
        {
            return 0;
        }

        // The MacroVector (specification tables 24-29).
        var anyNone = v[(int)D.AV] == 'N' || v[(int)D.PR] == 'N' || v[(int)D.UI] == 'N';
        var eq1 = v[(int)D.AV] == 'N' && v[(int)D.PR] == 'N' && v[(int)D.UI] == 'N' ? 0
            : anyNone && v[(int)D.AV] != 'P' ? 1
            : 2;
        var eq2 = v[(int)D.AC] == 'L' && v[(int)D.AT] == 'N' ? 0 : 1;
        var eq3 = v[(int)D.VC] == 'H' && v[(int)D.VI] == 'H' ? 0
            : v[(int)D.VC] == 'H' || v[(int)D.VI] == 'H' || v[(int)D.VA] == 'H' ? 1
            : 2;
        var eq4 = v[(int)D.SI] == 'S' || v[(int)D.SA] == 'S' ? 0
            : v[(int)D.SC] == 'H' || v[(int)D.SI] == 'H' || v[(int)D.SA] == 'H' ? 1
            : 2;
        var eq5 = exploit switch { 'A' => 0, 'P' => 1, _ => 2 };
        var eq6 = (v[(int)D.CR] == 'H' && v[(int)D.VC] == 'H') || (v[(int)D.IR] == 'H' && v[(int)D.VI] == 'H')
                  || (v[(int)D.AR] == 'H' && v[(int)D.VA] == 'H') ? 0 : 1;

        var value = Cvss4MacroVectorTable.Score(eq1, eq2, eq3, eq4, eq5, eq6);

        // Scores of the next lower MacroVector in each EQ (NaN where there is none). EQ3 and EQ6 move together:
        // 00 has two lower neighbours (01 and 10) and takes the higher-scoring one.
        var lowerEq1 = Cvss4MacroVectorTable.Score(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
        var lowerEq2 = Cvss4MacroVectorTable.Score(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
        var lowerEq3Eq6 = (eq3, eq6) switch
        {
            (0, 0) => Math.Max(
                Cvss4MacroVectorTable.Score(eq1, eq2, eq3, eq4, eq5, eq6 + 1),
                Cvss4MacroVectorTable.Score(eq1, eq2, eq3 + 1, eq4, eq5, eq6)),
            (1, 0) => Cvss4MacroVectorTable.Score(eq1, eq2, eq3, eq4, eq5, eq6 + 1),
            (0, 1) or (1, 1) => Cvss4MacroVectorTable.Score(eq1, eq2, eq3 + 1, eq4, eq5, eq6),
            _ => Cvss4MacroVectorTable.Score(eq1, eq2, eq3 + 1, eq4, eq5, eq6 + 1),
        };
        var lowerEq4 = Cvss4MacroVectorTable.Score(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
        var lowerEq5 = Cvss4MacroVectorTable.Score(eq1, eq2, eq3, eq4, eq5 + 1, eq6);

        // The severity distance from the first highest-severity vector of the MacroVector that is at least as
        // severe in every metric (the reference keeps the last candidate's distances when none is).
        Span<double> distance = stackalloc double[DistanceMetrics];
        Span<char> max = stackalloc char[DistanceMetrics];
        var found = false;
        foreach (var m1 in Eq1Max[eq1])
        {
            foreach (var m2 in Eq2Max[eq2])
            {
                foreach (var m36 in Eq3Eq6Max[(eq3 * 2) + eq6])
                {
                    foreach (var m4 in Eq4Max[eq4])
                    {
                        Merge(max, m1, m2, m36, m4);
                        found = Distances(v, max, distance);
                        if (found)
                        {
                            break;
                        }
                    }
                    if (found)
                    {
                        break;
                    }
                }
                if (found)
                {
                    break;
                }
            }
            if (found)
            {
                break;
            }
        }

        var distanceEq1 = distance[(int)D.AV] + distance[(int)D.PR] + distance[(int)D.UI];
        var distanceEq2 = distance[(int)D.AC] + distance[(int)D.AT];
        var distanceEq3Eq6 = distance[(int)D.VC] + distance[(int)D.VI] + distance[(int)D.VA]
                             + distance[(int)D.CR] + distance[(int)D.IR] + distance[(int)D.AR];
        var distanceEq4 = distance[(int)D.SC] + distance[(int)D.SI] + distance[(int)D.SA];

        const double step = 0.1;
        var existingLower = 0;
        var normalized = 0.0;
        Accumulate(value - lowerEq1, distanceEq1, Eq1Depth[eq1] * step, ref existingLower, ref normalized);
        Accumulate(value - lowerEq2, distanceEq2, Eq2Depth[eq2] * step, ref existingLower, ref normalized);
        Accumulate(value - lowerEq3Eq6, distanceEq3Eq6, Eq3Eq6Depth[(eq3 * 2) + eq6] * step, ref existingLower, ref normalized);
        Accumulate(value - lowerEq4, distanceEq4, Eq4Depth[eq4] * step, ref existingLower, ref normalized);
        // EQ5's proportion is always 0 (E does not vary inside a level), but an existing lower level still counts.
        Accumulate(value - lowerEq5, 0, 1, ref existingLower, ref normalized);

        var mean = existingLower == 0 ? 0 : normalized / existingLower;
        var score = Math.Max(0, Math.Min(10, value - mean));
        return Math.Round(score * 10, MidpointRounding.AwayFromZero) / 10;
    }

    private static char Value(ReadOnlySpan<sbyte> m, int metric) => Metrics[metric].Values[m[metric]][0];

    private static char Effective(ReadOnlySpan<sbyte> m, bool environmental, int baseMetric, int modified) =>
        environmental && m[modified] > 0 ? Value(m, modified) : Value(m, baseMetric);

    private static char Requirement(ReadOnlySpan<sbyte> m, bool environmental, int metric) =>
        environmental && m[metric] > 0 ? Value(m, metric) : 'H';

    /// <summary>Adds one EQ's proportional distance when a lower MacroVector exists (availableDistance is not NaN).</summary>
    private static void Accumulate(double availableDistance, double severityDistance, double depth, ref int existing, ref double sum)
    {
        if (double.IsNaN(availableDistance))
        {
            return;
        }
        existing++;
        sum += availableDistance * (severityDistance / depth);
    }

    private static void Merge(Span<char> max, char[] m1, char[] m2, char[] m36, char[] m4)
    {
        for (var i = 0; i < DistanceMetrics; i++)
        {
            max[i] = m1[i] != '\0' ? m1[i] : m2[i] != '\0' ? m2[i] : m36[i] != '\0' ? m36[i] : m4[i];
        }
    }

    /// <summary>Fills each metric's severity distance to <paramref name="max"/>; true when none is negative.</summary>
    private static bool Distances(ReadOnlySpan<char> v, ReadOnlySpan<char> max, Span<double> distance)
    {
        var ok = true;
        for (var i = 0; i < DistanceMetrics; i++)
        {
            distance[i] = Level((D)i, v[i]) - Level((D)i, max[i]);
            ok &= distance[i] >= 0;
        }
        return ok;
    }

    /// <summary>A metric value's severity level: 0 is the most severe, one step is 0.1 (the reference's *_levels).</summary>
    private static double Level(D metric, char value) => metric switch
    {
        D.AV => value switch { 'N' => 0.0, 'A' => 0.1, 'L' => 0.2, _ => 0.3 },
        D.PR => value switch { 'N' => 0.0, 'L' => 0.1, _ => 0.2 },
        D.UI => value switch { 'N' => 0.0, 'P' => 0.1, _ => 0.2 },
        D.AC => value == 'L' ? 0.0 : 0.1,
        D.AT => value == 'N' ? 0.0 : 0.1,
        D.VC or D.VI or D.VA => value switch { 'H' => 0.0, 'L' => 0.1, _ => 0.2 },
        D.SC => value switch { 'H' => 0.1, 'L' => 0.2, _ => 0.3 },
        D.SI or D.SA => value switch { 'S' => 0.0, 'H' => 0.1, 'L' => 0.2, _ => 0.3 },
        _ => value switch { 'H' => 0.0, 'M' => 0.1, _ => 0.2 }, // CR, IR, AR
    };

    /// <summary>Parses "KEY:V/KEY:V" highest-severity vector parts into value-per-distance-metric arrays, per level.</summary>
    private static char[][][] Parts(params string[][] levels) =>
        levels.Select(level => level.Select(part =>
        {
            var values = new char[DistanceMetrics];
            foreach (var pair in part.Split('/'))
            {
                values[(int)Enum.Parse<D>(pair[..pair.IndexOf(':')])] = pair[^1];
            }
            return values;
        }).ToArray()).ToArray();
}
