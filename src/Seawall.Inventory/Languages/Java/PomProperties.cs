using System.Text;
using System.Text.RegularExpressions;

namespace Seawall.Inventory.Languages.Java;

/// <summary>
/// META-INF/maven/&lt;group&gt;/&lt;artifact&gt;/pom.properties, which maven-archiver writes into every jar it builds:
/// the coordinates of that artifact, and of every dependency a shaded jar absorbed.
/// </summary>
internal static partial class PomProperties
{
    public static (string GroupId, string ArtifactId, string Version)? Parse(ReadOnlySpan<byte> content)
    {
        string? group = null, artifact = null, version = null;
        foreach (var raw in Encoding.UTF8.GetString(content).TrimStart('\uFEFF').Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("groupId=", StringComparison.Ordinal))
            {
                group = line["groupId=".Length..].Trim();
            }
            else if (line.StartsWith("artifactId=", StringComparison.Ordinal))
            {
                artifact = line["artifactId=".Length..].Trim();
            }
            else if (line.StartsWith("version=", StringComparison.Ordinal))
            {
                version = line["version=".Length..].Trim();
            }
        }
        return string.IsNullOrEmpty(group) || string.IsNullOrEmpty(artifact) || string.IsNullOrEmpty(version)
            ? null
            : (group, artifact, version);
    }

    /// <summary>
    /// "spring-core-5.3.4-SNAPSHOT.jar" → ("spring-core", "5.3.4-SNAPSHOT"), Trivy's file-name pattern. Used only to tell
    /// whether a pom.properties describes the jar itself; a file name alone names no groupId, so it never makes a package.
    /// </summary>
    public static (string ArtifactId, string Version)? FromFileName(string fileName)
    {
        var match = FileNamePattern().Match(fileName);
        return match.Success ? (match.Groups[1].Value, match.Groups[2].Value) : null;
    }

    [GeneratedRegex(@"^([a-zA-Z0-9\._-]*[^-*])-(\d\S*(?:-SNAPSHOT)?).jar$")]
    private static partial Regex FileNamePattern();
}
