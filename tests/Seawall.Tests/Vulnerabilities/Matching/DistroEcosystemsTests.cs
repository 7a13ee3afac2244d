using System.Text.Json;
using Seawall.Core.Model;
using Seawall.Inventory.Os;
using Seawall.Tests.Support;
using Seawall.Vulnerabilities.Import;
using Seawall.Vulnerabilities.Matching;
using Seawall.Vulnerabilities.Versions;

namespace Seawall.Tests.Vulnerabilities.Matching;

/// <summary>
/// The OSV ecosystems each detected distribution is matched against, spelled as the feeds spell them, and the version
/// scheme each one is compared with.
/// </summary>
public sealed class DistroEcosystemsTests
{
    /// <summary>A store's ecosystem list as the real feeds fill it: Red Hat's product streams, SUSE's products per service pack.</summary>
    private static readonly string[] Catalog =
    [
        "AlmaLinux:8", "AlmaLinux:9", "Debian:12", "Red Hat:enterprise_linux:7::client", "Red Hat:enterprise_linux:7::server",
        "Red Hat:enterprise_linux:8::appstream", "Red Hat:enterprise_linux:8::baseos", "Red Hat:enterprise_linux:9::appstream",
        "Red Hat:enterprise_linux:9::baseos", "Red Hat:enterprise_linux:9::crb", "Red Hat:enterprise_linux:10.0", "Red Hat:enterprise_linux:10.1",
        "Red Hat:enterprise_linux:1", "Red Hat:rhel_eus:9.2::baseos", "Red Hat:rhel_aus:8.4::baseos", "Red Hat:openshift:4.14::el9",
        "SUSE:Linux Enterprise Module for Basesystem 15 SP5", "SUSE:Linux Enterprise Module for Server Applications 15 SP5",
        "SUSE:Linux Enterprise Server 15 SP5", "SUSE:Linux Enterprise Server 15 SP4", "SUSE:Linux Enterprise Server LTSS 15 SP5",
        "SUSE:Linux Enterprise Server 15", "SUSE:Linux Enterprise Micro 5.5", "SUSE:Linux Enterprise Module for Basesystem 15 SP50",
        "openSUSE:Leap 15.5", "openSUSE:Tumbleweed",
    ];

    public static TheoryData<string, string, string?, string, string> Families => new()
    {
        // family (as OsReleaseAnalyzer names it), VERSION_ID, PRETTY_NAME, expected tiers ("|" between tiers), scheme
        { "debian", "12.5", null, "Debian:12", "dpkg" },
        { "debian", "trixie/sid", null, "Debian:13", "dpkg" },
        { "ubuntu", "22.04", null, "Ubuntu:22.04,Ubuntu:22.04:LTS|Ubuntu:Pro:22.04:LTS", "dpkg" },
        { "alpine", "3.19.1", null, "Alpine:v3.19", "apk" },
        { "alpine", "3.20_alpha20240329", null, "Alpine:v3.20", "apk" },
        { "wolfi", "20230201", null, "Wolfi", "apk" },
        { "chainguard", "20230214", null, "Chainguard", "apk" },
        { "alma", "9.3", null, "AlmaLinux:9", "rpm" },
        { "rocky", "8.9", null, "Rocky Linux:8", "rpm" },
        { "redhat", "9.3", null, "Red Hat:enterprise_linux:9::appstream,Red Hat:enterprise_linux:9::baseos,Red Hat:enterprise_linux:9::crb", "rpm" },
        { "redhat", "10.1", null, "Red Hat:enterprise_linux:10.0,Red Hat:enterprise_linux:10.1", "rpm" },
        { "centos", "7.9.2009", "CentOS Linux 7 (Core)", "Red Hat:enterprise_linux:7::client,Red Hat:enterprise_linux:7::server", "rpm" },
        { "sles", "15.5", "SUSE Linux Enterprise Server 15 SP5",
            "SUSE:Linux Enterprise Module for Basesystem 15 SP5,SUSE:Linux Enterprise Module for Server Applications 15 SP5,SUSE:Linux Enterprise Server 15 SP5|SUSE:Linux Enterprise Server LTSS 15 SP5", "rpm" },
        { "sles", "15", "SUSE Linux Enterprise Server 15", "SUSE:Linux Enterprise Server 15|", "rpm" },
        { "sle-micro", "5.5", "SUSE Linux Enterprise Micro 5.5", "SUSE:Linux Enterprise Micro 5.5", "rpm" },
        { "opensuse-leap", "15.5", "openSUSE Leap 15.5", "openSUSE:Leap 15.5", "rpm" },
        { "opensuse-tumbleweed", "20240328", "openSUSE Tumbleweed", "openSUSE:Tumbleweed", "rpm" },
        { "mageia", "9", "Mageia 9", "Mageia:9", "rpm" },
        { "photon", "5.0", "VMware Photon OS/Linux", "Photon OS:5.0", "rpm" },
        { "openeuler", "22.03", "openEuler 22.03 (LTS-SP3)", "openEuler:22.03-LTS-SP3", "rpm" },
        { "openeuler", "24.03", "openEuler 24.03 (LTS)", "openEuler:24.03-LTS", "rpm" },
        { "azurelinux", "3.0", "Microsoft Azure Linux 3.0", "Azure Linux:3", "rpm" },
        { "cbl-mariner", "2.0", "CBL-Mariner/Linux", "Azure Linux:2", "rpm" },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void For_EachFamily_IsTheOsvSpellingWithItsVersionScheme(string family, string version, string? name, string expected, string scheme)
    {
        var tiers = DistroEcosystems.For(new OsInfo(family, version, name)).Resolve(Catalog);
        Assert.Equal(expected, string.Join("|", tiers.Select(t => string.Join(",", t.Order(StringComparer.Ordinal)))));

        // Every name is one the OSV schema defines (its real ecosystem list), and compares with the family's scheme.
        var defined = JsonDocument.Parse(File.ReadAllText(SharedData.Require("osv-schema/ecosystems.json"))).RootElement
            .EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var ecosystem in tiers.SelectMany(t => t))
        {
            Assert.Contains(ecosystem.Split(':')[0], defined);
            Assert.True(OsvEcosystems.IsKnown(ecosystem), ecosystem);
            Assert.Equal(scheme, VersionSchemes.ForEcosystem(ecosystem)?.Scheme);
        }
    }

