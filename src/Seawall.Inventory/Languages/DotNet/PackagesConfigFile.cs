using System.Xml;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.DotNet;

/// <summary>packages.config, the pre-PackageReference NuGet list: &lt;package id version developmentDependency/&gt; for every package, flat.</summary>
internal static class PackagesConfigFile
{
    public static List<Package> Parse(byte[] content, List<string> warnings)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null, IgnoreComments = true };
        var packages = new List<Package>();
        var incomplete = 0;
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(content, writable: false), settings);
            if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "packages")
            {
                throw new InvalidDataException($"not a packages.config: the root element is <{reader.LocalName}> (line {((IXmlLineInfo)reader).LineNumber})");
            }
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "package" || reader.Depth != 1)
                {
                    continue;
                }
                var id = reader.GetAttribute("id");
                var version = reader.GetAttribute("version");
                if (string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(version))
                {
                    incomplete++;
                    continue;
                }
                packages.Add(new Package
                {
                    Name = id.Trim(),
                    Version = version.Trim(),
                    Ecosystem = "NuGet",
                    Dev = string.Equals(reader.GetAttribute("developmentDependency"), "true", StringComparison.OrdinalIgnoreCase),
                });
            }
        }
        catch (XmlException ex)
        {
            throw new InvalidDataException($"not valid XML (line {ex.LineNumber})", ex);
        }
        if (incomplete > 0)
        {
            warnings.Add($"{incomplete} <package> element(s) without an id or a version skipped");
        }
        return [.. packages.DistinctBy(p => (p.Name, p.Version)).OrderBy(p => p.Name, StringComparer.Ordinal)];
    }
}
