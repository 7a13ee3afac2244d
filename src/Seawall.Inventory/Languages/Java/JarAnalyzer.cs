using Seawall.Core.Analysis;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Java;

/// <summary>
/// Java archives (jar, war, ear, par) and the archives nested in them: packages from pom.properties, else from the
/// manifest. Installed only, as in Trivy, which leaves jars out of fs scans (TypeJar is one of its "individual
/// package" analyzers, disabled for fs and repo targets): a jar in a checkout is most often a build output or a test
/// fixture, and what the project declares is in pom.xml or gradle.lockfile. <c>--package-sources</c> turns it on there.
/// </summary>
public sealed class JarAnalyzer : IAnalyzer
{
    public string Id => "jar";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Installed;

    /// <summary>Fat jars of a few hundred megabytes exist; the whole file is held while it is read or condensed.</summary>
    public long MaxFileSize => 512L * 1024 * 1024;

    public bool IsApplicable(string path) =>
        path.EndsWith(".jar", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".war", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".ear", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".par", StringComparison.OrdinalIgnoreCase);

    /// <summary>A 100 MB fat jar is kept in the layer cache as a few kilobytes of the entries read.</summary>
    public byte[] Condense(string path, byte[] content) => JarWalker.Condense(path, content);

    public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var file in input.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (packages, warnings) = JarWalker.Scan(file.Path, file.Content);
            foreach (var warning in warnings)
            {
                sink.Warn(warning);
            }
            if (packages.Count > 0)
            {
                sink.AddResult(new ScanResult
                {
                    Target = file.Path,
                    Class = ResultClass.LangPackages,
                    Type = "jar",
                    Packages = [.. packages.Select(p => p with { Layer = file.Node.Layer }).OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.FilePath, StringComparer.Ordinal).ThenBy(p => p.Version, StringComparer.Ordinal)],
                });
            }
        }
        return Task.CompletedTask;
    }
}
