using Seawall.Core.Model;
using Seawall.Tests.Support;
using Seawall.Tests.Vulnerabilities.Import;
using Seawall.Vulnerabilities.Matching;

namespace Seawall.Tests.Vulnerabilities.Matching;

/// <summary>
/// OS packages of the rpm and apk families matched end to end through <see cref="VulnerabilityMatcher"/>, against OSV
/// records written here in the shape the distributions' feeds publish (ids, ecosystem strings, epochs, per-binary or
/// per-source entries) and checked against the OSV schema before they are imported. Ids use the year 2099: they are
/// shaped like the feeds' records, not copies of real ones.
/// </summary>
public sealed class DistroMatchingTests
{
    /// <summary>Rocky Linux (RLSA): the CVE in upstream, the source RPM's name, every version with its epoch ("0:" included).</summary>
    private const string RockyOpenssl = """
        {
          "schema_version": "1.6.0",
          "id": "RLSA-2099:0310",
          "summary": "Moderate: openssl security update",
          "details": "OpenSSL is a toolkit that implements the Secure Sockets Layer and Transport Layer Security protocols.",
          "modified": "2099-02-08T10:21:33Z",
          "published": "2099-01-25T00:00:00Z",
          "upstream": ["CVE-2099-5678"],
          "affected": [
            {
              "package": {"ecosystem": "Rocky Linux:9", "name": "openssl", "purl": "pkg:rpm/rocky-linux/openssl?distro=rocky-linux-9&epoch=1"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:3.0.7-25.el9_3"}]}]
            },
            {
              "package": {"ecosystem": "Rocky Linux:9", "name": "perl", "purl": "pkg:rpm/rocky-linux/perl?distro=rocky-linux-9&epoch=4"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "4:5.32.1-481.el9"}]}]
            },
            {
              "package": {"ecosystem": "Rocky Linux:9", "name": "zlib", "purl": "pkg:rpm/rocky-linux/zlib?distro=rocky-linux-9&epoch=0"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "0:1.2.11-41.el9"}]}]
            }
          ],
          "references": [{"type": "ADVISORY", "url": "https://errata.rockylinux.org/RLSA-2099:0310"}],
          "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L"}]
        }
        """;

    /// <summary>AlmaLinux (ALSA): one entry per binary RPM of the erratum, CVEs only in related, the epoch where not 0.</summary>
    private const string AlmaOpenssl = """
        {
          "schema_version": "1.6.0",
          "id": "ALSA-2099:0310",
          "summary": "Moderate: openssl security update",
          "details": "For detailed information on changes in this release, see the AlmaLinux Release Notes.",
          "modified": "2099-01-27T12:00:00Z",
          "published": "2099-01-26T00:00:00Z",
          "related": ["CVE-2099-5678"],
          "affected": [
            {
              "package": {"ecosystem": "AlmaLinux:9", "name": "openssl"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:3.0.7-25.el9_3.alma.1"}]}]
            },
            {
              "package": {"ecosystem": "AlmaLinux:9", "name": "openssl-devel"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:3.0.7-25.el9_3.alma.1"}]}]
            },
            {
              "package": {"ecosystem": "AlmaLinux:9", "name": "openssl-libs"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:3.0.7-25.el9_3.alma.1"}]}]
            }
          ],
          "references": [{"type": "ADVISORY", "url": "https://errata.almalinux.org/9/ALSA-2099-0310.html"}]
        }
        """;

    /// <summary>AlmaLinux, a module stream's erratum: the stream only in the summary, the module build in the version.</summary>
    private const string AlmaNodejs20 = """
        {
          "schema_version": "1.6.0",
          "id": "ALSA-2099:0400",
          "summary": "Important: nodejs:20 security update",
          "details": "Node.js is a software development platform for building fast and scalable network applications.",
          "modified": "2099-04-02T00:00:00Z",
          "published": "2099-04-01T00:00:00Z",
          "related": ["CVE-2099-2222"],
          "affected": [
            {
              "package": {"ecosystem": "AlmaLinux:8", "name": "nodejs"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:20.15.1-1.module_el8.10.0+3868+7e7e7c7e"}]}]
            }
          ]
        }
        """;

