using Seawall.Artifacts.Archive;
using Seawall.Core.Model;
using Seawall.Scanning;
using Seawall.TestSupport;
using Seawall.Tests.Support;

namespace Seawall.Tests.Scanning;

/// <summary>
/// --scanners picks the analyzers: the package analyzers run only for what needs packages (vuln, license, an SBOM),
/// so `--scanners secret` reads the layers for secrets alone, and the default still lists the packages.
/// </summary>
public sealed class ScannerSelectionTests : IDisposable
{
    private const string GitHubToken = "ghp_B7kq9Zr2Xw4Lm8Np3Vt6Yc1Hd5Fs0JgQw8eR";

    /// <summary>A dpkg status stanza as Debian 12 writes it.</summary>
    private const string DpkgStatus =
        "Package: base-files\nEssential: yes\nStatus: install ok installed\nPriority: required\nSection: admin\n"
        + "Installed-Size: 341\nMaintainer: Santiago Vila <sanvila@debian.org>\nArchitecture: amd64\nMultiArch: foreign\n"
        + "Version: 12.4+deb12u5\nDescription: Debian base system miscellaneous files\n\n";

    private readonly TempDir _dir = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    private string Image()
    {
        var path = _dir.File("app.tar");
        TestImageBuilder.WriteDockerArchive(path, "app:1",
        [
            new TestLayer("/bin/sh -c #(nop) ADD file:base in /", new Dictionary<string, byte[]>
            {
                ["etc/os-release"] = TestImageBuilder.Text("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"),
                ["var/lib/dpkg/status"] = TestImageBuilder.Text(DpkgStatus),
            }),
            new TestLayer("COPY . /app", new Dictionary<string, byte[]>
            {
                ["app/node_modules/left-pad/package.json"] = TestImageBuilder.Text("{\n  \"name\": \"left-pad\",\n  \"version\": \"1.3.0\",\n  \"license\": \"WTFPL\"\n}\n"),
                ["app/deploy.env"] = TestImageBuilder.Text($"GH_TOKEN={GitHubToken}\n"),
            }),
        ]);
        return path;
    }

    private static ScanService Service(params Scanner[] scanners) => new(new ScanOptions { Scanners = new HashSet<Scanner>(scanners) });

    private static async Task<ScanReport> ScanAsync(ScanService service, string archivePath)
    {
        using var archive = ImageArchive.Open(archivePath);
        return await service.ScanImageAsync(archive.Images[0], Token);
    }

    private static List<string> Packages(ScanReport report) => [.. report.Results.SelectMany(r => r.Packages).Select(p => p.Name).Order(StringComparer.Ordinal)];

    private static List<string> Secrets(ScanReport report) => [.. report.Results.SelectMany(r => r.Secrets).Select(s => s.Path)];

    [Fact]
    public async Task SecretOnly_RunsNoPackageAnalyzer_AndStillNamesTheOs()
    {
        var service = Service(Scanner.Secret);
        // Only the OS's identity (one small file, for the report's header) rides along with the secret scan.
        Assert.Equal(["os-release", "secret"], service.AnalyzerIds(ArtifactType.ContainerImage));
        Assert.Equal(["os-release", "secret"], service.AnalyzerIds(ArtifactType.Rootfs));
        var report = await ScanAsync(service, Image());
        Assert.Empty(Packages(report));
        Assert.DoesNotContain(report.Results, r => r.Class is ResultClass.OsPackages or ResultClass.LangPackages);
        Assert.Equal(["app/deploy.env"], Secrets(report));
        Assert.Equal("debian", report.Os?.Family);
    }

    [Fact]
    public async Task DefaultScanners_ListThePackages()
    {
        var service = new ScanService(new ScanOptions());
        Assert.Contains("dpkg", service.AnalyzerIds(ArtifactType.ContainerImage));
        Assert.DoesNotContain("secret", service.AnalyzerIds(ArtifactType.ContainerImage));
        var report = await ScanAsync(service, Image());
        Assert.Equal(["base-files", "left-pad"], Packages(report));
        Assert.Empty(Secrets(report));
    }

    [Fact]
    public async Task SecretWithVulnOrLicense_OrNoScannerAtAll_ListThePackages()
    {
        var image = Image();
        var both = await ScanAsync(Service(Scanner.Secret, Scanner.Vuln), image);
        Assert.Equal(["base-files", "left-pad"], Packages(both));
        Assert.Equal(["app/deploy.env"], Secrets(both));
        Assert.Equal(["base-files", "left-pad"], Packages(await ScanAsync(Service(Scanner.License), image)));
        // `--scanners ''`: no scanner, an SBOM of the packages.
        Assert.Equal(["base-files", "left-pad"], Packages(await ScanAsync(Service(), image)));
    }

    [Fact]
    public void SbomOutput_ReadsPackagesWhateverTheScanners()
    {
        var service = new ScanService(new ScanOptions { Scanners = new HashSet<Scanner> { Scanner.Secret }, SbomOutput = true });
        Assert.Contains("dpkg", service.AnalyzerIds(ArtifactType.ContainerImage));
        Assert.Contains("secret", service.AnalyzerIds(ArtifactType.ContainerImage));
    }
}
