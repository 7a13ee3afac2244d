using System.Text;
using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Inventory.Dpkg;

/// <summary>
/// Debian packages: var/lib/dpkg/status (and the distroless status.d/ directory), the files each package
/// owns from info/*.list and *.md5sums, and licences from /usr/share/doc/*/copyright.
/// </summary>
public sealed class DpkgAnalyzer : IAnalyzer
{
    private const string StatusFile = "var/lib/dpkg/status";
    private const string StatusDir = "var/lib/dpkg/status.d/";
    private const string InfoDir = "var/lib/dpkg/info/";
    private const string DocDir = "usr/share/doc/";

    public string Id => "dpkg";

    public int Version => 4;

    public long MaxFileSize => 64L * 1024 * 1024;

    public bool IsApplicable(string path)
    {
        if (path == StatusFile)
        {
            return true;
        }
        if (path.StartsWith(StatusDir, StringComparison.Ordinal))
        {
            return true;
        }
        if (path.StartsWith(InfoDir, StringComparison.Ordinal))
        {
            // .list names every path a package installed; .md5sums repeats its regular files, so it adds nothing here.
            return path.EndsWith(".list", StringComparison.Ordinal);
        }
        // usr/share/doc/<package>/copyright, exactly one level down.
        return path.StartsWith(DocDir, StringComparison.Ordinal) && path.EndsWith("/copyright", StringComparison.Ordinal)
            && path.IndexOf('/', DocDir.Length) == path.Length - "/copyright".Length;
    }

    public byte[] Condense(string path, byte[] content) =>
        path.StartsWith(DocDir, StringComparison.Ordinal) ? DebianCopyright.Condense(content) : content;

    public async Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        var owned = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var licenses = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var file in input.Files)
        {
            if (file.Path.StartsWith(InfoDir, StringComparison.Ordinal) || (file.Path.StartsWith(StatusDir, StringComparison.Ordinal) && file.Path.EndsWith(".md5sums", StringComparison.Ordinal)))
            {
                var name = TreePath.FileName(file.Path);
                var key = name[..name.LastIndexOf('.')];
                // Kept as text and split only if a writer lists the files: most scans never look at most lines.
                var list = new InstalledFileList(Encoding.UTF8.GetString(file.Content), file.Path.EndsWith(".md5sums", StringComparison.Ordinal));
                owned[key] = owned.TryGetValue(key, out var existing) ? [.. existing, .. list] : list;
            }
            else if (file.Path.StartsWith(DocDir, StringComparison.Ordinal))
            {
                var package = file.Path[DocDir.Length..^"/copyright".Length];
                licenses[package] = DebianCopyright.Licenses(Encoding.UTF8.GetString(file.Content));
            }
        }

        var databases = input.Files.Where(f => f.Path == StatusFile || (f.Path.StartsWith(StatusDir, StringComparison.Ordinal) && !f.Path.EndsWith(".md5sums", StringComparison.Ordinal))).ToList();
        var packages = new List<Package>();
        foreach (var db in databases)
        {
            var layers = await LayerAttribution.AttributeAsync(input.Tree, db, MaxFileSize, bytes => Parse(bytes, db.Path == StatusFile).DistinctBy(Key).ToDictionary(Key, p => p.Version), cancellationToken).ConfigureAwait(false);
            foreach (var package in Parse(db.Content, db.Path == StatusFile))
            {
                var files = owned.GetValueOrDefault(package.Name + ":" + package.Arch) ?? owned.GetValueOrDefault(package.Name) ?? [];
                packages.Add(package with
                {
                    FilePath = db.Path,
                    Layer = layers.GetValueOrDefault(Key(package)),
                    InstalledFiles = files,
                    Licenses = licenses.GetValueOrDefault(package.Name) ?? [],
                });
            }
        }
        if (packages.Count > 0)
        {
            var target = databases.Any(d => d.Path == StatusFile) ? StatusFile : StatusDir.TrimEnd('/');
            sink.AddResult(new ScanResult
            {
                Target = target,
                Class = ResultClass.OsPackages,
                Type = "dpkg",
                Packages = [.. packages.DistinctBy(Key).OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Arch, StringComparer.Ordinal)],
            });
        }
    }

    private static string Key(Package p) => p.Name + ":" + p.Arch;

    /// <summary>
    /// Parses a status file: only packages dpkg calls installed are kept (not config-files or half-installed ones).
    /// In the main status file a paragraph without Status is not installed; distroless status.d files never carry one.
    /// </summary>
    public static IEnumerable<Package> Parse(byte[] content, bool statusRequired = true)
    {
        foreach (var para in ControlFile.Paragraphs(ControlFile.Decode(content)))
        {
            if (!para.TryGetValue("Package", out var name) || !para.TryGetValue("Version", out var version))
            {
                continue;
            }
            if (para.TryGetValue("Status", out var status) ? !status.EndsWith(" installed", StringComparison.Ordinal) : statusRequired)
            {
                continue;
            }
            var sourceName = name;
            var sourceVersion = version;
            if (para.TryGetValue("Source", out var source) && source.Length > 0)
            {
                var paren = source.IndexOf('(', StringComparison.Ordinal);
                if (paren > 0)
                {
                    sourceName = source[..paren].Trim();
                    sourceVersion = source[(paren + 1)..].TrimEnd(')').Trim();
                }
                else
                {
                    sourceName = source.Trim();
                }
            }
            var parsed = DebianVersion.Parse(version);
            yield return new Package
            {
                Name = name,
                Version = version,
                Epoch = parsed.Epoch == 0 ? null : parsed.Epoch,
                Release = parsed.Revision.Length == 0 ? null : parsed.Revision,
                Arch = para.GetValueOrDefault("Architecture"),
                SourceName = sourceName,
                SourceVersion = sourceVersion,
                Maintainer = para.GetValueOrDefault("Maintainer"),
                DependsOn = Dependencies(para),
            };
        }
    }

    /// <summary>
    /// Package names from Depends and Pre-Depends, arch qualifiers (":any") and version constraints dropped. Every
    /// alternative of "a | b" is named: the SBOM writers keep the ones installed, so the graph shows whichever
    /// package satisfies the dependency (as Trivy's does), not only the first choice when that one is absent.
    /// </summary>
    private static IReadOnlyList<string> Dependencies(Dictionary<string, string> para)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var field in new[] { "Pre-Depends", "Depends" })
        {
            if (!para.TryGetValue(field, out var value))
            {
                continue;
            }
            foreach (var alternative in value.Split(',', '|'))
            {
                var choice = alternative.Trim();
                var end = choice.IndexOfAny([' ', '(', ':', '[']);
                var dep = end < 0 ? choice : choice[..end];
                if (dep.Length > 0)
                {
                    names.Add(dep);
                }
            }
        }
        return [.. names];
    }
}
