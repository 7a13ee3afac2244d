using NuGet.Versioning;
using Seawall.Vulnerabilities.Versions;

namespace Seawall.Tests.Vulnerabilities.Versions;

/// <summary>
/// Orderings taken from each scheme's specification (deb-version(7), rpmvercmp with '~' and '^', PEP 440, Maven's
/// version-order spec, SemVer 2.0 §11, Gem::Version, Composer), written as chains like "a &lt; b = c" in which every
/// pair must hold both ways round, and the input each scheme must refuse.
/// </summary>
public sealed class VersionEdgeCaseTests
{
    public static TheoryData<string, string> Chains => new()
    {
        // dpkg: '~' sorts before the end of the string, which sorts before letters, which sort before other characters.
        { "dpkg", "1.0~~ < 1.0~~a < 1.0~ < 1.0 < 1.0a < 1.0+ < 1.0.1" },
        { "dpkg", "9.9 < 1:0.1 < 2:0" },
        { "dpkg", "1.0 = 1.0-0 = 0:1.0 = 1.00" },
        { "dpkg", "1.2.3-0ubuntu1 < 1.2.3-1~bpo11+1 < 1.2.3-1 < 1.2.3-1+b1 < 1.2.3-1+deb12u1 < 1.2.3-2" },
        { "dpkg", "2.36-9+deb12u3 < 2.36-9+deb12u4 < 2.36-10" },
        { "dpkg", "1.0-1 < 1.0.1-1" },
        // rpm: '~' before everything, '^' after the base version but before any continuation.
        { "rpm", "1.0~rc1 < 1.0~rc1^git1 < 1.0~rc2 < 1.0 < 1.0^git1 < 1.0^git2 < 1.0.1" },
        { "rpm", "1.0 < 1.0a < 1.0.1" },
        { "rpm", "0:2.4.57-5.el9 < 2.4.57-8.el9 < 2.4.57-8.el9_4 < 2.4.62-1.el9 < 1:2.0-1.el9" },
        { "rpm", "5.14.0-427.13.1.el9_4 < 5.14.0-427.16.1.el9_4" },
        { "rpm", "1.2-3 = 0:1.2-3 = 00:1.2-3" },
        { "rpm", "1.0-1.fc40 = 1.0-1_fc40 = 1.0-1+fc40" },
        // apk: suffix order and the revision.
        { "apk", "1.2.3_alpha1 < 1.2.3_beta1 < 1.2.3_pre1 < 1.2.3_rc1 < 1.2.3 < 1.2.3_cvs1 < 1.2.3_svn1 < 1.2.3_git1 < 1.2.3_hg1 < 1.2.3_p1 < 1.2.3a < 1.2.4" },
        { "apk", "1.2.3-r0 < 1.2.3-r1 < 1.2.3-r10 < 1.2.3.1-r0" },
        { "apk", "1.2.3~a1b2-r0 = 1.2.3-r0" },
        { "apk", "1.02 < 1.1 < 1.10" },
        // SemVer 2.0 §11, and Go's forms.
        { "semver", "1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2 < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0 < 1.0.1 < 1.1.0 < 2.0.0" },
        { "semver", "v0.0.0-20200101000000-aaaaaaaaaaaa < v0.0.0-20210101000000-aaaaaaaaaaaa < v0.0.1 < v1.2.3+incompatible = v1.2.3 = 1.2.3+build.5" },
        { "semver", "v2.0.0-rc.1 < v2.0.0 < v2.0.0.1" },
        // Pub: builds count, after the plain version.
        { "pub", "1.0.0-dev < 1.0.0 < 1.0.0+1 < 1.0.0+2 < 1.0.0+10 < 1.0.0+a < 1.0.1" },
        // PEP 440.
        { "pep440", "1.0.dev0 < 1.0a1.dev1 < 1.0a1 < 1.0b1 < 1.0rc1 < 1.0 < 1.0+local < 1.0.post1.dev1 < 1.0.post1 < 1.1.dev0 < 1!0.1" },
        { "pep440", "1.0 = 1.0.0 = V1.0 = 1.0.0.0" },
        { "pep440", "1.0rc1 = 1.0c1 = 1.0-pre1 = 1.0.preview.1 = 1.0RC1" },
        { "pep440", "1.0-1 = 1.0.post1 = 1.0-post-1 = 1.0_r1 = 1.0rev1" },
        { "pep440", "1.0a = 1.0a0 = 1.0alpha-0 = 1.0.a.0" },
        { "pep440", "1.0+abc < 1.0+abc.1 < 1.0+1 < 1.0+2 < 1.0+10" },
        { "pep440", "1.0+ubuntu.1 = 1.0+Ubuntu-1 = 1.0+ubuntu_1" },
        { "pep440", "2.0b1 < 2.0b2.post1 < 2.0b3" },
        // Maven: qualifier order, aliases, padding.
        { "maven", "1.0-alpha-1 < 1.0-alpha-2 < 1.0-beta-1 < 1.0-milestone-1 < 1.0-rc-1 < 1.0-SNAPSHOT < 1.0 < 1.0-sp-1 < 1.0-whatever < 1.0-1 < 1.0.1" },
        { "maven", "1.0-rc-1 = 1.0-cr-1 = 1.0-RC1 = 1.0rc1" },
        { "maven", "1 = 1.0 = 1.0.0 = 1-ga = 1.0-final = 1.RELEASE = 1.0-0" },
        { "maven", "1-0.alpha < 1 < 1.0.1-alpha" },
        { "maven", "2.17.0 < 2.17.1 < 2.17.10 < 2.18.0-rc1 < 2.18.0" },
        // NuGet.
        { "nuget", "1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-Beta < 1.0.0-beta.2 < 1.0.0-beta.10 < 1.0.0-rc.1 < 1.0.0 = 1.0.0.0 = 1.0.0+meta < 1.0.0.1 < 1.0.1" },
        { "nuget", "4.7.0 < 4.7.1 < 99999999999.0.0" },
        // RubyGems: letters mark pre-releases; '-' is ".pre.".
        { "rubygems", "1.0.0.a < 1.0.0.b1 < 1.0.0-rc1 < 1.0.0.pre < 1.0.0.rc1 < 1.0.0 = 1.0 = 1 < 1.0.1 < 1.10" },
        // Composer.
        { "composer", "1.0.0-dev < 1.0.0-alpha1 < 1.0.0-beta2 < 1.0.0-RC1 < 1.0.0 < 1.0.0-patch1 < 1.0.1" },
        { "composer", "v2.0.0 = 2.0.0 = V2.0.0 = 2.0.0-stable" },
        { "composer", "1.0.0-beta = 1.0.0-b = 1.0.0-Beta" },
        { "composer", "dev-main < 0.0.1" },
        // R and Haskell: a longer list is newer.
        { "cran", "1.0 < 1.0-0 < 1.0-1 < 1.0-9 < 1.0-10 < 1.1" },
        { "hackage", "1 < 1.0 < 1.0.0 < 1.0.1 < 1.1 < 2" },
    };