    /// <summary>Red Hat (RHSA): one entry per product stream CPE; the EUS stream's older z-stream build must not apply to RHEL 9 mainline.</summary>
    private const string RedHatOpenssl = """
        {
          "schema_version": "1.6.0",
          "id": "RHSA-2099:0310",
          "summary": "Red Hat Security Advisory: openssl security update",
          "modified": "2099-01-25T08:00:00Z",
          "published": "2099-01-25T08:00:00Z",
          "upstream": ["CVE-2099-5678"],
          "affected": [
            {
              "package": {"ecosystem": "Red Hat:enterprise_linux:9::baseos", "name": "openssl-libs", "purl": "pkg:rpm/redhat/openssl-libs@3.0.7-25.el9_3?arch=x86_64&epoch=1"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:3.0.7-25.el9_3"}]}]
            },
            {
              "package": {"ecosystem": "Red Hat:rhel_eus:9.2::baseos", "name": "openssl-libs", "purl": "pkg:rpm/redhat/openssl-libs@3.0.7-18.el9_2.2?arch=x86_64&epoch=1"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:3.0.7-18.el9_2.2"}]}]
            },
            {
              "package": {"ecosystem": "Red Hat:enterprise_linux:7::server", "name": "openssl-libs", "purl": "pkg:rpm/redhat/openssl-libs@1.0.2k-26.el7_9?arch=x86_64&epoch=1"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:1.0.2k-26.el7_9"}]}]
            }
          ],
          "references": [{"type": "ADVISORY", "url": "https://access.redhat.com/errata/RHSA-2099:0310"}]
        }
        """;

    /// <summary>SUSE (SUSE-SU): the source RPM under every product of the update, the binaries in ecosystem_specific, CVEs in related.</summary>
    private const string SuseOpenssl = """
        {
          "schema_version": "1.6.0",
          "id": "SUSE-SU-2099:0310-1",
          "summary": "Security update for openssl-3",
          "details": "This update for openssl-3 fixes the following issues.",
          "modified": "2099-01-26T10:12:55Z",
          "published": "2099-01-26T10:12:55Z",
          "aliases": [],
          "related": ["CVE-2099-5678"],
          "affected": [
            {
              "package": {"ecosystem": "SUSE:Linux Enterprise Module for Basesystem 15 SP5", "name": "openssl-3", "purl": "pkg:rpm/suse/openssl-3&distro=SUSE%20Linux%20Enterprise%20Module%20for%20Basesystem%2015%20SP5"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.8-150500.5.14.1"}]}],
              "ecosystem_specific": {"binaries": [{"libopenssl-3-devel": "3.0.8-150500.5.14.1", "libopenssl3": "3.0.8-150500.5.14.1", "openssl-3": "3.0.8-150500.5.14.1"}]}
            },
            {
              "package": {"ecosystem": "openSUSE:Leap 15.5", "name": "openssl-3", "purl": "pkg:rpm/opensuse/openssl-3&distro=openSUSE%20Leap%2015.5"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.8-150500.5.14.1"}]}],
              "ecosystem_specific": {"binaries": [{"libopenssl3": "3.0.8-150500.5.14.1", "openssl-3": "3.0.8-150500.5.14.1"}]}
            }
          ],
          "references": [{"type": "ADVISORY", "url": "https://www.suse.com/support/update/announcement/2099/suse-su-20990310-1/"}],
          "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L"}]
        }
        """;

    /// <summary>Wolfi (CGA): the origin package, one entry per architecture, the CVE in upstream.</summary>
    private const string WolfiOpenssl = """
        {
          "schema_version": "1.6.0",
          "id": "CGA-2099-abcd-efgh",
          "modified": "2099-04-11T00:00:00Z",
          "published": "2099-04-10T00:00:00Z",
          "upstream": ["CVE-2099-5678"],
          "affected": [
            {
              "package": {"ecosystem": "Wolfi", "name": "openssl", "purl": "pkg:apk/wolfi/openssl?arch=x86_64"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.3.0-r8"}]}]
            },
            {
              "package": {"ecosystem": "Wolfi", "name": "openssl", "purl": "pkg:apk/wolfi/openssl?arch=aarch64"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.3.0-r8"}]}]
            }
          ]
        }
        """;

