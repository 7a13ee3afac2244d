using Seawall.Core.Analysis;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Python;

/// <summary>
/// pdm.lock (TOML [[package]] tables): name, version, the git revision, the graph from PEP 508 "dependencies" strings,
/// and groups: a package outside the "default" group is dev when its groups are development groups, else optional.
/// Which groups are which comes from pyproject.toml beside the lock; without it, a group named "dev" is dev, as
/// osv-scanner reads it. pyproject.toml also tells direct dependencies.
/// </summary>
public sealed class PdmLockAnalyzer : IAnalyzer
{
    public string Id => "pdm";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Lockfiles;

    public bool IsApplicable(string path) => path == "pdm.lock" || path.EndsWith("/pdm.lock", StringComparison.Ordinal);

    public async Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var file in input.Files)
        {
            IReadOnlyList<Package> packages;
            try
            {
                var text = TreeFiles.Decode(file.Content);
                var project = await PythonProject.ReadPyprojectAsync(input.Tree, file.Path, sink, cancellationToken).ConfigureAwait(false);
                packages = Parse(text, project);
            }
            catch (MalformedFileException ex)
            {
                sink.Warn(LanguageResults.Warning(file.Path, Id, ex));
                continue;
            }
            LanguageResults.Add(sink, file, "pdm", packages);
        }
    }

    internal static IReadOnlyList<Package> Parse(string text, PythonProject? project = null)
    {
        var root = LockToml.Parse(text);
        var entries = new List<(Package Package, IReadOnlyList<string> Dependencies)>();
        foreach (var table in LockToml.Tables(root, "package"))
        {
            if (LockToml.String(table, "name") is not { Length: > 0 } name || LockToml.String(table, "version") is not { Length: > 0 } version)
            {
                continue;
            }
            var groups = LockToml.Strings(table, "groups");
            var runtime = groups.Count == 0 || groups.Contains("default");
            var dev = !runtime && groups.All(g => IsDevGroup(g, project));
            entries.Add((new Package
            {
                Name = name,
                Version = version,
                Ecosystem = "PyPI",
                Dev = dev,
                Optional = !runtime && !dev,
                Commit = LockToml.String(table, "revision"),
                Direct = project?.IsDirect(name),
            }, LockToml.Strings(table, "dependencies")));
        }
        var graph = new PythonGraph(entries.Select(e => e.Package));
        return [.. entries.Select(e => e.Package with
        {
            DependsOn = [.. e.Dependencies.Select(Pep508.LeadingName).OfType<string>().Select(n => graph.Resolve(n)).OfType<string>()
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
        })];
    }

    /// <summary>A development group per the manifest ([tool.pdm.dev-dependencies], [dependency-groups]), or "dev" without one.</summary>
    private static bool IsDevGroup(string group, PythonProject? project) =>
        project is null
            ? group == "dev"
            : project.DevGroups.Contains(group) || (group == "dev" && !project.OptionalGroups.Contains(group));
}
