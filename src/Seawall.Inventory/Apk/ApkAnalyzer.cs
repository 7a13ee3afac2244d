using System.Text;
using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Inventory.Apk;

/// <summary>Alpine and Wolfi packages from lib/apk/db/installed (apk's "installed database" format: one-letter keys, blank-line separated).</summary>
public sealed class ApkAnalyzer : IAnalyzer
{
    private static readonly string[] DatabasePaths = ["lib/apk/db/installed", "usr/lib/apk/db/installed"];

    public string Id => "apk";

    public int Version => 2;

    public bool IsApplicable(string path) => path == DatabasePaths[0] || path == DatabasePaths[1];

    public async Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var db in input.Files)
        {
            var layers = await LayerAttribution.AttributeAsync(input.Tree, db, MaxFileSizeBytes, bytes => Parse(bytes).DistinctBy(p => p.Name).ToDictionary(p => p.Name, p => p.Version), cancellationToken).ConfigureAwait(false);
            var packages = Parse(db.Content)
                .Select(p => p with { FilePath = db.Path, Layer = layers.GetValueOrDefault(p.Name) })
                .DistinctBy(p => p.Name)
                .OrderBy(p => p.Name, StringComparer.Ordinal)
                .ToList();
            if (packages.Count > 0)
            {
                sink.AddResult(new ScanResult { Target = db.Path, Class = ResultClass.OsPackages, Type = "apk", Packages = packages });
            }
        }
    }

    private long MaxFileSizeBytes => ((IAnalyzer)this).MaxFileSize;

    /// <summary>
    /// Parses the database. Dependencies (D:) name packages, shared libraries ("so:libc.musl-x86_64.so.1"),
    /// commands ("cmd:sh") or files ("/bin/sh"); each is resolved to the installed package that provides it (its
    /// name, or a p: entry), as apk itself resolves them. Conflicts ("!name") and needs nothing provides are dropped.
    /// </summary>
    public static IEnumerable<Package> Parse(byte[] content)
    {
        var entries = ParseEntries(content);
        var providers = new Dictionary<string, string>(StringComparer.Ordinal);
        // A package's own name wins over another package's p: entry for it.
        foreach (var (package, _, _) in entries)
        {
            providers.TryAdd(package.Name, package.Name);
        }
        foreach (var (package, provides, _) in entries)
        {
            foreach (var name in provides)
            {
                providers.TryAdd(name, package.Name);
            }
        }
        return entries.Select(e => e.Package with
        {
            DependsOn = [.. e.Depends.Select(d => providers.GetValueOrDefault(d)).OfType<string>().Where(d => d != e.Package.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
        });
    }

    private static List<(Package Package, List<string> Provides, List<string> Depends)> ParseEntries(byte[] content)
    {
        var text = Encoding.UTF8.GetString(content);
        var entries = new List<(Package, List<string>, List<string>)>();
        var fields = new Dictionary<char, string>();
        var files = new List<string>();
        var depends = new List<string>();
        var provides = new List<string>();
        var dir = string.Empty;
        foreach (var raw in text.Split('\n').Append(string.Empty))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                if (fields.TryGetValue('P', out var name) && fields.TryGetValue('V', out var version))
                {
                    var origin = fields.GetValueOrDefault('o') ?? name;
                    entries.Add((new Package
                    {
                        Name = name,
                        Version = version,
                        Arch = fields.GetValueOrDefault('A'),
                        SourceName = origin,
                        SourceVersion = version,
                        Licenses = SplitLicense(fields.GetValueOrDefault('L')),
                        Maintainer = fields.GetValueOrDefault('m'),
                        InstalledFiles = [.. files],
                    }, [.. provides], [.. depends]));
                }
                fields.Clear();
                files.Clear();
                depends.Clear();
                provides.Clear();
                dir = string.Empty;
                continue;
            }
            if (line.Length < 2 || line[1] != ':')
            {
                continue;
            }
            var value = line[2..];
            switch (line[0])
            {
                case 'F':
                    dir = value;
                    break;
                case 'R':
                    if (TreePath.Normalize(TreePath.Combine(dir, value)) is { Length: > 0 } file)
                    {
                        files.Add(file);
                    }
                    break;
                case 'D':
                    // "musl>=1.2.3 so:libc.musl-x86_64.so.1 /bin/sh !conflict": the name before any version constraint.
                    depends.AddRange(value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(d => !d.StartsWith('!')).Select(WithoutConstraint));
                    break;
                case 'p':
                    // "so:libssl.so.3=3 cmd:openssl=3.1.0-r4 /bin/sh"
                    provides.AddRange(value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(WithoutConstraint));
                    break;
                default:
                    fields[line[0]] = value;
                    break;
            }
        }
        return entries;
    }

    private static string WithoutConstraint(string token)
    {
        var end = token.IndexOfAny(['<', '>', '=', '~']);
        return end < 0 ? token : token[..end];
    }

    /// <summary>apk writes SPDX expressions ("MIT AND BSD-2-Clause") or space-separated ids.</summary>
    private static IReadOnlyList<string> SplitLicense(string? license)
    {
        if (string.IsNullOrWhiteSpace(license))
        {
            return [];
        }
        return [.. license.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(t => !t.Equals("AND", StringComparison.OrdinalIgnoreCase) && !t.Equals("OR", StringComparison.OrdinalIgnoreCase) && !t.Equals("WITH", StringComparison.OrdinalIgnoreCase))
            .Select(t => t.Trim('(', ')'))
            .Where(t => t.Length > 0)
            .Distinct(StringComparer.Ordinal)];
    }
}
