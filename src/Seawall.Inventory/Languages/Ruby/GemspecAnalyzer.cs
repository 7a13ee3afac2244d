using System.Text.RegularExpressions;
using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Ruby;

/// <summary>
/// Installed gems: the Ruby specification RubyGems writes for each under a "specifications" directory
/// (gems/3.2.0/specifications/rack-2.2.3.gemspec, and specifications/default/ for gems bundled with Ruby). The Ruby is
/// read, never run: "s.name = ...", "s.version = ..." (a string or Gem::Version.new(...)), "s.license(s) = ...", and
/// run-time dependencies (add_runtime_dependency / add_dependency), resolved to the gems installed beside it.
/// One result per specifications directory (Trivy's gemspec).
/// </summary>
public sealed partial class GemspecAnalyzer : IAnalyzer
{
    public string Id => "gemspec";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Installed;

    /// <summary>Generated specifications are a few kilobytes; a hand-written one is rarely more than tens.</summary>
    public long MaxFileSize => 1024 * 1024;

    public bool IsApplicable(string path) => SpecificationsDirectory(path) is not null;

    [GeneratedRegex(@"Gem::Specification\.new\s*(?:do|\{)\s*\|\s*(\w+)\s*\|", RegexOptions.CultureInvariant)]
    private static partial Regex NewSpecRegex();

    [GeneratedRegex(@"^\s*(\w+)\.(name|version|license|licenses)\s*=\s*(.+?)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex AssignmentRegex();

    [GeneratedRegex(@"^\s*(\w+)\.add_(?:runtime_)?dependency[\s(]+(.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex DependencyRegex();

    /// <summary>A Ruby string literal: "x", 'x', %q&lt;x&gt;, %q{x}, %q(x), %q[x], %Q... (with an optional .freeze after it).</summary>
    [GeneratedRegex("""(?:"([^"\\]*(?:\\.[^"\\]*)*)"|'([^'\\]*(?:\\.[^'\\]*)*)'|%[qQ]?<([^>]*)>|%[qQ]?\{([^}]*)\}|%[qQ]?\(([^)]*)\)|%[qQ]?\[([^\]]*)\])""", RegexOptions.CultureInvariant)]
    private static partial Regex StringLiteralRegex();

    /// <summary>The "# stub: name version platform paths" line RubyGems writes first: a fallback for name and version.</summary>
    [GeneratedRegex(@"^#\s*stub:\s+(\S+)\s+(\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex StubRegex();

    public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var group in input.Files.GroupBy(f => SpecificationsDirectory(f.Path)!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var parsed = new List<(Package Package, IReadOnlyList<string> Dependencies)>();
            foreach (var file in group.OrderBy(f => f.Path, StringComparer.Ordinal))
            {
                try
                {
                    var (package, dependencies) = Parse(TreeFiles.Decode(file.Content));
                    parsed.Add((package with { FilePath = file.Path, Layer = file.Node.Layer }, dependencies));
                }
                catch (MalformedFileException ex)
                {
                    sink.Warn(LanguageResults.Warning(file.Path, Id, ex));
                }
            }
            var versions = parsed.GroupBy(p => p.Package.Name, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(p => p.Package.Version).Distinct(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
            LanguageResults.Add(sink, group.Key, "gemspec", parsed
                .DistinctBy(p => p.Package.Name + "@" + p.Package.Version)
                .Select(p => p.Package with
                {
                    // Several installed versions of a dependency: RubyGems picks one at run time, so only the name is known.
                    DependsOn = [.. p.Dependencies
                        .Where(versions.ContainsKey)
                        .Select(d => versions[d] is [var only] ? d + "@" + only : d)
                        .Distinct(StringComparer.Ordinal)
                        .Order(StringComparer.Ordinal)],
                }));
        }
        return Task.CompletedTask;
    }

    /// <summary>The package a gemspec describes and the names of its run-time dependencies.</summary>
    public static (Package Package, IReadOnlyList<string> Dependencies) Parse(string text)
    {
        string? variable = null, name = null, version = null, stubName = null, stubVersion = null;
        var licenses = new List<string>();
        var dependencies = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (variable is null)
            {
                if (StubRegex().Match(line) is { Success: true } stub)
                {
                    (stubName, stubVersion) = (stub.Groups[1].Value, stub.Groups[2].Value);
                }
                if (NewSpecRegex().Match(line) is { Success: true } spec)
                {
                    variable = spec.Groups[1].Value;
                }
                continue;
            }
            if (AssignmentRegex().Match(line) is { Success: true } assignment && assignment.Groups[1].Value == variable)
            {
                var value = assignment.Groups[3].Value;
                switch (assignment.Groups[2].Value)
                {
                    case "name":
                        name ??= FirstString(value);
                        break;
                    case "version":
                        version ??= FirstString(value);
                        break;
                    case "license":
                    case "licenses":
                        licenses.AddRange(Strings(value));
                        break;
                }
                continue;
            }
            if (DependencyRegex().Match(line) is { Success: true } dependency && dependency.Groups[1].Value == variable
                && !line.Contains("add_development_dependency", StringComparison.Ordinal)
                && FirstString(dependency.Groups[2].Value) is { Length: > 0 } dependencyName)
            {
                dependencies.Add(dependencyName);
            }
        }
        name ??= stubName;
        version ??= stubVersion;
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(version))
        {
            throw new MalformedFileException(variable is null
                ? "no 'Gem::Specification.new do |s|' block"
                : "no name or version assigned as a string");
        }
        return (new Package
        {
            Name = name,
            Version = version,
            Ecosystem = "RubyGems",
            Licenses = [.. licenses.Distinct(StringComparer.Ordinal)],
        }, dependencies);
    }

    private static string? FirstString(string expression) => Strings(expression).FirstOrDefault();

    private static IEnumerable<string> Strings(string expression) =>
        StringLiteralRegex().Matches(expression)
            .Select(m => m.Groups.Values.Skip(1).First(g => g.Success).Value.Trim())
            .Where(s => s.Length > 0);

    /// <summary>The specifications directory holding this gemspec (its default/ subfolder included), or null.</summary>
    internal static string? SpecificationsDirectory(string path)
    {
        if (!path.EndsWith(".gemspec", StringComparison.Ordinal))
        {
            return null;
        }
        var parent = TreePath.Parent(path);
        if (parent.EndsWith("/default", StringComparison.Ordinal) || parent == "default")
        {
            parent = TreePath.Parent(parent);
        }
        return parent == "specifications" || parent.EndsWith("/specifications", StringComparison.Ordinal) ? parent : null;
    }
}
