using System.Text;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Java;

/// <summary>
/// gradle.lockfile (Gradle's dependency locking): one "group:artifact:version=configuration,..." line per resolved
/// module, "#" comments, and a closing "empty=..." line listing configurations that resolved nothing.
/// </summary>
internal static class GradleLockfile
{
    /// <param name="badLines">1-based numbers of lines that are none of these (osv-scanner and Trivy skip them too).</param>
    public static List<Package> Parse(byte[] content, out List<int> badLines)
    {
        var packages = new List<Package>();
        badLines = [];
        var lines = Encoding.UTF8.GetString(content).TrimStart('\uFEFF').Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith("empty=", StringComparison.Ordinal))
            {
                continue;
            }
            var (coordinates, configurations) = line.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0 ? (line[..eq], line[(eq + 1)..]) : (line, string.Empty);
            var parts = coordinates.Split(':');
            if (parts.Length != 3 || parts.Any(p => p.Length == 0))
            {
                badLines.Add(i + 1);
                continue;
            }
            packages.Add(new Package
            {
                Name = parts[0] + ":" + parts[1],
                Version = parts[2],
                Ecosystem = "Maven",
                // Trivy's rule: only needed for tests when every configuration it is locked for is a test one.
                Dev = configurations.Length > 0 && configurations.Split(',').All(c => c.StartsWith("test", StringComparison.Ordinal)),
            });
        }
        return [.. packages.DistinctBy(p => (p.Name, p.Version))];
    }
}
