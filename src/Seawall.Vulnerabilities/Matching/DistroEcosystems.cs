using Seawall.Core.Model;

namespace Seawall.Vulnerabilities.Matching;

/// <summary>The OSV ecosystems a distribution release's advisories are stored under (Debian:12, Alpine:v3.19, Ubuntu:22.04:LTS).</summary>
internal static class DistroEcosystems
{
    /// <summary>Candidates, most specific first; empty for a family without a distribution feed.</summary>
    public static IReadOnlyList<string> For(OsInfo? os)
    {
        if (os is null || string.IsNullOrEmpty(os.Version))
        {
            return [];
        }
        var parts = os.Version.Split('.');
        return os.Family switch
        {
            // The tracker keys releases by major number; point releases (12.5) share their release's data.
            "debian" => [$"Debian:{parts[0]}"],
            // secdb branches are major.minor: 3.19.1 reads v3.19.
            "alpine" => parts.Length >= 2 ? [$"Alpine:v{parts[0]}.{parts[1]}"] : [],
            // Ubuntu's OSV records name LTS releases "Ubuntu:22.04:LTS", others "Ubuntu:23.10".
            "ubuntu" => parts.Length >= 2 ? [$"Ubuntu:{parts[0]}.{parts[1]}:LTS", $"Ubuntu:{parts[0]}.{parts[1]}"] : [],
            _ => [],
        };
    }
}
