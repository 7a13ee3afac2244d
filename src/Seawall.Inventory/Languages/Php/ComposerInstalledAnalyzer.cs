using System.Text.Json;
using Seawall.Core.Analysis;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Php;

/// <summary>
/// What Composer installed into a vendor directory: vendor/composer/installed.json, either Composer 1's plain array of
/// packages or Composer 2's { "packages": [...], "dev-package-names": [...] } (the latter marks dev packages).
/// </summary>
public sealed class ComposerInstalledAnalyzer : IAnalyzer
{
    public string Id => "composer-vendor";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Installed;

    public bool IsApplicable(string path) =>
        path == "vendor/composer/installed.json" || path.EndsWith("/vendor/composer/installed.json", StringComparison.Ordinal);

    public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var file in input.Files)
        {
            try
            {
                LanguageResults.Add(sink, file, "composer-vendor", Parse(file.Content));
            }
            catch (MalformedFileException ex)
            {
                sink.Warn(LanguageResults.Warning(file.Path, Id, ex));
            }
        }
        return Task.CompletedTask;
    }

    public static IReadOnlyList<Package> Parse(byte[] content)
    {
        using var doc = ComposerPackages.ParseJson(content);
        var root = doc.RootElement;
        switch (root.ValueKind)
        {
            case JsonValueKind.Array:
                return ComposerPackages.Read(root.EnumerateArray().Select(e => (e, false)));
            case JsonValueKind.Object when root.TryGetProperty("packages", out var packages) && packages.ValueKind == JsonValueKind.Array:
                var dev = root.TryGetProperty("dev-package-names", out var names) && names.ValueKind == JsonValueKind.Array
                    ? names.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!).ToHashSet(StringComparer.OrdinalIgnoreCase)
                    : [];
                return ComposerPackages.Read(packages.EnumerateArray().Select(e => (e, ComposerPackages.String(e, "name") is { } n && dev.Contains(n))));
            default:
                throw new MalformedFileException("not Composer's installed.json: neither a list of packages nor an object with \"packages\"");
        }
    }
}
