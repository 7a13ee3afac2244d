using System.Runtime.CompilerServices;
using System.Text;
using Seawall.Artifacts.Archive;
using Seawall.Core.Model;
using Seawall.Inventory.Purl;
using Seawall.Inventory.Sbom;
using Seawall.Scanning;
using Seawall.Tests.Support;
using Seawall.TestSupport;

namespace Seawall.Tests.Inventory.Sbom;

/// <summary>
/// The artifacts the SBOM reader tests describe, and the comparisons they make: what the reader gives for an SBOM
/// next to what Seawall's own scan gives for the artifact the SBOM was made from.
/// </summary>
internal static class SbomFixtures
{
    /// <summary>A project of real lockfiles from the shared corpus (osv-scanner's fixtures), one per ecosystem, under their real names.</summary>
    private static readonly (string Path, string Source)[] LangFiles =
    [
        ("node/package-lock.json", "npm/scoped-packages.v2.json"),
        ("rust/Cargo.lock", "cargo/two-packages.lock"),
        ("go/go.mod", "go/two-packages.mod"),
        ("php/composer.lock", "composer/two-packages.json"),
        ("ruby/Gemfile.lock", "bundler/some-gems.lock"),
        ("python/poetry.lock", "poetry/two-packages.lock"),
        ("dotnet/packages.lock.json", "nuget/one-framework-two-packages.v1.json"),
        ("java/pom.xml", "maven/two-packages.xml"),
        ("dart/pubspec.lock", "pub/two-packages.lock"),
        ("elixir/mix.lock", "mix/two-packages.lock"),
    ];

    public const string AmazonOsRelease =
        "NAME=\"Amazon Linux\"\nVERSION=\"2023\"\nID=\"amzn\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"2023\"\nPLATFORM_ID=\"platform:al2023\"\nPRETTY_NAME=\"Amazon Linux 2023\"\n";

    /// <summary>The committed SBOMs: Trivy's documents for the fixtures here (see TestData/Sbom/README.md).</summary>
    public static string TestData(string name, [CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "../../TestData/Sbom", name));

    public static void WriteLangProject(string dir)
    {
        foreach (var (path, source) in LangFiles)
        {
            var target = Path.Combine(dir, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(SharedData.Require("osv-lockfile-fixtures/fixtures/" + source), target);
        }
    }

    /// <summary>Amazon Linux 2023's real rpmdb.sqlite (102 packages and a gpg-pubkey) with the release files both tools read.</summary>
    public static IReadOnlyList<TestLayer> AmazonLayers() =>
    [
        new("COPY rpmdb.sqlite /var/lib/rpm/", new Dictionary<string, byte[]>
        {
            ["etc/os-release"] = Encoding.UTF8.GetBytes(AmazonOsRelease),
            ["etc/system-release"] = Encoding.UTF8.GetBytes("Amazon Linux release 2023 (Amazon Linux)\n"),
            ["var/lib/rpm/rpmdb.sqlite"] = File.ReadAllBytes(SharedData.Require("rpmdb-fixtures/sqlite-go-rpmdb-amazonlinux2023/rpmdb.sqlite")),
        }),
    ];

    public static async Task<ScanReport> ScanLangProjectAsync()
    {
        using var dir = new TempDir("seawall-sbom-lang-");
        WriteLangProject(dir.Path);
        return await new ScanService(new ScanOptions()).ScanDirectoryAsync(dir.Path, ArtifactType.Filesystem, TestContext.Current.CancellationToken);
    }

    public static async Task<ScanReport> ScanImageAsync(string name, IReadOnlyList<TestLayer> layers)
    {
        using var dir = new TempDir("seawall-sbom-image-");
        TestImageBuilder.WriteOciLayoutDirectory(dir.Path, name, layers);
        using var archive = ImageArchive.Open(dir.Path);
        return await new ScanService(new ScanOptions { CacheDir = null }).ScanImageAsync(archive.Images[0], TestContext.Current.CancellationToken);
    }

    public static Task<ScanReport> ReadAsync(string path) => SbomReader.ReadAsync(path, TestContext.Current.CancellationToken);

    /// <summary>
    /// What must agree between two reports of the same artifact, one line per package: result class and type, the
    /// target for language results (OS results are named by the database file in a scan and by the OS in an SBOM
    /// that does not record the file), name, version, ecosystem, arch, epoch, source package and the layer (its
    /// position, and its diffID unless <paramref name="layerIds"/> is off: the fixture images are rebuilt with new
    /// timestamps, so a committed document's diffIDs are those of an earlier build).
    /// </summary>
    public static List<string> Identities(ScanReport report, bool layerIds = true) =>
    [
        .. report.Results.SelectMany(r => r.Packages.Select(p => string.Join(" | ",
            r.Class, r.Type, r.Class == ResultClass.LangPackages ? r.Target : "-", p.Name, p.Version, p.Ecosystem ?? "-", p.Arch ?? "-",
            p.Epoch?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", p.SourceName ?? "-", p.SourceVersion ?? "-",
            p.Layer is { } l ? (layerIds ? $"{l.Index}:{l.DiffId}" : $"{l.Index}") : "-")))
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>A purl reduced to what names the package: type, namespace, name, version and the arch, distro and epoch qualifiers.</summary>
    public static string PurlKey(string purl)
    {
        Assert.True(PackageUrl.TryParse(purl, out var p, out var error), $"{purl}: {error}");
        return $"{p.Type}/{p.Namespace}/{p.Name}@{p.Version}?arch={p.Qualifier("arch")}&distro={p.Qualifier("distro")}&epoch={p.Qualifier("epoch")}";
    }
}
