using Seawall.Core.Analysis;
using Seawall.Core.Model;
using Tomlyn.Model;

namespace Seawall.Inventory.Languages.Python;

/// <summary>
/// poetry.lock (TOML [[package]] tables): name, version, the dependency graph from [package.dependencies], the commit of
/// git sources, optional packages (extras), and dev packages: category "dev" (Poetry before 1.2) or groups without "main"
/// (Poetry 2). When the lock says neither, the pyproject.toml beside it does: packages reached only from dev groups are dev.
/// </summary>
public sealed class PoetryLockAnalyzer : IAnalyzer
{
    public string Id => "poetry";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Lockfiles;

    public bool IsApplicable(string path) => path == "poetry.lock" || path.EndsWith("/poetry.lock", StringComparison.Ordinal);

    public async Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var file in input.Files)
        {
            IReadOnlyList<Package> packages;
            try
            {
                packages = Parse(TreeFiles.Decode(file.Content), out var groupsTold);
                var project = await PythonProject.ReadPyprojectAsync(input.Tree, file.Path, sink, cancellationToken).ConfigureAwait(false);
                if (project is not null)
                {
                    packages = ApplyProject(packages, project, markDev: !groupsTold);
                }
            }
            catch (MalformedFileException ex)
            {
                sink.Warn(LanguageResults.Warning(file.Path, Id, ex));
                continue;
            }
            LanguageResults.Add(sink, file, "poetry", packages);
        }
    }

    /// <param name="groupsTold">Whether the lock marks dev packages itself (category or groups keys).</param>
    public static IReadOnlyList<Package> Parse(string text, out bool groupsTold)
    {
        var root = LockToml.Parse(text);
        var entries = new List<(Package Package, TomlTable Table)>();
        groupsTold = false;
        foreach (var table in LockToml.Tables(root, "package"))
        {
            if (LockToml.String(table, "name") is not { Length: > 0 } name || LockToml.String(table, "version") is not { Length: > 0 } version)
            {
                continue;
            }
            var category = LockToml.String(table, "category");
            var groups = LockToml.Strings(table, "groups");
            groupsTold |= category is not null || groups.Count > 0;
            var source = LockToml.Table(table, "source");
            entries.Add((new Package
            {
                Name = name,
                Version = version,
                Ecosystem = "PyPI",
                Dev = category == "dev" || (groups.Count > 0 && !groups.Contains("main")),
                Optional = LockToml.Bool(table, "optional"),
                Commit = source is not null && LockToml.String(source, "type") == "git"
                    ? LockToml.String(source, "resolved_reference") ?? LockToml.String(source, "reference")
                    : null,
            }, table));
        }
        var graph = new PythonGraph(entries.Select(e => e.Package));
        return [.. entries.Select(e => e.Package with
        {
            DependsOn = LockToml.Table(e.Table, "dependencies") is { } deps
                ? [.. deps.Select(d => graph.Resolve(d.Key)).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]
                : [],
        })];
    }

    /// <summary>Direct dependencies from the manifest; with markDev, packages reached only from dev groups become dev.</summary>
    internal static IReadOnlyList<Package> ApplyProject(IReadOnlyList<Package> packages, PythonProject project, bool markDev)
    {
        var devOnly = new HashSet<string>(StringComparer.Ordinal);
        if (markDev && project.DevDirect.Count > 0)
        {
            var graph = new PythonGraph(packages);
            var byKey = packages.DistinctBy(PythonGraph.Key).ToDictionary(PythonGraph.Key, p => p, StringComparer.Ordinal);
            var runtime = PythonGraph.Reachable(graph.KeysOf(project.Main.Concat(project.OptionalDirect)), byKey);
            devOnly = PythonGraph.Reachable(graph.KeysOf(project.DevDirect), byKey);
            devOnly.ExceptWith(runtime);
        }
        return [.. packages.Select(p => p with
        {
            Direct = project.IsDirect(p.Name),
            Dev = p.Dev || devOnly.Contains(PythonGraph.Key(p)),
        })];
    }
}
