using System.Text.Json;
using Seawall.Core.Analysis;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Python;

/// <summary>
/// Pipfile.lock (JSON): "default" packages, and "develop" ones marked dev. Entries without a version (editable or VCS
/// checkouts) are not a released version and are left out. The Pipfile beside it, when present, tells direct dependencies.
/// </summary>
public sealed class PipenvLockAnalyzer : IAnalyzer
{
    public string Id => "pipenv";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Lockfiles;

    public bool IsApplicable(string path) => path == "Pipfile.lock" || path.EndsWith("/Pipfile.lock", StringComparison.Ordinal);

    public async Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var file in input.Files)
        {
            IReadOnlyList<Package> packages;
            try
            {
                packages = Parse(file.Content);
            }
            catch (MalformedFileException ex)
            {
                sink.Warn(LanguageResults.Warning(file.Path, Id, ex));
                continue;
            }
            var project = await PythonProject.ReadPipfileAsync(input.Tree, file.Path, sink, cancellationToken).ConfigureAwait(false);
            if (project is not null)
            {
                packages = [.. packages.Select(p => p with { Direct = project.IsDirect(p.Name) })];
            }
            LanguageResults.Add(sink, file, "pipenv", packages);
        }
    }

    public static IReadOnlyList<Package> Parse(byte[] content)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(TreeFiles.WithoutBom(content), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw LanguageResults.FromJson(ex);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new MalformedFileException("not a Pipfile.lock: the top level is not an object");
            }
            var packages = new Dictionary<string, Package>(StringComparer.Ordinal);
            // Default first: a package in both sections is a runtime dependency.
            foreach (var (section, dev) in new[] { ("default", false), ("develop", true) })
            {
                if (!doc.RootElement.TryGetProperty(section, out var entries) || entries.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }
                foreach (var entry in entries.EnumerateObject())
                {
                    if (entry.Value.ValueKind != JsonValueKind.Object
                        || !entry.Value.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.String)
                    {
                        continue;
                    }
                    // "==2.1.1": the lock pins with ==; "===" pins arbitrary strings.
                    var version = v.GetString()!.TrimStart('=').Trim();
                    if (version.Length == 0)
                    {
                        continue;
                    }
                    packages.TryAdd(Pep508.Normalize(entry.Name) + "@" + version, new Package
                    {
                        Name = entry.Name,
                        Version = version,
                        Ecosystem = "PyPI",
                        Dev = dev,
                    });
                }
            }
            return [.. packages.Values];
        }
    }
}
