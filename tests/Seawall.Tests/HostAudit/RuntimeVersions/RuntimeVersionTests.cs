using Seawall.Core.Model;
using Seawall.HostAudit.RuntimeVersions;
using Seawall.Scanning;
using Seawall.Tests.HostAudit.RuntimeDaemon;
using Seawall.Tests.Inventory.Languages;

namespace Seawall.Tests.HostAudit.RuntimeVersions;

/// <summary>
/// Builds two tiny Go programs whose main package is github.com/opencontainers/runc, stamped the way runc's Makefile
/// stamps releases (-X main.version=...), so the binary route reads a real Go build info. Offline; cached by Go.
/// </summary>
public sealed class FakeRuncBuild : IDisposable
{
    private readonly Lazy<string?> _dir = new(Build);

    public string Binary(string version)
    {
        Assert.SkipWhen(GoBuildFixture.Go is null, "the Go toolchain is not installed (apt-get install golang-go); it builds the test binaries");
        return Path.Combine(_dir.Value!, "runc-" + version);
    }

    private static string? Build()
    {
        if (GoBuildFixture.Go is not { } go)
        {
            return null;
        }
        var dir = Path.Combine(Path.GetTempPath(), "seawall-fakerunc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "go.mod"), "module github.com/opencontainers/runc\n\ngo 1.19\n");
        File.WriteAllText(Path.Combine(dir, "main.go"), "package main\n\nvar version = \"unknown\"\n\nfunc main() { println(version) }\n");
        var env = new Dictionary<string, string> { ["GOPROXY"] = "off", ["CGO_ENABLED"] = "0", ["GOWORK"] = "off", ["GOFLAGS"] = "-mod=mod" };
        foreach (var version in new[] { "1.1.11", "1.4.0" })
        {
            ExternalTool.Run(go, dir, env, "build", "-ldflags", $"-X main.version={version} -X main.gitCommit=abc", "-o", "runc-" + version, ".");
        }
        return dir;
    }

    public void Dispose()
    {
        if (_dir.IsValueCreated && _dir.Value is { } dir)
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

public class RuntimeVersionTests(FakeRuncBuild build) : IClassFixture<FakeRuncBuild>
{
    [Theory]
    [InlineData("1.1.5+ds1-1+deb12u1", "1.1.5")]
    [InlineData("1.6.20~ds1-1+deb12u3", "1.6.20")]
    [InlineData("20.10.24+dfsg1-1+deb12u1+b6", "20.10.24")]
    [InlineData("5:27.3.1-1~debian.12~bookworm", "27.3.1")]
    [InlineData("1.0.0~rc93+ds1-5+deb11u2", "1.0.0-rc93")]
    [InlineData("1.1.12-r3", "1.1.12")]
    [InlineData("v1.7.22", "1.7.22")]
    [InlineData("1.4.0-rc.3", "1.4.0-rc.3")]
    [InlineData("1.7.22-1", "1.7.22")]
    [InlineData("unknown", null)]
    public void Upstream_FromDistributionVersions(string version, string? expected) =>
        Assert.Equal(expected, UpstreamVersion.Of(version));

    [Theory]
    [InlineData("1.0.0-rc6", "1.0.0-rc7")]
    [InlineData("1.0.0-rc7", "1.0.0-rc95")]
    [InlineData("1.0.0-rc95", "1.0.0")]
    [InlineData("1.4.0-rc.1", "1.4.0-rc.3")]
    [InlineData("1.1.5", "1.1.12")]
    [InlineData("1.1", "1.1.1")]
    [InlineData("19.03.0", "19.03.1")]
    public void Compare_Ordered(string lower, string higher)
    {
        Assert.True(UpstreamVersion.Compare(lower, higher) < 0);
        Assert.True(UpstreamVersion.Compare(higher, lower) > 0);
        Assert.Equal(0, UpstreamVersion.Compare(lower, lower));
    }

    [Theory]
    [InlineData("CVE-2024-21626", "1.1.11", "1.1.12")]
    [InlineData("CVE-2024-21626", "1.0.0-rc92", null)] // introduced in rc93
    [InlineData("CVE-2024-21626", "1.1.12", null)]
    [InlineData("CVE-2019-5736", "1.0.0-rc6", "1.0.0-rc7")]
    [InlineData("CVE-2021-30465", "1.0.0-rc94", "1.0.0-rc95")]
    [InlineData("CVE-2025-31133", "1.3.2", "1.3.3")]
    [InlineData("CVE-2025-31133", "1.2.8", null)]
    [InlineData("CVE-2025-31133", "1.4.0-rc.2", "1.4.0-rc.3")]
    [InlineData("CVE-2020-15257", "1.4.1", "1.4.3")]
    [InlineData("CVE-2020-15257", "1.3.9", null)]
    [InlineData("CVE-2022-23648", "1.6.0", "1.6.1")]
    [InlineData("CVE-2019-14271", "19.03.0", "19.03.1")]
    [InlineData("CVE-2019-14271", "18.09.9", null)]
    [InlineData("CVE-2024-41110", "26.1.4", "26.1.5")]
    [InlineData("CVE-2024-41110", "27.1.1", null)]
    [InlineData("CVE-2022-27650", "1.4.3", "1.4.4")]
    public void FixFor_AffectedRanges(string cve, string version, string? fix) =>
        Assert.Equal(fix, EscapeAdvisories.All.Single(a => a.Cve == cve).FixFor(version));

    private static Package DebianRunc(string version) => new()
    {
        Name = "runc",
        Version = version,
        SourceName = "runc",
        FilePath = "var/lib/dpkg/status",
        InstalledFiles = ["/usr/sbin/runc"],
    };

    [Fact]
    public void Package_NoDatabase_OldUpstream_WarnsWithBackportCaveat()
    {
        using var root = new HostRoot();

        var findings = root.Run(new RuntimeVersionChecks(), [DebianRunc("1.1.5+ds1-1+deb12u1")]);

        var finding = findings.One("host-runtime-versions-cve-2024-21626");
        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.StartsWith("package runc 1.1.5+ds1-1+deb12u1 is upstream 1.1.5, before 1.1.12; a distribution may have backported the fix", finding.Evidence, StringComparison.Ordinal);
        Assert.Equal("runc 1.1.5+ds1-1+deb12u1", finding.Target);
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Contains("https://github.com/opencontainers/runc/security/advisories/GHSA-xr7r-f8xq-vfvv", finding.References);
        Assert.Equal(FindingStatus.Pass, findings.One("host-runtime-versions-cve-2019-5736").Status);
        Assert.Equal("runc 1.1.5+ds1-1+deb12u1 (package runc)", findings.One("host-runtime-versions-found").Evidence);
    }

    [Fact]
    public void Package_NoDatabase_CurrentUpstream_Passes()
    {
        using var root = new HostRoot();

        var findings = root.Run(new RuntimeVersionChecks(), [DebianRunc("1.3.3+ds1-1")]);

        Assert.All(findings.Where(f => f.CheckId.StartsWith("host-runtime-versions-cve-", StringComparison.Ordinal)), f => Assert.Equal(FindingStatus.Pass, f.Status));
        Assert.Equal(6, findings.Count(f => f.CheckId.StartsWith("host-runtime-versions-cve-", StringComparison.Ordinal)));
    }

    [Fact]
    public void Package_Database_DistributionVerdictWins()
    {
        using var root = new HostRoot();
        var runc = DebianRunc("1.1.5+ds1-1+deb12u1");
        DetectedVulnerability[] database =
        [
            new() { Id = "CVE-2024-21626", PackageName = "runc", InstalledVersion = runc.Version, FixedVersions = ["1.1.5+ds1-1+deb12u2"], Status = VulnerabilityStatus.Fixed, DataSource = "debian-tracker" },
            new() { Id = "CVE-2023-99999", PackageName = "runc", InstalledVersion = runc.Version, Status = VulnerabilityStatus.Affected },
        ];

        var findings = root.Run(new RuntimeVersionChecks(), [runc], database);

        var leaky = findings.One("host-runtime-versions-cve-2024-21626");
        Assert.Equal(FindingStatus.Fail, leaky.Status);
        Assert.Equal("package runc 1.1.5+ds1-1+deb12u1 is affected per the advisory database (debian-tracker): fixed in 1.1.5+ds1-1+deb12u2", leaky.Evidence);
        // The table says 1.1.5 is before 1.2.8, but the database (with backports) does not list CVE-2025-31133: it passes.
        Assert.Equal(FindingStatus.Pass, findings.One("host-runtime-versions-cve-2025-31133").Status);
        Assert.DoesNotContain(findings, f => f.Evidence?.Contains("CVE-2023-99999", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void Package_DatabaseByAlias_Matches()
    {
        using var root = new HostRoot();
        var docker = new Package { Name = "docker.io", Version = "20.10.5+dfsg1-1+deb11u2" };
        DetectedVulnerability[] database =
        [
            new() { Id = "GHSA-v23v-6jw2-98fq", Aliases = ["CVE-2024-41110"], PackageName = "docker.io", InstalledVersion = docker.Version, Status = VulnerabilityStatus.WillNotFix },
        ];

        var finding = root.Run(new RuntimeVersionChecks(), [docker], database).One("host-runtime-versions-cve-2024-41110");

        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.EndsWith("the distribution will not fix it", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_UnownedStaticRunc_FailsFromItsBuildInfo()
    {
        var binary = build.Binary("1.1.11");
        using var root = new HostRoot();
        root.WriteBytes("usr/local/sbin/runc", File.ReadAllBytes(binary));

        var findings = root.Run(new RuntimeVersionChecks());

        var finding = findings.One("host-runtime-versions-cve-2024-21626");
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Equal("/usr/local/sbin/runc (not from an OS package) is runc 1.1.11 (Go build info: -X main.version=1.1.11); CVE-2024-21626 is fixed in 1.1.12", finding.Evidence);
        Assert.Equal("/usr/local/sbin/runc", finding.Target);
    }

    [Fact]
    public void Binary_CurrentStaticRunc_Passes()
    {
        var binary = build.Binary("1.4.0");
        using var root = new HostRoot();
        root.WriteBytes("usr/local/bin/runc", File.ReadAllBytes(binary));

        var findings = root.Run(new RuntimeVersionChecks());

        Assert.All(findings.Where(f => f.CheckId.StartsWith("host-runtime-versions-cve-", StringComparison.Ordinal)), f => Assert.Equal(FindingStatus.Pass, f.Status));
        Assert.Contains("runc 1.4.0 (/usr/local/bin/runc", findings.One("host-runtime-versions-found").Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_RuncShippedInContainerdIo_ReadFromTheBinaryNotThePackage()
    {
        var binary = build.Binary("1.1.11");
        using var root = new HostRoot();
        root.WriteBytes("usr/bin/runc", File.ReadAllBytes(binary));
        var containerdIo = new Package { Name = "containerd.io", Version = "1.7.22-1", InstalledFiles = ["/usr/bin/containerd", "/usr/bin/runc"] };

        var findings = root.Run(new RuntimeVersionChecks(), [containerdIo]);

        var finding = findings.Where(f => f.CheckId == "host-runtime-versions-cve-2024-21626").Single(f => f.Target == "/usr/bin/runc");
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Contains("shipped in package containerd.io, whose version is not runc's", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binary_OwnedThroughDpkgList_PackageVersionOnly_LinkReportedOnce()
    {
        var binary = build.Binary("1.1.11");
        using var root = new HostRoot();
        root.WriteBytes("usr/sbin/runc", File.ReadAllBytes(binary))
            .Symlink("usr/bin/runc", "../sbin/runc")
            .Write("var/lib/dpkg/status", "Package: runc\nStatus: install ok installed\nPriority: optional\nSection: devel\nMaintainer: Debian Go Packaging Team <team+pkg-go@tracker.debian.org>\nArchitecture: amd64\nVersion: 1.1.12+ds1-1\nDescription: Open Container Project - runtime\n\n")
            .Write("var/lib/dpkg/info/runc.list", "/.\n/usr\n/usr/bin\n/usr/bin/runc\n/usr/sbin\n/usr/sbin/runc\n")
            .Write("var/lib/dpkg/info/runc.md5sums", "0123456789abcdef0123456789abcdef  usr/sbin/runc\n");
        // The host inventory's dpkg packages carry the files their info/NAME.list names: that says who owns the binary.
        var report = await new ScanService(new ScanOptions { CacheDir = null, IncludePassed = true, AdvisoryDatabase = null })
            .ScanHostAsync(root.Path, TestContext.Current.CancellationToken);
        var findings = report.Results[0].Findings;

        Assert.Equal("runc 1.1.12+ds1-1 (package runc)", findings.One("host-runtime-versions-found").Evidence);
        Assert.Equal(FindingStatus.Pass, findings.One("host-runtime-versions-cve-2024-21626").Status);
        // The lists served the check; the report lists the package without them, as before.
        Assert.Empty(report.Results.SelectMany(r => r.Packages).Single(p => p.Name == "runc").InstalledFiles);
    }

    [Fact]
    public void Binary_UnownedBehindASymlink_ReportedOnceByItsRealPath()
    {
        var binary = build.Binary("1.1.11");
        using var root = new HostRoot();
        root.WriteBytes("usr/local/sbin/runc", File.ReadAllBytes(binary)).Symlink("usr/local/bin/runc", "/usr/local/sbin/runc");

        var finding = root.Run(new RuntimeVersionChecks()).One("host-runtime-versions-cve-2024-21626");

        Assert.Equal("/usr/local/sbin/runc", finding.Target);
    }

    [Fact]
    public void Binary_NotGo_VersionUnknownWarns()
    {
        using var root = new HostRoot();
        root.Write("usr/local/bin/runc", "#!/bin/sh\nexec /opt/runc \"$@\"\n");

        var finding = root.Run(new RuntimeVersionChecks()).One("host-runtime-versions-unknown");

        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.Equal("/usr/local/bin/runc (not from an OS package): no Go build info (not a Go binary, or one whose build info does not read)", finding.Evidence);
    }

    [Fact]
    public void NoRuntime_NoFindings()
    {
        using var root = new HostRoot();
        root.Write("etc/hostname", "x\n");

        Assert.Empty(root.Run(new RuntimeVersionChecks(), [new Package { Name = "bash", Version = "5.2.15-2+b7" }]));
    }
}
