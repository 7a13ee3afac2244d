using Seawall.Tests.Support;
using Seawall.Vulnerabilities.Versions;

namespace Seawall.Tests.Vulnerabilities.Versions;

/// <summary>
/// OSV's version-ordering vectors (../shared/data/osv-version-fixtures, from osv-scalibr): every "A op B" line must hold
/// both ways round (A op B and B -op A), and each side must equal itself. The comparer comes from the ecosystem name,
/// so the ecosystem mapping is under test too.
/// </summary>
public sealed class OsvVersionFixtureTests
{
    public static TheoryData<string, string> Files => new()
    {
        { "semver-versions.txt", "npm" },
        { "semver-versions.txt", "Go" },
        { "semver-versions.txt", "crates.io" },
        { "semver-versions.txt", "Hex" },
        { "rubygems-versions.txt", "RubyGems" },
        { "nuget-versions.txt", "NuGet" },
        { "packagist-versions.txt", "Packagist" },
        { "maven-versions.txt", "Maven" },
        { "pypi-versions.txt", "PyPI" },
        { "debian-versions.txt", "Debian:12" },
        { "debian-versions.txt", "Ubuntu:22.04:LTS" },
        { "cran-versions.txt", "CRAN" },
        { "alpine-versions.txt", "Alpine:v3.19" },
        { "alpine-versions.txt", "Wolfi" },
        { "redhat-versions.txt", "Red Hat" },
        { "redhat-versions.txt", "Rocky Linux:9" },
        { "hackage-versions.txt", "Hackage" },
        { "pub-versions.txt", "Pub" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryVector_HoldsBothWays(string file, string ecosystem)
    {
        var path = SharedData.Require(Path.Combine("osv-version-fixtures", file));
        var comparer = VersionSchemes.ForEcosystem(ecosystem);
        Assert.NotNull(comparer);

        var failures = new List<string>();
        var count = 0;
        foreach (var (line, lineNumber) in File.ReadLines(path).Select((l, i) => (l, i + 1)))
        {
            if (line.Length == 0 || line.StartsWith("# ", StringComparison.Ordinal) || line.StartsWith("// ", StringComparison.Ordinal))
            {
                continue;
            }
            var parts = line.Split(' ');
            Assert.True(parts.Length == 3, $"{file}:{lineNumber}: not 'A op B': {line}");
            var (a, op, b) = (parts[0], parts[1], parts[2]);
            var expected = op switch { "<" => -1, "=" => 0, ">" => 1, _ => throw new InvalidDataException($"{file}:{lineNumber}: operator {op}") };
            count++;
            Check(a, b, expected);
            Check(b, a, -expected);
            Check(a, a, 0);
            Check(b, b, 0);

            void Check(string left, string right, int want)
            {
                if (!comparer.TryParse(left, out var l) || !comparer.TryParse(right, out var r))
                {
                    failures.Add($"{file}:{lineNumber}: '{left}' or '{right}' does not parse as {comparer.Scheme}");
                    return;
                }
                var got = l.CompareTo(r);
                if (got != want)
                {
                    failures.Add($"{file}:{lineNumber}: expected {left} {Symbol(want)} {right}, got {Symbol(got)}");
                }
                // The string overload agrees with the parsed one.
                Assert.Equal(got, comparer.Compare(left, right));
            }
        }
        Assert.True(count > 0, $"{file} holds no vectors");
        Assert.True(failures.Count == 0, $"{comparer.Scheme} ({ecosystem}): {failures.Count} of {count * 4} checks failed:\n" + string.Join('\n', failures));
    }

    [Fact]
    public void Debian_InvalidVersion_IsAnErrorNamingVersionAndScheme()
    {
        // The case the OSV test checks separately: an epoch that is not a number.
        var comparer = VersionSchemes.ForEcosystem("Debian")!;
        Assert.False(comparer.TryParse("1.2.3-not-a-debian:version!@#$", out _));
        var error = Assert.Throws<InvalidVersionException>(() => comparer.Compare("1.2.3", "1.2.3-not-a-debian:version!@#$"));
        Assert.Contains("1.2.3-not-a-debian:version!@#$", error.Message, StringComparison.Ordinal);
        Assert.Contains("dpkg", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<FormatException>(error);
    }

    private static string Symbol(int result) => result switch { < 0 => "<", 0 => "=", _ => ">" };
}
