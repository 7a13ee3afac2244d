using Seawall.Artifacts.Archive;
using Seawall.Core.Model;
using Seawall.Scanning;
using Seawall.TestSupport;

namespace Seawall.Tests.Reporting;

/// <summary>Reports made the way the CLI makes them: real analyzers over the images of <see cref="FixtureImages"/>.</summary>
internal static class FixtureReports
{
    public static Task<ScanReport> DebianAsync() => ScanAsync("debian-fixture:12", FixtureImages.DebianLayers());

    public static Task<ScanReport> AlpineAsync() => ScanAsync("alpine-fixture:3.18", FixtureImages.AlpineLayers());

    private static async Task<ScanReport> ScanAsync(string name, IReadOnlyList<TestLayer> layers)
    {
        var dir = Directory.CreateTempSubdirectory("seawall-report-");
        try
        {
            TestImageBuilder.WriteOciLayoutDirectory(dir.FullName, name, layers);
            using var archive = ImageArchive.Open(dir.FullName);
            return await new ScanService(new ScanOptions()).ScanImageAsync(archive.Images[0], TestContext.Current.CancellationToken);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
