using Seawall.Core.Analysis;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Ruby;

/// <summary>
/// Bundler's Gemfile.lock (and gems.locked): the specs of its GEM, GIT, PATH and PLUGIN SOURCE sections (four-space
/// lines "name (version[-platform])", each followed by six-space lines naming what it depends on), the commit of GIT
/// sources, and DEPENDENCIES: the gems the Gemfile asks for, so direct ones. A platform suffix is not part of the version
/// ("1.13.3-x86_64-linux" is 1.13.3), as Trivy and osv-scanner read it.
/// </summary>
public sealed class GemfileLockAnalyzer : IAnalyzer
{
    private static readonly HashSet<string> SourceSections = new(["GEM", "GIT", "PATH", "PLUGIN SOURCE"], StringComparer.Ordinal);

    public string Id => "bundler";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Lockfiles;

    public bool IsApplicable(string path)
    {
        var name = path.AsSpan(path.LastIndexOf('/') + 1);
        return name.SequenceEqual("Gemfile.lock") || name.SequenceEqual("gems.locked");
    }

    public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var file in input.Files)
        {
            try
            {
                LanguageResults.Add(sink, file, "bundler", Parse(TreeFiles.Decode(file.Content)));
            }
            catch (MalformedFileException ex)
            {
                sink.Warn(LanguageResults.Warning(file.Path, Id, ex));
            }
        }
        return Task.CompletedTask;
    }

    private sealed class Spec(string name, string version, string? commit)
    {
        public string Name { get; } = name;
        public string Version { get; } = version;
        public string? Commit { get; } = commit;
        public List<string> Dependencies { get; } = [];
    }

    public static IReadOnlyList<Package> Parse(string text)
    {
        var specs = new List<Spec>();
        var direct = new HashSet<string>(StringComparer.Ordinal);
        string? section = null;
        string? revision = null;
        var inSpecs = false;
        Spec? current = null;
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                continue;
            }
            var indent = line.Length - line.TrimStart(' ').Length;
            var content = line.Trim();
            if (indent == 0)
            {
                section = content;
                revision = null;
                inSpecs = false;
                current = null;
                continue;
            }
            if (section == "DEPENDENCIES" && indent == 2)
            {
                // "rails (~> 7.0)", "hanami-utils!" ("!" marks a gem from a git or path source).
                direct.Add(content.Split(' ', 2)[0].TrimEnd('!'));
                continue;
            }
            if (section is null || !SourceSections.Contains(section))
            {
                continue;
            }
            if (indent == 2)
            {
                inSpecs = content == "specs:";
                current = null;
                if (content.StartsWith("revision:", StringComparison.Ordinal))
                {
                    revision = content["revision:".Length..].Trim();
                }
                continue;
            }
            if (!inSpecs)
            {
                continue;
            }
            if (indent == 4)
            {
                current = ParseSpec(content, number, section == "GIT" ? revision : null);
                specs.Add(current);
            }
            else if (indent == 6 && current is not null)
            {
                current.Dependencies.Add(content.Split(' ', 2)[0]);
            }
        }
        var versions = specs.GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Version, StringComparer.Ordinal);
        return [.. specs
            .DistinctBy(s => s.Name + "@" + s.Version)
            .Select(s => new Package
            {
                Name = s.Name,
                Version = s.Version,
                Ecosystem = "RubyGems",
                Commit = s.Commit,
                Direct = direct.Contains(s.Name),
                DependsOn = [.. s.Dependencies
                    .Where(versions.ContainsKey)
                    .Select(d => d + "@" + versions[d])
                    .Distinct(StringComparer.Ordinal)
                    .Order(StringComparer.Ordinal)],
            })];
    }

    /// <summary>"name (version)" or "name (version-platform)".</summary>
    private static Spec ParseSpec(string content, int line, string? commit)
    {
        var open = content.IndexOf(" (", StringComparison.Ordinal);
        if (open <= 0 || !content.EndsWith(')'))
        {
            throw new MalformedFileException($"spec '{Shorten(content)}' is not 'name (version)'", line);
        }
        var name = content[..open];
        var version = content[(open + 2)..^1].Trim();
        var dash = version.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0)
        {
            version = version[..dash];
        }
        if (version.Length == 0 || name.Contains(' ', StringComparison.Ordinal))
        {
            throw new MalformedFileException($"spec '{Shorten(content)}' is not 'name (version)'", line);
        }
        return new Spec(name, version, commit);
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
