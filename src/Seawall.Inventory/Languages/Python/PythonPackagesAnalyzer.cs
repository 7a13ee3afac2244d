using Seawall.Core.Analysis;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Python;

/// <summary>
/// Installed Python distributions: the core metadata pip and setuptools leave in a site-packages or dist-packages
/// directory (name-1.0.dist-info/METADATA, name.egg-info/PKG-INFO or a bare name.egg-info file, name.egg/EGG-INFO/PKG-INFO).
/// One result per such directory (Trivy's python-pkg); each package names its metadata file. The graph comes from
/// Requires-Dist lines without an "extra" marker, resolved to the distributions installed beside it.
/// </summary>
public sealed class PythonPackagesAnalyzer : IAnalyzer
{
    private static readonly string[] SiteDirectories = ["site-packages/", "dist-packages/"];

    public string Id => "python-pkg";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Installed;

    /// <summary>Core metadata is small; 1 MB is already a description body far larger than PyPI allows.</summary>
    public long MaxFileSize => 4L * 1024 * 1024;

    public bool IsApplicable(string path) => SiteDirectory(path) is not null;

    /// <summary>Only the header block is read: the description body (often most of the file) is dropped.</summary>
    public byte[] Condense(string path, byte[] content) => CoreMetadata.HeaderBlock(content);

    public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var group in input.Files.GroupBy(f => SiteDirectory(f.Path)!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var packages = new Dictionary<string, (Package Package, IReadOnlyList<string> Requires)>(StringComparer.Ordinal);
            foreach (var file in group.OrderBy(f => f.Path, StringComparer.Ordinal))
            {
                var metadata = CoreMetadata.Parse(TreeFiles.Decode(file.Content));
                var name = metadata.Get("Name");
                var version = metadata.Get("Version");
                if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(version))
                {
                    sink.Warn($"{file.Path}: {Id}: no Name or Version header; not a Python distribution's metadata");
                    continue;
                }
                // Debian ships some distributions twice (name.egg-info beside name-1.0.dist-info): one package.
                packages.TryAdd(Pep508.Normalize(name) + "@" + version, (new Package
                {
                    Name = name,
                    Version = version,
                    Ecosystem = "PyPI",
                    Licenses = metadata.Licenses(),
                    FilePath = file.Path,
                    Layer = file.Node.Layer,
                }, RuntimeRequirements(metadata)));
            }
            var graph = new PythonGraph(packages.Values.Select(p => p.Package));
            LanguageResults.Add(sink, group.Key, "python-pkg", packages.Values.Select(p => p.Package with
            {
                DependsOn = [.. p.Requires.Select(r => graph.Resolve(r)).OfType<string>()
                    .Where(k => k != PythonGraph.Key(p.Package)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            }));
        }
        return Task.CompletedTask;
    }

    /// <summary>Names of Requires-Dist entries needed at run time: those behind an "extra == ..." marker are optional.</summary>
    private static List<string> RuntimeRequirements(CoreMetadata metadata) =>
        [.. metadata.GetAll("Requires-Dist")
            .Where(r => r.IndexOf(';', StringComparison.Ordinal) is var semicolon && (semicolon < 0 || !r[semicolon..].Contains("extra", StringComparison.Ordinal)))
            .Select(Pep508.LeadingName)
            .OfType<string>()];

    /// <summary>
    /// The site-packages or dist-packages directory holding this metadata file, or null when the path is not one:
    /// the metadata directory must sit right in it, as the import system and pip look for it.
    /// </summary>
    internal static string? SiteDirectory(string path)
    {
        foreach (var site in SiteDirectories)
        {
            var index = path.LastIndexOf(site, StringComparison.Ordinal);
            if (index < 0 || (index > 0 && path[index - 1] != '/'))
            {
                continue;
            }
            var rest = path.AsSpan(index + site.Length);
            var slash = rest.IndexOf('/');
            var entry = slash < 0 ? rest : rest[..slash];
            var inner = slash < 0 ? ReadOnlySpan<char>.Empty : rest[(slash + 1)..];
            var matches =
                (entry.EndsWith(".dist-info", StringComparison.Ordinal) && inner.SequenceEqual("METADATA"))
                || (entry.EndsWith(".egg-info", StringComparison.Ordinal) && (slash < 0 || inner.SequenceEqual("PKG-INFO")))
                || (entry.EndsWith(".egg", StringComparison.Ordinal) && inner.SequenceEqual("EGG-INFO/PKG-INFO"));
            if (matches && entry.Length > 0)
            {
                return path[..(index + site.Length - 1)];
            }
        }
        return null;
    }
}
