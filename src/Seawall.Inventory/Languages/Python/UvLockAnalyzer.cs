using Seawall.Core.Analysis;
using Seawall.Core.Model;
using Tomlyn.Model;

namespace Seawall.Inventory.Languages.Python;

/// <summary>
/// uv.lock (TOML [[package]] tables). The project itself is the package whose source is editable or virtual ".": it is
/// not reported (it is what is being scanned), and its dependency lists tell direct dependencies, and what is reached only
/// through its dev-dependencies (dev) or optional-dependencies (optional). The graph comes from each package's
/// "dependencies"; extras asked for by a dependency ({ name, extra = [...] }) are followed too. Git sources give a commit.
/// </summary>
public sealed class UvLockAnalyzer : IAnalyzer
{
    public string Id => "uv";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Lockfiles;

    public bool IsApplicable(string path) => path == "uv.lock" || path.EndsWith("/uv.lock", StringComparison.Ordinal);

    public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var file in input.Files)
        {
            try
            {
                LanguageResults.Add(sink, file, "uv", Parse(TreeFiles.Decode(file.Content)));
            }
            catch (MalformedFileException ex)
            {
                sink.Warn(LanguageResults.Warning(file.Path, Id, ex));
            }
        }
        return Task.CompletedTask;
    }

    public static IReadOnlyList<Package> Parse(string text)
    {
        var root = LockToml.Parse(text);
        var tables = new Dictionary<string, TomlTable>(StringComparer.Ordinal);
        var packages = new List<Package>();
        foreach (var table in LockToml.Tables(root, "package"))
        {
            if (LockToml.String(table, "name") is not { Length: > 0 } name)
            {
                continue;
            }
            // A workspace member or the project itself may have no version; it cannot be matched to advisories.
            var version = LockToml.String(table, "version") ?? string.Empty;
            var package = new Package { Name = name, Version = version, Ecosystem = "PyPI", Commit = GitCommit(LockToml.Table(table, "source")) };
            if (tables.TryAdd(PythonGraph.Key(package), table))
            {
                packages.Add(package);
            }
        }
        var graph = new PythonGraph(packages);
        string? Resolve(TomlTable dependency) =>
            LockToml.String(dependency, "name") is { } n ? graph.Resolve(n, LockToml.String(dependency, "version")) : null;

        var projectKey = packages.Select(PythonGraph.Key).FirstOrDefault(k => IsProjectRoot(tables[k]));
        HashSet<string>? runtime = null, optional = null, dev = null, direct = null;
        if (projectKey is not null)
        {
            var project = tables[projectKey];
            var main = LockToml.Tables(project, "dependencies").ToList();
            var extras = Groups(project, "optional-dependencies");
            var devs = Groups(project, "dev-dependencies");
            runtime = Reach(main, tables, Resolve);
            optional = Reach(extras, tables, Resolve);
            optional.ExceptWith(runtime);
            dev = Reach(devs, tables, Resolve);
            dev.ExceptWith(runtime);
            dev.ExceptWith(optional);
            direct = [.. main.Concat(extras).Concat(devs).Select(Resolve).OfType<string>()];
        }
        return [.. packages
            .Where(p => PythonGraph.Key(p) != projectKey && p.Version.Length > 0)
            .Select(p =>
            {
                var key = PythonGraph.Key(p);
                return p with
                {
                    Direct = direct?.Contains(key),
                    Dev = dev?.Contains(key) ?? false,
                    Optional = optional?.Contains(key) ?? false,
                    DependsOn = [.. LockToml.Tables(tables[key], "dependencies").Select(Resolve).OfType<string>()
                        .Where(k => k != projectKey).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                };
            })];
    }

    private static bool IsProjectRoot(TomlTable package) =>
        LockToml.Table(package, "source") is { } source && (LockToml.String(source, "editable") == "." || LockToml.String(source, "virtual") == ".");

    /// <summary>"git+https://github.com/o/r?rev=main#3f2a..." or "https://github.com/o/r?rev=v1#3f2a...": the commit after '#'.</summary>
    private static string? GitCommit(TomlTable? source)
    {
        if (source is null || LockToml.String(source, "git") is not { } git)
        {
            return null;
        }
        var hash = git.LastIndexOf('#');
        return hash >= 0 && hash + 1 < git.Length ? git[(hash + 1)..] : null;
    }

    /// <summary>Every dependency entry of every group of a [package.optional-dependencies] or [package.dev-dependencies] table.</summary>
    private static List<TomlTable> Groups(TomlTable package, string key) =>
        LockToml.Table(package, key) is { } groups ? [.. groups.SelectMany(g => LockToml.Tables(groups, g.Key))] : [];

    /// <summary>Packages reached from dependency entries, following each package's dependencies and the extras entries ask for.</summary>
    private static HashSet<string> Reach(IEnumerable<TomlTable> start, Dictionary<string, TomlTable> tables, Func<TomlTable, string?> resolve)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var expanded = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<TomlTable>(start);
        while (queue.Count > 0)
        {
            var entry = queue.Dequeue();
            if (resolve(entry) is not { } key || !tables.TryGetValue(key, out var package))
            {
                continue;
            }
            if (reached.Add(key))
            {
                foreach (var next in LockToml.Tables(package, "dependencies"))
                {
                    queue.Enqueue(next);
                }
            }
            var extras = LockToml.Table(package, "optional-dependencies");
            foreach (var extra in LockToml.Strings(entry, "extra"))
            {
                if (extras is not null && expanded.Add(key + "[" + extra + "]"))
                {
                    foreach (var next in LockToml.Tables(extras, extra))
                    {
                        queue.Enqueue(next);
                    }
                }
            }
        }
        return reached;
    }
}