    [Theory]
    [MemberData(nameof(Chains))]
    public void Chain_HoldsForEveryPair(string scheme, string chain)
    {
        var comparer = VersionSchemes.ForScheme(scheme);
        Assert.NotNull(comparer);
        var tokens = chain.Split(' ');
        var versions = new List<(string Text, int Rank)>();
        var rank = 0;
        for (var i = 0; i < tokens.Length; i += 2)
        {
            if (i > 0)
            {
                rank += tokens[i - 1] == "<" ? 1 : 0;
            }
            versions.Add((tokens[i], rank));
        }
        var failures = new List<string>();
        foreach (var a in versions)
        {
            Assert.True(comparer.TryParse(a.Text, out _), $"{scheme}: '{a.Text}' does not parse");
            foreach (var b in versions)
            {
                var expected = a.Rank.CompareTo(b.Rank);
                var got = comparer.Compare(a.Text, b.Text);
                if (got != expected)
                {
                    failures.Add($"expected {a.Text} {Symbol(expected)} {b.Text}, got {Symbol(got)}");
                }
            }
        }
        Assert.True(failures.Count == 0, $"{scheme}: {string.Join("; ", failures)}");
    }

    public static TheoryData<string, string> Unparsable => new()
    {
        { "dpkg", "1.2.3-not-a-debian:version!@#$" },
        { "dpkg", "abc" },
        { "dpkg", "1:" },
        { "dpkg", ":1.0" },
        { "dpkg", "a:1.0" },
        { "dpkg", "1.0-" },
        { "dpkg", "1.0_1" },
        { "dpkg", "1.0-1_2" },
        { "rpm", "1:" },
        { "rpm", "-1" },
        { "semver", "abc" },
        { "semver", "v" },
        { "semver", ".1" },
        { "pub", "x1.0.0" },
        { "nuget", "abc" },
        { "nuget", "1.0.0.0.0" },
        { "nuget", "1.0.0-" },
        { "nuget", "1.0.0-beta..1" },
        { "nuget", "99999999999.0.0-" },
        { "rubygems", "abc" },
        { "rubygems", "1.0!" },
        { "composer", "v" },
        { "composer", "-._+" },
        { "cran", "1.0a" },
        { "cran", "1..0" },
        { "cran", "1." },
        { "hackage", "1.0-1" },
        { "hackage", "a" },
        { "maven", "" },
        { "pep440", "" },
        { "apk", "" },
    };