    /// <summary>Ubuntu: a standard-archive entry and an Ubuntu Pro entry for the same release, as Canonical publishes both.</summary>
    private const string UbuntuBoth = """
        {
          "schema_version": "1.7.0",
          "id": "UBUNTU-CVE-2099-1111",
          "details": "A flaw in zlib.",
          "modified": "2099-01-01T00:00:00Z",
          "published": "2099-01-01T00:00:00Z",
          "upstream": ["CVE-2099-1111"],
          "affected": [
            {
              "package": {"ecosystem": "Ubuntu:22.04:LTS", "name": "zlib", "purl": "pkg:deb/ubuntu/zlib@1:1.2.11.dfsg-2ubuntu9.2?arch=source&distro=jammy"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:1.2.11.dfsg-2ubuntu9.2"}]}]
            },
            {
              "package": {"ecosystem": "Ubuntu:Pro:22.04:LTS", "name": "zlib", "purl": "pkg:deb/ubuntu/zlib@1:1.2.11.dfsg-2ubuntu9.2+esm1?arch=source&distro=esm-infra/jammy"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:1.2.11.dfsg-2ubuntu9.2+esm1"}]}]
            }
          ],
          "severity": [{"type": "Ubuntu", "score": "medium"}]
        }
        """;

    private static readonly Lazy<SchemaValidator> OsvSchema = new(() => SchemaValidator.FromFile(SharedData.Require("osv-schema/schema.json")));

    /// <summary>A database of the given records, each first checked against the OSV schema.</summary>
    private static ImportFixture Database(params string[] records)
    {
        var db = new ImportFixture();
        for (var i = 0; i < records.Length; i++)
        {
            OsvSchema.Value.AssertValid(records[i]);
            db.WriteFile($"osv/record-{i}.json", records[i]);
        }
        db.Import(Path.Combine(db.Folder, "osv"));
        Assert.Empty(db.Warnings);
        return db;
    }

    private static IReadOnlyList<DetectedVulnerability> Match(ImportFixture db, OsInfo os, string type, params Package[] packages)
    {
        using var store = db.Open();
        var report = new VulnerabilityMatcher(store).Match(new ScanReport
        {
            Artifact = new ArtifactInfo("test", ArtifactType.Rootfs),
            Os = os,
            Results = [new ScanResult { Target = "var/lib/rpm/rpmdb.sqlite", Class = ResultClass.OsPackages, Type = type, Packages = packages }],
        });
        Assert.Empty(report.Warnings);
        return report.Results.SelectMany(r => r.Vulnerabilities).ToList();
    }

    /// <summary>An installed rpm as the rpm reader records it: version-release in Version, the epoch apart, the source RPM's name and version-release.</summary>
    private static Package Rpm(string name, int? epoch, string versionRelease, string source, string? sourceVersionRelease = null) => new()
    {
        Name = name,
        Epoch = epoch,
        Version = versionRelease,
        Release = versionRelease[(versionRelease.LastIndexOf('-') + 1)..],
        Arch = "x86_64",
        SourceName = source,
        SourceVersion = sourceVersionRelease ?? versionRelease,
    };

    [Fact]
    public void Rocky_RpmWithEpoch_MatchesBySourceNameUnderItsEpoch()
    {
        using var db = Database(RockyOpenssl);
        var rocky = new OsInfo("rocky", "9.3", "Rocky Linux 9.3 (Blue Onyx)");

        var finding = Assert.Single(Match(db, rocky, "rpm", Rpm("openssl-libs", 1, "3.0.7-24.el9", "openssl")));
        Assert.Equal("CVE-2099-5678", finding.Id);
        Assert.Contains("RLSA-2099:0310", finding.Aliases);
        Assert.Equal(("openssl-libs", "1:3.0.7-24.el9", "Rocky Linux:9"), (finding.PackageName, finding.InstalledVersion, finding.Ecosystem));
        Assert.Equal(["1:3.0.7-25.el9_3"], finding.FixedVersions);
        Assert.Equal(VulnerabilityStatus.Fixed, finding.Status);

        // The patched build: equal once its epoch is counted (3.0.7-25.el9_3 alone sorts below 1:3.0.7-25.el9_3).
        Assert.Empty(Match(db, rocky, "rpm", Rpm("openssl-libs", 1, "3.0.7-25.el9_3", "openssl")));
        // The epoch outranks version and release: 0:3.0.9 is older than 1:3.0.7.
        Assert.Single(Match(db, rocky, "rpm", Rpm("openssl-libs", null, "3.0.9-1.el9", "openssl")));
        // "0:" in the advisory is the epoch an rpm without one has.
        Assert.Empty(Match(db, rocky, "rpm", Rpm("zlib", null, "1.2.11-41.el9", "zlib")));
        Assert.Single(Match(db, rocky, "rpm", Rpm("zlib", null, "1.2.11-40.el9", "zlib")));
        // Another major release's data does not apply.
        Assert.Empty(Match(db, new OsInfo("rocky", "8.9"), "rpm", Rpm("openssl-libs", 1, "3.0.7-24.el9", "openssl")));
    }

