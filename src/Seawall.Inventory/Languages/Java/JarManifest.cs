using System.Text;

namespace Seawall.Inventory.Languages.Java;

/// <summary>
/// The main section of META-INF/MANIFEST.MF (the JAR spec's "name: value" lines up to the first blank line; later
/// sections describe single files). From it an artifact is named the way Trivy does when no pom.properties names the jar.
/// </summary>
internal sealed class JarManifest
{
    private readonly Dictionary<string, string> _attributes = new(StringComparer.Ordinal);

    /// <summary>The main section's length in bytes, with the blank line that ends it: all a condensed jar keeps.</summary>
    public int MainSectionLength { get; private init; }

    public static JarManifest Parse(ReadOnlySpan<byte> content)
    {
        var end = MainSectionEnd(content);
        var manifest = new JarManifest { MainSectionLength = end };
        var text = Encoding.UTF8.GetString(content[..end]);
        var attribute = new StringBuilder();
        foreach (var line in SplitLines(text))
        {
            if (line.Length == 0)
            {
                break;
            }
            if (line[0] == ' ')
            {
                // A folded value continues on lines that start with one space; they join without a separator.
                attribute.Append(line, 1, line.Length - 1);
                continue;
            }
            manifest.Add(attribute.ToString());
            attribute.Clear().Append(line);
        }
        manifest.Add(attribute.ToString());
        return manifest;
    }

    /// <summary>Where the main section ends: after the first empty line (CRLF, LF or a lone CR), or the end of the content.</summary>
    private static int MainSectionEnd(ReadOnlySpan<byte> content)
    {
        var lineStart = 0;
        for (var i = 0; i < content.Length; i++)
        {
            if (content[i] is not ((byte)'\n' or (byte)'\r'))
            {
                continue;
            }
            var next = content[i] == '\r' && i + 1 < content.Length && content[i + 1] == '\n' ? i + 2 : i + 1;
            if (i == lineStart)
            {
                return next;
            }
            lineStart = next;
            i = next - 1;
        }
        return content.Length;
    }

    private static IEnumerable<string> SplitLines(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is '\n' or '\r')
            {
                yield return text[start..i];
                if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < text.Length)
        {
            yield return text[start..];
        }
    }

    private void Add(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return;
        }
        var value = line[(colon + 1)..].Trim();
        // "Bundle-Name: %bundleName" points into a localisation file: not a value.
        if (value.Length == 0 || value.StartsWith('%'))
        {
            return;
        }
        _attributes.TryAdd(line[..colon], value);
    }

    public string? this[string name] => _attributes.GetValueOrDefault(name);

    /// <summary>
    /// groupId, artifactId and version as Trivy derives them (pkg/dependency/parser/java/jar): the vendor id, the
    /// bundle's symbolic name less its last segment, or the vendor; the title or bundle name; the implementation,
    /// specification or bundle version. Null unless all three are found.
    /// </summary>
    public (string GroupId, string ArtifactId, string Version)? Artifact()
    {
        var group = this["Implementation-Vendor-Id"] ?? SymbolicNamePrefix(this["Bundle-SymbolicName"]) ?? this["Implementation-Vendor"] ?? this["Specification-Vendor"];
        var artifact = this["Implementation-Title"] ?? this["Specification-Title"] ?? this["Bundle-Name"];
        var version = this["Implementation-Version"] ?? this["Specification-Version"] ?? this["Bundle-Version"];
        // Trivy asks its Java DB whether the coordinates exist; offline, at least keep to what Maven accepts as an id
        // ("Apache Commons IO" is a title, not an artifactId).
        return group is null || artifact is null || version is null || !IsMavenId(group) || !IsMavenId(artifact) ? null : (group, artifact, version);
    }

    /// <summary>Maven's pattern for groupId and artifactId: [A-Za-z0-9_\-.]+.</summary>
    private static bool IsMavenId(string id) => id.Length > 0 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');

    /// <summary>"com.fasterxml.jackson.core.jackson-databind" → "com.fasterxml.jackson.core".</summary>
    private static string? SymbolicNamePrefix(string? symbolicName)
    {
        if (symbolicName is null)
        {
            return null;
        }
        var dot = symbolicName.LastIndexOf('.');
        return dot > 0 ? symbolicName[..dot].Trim() : symbolicName;
    }
}