    [Theory]
    [MemberData(nameof(Unparsable))]
    public void Unparsable_IsFalseFromTryParse_AndAnErrorNamingItFromCompare(string scheme, string text)
    {
        var comparer = VersionSchemes.ForScheme(scheme)!;
        Assert.False(comparer.TryParse(text, out var version));
        Assert.Null(version);
        var error = Assert.Throws<InvalidVersionException>(() => comparer.Compare("1.0", text));
        Assert.Equal(text, error.Version);
        Assert.Equal(scheme, error.Scheme);
        Assert.Equal($"'{text}' is not a valid {scheme} version", error.Message);
        Assert.Throws<InvalidVersionException>(() => comparer.Compare(text, "1.0"));
    }

    [Fact]
    public void EveryScheme_RefusesSpacesControlCharactersAndOverlongText()
    {
        string[] bad = ["", "   ", "1.0 beta", "1.0\t2", "1.0\u00002", "1.0\n2", "1.0\u2003", new string('1', 300)];
        foreach (var comparer in VersionSchemes.All)
        {
            Assert.False(comparer.TryParse(null, out _));
            foreach (var text in bad)
            {
                Assert.False(comparer.TryParse(text, out _), $"{comparer.Scheme} accepted '{text}'");
            }
            // Surrounding whitespace is not part of the version.
            Assert.True(comparer.TryParse(" 1.0 ", out var padded), $"{comparer.Scheme} refused ' 1.0 '");
            Assert.Equal(0, padded.CompareTo(comparer.Parse("1.0")));
            Assert.Equal(" 1.0 ", padded.Text);
        }
        var longText = new string('7', 5000);
        var error = Assert.Throws<InvalidVersionException>(() => VersionSchemes.Dpkg.Parse(longText));
        Assert.True(error.Message.Length < 120, "the message stays one short line");
    }

    [Fact]
    public void ParsedVersions_OfDifferentSchemes_DoNotCompare()
    {
        var deb = VersionSchemes.Dpkg.Parse("1.0");
        var rpm = VersionSchemes.Rpm.Parse("1.0");
        var cran = VersionSchemes.Cran.Parse("1.0");
        var hackage = VersionSchemes.Hackage.Parse("1.0");
        Assert.Throws<ArgumentException>(() => deb.CompareTo(rpm));
        Assert.Throws<ArgumentException>(() => cran.CompareTo(hackage));
        Assert.Throws<ArgumentException>(() => VersionSchemes.SemVer.Parse("1.0.0").CompareTo(VersionSchemes.Pub.Parse("1.0.0")));
        Assert.Equal(1, deb.CompareTo(null));
        Assert.True(VersionSchemes.Dpkg.Parse("1.0~rc1") < deb);
        Assert.True(deb >= VersionSchemes.Dpkg.Parse("1.0-0"));
    }