    /// <summary>
    /// perl-Errno 1.30 comes from perl 5.32.1, whose epoch is 4: the rpm database records the source RPM's file name
    /// (no epoch). The advisory's epoch stands in for it, so the patched subpackage is not reported forever.
    /// </summary>
    [Fact]
    public void Rocky_SubpackageVersionedApartFromItsSource_ComparesTheSourceUnderTheAdvisorysEpoch()
    {
        using var db = Database(RockyOpenssl);
        var rocky = new OsInfo("rocky", "9.3");
        Assert.Empty(Match(db, rocky, "rpm", Rpm("perl-Errno", null, "1.30-481.el9", "perl", "5.32.1-481.el9")));
        var finding = Assert.Single(Match(db, rocky, "rpm", Rpm("perl-Errno", null, "1.30-480.el9", "perl", "5.32.1-480.el9")));
        Assert.Equal(["4:5.32.1-481.el9"], finding.FixedVersions);
        // A binary built with its source's version shares its epoch: perl itself at 4:5.32.1-481 is patched...
        Assert.Empty(Match(db, rocky, "rpm", Rpm("perl-interpreter", 4, "5.32.1-481.el9", "perl")));
        // ...and with epoch 0 it would be older than any epoch-4 build.
        Assert.Single(Match(db, rocky, "rpm", Rpm("perl-interpreter", null, "5.32.1-481.el9", "perl")));
    }

    [Fact]
    public void Alma_ErratumListingBinaries_MatchesByBinaryName()
    {
        using var db = Database(AlmaOpenssl);
        var alma = new OsInfo("alma", "9.3", "AlmaLinux 9.3 (Shamrock Pampas Cat)");
        var finding = Assert.Single(Match(db, alma, "rpm", Rpm("openssl-libs", 1, "3.0.7-24.el9", "openssl")));
        Assert.Equal("ALSA-2099:0310", finding.Id); // AlmaLinux puts CVEs in related, not aliases: the erratum names the finding
        Assert.Equal(["1:3.0.7-25.el9_3.alma.1"], finding.FixedVersions);
        Assert.Equal("AlmaLinux:9", finding.Ecosystem);
        Assert.Empty(Match(db, alma, "rpm", Rpm("openssl-libs", 1, "3.0.7-25.el9_3.alma.1", "openssl")));
        // A binary the erratum does not list still meets it through its source RPM.
        Assert.Single(Match(db, alma, "rpm", Rpm("openssl-perl-extra", 1, "3.0.7-24.el9", "openssl")));
    }

    /// <summary>nodejs 18 of the nodejs:18 stream is not judged by the nodejs:20 stream's fix, nor is a plain (non-modular) nodejs.</summary>
    [Fact]
    public void Alma_ModuleStreams_MeetOnlyTheirOwnStreamsAdvisories()
    {
        using var db = Database(AlmaNodejs20);
        var alma8 = new OsInfo("alma", "8.10");
        Package Nodejs(string versionRelease, string? label) => Rpm("nodejs", 1, versionRelease, "nodejs") with { ModularityLabel = label };
        Assert.Empty(Match(db, alma8, "rpm", Nodejs("18.20.2-1.module_el8.9.0+3775+d8460d29", "nodejs:18:8090020240315081818:a75119d5")));
        var finding = Assert.Single(Match(db, alma8, "rpm", Nodejs("20.12.0-1.module_el8.10.0+3800+1a2b3c4d", "nodejs:20:8100020240321091234:a75119d5")));
        Assert.Equal(["1:20.15.1-1.module_el8.10.0+3868+7e7e7c7e"], finding.FixedVersions);
        Assert.Empty(Match(db, alma8, "rpm", Nodejs("16.20.2-4.el8", null)));
    }

