using Seawall.Core.Model;
using Seawall.Tests.Support;

namespace Seawall.Tests.Inventory.Languages;

/// <summary>
/// Compares a JavaScript lockfile parse with osv-scanner's expectation: names and versions (as the harness does), then
/// commits and dev/optional groups per package. Deliberate differences are applied to the expectation by the caller,
/// each with its reason, so a test states exactly where Seawall departs from osv-scanner.
/// </summary>
internal static class NpmFixtureAssert
{
    public static void Same(LockfileCase c, IReadOnlyList<Package> actual, IEnumerable<ExpectedPackage>? expectedOverride = null, bool compareGroups = true)
    {
        var expected = (expectedOverride ?? c.Packages).ToList();
        var adjusted = c with { Packages = expected };
        OsvLockfileFixtures.AssertSamePackages(adjusted, actual.Select(p => (p.Name, p.Version)));
        var want = expected.Select(p => Describe(p.Name, p.Version, p.Commit, compareGroups && p.DepGroups.Contains("dev"), compareGroups && p.DepGroups.Contains("optional")))
            .Order(StringComparer.Ordinal).ToList();
        var got = actual.Select(p => Describe(p.Name, p.Version, p.Commit, compareGroups && p.Dev, compareGroups && p.Optional))
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(want.SequenceEqual(got), $"{c.Test} ({c.Fixture}):\n expected {string.Join(", ", want)}\n but got  {string.Join(", ", got)}");
    }

    private static string Describe(string name, string version, string? commit, bool dev, bool optional) =>
        $"{name}@{version}" + (string.IsNullOrEmpty(commit) ? string.Empty : $"#{commit}") + (dev ? "[dev]" : string.Empty) + (optional ? "[optional]" : string.Empty);

    /// <summary>The expectation with one package's groups replaced.</summary>
    public static IEnumerable<ExpectedPackage> WithGroups(IEnumerable<ExpectedPackage> expected, string name, string version, params string[] groups) =>
        expected.Select(p => p.Name == name && p.Version == version ? p with { DepGroups = groups } : p);
}