    [Fact]
    public void NuGet_WideNumbers_FollowNuGetVersioningsOwnOrder()
    {
        // The unbounded fallback must order exactly as NuGet.Versioning does wherever both can read the versions.
        string[] texts =
        [
            "0.0.0", "1.0", "1.0.0", "1.0.0.0", "1.0.0.1", "1.0.01", "1.0.1", "1.1.0", "2.0.0", "1.0.0-alpha", "1.0.0-Alpha",
            "1.0.0-alpha.1", "1.0.0-alpha.10", "1.0.0-alpha.2", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-rc.1",
            "1.0.0-1", "1.0.0-1.a", "1.0.0-a.1", "1.0.0+build", "1.0.0-beta+build", "1.0.0.1-alpha", "1.0.0.1-pre",
            "1.0.0-BETA.X.y.5.77.0+AA", "1.0.0-beta.x.y.5.79.0+aa", "1.999.9999", "2.1.1", "0.9.9.1", "1.0.0-x-y", "1.0.0-x.y-z",
        ];
        var parsed = texts.Select(t => (NuGetSchemeVersion)VersionSchemes.NuGet.Parse(t)).ToArray();
        foreach (var a in parsed)
        {
            foreach (var b in parsed)
            {
                var expected = Math.Sign(VersionComparer.VersionRelease.Compare(NuGetVersion.Parse(a.Text), NuGetVersion.Parse(b.Text)));
                Assert.True(expected == Math.Sign(a.CompareWide(b)), $"{a.Text} vs {b.Text}: NuGet says {expected}, the wide path {a.CompareWide(b)}");
                Assert.Equal(expected, a.CompareTo(b));
            }
        }
        // Past int.MaxValue only the wide path can answer.
        Assert.False(NuGetVersion.TryParse("99999999999.0.0", out _));
        Assert.Equal(1, VersionSchemes.NuGet.Compare("99999999999.0.0", "2147483647.0.0"));
        Assert.Equal(-1, VersionSchemes.NuGet.Compare("99999999999.0.0-beta", "99999999999.0.0"));
    }

    [Theory]
    [InlineData("Debian", "dpkg")]
    [InlineData("Debian:12", "dpkg")]
    [InlineData("Debian:sid", "dpkg")]
    [InlineData("Ubuntu:22.04:LTS", "dpkg")]
    [InlineData("Ubuntu:Pro:18.04:LTS", "dpkg")]
    [InlineData("Echo", "dpkg")]
    [InlineData("Alpine:v3.19", "apk")]
    [InlineData("Wolfi", "apk")]
    [InlineData("Chainguard", "apk")]
    [InlineData("MinimOS", "apk")]
    [InlineData("Alpaquita:stream", "apk")]
    [InlineData("Red Hat", "rpm")]
    [InlineData("Red Hat:rhel_aus:8.4::appstream", "rpm")]
    [InlineData("AlmaLinux:9", "rpm")]
    [InlineData("Rocky Linux:9", "rpm")]
    [InlineData("openSUSE:Leap 15.5", "rpm")]
    [InlineData("SUSE:Linux Enterprise Server 15 SP5", "rpm")]
    [InlineData("Mageia:9", "rpm")]
    [InlineData("openEuler:22.03-LTS-SP3", "rpm")]
    [InlineData("Azure Linux:3", "rpm")]
    [InlineData("Photon OS:5.0", "rpm")]
    [InlineData("Amazon Linux", "rpm")]
    [InlineData("npm", "semver")]
    [InlineData("Go", "semver")]
    [InlineData("crates.io", "semver")]
    [InlineData("Hex", "semver")]
    [InlineData("SwiftURL", "semver")]
    [InlineData("Pub", "pub")]
    [InlineData("PyPI", "pep440")]
    [InlineData("Maven", "maven")]
    [InlineData("Maven:https://maven.google.com", "maven")]
    [InlineData("NuGet", "nuget")]
    [InlineData("RubyGems", "rubygems")]
    [InlineData("Packagist", "composer")]
    [InlineData("Packagist:https://packages.drupal.org/8", "composer")]
    [InlineData("CRAN", "cran")]
    [InlineData("Bioconductor", "cran")]
    [InlineData("Hackage", "hackage")]
    [InlineData("Root:Alpine:3.18", "apk")]
    [InlineData("Root:Debian:12", "dpkg")]
    [InlineData("Root:PyPI", "pep440")]
    [InlineData("Echo:npm", "semver")]
    [InlineData("Echo:Maven", "maven")]
    [InlineData("pypi", "pep440")]
    public void ForEcosystem_MapsOsvNames(string ecosystem, string scheme) =>
        Assert.Equal(scheme, VersionSchemes.ForEcosystem(ecosystem)?.Scheme);

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(null)]
    [InlineData("GIT")]
    [InlineData("Android")]
    [InlineData("Linux")]
    [InlineData("OSS-Fuzz")]
    [InlineData("GitHub Actions")]
    [InlineData("Root")]
    [InlineData("Debianish")]
    public void ForEcosystem_Unknown_IsNull(string? ecosystem) => Assert.Null(VersionSchemes.ForEcosystem(ecosystem));

    private static string Symbol(int result) => result switch { < 0 => "<", 0 => "=", _ => ">" };
}