    [Fact]
    public void RedHat_MainStreamsApply_ExtendedSupportStreamsDoNot_CentosLinuxUsesRhelData_CentosStreamNone()
    {
        using var db = Database(RedHatOpenssl);
        var package = Rpm("openssl-libs", 1, "3.0.7-24.el9", "openssl");
        var finding = Assert.Single(Match(db, new OsInfo("redhat", "9.3", "Red Hat Enterprise Linux 9.3 (Plow)"), "rpm", package));
        Assert.Equal(["1:3.0.7-25.el9_3"], finding.FixedVersions); // not the EUS build 1:3.0.7-18.el9_2.2
        Assert.Equal("Red Hat:enterprise_linux:9::baseos", finding.Ecosystem);
        // An EUS build, older than the main stream's fix, is still vulnerable on a main-stream system.
        Assert.Single(Match(db, new OsInfo("redhat", "9.3"), "rpm", Rpm("openssl-libs", 1, "3.0.7-18.el9_2.2", "openssl")));

        var centos7 = new OsInfo("centos", "7.9.2009", "CentOS Linux 7 (Core)");
        Assert.Equal(["1:1.0.2k-26.el7_9"], Assert.Single(Match(db, centos7, "rpm", Rpm("openssl-libs", 1, "1.0.2k-25.el7_9", "openssl"))).FixedVersions);
        Assert.Empty(Match(db, new OsInfo("centos", "9", "CentOS Stream 9"), "rpm", package));
    }

    [Fact]
    public void Suse_SourceRpmUnderTheModuleOfTheServicePack_AndOpenSuseLeap()
    {
        using var db = Database(SuseOpenssl);
        var libopenssl = Rpm("libopenssl3", null, "3.0.8-150500.5.8.1", "openssl-3");
        var finding = Assert.Single(Match(db, new OsInfo("sles", "15.5", "SUSE Linux Enterprise Server 15 SP5"), "rpm", libopenssl));
        Assert.Equal(("SUSE-SU-2099:0310-1", "SUSE:Linux Enterprise Module for Basesystem 15 SP5"), (finding.Id, finding.Ecosystem));
        Assert.Equal(["3.0.8-150500.5.14.1"], finding.FixedVersions);
        Assert.Single(Match(db, new OsInfo("opensuse-leap", "15.5", "openSUSE Leap 15.5"), "rpm", libopenssl));
        Assert.Empty(Match(db, new OsInfo("sles", "15.4"), "rpm", libopenssl));
        Assert.Empty(Match(db, new OsInfo("sles", "15.5"), "rpm", Rpm("libopenssl3", null, "3.0.8-150500.5.14.1", "openssl-3")));
    }

    [Fact]
    public void Wolfi_ApkMatchesByOriginWithApkOrdering()
    {
        using var db = Database(WolfiOpenssl);
        var wolfi = new OsInfo("wolfi", "20230201", "Wolfi");
        Package Libcrypto(string version) => new() { Name = "libcrypto3", Version = version, SourceName = "openssl", Arch = "x86_64" };
        var finding = Assert.Single(Match(db, wolfi, "apk", Libcrypto("3.3.0-r0")));
        Assert.Equal(("CVE-2099-5678", "Wolfi", "libcrypto3"), (finding.Id, finding.Ecosystem, finding.PackageName));
        Assert.Equal(["3.3.0-r8"], finding.FixedVersions);
        Assert.Empty(Match(db, wolfi, "apk", Libcrypto("3.3.0-r8")));
        Assert.Empty(Match(db, wolfi, "apk", Libcrypto("3.3.0-r10"))); // r10 after r8: apk ordering, not text
        Assert.Empty(Match(db, new OsInfo("chainguard", "20230214"), "apk", Libcrypto("3.3.0-r0"))); // Chainguard's own feed
    }

    [Fact]
    public void Ubuntu_StandardEntryDecides_ProEntryOnlyWhereTheStandardArchiveHasNone()
    {
        var jammy = new OsInfo("ubuntu", "22.04", "Ubuntu 22.04.4 LTS", "jammy");
        Package Zlib(string version) => new() { Name = "zlib1g", Version = version, SourceName = "zlib", SourceVersion = version };
        using (var db = Database(UbuntuBoth))
        {
            Assert.Equal(["1:1.2.11.dfsg-2ubuntu9.2"], Assert.Single(Match(db, jammy, "dpkg", Zlib("1:1.2.11.dfsg-2ubuntu9"))).FixedVersions);
            // Patched in the standard archive: Ubuntu Pro's later build does not bring the flaw back.
            Assert.Empty(Match(db, jammy, "dpkg", Zlib("1:1.2.11.dfsg-2ubuntu9.2")));
        }

        // The real records: netty's flaw in 22.04 is only filed for Ubuntu Pro, wayland's in the standard archive.
        using var real = new ImportFixture();
        real.Import(SharedData.Require("ubuntu-osv/vunnel-fixtures"));
        using var store = real.Open();
        var report = new VulnerabilityMatcher(store).Match(new ScanReport
        {
            Artifact = new ArtifactInfo("test", ArtifactType.Rootfs),
            Os = jammy,
            Results = [new ScanResult { Target = "var/lib/dpkg/status", Class = ResultClass.OsPackages, Type = "dpkg", Packages = [
                new Package { Name = "libnetty-java", Version = "1:4.1.48-4", SourceName = "netty", SourceVersion = "1:4.1.48-4" },
                new Package { Name = "libwayland-client0", Version = "1.20.0-1", SourceName = "wayland", SourceVersion = "1.20.0-1" }] }],
        });
        var vulns = report.Results.SelectMany(r => r.Vulnerabilities).ToList();
        var netty = Assert.Single(vulns, v => v.PackageName == "libnetty-java");
        Assert.Equal(("CVE-2022-24823", "Ubuntu:Pro:22.04:LTS"), (netty.Id, netty.Ecosystem));
        Assert.Equal(["1:4.1.48-4+deb11u2ubuntu0.1~esm1"], netty.FixedVersions);
        var wayland = Assert.Single(vulns, v => v.PackageName == "libwayland-client0");
        Assert.Equal(("CVE-2021-3782", "Ubuntu:22.04:LTS"), (wayland.Id, wayland.Ecosystem));
        Assert.Equal(["1.20.0-1ubuntu0.1"], wayland.FixedVersions);
        Assert.Contains("USN-5614-1", wayland.Aliases); // the USN names the same flaw (its upstream)
    }

