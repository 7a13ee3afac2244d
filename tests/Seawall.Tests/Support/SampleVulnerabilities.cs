using Seawall.Core.Model;

namespace Seawall.Tests.Support;

/// <summary>
/// A hand-made report of a Debian 12 image with a Go binary and a .NET app, holding vulnerabilities as the matcher
/// reports them: real ids, versions, vectors and scores as NVD, GHSA, Debian and the Go database publish them.
/// </summary>
internal static class SampleVulnerabilities
{
    public static readonly LayerRef BaseLayer = new(0, "sha256:" + new string('a', 64), "/bin/sh -c #(nop) ADD file:6f2ef2b3b7e4 in / ");
    public static readonly LayerRef AppLayer = new(1, "sha256:" + new string('b', 64), "COPY app /app # buildkit");
    public static readonly LayerRef DockerLayer = new(2, "sha256:" + new string('c', 64), "RUN /bin/sh -c apt-get install -y docker.io # buildkit");

    public static readonly CvssScore Critical98 = new("nvd", "3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, Severity.Critical);

    /// <summary>glibc's "Looney Tunables" (DSA-5514-1), fixed in bookworm's 2.36-9+deb12u3.</summary>
    public static DetectedVulnerability LooneyTunables => new()
    {
        Id = "CVE-2023-4911",
        Aliases = ["DSA-5514-1"],
        PackageName = "libc6",
        PackagePurl = "pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64&distro=debian-12.1",
        InstalledVersion = "2.36-9+deb12u1",
        Ecosystem = "Debian:12",
        PackagePath = "var/lib/dpkg/status",
        Layer = BaseLayer,
        InBaseImage = true,
        FixedVersions = ["2.36-9+deb12u3"],
        Status = VulnerabilityStatus.Fixed,
        Severity = Severity.High,
        SeveritySource = "debian",
        Cvss = [new CvssScore("nvd", "3.1", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, Severity.High)],
        Title = "glibc: buffer overflow in ld.so leading to privilege escalation",
        Description = "A buffer overflow was discovered in the GNU C Library's dynamic loader ld.so while processing the GLIBC_TUNABLES environment variable.",
        References = ["https://security-tracker.debian.org/tracker/CVE-2023-4911", "https://www.openwall.com/lists/oss-security/2023/10/03/2"],
        DataSource = "debian-tracker",
        Published = new DateTimeOffset(2023, 10, 3, 18, 15, 0, TimeSpan.Zero),
        Modified = new DateTimeOffset(2024, 11, 21, 8, 36, 0, TimeSpan.Zero),
    };

    /// <summary>The minizip flaw Debian does not fix in zlib (minizip is not built from it).</summary>
    public static DetectedVulnerability Minizip => new()
    {
        Id = "CVE-2023-45853",
        PackageName = "zlib1g",
        PackagePurl = "pkg:deb/debian/zlib1g@1.2.13.dfsg-1?arch=amd64&distro=debian-12.1&epoch=1",
        InstalledVersion = "1:1.2.13.dfsg-1",
        Ecosystem = "Debian:12",
        PackagePath = "var/lib/dpkg/status",
        Layer = BaseLayer,
        InBaseImage = true,
        Status = VulnerabilityStatus.WillNotFix,
        StatusNote = "ignored: minizip is not built from src:zlib",
        Severity = Severity.Critical,
        SeveritySource = "cvss",
        Cvss = [Critical98],
        Title = "zlib: integer overflow and resultant heap-based buffer overflow in zipOpenNewFileInZip4_6",
        References = ["https://security-tracker.debian.org/tracker/CVE-2023-45853"],
        DataSource = "debian-tracker",
        Published = new DateTimeOffset(2023, 10, 14, 2, 15, 0, TimeSpan.Zero),
    };

    /// <summary>apt's old integrity flaw Debian rates unimportant: in every Debian image, never fixed.</summary>
    public static DetectedVulnerability AptIntegrity => new()
    {
        Id = "CVE-2011-3374",
        PackageName = "apt",
        PackagePurl = "pkg:deb/debian/apt@2.6.1?arch=amd64&distro=debian-12.1",
        InstalledVersion = "2.6.1",
        Ecosystem = "Debian:12",
        PackagePath = "var/lib/dpkg/status",
        Layer = BaseLayer,
        InBaseImage = true,
        Status = VulnerabilityStatus.Affected,
        Severity = Severity.Low,
        SeveritySource = "debian",
        Title = "It was found that apt-key in apt, all versions, do not correctly validate gpg keys with the master keyring, leading to a potential man-in-the-middle attack.",
        References = ["https://security-tracker.debian.org/tracker/CVE-2011-3374"],
        DataSource = "debian-tracker",
    };

    /// <summary>net/netip's Is4In6 flaw, in the Go toolchain dockerd was built with (Debian's docker.io owns the file).</summary>
    public static DetectedVulnerability NetipInDockerd => new()
    {
        Id = "CVE-2024-24790",
        Aliases = ["GO-2024-2887"],
        PackageName = "stdlib",
        PackagePurl = "pkg:golang/stdlib@v1.22.3",
        InstalledVersion = "v1.22.3",
        Ecosystem = "Go",
        PackagePath = "usr/sbin/dockerd",
        OwnedBy = "docker.io",
        Layer = DockerLayer,
        InBaseImage = false,
        FixedVersions = ["1.21.11", "1.22.4"],
        Status = VulnerabilityStatus.Fixed,
        Severity = Severity.Critical,
        SeveritySource = "cvss",
        Cvss = [Critical98],
        Title = "Unexpected behavior from Is methods for IPv4-mapped IPv6 addresses in net/netip",
        Description = "The various Is methods (IsPrivate, IsLoopback, etc) did not work as expected for IPv4-mapped IPv6 addresses.",
        References = ["https://go.dev/issue/67680", "https://pkg.go.dev/vuln/GO-2024-2887"],
        DataSource = "osv:Go",
        Published = new DateTimeOffset(2024, 6, 4, 17, 15, 0, TimeSpan.Zero),
        Modified = new DateTimeOffset(2024, 9, 3, 18, 35, 0, TimeSpan.Zero),
    };

    /// <summary>Newtonsoft.Json's deep-nesting stack overflow, in a .NET app's deps.json.</summary>
    public static DetectedVulnerability NewtonsoftJson => new()
    {
        Id = "GHSA-5crp-9r3c-p9vr",
        Aliases = ["CVE-2024-21907"],
        PackageName = "Newtonsoft.Json",
        PackagePurl = "pkg:nuget/Newtonsoft.Json@12.0.1",
        InstalledVersion = "12.0.1",
        Ecosystem = "NuGet",
        PackagePath = "app/app.deps.json",
        Layer = AppLayer,
        InBaseImage = false,
        FixedVersions = ["13.0.1"],
        Status = VulnerabilityStatus.Fixed,
        Severity = Severity.High,
        SeveritySource = "ghsa",
        Cvss = [new CvssScore("ghsa", "3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5, Severity.High)],
        Title = "Improper Handling of Exceptional Conditions in Newtonsoft.Json",
        Description = "Newtonsoft.Json prior to version 13.0.1 is vulnerable to Insecure Defaults due to improper handling of StackOverFlow exception (SOE) whenever nested expressions are being processed.",
        References = ["https://nvd.nist.gov/vuln/detail/CVE-2024-21907", "https://github.com/JamesNK/Newtonsoft.Json/pull/2462"],
        DataSource = "osv:NuGet",
        Published = new DateTimeOffset(2022, 6, 22, 15, 8, 47, TimeSpan.Zero),
        Modified = new DateTimeOffset(2024, 1, 3, 21, 50, 20, TimeSpan.Zero),
    };

    public static Package PackageOf(DetectedVulnerability v) => new()
    {
        Name = v.PackageName,
        Version = v.InstalledVersion,
        Purl = v.PackagePurl,
        FilePath = v.PackagePath,
        Layer = v.Layer,
        Ecosystem = v.Ecosystem is "Debian:12" ? null : v.Ecosystem,
        OwnedBy = v.OwnedBy,
    };

    /// <summary>The image report: dpkg, the Go binary, the .NET app; each result holds its packages and their findings.</summary>
    public static ScanReport Report()
    {
        ScanResult Result(string target, ResultClass cls, string type, params DetectedVulnerability[] vulns) => new()
        {
            Target = target,
            Class = cls,
            Type = type,
            Packages = [.. vulns.DistinctBy(v => v.PackagePurl).Select(PackageOf)],
            Vulnerabilities = vulns,
        };
        return new ScanReport
        {
            Artifact = new ArtifactInfo("registry.example/team/app:1.4", ArtifactType.ContainerImage, "sha256:" + new string('d', 64))
            {
                Layers = [BaseLayer, AppLayer, DockerLayer],
                RepoTags = ["registry.example/team/app:1.4"],
                RepoDigests = ["registry.example/team/app@sha256:" + new string('e', 64)],
                Architecture = "amd64",
            },
            Os = new OsInfo("debian", "12.1", "Debian GNU/Linux 12 (bookworm)"),
            Results =
            [
                Result("var/lib/dpkg/status", ResultClass.OsPackages, "dpkg", AptIntegrity, LooneyTunables, Minizip),
                Result("app/app.deps.json", ResultClass.LangPackages, "dotnet-core", NewtonsoftJson),
                Result("usr/sbin/dockerd", ResultClass.LangPackages, "gobinary", NetipInDockerd),
            ],
        };
    }

    public static IEnumerable<DetectedVulnerability> All(ScanReport report) => report.Results.SelectMany(r => r.Vulnerabilities);

    public static IEnumerable<SuppressedVulnerability> Suppressed(ScanReport report) => report.Results.SelectMany(r => r.Suppressed);
}
