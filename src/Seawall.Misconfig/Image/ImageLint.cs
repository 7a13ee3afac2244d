using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Misconfig.Image;

/// <summary>
/// `--scanners misconfig` on an image or a root file system: the image-config checks (images only), the image-files
/// checks (the accounts analyzer's findings from the scan's pass, plus the checks on the tree's modes) and the
/// attack surface, added to the report the inventory made.
/// </summary>
public static class ImageLint
{
    public const string ConfigResultType = "image-config";

    /// <param name="image">The image config; null for a root file system, which has none.</param>
    /// <param name="includePassed">Keep pass findings (--include-passed); otherwise only fail and warn.</param>
    public static ScanReport Apply(ScanReport report, IFileTree tree, ImageFacts? image, bool includePassed)
    {
        var target = report.Artifact.Name;
        var results = report.Results.Where(r => r.Type != ImageAccountsAnalyzer.ResultType).ToList();
        if (image is not null)
        {
            results.Add(new ScanResult { Target = target, Class = ResultClass.Config, Type = ConfigResultType, Findings = Keep(ImageConfigChecks.Run(image), includePassed) });
        }
        var files = report.Results.Where(r => r.Type == ImageAccountsAnalyzer.ResultType).SelectMany(r => r.Findings).Concat(ImageFileChecks.Run(tree));
        results.Add(new ScanResult { Target = target, Class = ResultClass.Config, Type = ImageAccountsAnalyzer.ResultType, Findings = Keep(files, includePassed) });
        return report with
        {
            // Stable sort: the inventory's order is kept, the two new results fall in with the other config results.
            Results = [.. results.OrderBy(r => r.Class).ThenBy(r => r.Target, StringComparer.Ordinal).ThenBy(r => r.Type, StringComparer.Ordinal)],
            AttackSurface = AttackSurfaceScanner.Scan(tree),
        };
    }

    private static List<Finding> Keep(IEnumerable<Finding> findings, bool includePassed) =>
        [.. findings.Where(f => includePassed || f.Status is FindingStatus.Fail or FindingStatus.Warn)];

    /// <summary>The image-config checks' input from an image's name, tags and config fields.</summary>
    public static ImageFacts Facts(string name, IReadOnlyList<string> repoTags, string? user, IReadOnlyList<string> env,
        IReadOnlyDictionary<string, string> labels, IReadOnlyList<string>? healthcheck, IReadOnlyList<string> volumes,
        IReadOnlyList<(string? CreatedBy, LayerRef? Layer)> history) => new()
        {
            Name = name,
            RepoTags = repoTags,
            User = user,
            Env = env,
            Labels = labels,
            Healthcheck = healthcheck,
            Volumes = volumes,
            History = history,
        };
}