    /// <summary>The tracker's verdicts as the report states them, and its reasons kept.</summary>
    [Fact]
    public void Debian_TrackerVerdicts_BecomeStatusesWithTheTrackersReason()
    {
        using var db = new ImportFixture();
        var file = db.WriteFile("tracker.json", """
            {
              "openssl": {
                "CVE-2099-0001": {"releases": {"bookworm": {"status": "open", "urgency": "low", "nodsa": "Minor issue", "nodsa_reason": ""}}},
                "CVE-2099-0002": {"releases": {"bookworm": {"status": "open", "urgency": "low", "nodsa": "Minor issue", "nodsa_reason": "ignored"}}},
                "CVE-2099-0003": {"releases": {"bookworm": {"status": "open", "urgency": "low", "nodsa": "Revisit when fixed upstream", "nodsa_reason": "postponed"}}},
                "CVE-2099-0004": {"releases": {"bookworm": {"status": "undetermined", "urgency": "not yet assigned"}}},
                "CVE-2099-0005": {"releases": {"bookworm": {"status": "open", "urgency": "medium"}}}
              }
            }
            """);
        db.Import(file);
        Package Openssl() => new() { Name = "libssl3", Version = "3.0.11-1~deb12u2", SourceName = "openssl", SourceVersion = "3.0.11-1~deb12u2" };
        var vulns = Match(db, new OsInfo("debian", "12.5"), "dpkg", Openssl()).ToDictionary(v => v.Id);
        Assert.Equal((VulnerabilityStatus.Affected, "no-dsa: Minor issue"), (vulns["CVE-2099-0001"].Status, vulns["CVE-2099-0001"].StatusNote));
        Assert.Equal((VulnerabilityStatus.WillNotFix, "ignored: Minor issue"), (vulns["CVE-2099-0002"].Status, vulns["CVE-2099-0002"].StatusNote));
        Assert.Equal((VulnerabilityStatus.Affected, "postponed: Revisit when fixed upstream"), (vulns["CVE-2099-0003"].Status, vulns["CVE-2099-0003"].StatusNote));
        Assert.False(vulns.ContainsKey("CVE-2099-0004"));
        Assert.Equal((VulnerabilityStatus.Affected, (string?)null), (vulns["CVE-2099-0005"].Status, vulns["CVE-2099-0005"].StatusNote));
        Assert.Equal(4, vulns.Count);

        // The real excerpt: chromium is out of security support in buster. (A tracker file is one source: a second
        // import would replace the first, so it gets its own database.)
        using var real = new ImportFixture();
        real.Import(SharedData.Require("debian-tracker/vunnel-fixtures/input/debian.json"));
        var chromium = new Package { Name = "chromium", Version = "89.0.4389.114-1~deb10u1", SourceName = "chromium", SourceVersion = "89.0.4389.114-1~deb10u1" };
        var eol = Assert.Single(Match(real, new OsInfo("debian", "10.13"), "dpkg", chromium), v => v.Id == "CVE-2022-0456");
        Assert.Equal((VulnerabilityStatus.EndOfLife, "end-of-life"), (eol.Status, eol.StatusNote));
        Assert.Empty(eol.FixedVersions);
    }
}
