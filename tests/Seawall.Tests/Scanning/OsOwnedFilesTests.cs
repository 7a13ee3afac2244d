using Seawall.Core.Model;
using Seawall.Scanning;

namespace Seawall.Tests.Scanning;

public sealed class OsOwnedFilesTests
{
    private static readonly ScanResult Dpkg = new()
    {
        Target = "var/lib/dpkg/status",
        Class = ResultClass.OsPackages,
        Type = "dpkg",
        Packages =
        [
            new Package { Name = "python3-requests", Version = "2.28.1+dfsg-1", InstalledFiles = ["usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO"] },
            new Package { Name = "docker.io", Version = "20.10.24+dfsg1-1", InstalledFiles = ["usr/bin/docker", "usr/sbin/dockerd"] },
        ],
    };

    private static ScanResult Lang(string type, params (string Name, string Path)[] packages) => new()
    {
        Target = type,
        Class = ResultClass.LangPackages,
        Type = type,
        Packages = [.. packages.Select(p => new Package { Name = p.Name, Version = "1.0", Ecosystem = "PyPI", FilePath = p.Path })],
    };

    [Fact]
    public void InstalledMetadataOwnedByAnOsPackage_IsDropped()
    {
        var results = ScanService.WithoutOsOwnedFiles(
            [Dpkg, Lang("python-pkg", ("requests", "usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO"), ("flask", "usr/local/lib/python3.11/site-packages/flask-2.0.dist-info/METADATA"))],
            keepBinaries: true);
        var python = Assert.Single(results, r => r.Type == "python-pkg");
        Assert.Equal("flask", Assert.Single(python.Packages).Name);
    }

    [Fact]
    public void BinaryOwnedByAnOsPackage_IsKeptWithItsOwner_UnlessTurnedOff()
    {
        var input = new[] { Dpkg, Lang("gobinary", ("github.com/docker/cli", "usr/bin/docker"), ("github.com/x/tool", "usr/local/bin/tool")) };
        var kept = Assert.Single(ScanService.WithoutOsOwnedFiles(input, keepBinaries: true), r => r.Type == "gobinary").Packages;
        Assert.Equal("docker.io", kept.Single(p => p.Name == "github.com/docker/cli").OwnedBy);
        Assert.Null(kept.Single(p => p.Name == "github.com/x/tool").OwnedBy);

        var dropped = Assert.Single(ScanService.WithoutOsOwnedFiles(input, keepBinaries: false), r => r.Type == "gobinary").Packages;
        Assert.Equal("github.com/x/tool", Assert.Single(dropped).Name);
    }

    [Fact]
    public void ThirdPartyRpm_DoesNotHideTheLanguagePackagesItBundles()
    {
        var rpm = new ScanResult
        {
            Target = "var/lib/rpm/rpmdb.sqlite",
            Class = ResultClass.OsPackages,
            Type = "rpm",
            Packages =
            [
                new Package { Name = "python3-six", Version = "1.15.0", Maintainer = "Amazon Linux", InstalledFiles = ["usr/lib/python3.9/site-packages/six-1.15.0.dist-info/METADATA"] },
                new Package { Name = "vendor-agent", Version = "7.1", Maintainer = "Datadog <package@datadoghq.com>", InstalledFiles = ["opt/agent/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA"] },
            ],
        };
        var results = ScanService.WithoutOsOwnedFiles(
            [rpm, Lang("python-pkg", ("six", "usr/lib/python3.9/site-packages/six-1.15.0.dist-info/METADATA"), ("requests", "opt/agent/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA"))],
            keepBinaries: true);
        Assert.Equal("requests", Assert.Single(Assert.Single(results, r => r.Type == "python-pkg").Packages).Name);
    }

    [Fact]
    public void ResultLeftEmpty_IsRemoved()
    {
        var results = ScanService.WithoutOsOwnedFiles([Dpkg, Lang("python-pkg", ("requests", "usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO"))], keepBinaries: true);
        Assert.DoesNotContain(results, r => r.Class == ResultClass.LangPackages);
    }

    [Fact]
    public void PackagesOfArchivesNestedInAnOwnedArchive_AreDroppedWithIt()
    {
        var dpkg = Dpkg with { Packages = [new Package { Name = "libjenkins-java", Version = "1", InstalledFiles = ["usr/share/jenkins/jenkins.war"] }] };
        var war = new ScanResult
        {
            Target = "usr/share/jenkins/jenkins.war",
            Class = ResultClass.LangPackages,
            Type = "jar",
            Packages =
            [
                new Package { Name = "org.jenkins-ci.main:jenkins-war", Version = "2.0", Ecosystem = "Maven", FilePath = "usr/share/jenkins/jenkins.war" },
                new Package { Name = "org.kohsuke:args4j", Version = "2.33", Ecosystem = "Maven", FilePath = "usr/share/jenkins/jenkins.war/WEB-INF/lib/args4j-2.33.jar" },
            ],
        };
        var app = war with { Target = "opt/app/app.war", Packages = [.. war.Packages.Select(p => p with { FilePath = p.FilePath!.Replace("usr/share/jenkins/jenkins.war", "opt/app/app.war", StringComparison.Ordinal) })] };
        var results = ScanService.WithoutOsOwnedFiles([dpkg, war, app], keepBinaries: true);
        Assert.Equal(["opt/app/app.war"], results.Where(r => r.Type == "jar").Select(r => r.Target));
        Assert.Equal(2, results.Single(r => r.Type == "jar").Packages.Count);
    }
}
