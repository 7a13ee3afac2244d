using Seawall.Core.Model;

namespace Seawall.Vulnerabilities.Matching;

/// <summary>Severity words as sources publish them: Debian urgency, GHSA, Ubuntu priority, Alpine.</summary>
internal static class SeverityWords
{
    /// <summary>The severity a word names, or null when it names none (Debian "not yet assigned", an empty field).</summary>
    public static Severity? Parse(string? word) => word?.Trim().TrimEnd('*').Trim().ToLowerInvariant() switch
    {
        "critical" => Severity.Critical,
        "high" or "important" => Severity.High,
        "medium" or "moderate" => Severity.Medium,
        // Debian "unimportant" and Ubuntu "negligible" are the lowest rung, not an unknown.
        "low" or "unimportant" or "negligible" => Severity.Low,
        _ => null,
    };
}