    [Theory]
    [InlineData("fedora", "40", null)]
    [InlineData("amazon", "2023", null)]
    [InlineData("oracle", "9.3", null)]
    [InlineData("centos", "9", "CentOS Stream 9")]
    [InlineData("arch", "", null)]
    [InlineData("ubuntu", "", null)]
    public void For_FamilyWithoutAnOsvFeed_HasNoScope(string family, string version, string? name)
    {
        var scope = DistroEcosystems.For(new OsInfo(family, version, name));
        Assert.All(scope.Resolve(Catalog), t => Assert.Empty(t));
    }

    /// <summary>From the os-release text the inventory reads to the ecosystem: the two halves agree on family names.</summary>
    [Theory]
    [InlineData("ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.3\"\nPRETTY_NAME=\"Rocky Linux 9.3 (Blue Onyx)\"\n", "Rocky Linux:9")]
    [InlineData("ID=\"almalinux\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.3\"\nPRETTY_NAME=\"AlmaLinux 9.3 (Shamrock Pampas Cat)\"\n", "AlmaLinux:9")]
    [InlineData("ID=\"sles\"\nVERSION_ID=\"15.5\"\nPRETTY_NAME=\"SUSE Linux Enterprise Server 15 SP5\"\n", "SUSE:Linux Enterprise Server 15 SP5")]
    [InlineData("NAME=\"openSUSE Leap\"\nID=\"opensuse-leap\"\nVERSION_ID=\"15.5\"\nPRETTY_NAME=\"openSUSE Leap 15.5\"\n", "openSUSE:Leap 15.5")]
    [InlineData("ID=wolfi\nNAME=\"Wolfi\"\nPRETTY_NAME=\"Wolfi\"\nVERSION_ID=\"20230201\"\n", "Wolfi")]
    [InlineData("ID=\"openEuler\"\nVERSION_ID=\"22.03\"\nPRETTY_NAME=\"openEuler 22.03 (LTS-SP3)\"\n", "openEuler:22.03-LTS-SP3")]
    public void For_OsReleaseAsTheInventoryReadsIt_NamesTheFeed(string osRelease, string ecosystem)
    {
        var os = OsReleaseAnalyzer.Detect(new Dictionary<string, string> { ["etc/os-release"] = osRelease });
        Assert.NotNull(os);
        Assert.Contains(ecosystem, DistroEcosystems.For(os).Resolve(Catalog).SelectMany(t => t));
    }
}
