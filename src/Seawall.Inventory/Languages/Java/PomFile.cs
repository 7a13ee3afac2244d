using System.Xml;

namespace Seawall.Inventory.Languages.Java;

/// <summary>A dependency as a POM writes it, before properties are resolved.</summary>
internal sealed record PomDependency(string GroupId, string ArtifactId, string? Version, string? Scope, bool Optional);

/// <summary>The parts of a pom.xml (Maven POM 4.0.0) that name dependencies and their versions.</summary>
internal sealed record PomFile
{
    public string? GroupId { get; init; }
    public string? ArtifactId { get; init; }
    public string? Version { get; init; }
    public string? ParentGroupId { get; init; }
    public string? ParentArtifactId { get; init; }
    public string? ParentVersion { get; init; }
    /// <summary>Where the parent POM is; Maven's default is the directory above.</summary>
    public string? ParentRelativePath { get; init; }
    public bool HasParent { get; init; }
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<PomDependency> Dependencies { get; init; } = [];
    public IReadOnlyList<PomDependency> ManagedDependencies { get; init; } = [];

    /// <summary>Parses a POM; <see cref="InvalidDataException"/> with the line for anything that is not a POM.</summary>
    public static PomFile Parse(byte[] content)
    {
        var settings = new XmlReaderSettings
        {
            // No DTDs, no external entities: a POM never needs them, a hostile one would use them.
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            MaxCharactersInDocument = 64L * 1024 * 1024,
        };
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(content, writable: false), settings);
            if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "project")
            {
                throw new InvalidDataException($"not a POM: the root element is <{reader.LocalName}>, not <project> (line {((IXmlLineInfo)reader).LineNumber})");
            }
            return ReadProject(reader);
        }
        catch (XmlException ex)
        {
            throw new InvalidDataException($"not valid XML (line {ex.LineNumber}): {FirstSentence(ex.Message)}", ex);
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message.TrimEnd('.');
    }

    private static PomFile ReadProject(XmlReader reader)
    {
        string? group = null, artifact = null, version = null;
        string? parentGroup = null, parentArtifact = null, parentVersion = null, relativePath = null;
        var hasParent = false;
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        var dependencies = new List<PomDependency>();
        var managed = new List<PomDependency>();
        foreach (var child in Children(reader))
        {
            switch (child)
            {
                case "groupId": group = Text(reader); break;
                case "artifactId": artifact = Text(reader); break;
                case "version": version = Text(reader); break;
                case "parent":
                    hasParent = true;
                    foreach (var field in Children(reader))
                    {
                        switch (field)
                        {
                            case "groupId": parentGroup = Text(reader); break;
                            case "artifactId": parentArtifact = Text(reader); break;
                            case "version": parentVersion = Text(reader); break;
                            case "relativePath": relativePath = Text(reader) ?? string.Empty; break;
                            default: reader.Skip(); break;
                        }
                    }
                    break;
                case "properties":
                    foreach (var name in Children(reader))
                    {
                        properties[name] = Text(reader) ?? string.Empty;
                    }
                    break;
                case "dependencies":
                    ReadDependencies(reader, dependencies);
                    break;
                case "dependencyManagement":
                    foreach (var inner in Children(reader))
                    {
                        if (inner == "dependencies")
                        {
                            ReadDependencies(reader, managed);
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        return new PomFile
        {
            GroupId = group,
            ArtifactId = artifact,
            Version = version,
            HasParent = hasParent,
            ParentGroupId = parentGroup,
            ParentArtifactId = parentArtifact,
            ParentVersion = parentVersion,
            ParentRelativePath = relativePath,
            Properties = properties,
            Dependencies = dependencies,
            ManagedDependencies = managed,
        };
    }

    private static void ReadDependencies(XmlReader reader, List<PomDependency> into)
    {
        foreach (var child in Children(reader))
        {
            if (child != "dependency")
            {
                reader.Skip();
                continue;
            }
            string? group = null, artifact = null, version = null, scope = null, optional = null;
            foreach (var field in Children(reader))
            {
                switch (field)
                {
                    case "groupId": group = Text(reader); break;
                    case "artifactId": artifact = Text(reader); break;
                    case "version": version = Text(reader); break;
                    case "scope": scope = Text(reader); break;
                    case "optional": optional = Text(reader); break;
                    default: reader.Skip(); break;
                }
            }
            if (!string.IsNullOrEmpty(group) && !string.IsNullOrEmpty(artifact))
            {
                into.Add(new PomDependency(group, artifact, string.IsNullOrEmpty(version) ? null : version, scope, optional == "true"));
            }
        }
    }

    /// <summary>
    /// The local names of the child elements of the element the reader is on, one at a time; the caller reads or skips
    /// each (the reader is on the child when it is yielded) and the reader ends past the parent's end tag.
    /// </summary>
    private static IEnumerable<string> Children(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            yield break;
        }
        var depth = reader.Depth;
        reader.Read();
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth)
            {
                reader.Read();
                yield break;
            }
            if (reader.NodeType == XmlNodeType.Element)
            {
                var before = (reader.Depth, reader.LocalName, ((IXmlLineInfo)reader).LineNumber, ((IXmlLineInfo)reader).LinePosition);
                yield return reader.LocalName;
                // The caller consumed the element (Text, Skip or a nested Children); guard against one that did not.
                if (reader.NodeType == XmlNodeType.Element && (reader.Depth, reader.LocalName, ((IXmlLineInfo)reader).LineNumber, ((IXmlLineInfo)reader).LinePosition) == before)
                {
                    reader.Skip();
                }
                continue;
            }
            reader.Read();
        }
    }

    /// <summary>The trimmed text of an element, nested text included (null when empty); the reader ends past it.</summary>
    private static string? Text(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return null;
        }
        var depth = reader.Depth;
        var text = new System.Text.StringBuilder();
        while (reader.Read() && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace)
            {
                text.Append(reader.Value);
            }
        }
        reader.Read();
        var value = text.ToString().Trim();
        return value.Length == 0 ? null : value;
    }
}
