using System.IO.Compression;
using System.Text.Json;
using Seawall.Core.Model;
using Seawall.Tests.Support;
using Seawall.Vulnerabilities.Cvss;
using Seawall.Vulnerabilities.Matching;
using Seawall.Vulnerabilities.Store;
using Seawall.Vulnerabilities.Versions;

namespace Seawall.Tests.Vulnerabilities.Matching;

/// <summary>
/// The matcher reads each advisory once and shares what it derives (ids, scored vectors, reference URLs) between the
/// findings it yields. Here every finding of a large real match is derived again, on its own, from its advisories
/// read one by one: the shared derivation must say the same.
/// </summary>
public sealed class MatcherFindingsTests(MatcherDatabaseFixture fixture) : IClassFixture<MatcherDatabaseFixture>
{
    /// <summary>Every package the Go, crates.io and PyPI exports name, at the lowest version: thousands of findings, many merged.</summary>
    [Theory]
    [InlineData("0.0.1")]
    [InlineData("1.2.0")]
    public void Match_EveryOsvPackage_EachFindingAsItsAdvisoriesSayOnTheirOwn(string version)
    {
        var packages = new List<Package>();
        foreach (var ecosystem in new[] { "Go", "crates.io", "PyPI" })
        {
            var names = new SortedSet<string>(StringComparer.Ordinal);
            using var zip = ZipFile.OpenRead(SharedData.Require($"osv-db/{ecosystem}/all.zip"));
            foreach (var file in zip.Entries)
            {
                using var document = JsonDocument.Parse(file.Open());
                foreach (var affected in document.RootElement.GetProperty("affected").EnumerateArray())
                {
                    names.Add(affected.GetProperty("package").GetProperty("name").GetString()!);
                }
            }
            packages.AddRange(names.Select(n => new Package { Name = n, Version = ecosystem == "Go" ? "v" + version : version, Ecosystem = ecosystem }));
        }
        var report = new ScanReport
        {
            Artifact = new ArtifactInfo("test", ArtifactType.Filesystem),
            Results = [new ScanResult { Target = "target", Class = ResultClass.LangPackages, Type = "test", Packages = packages }],
        };
        using var store = fixture.Database.Open();
        var findings = new VulnerabilityMatcher(store).Match(report).Results.Single().Vulnerabilities;
        Assert.True(findings.Count > (version == "0.0.1" ? 7000 : 5000), $"{findings.Count} findings");

        var merged = 0;
        foreach (var byPackage in findings.GroupBy(f => (f.Ecosystem!, f.PackageName)))
        {
            var (ecosystem, name) = byPackage.Key;
            var comparer = VersionSchemes.ForEcosystem(ecosystem)!;
            Assert.True(comparer.TryParse(byPackage.First().InstalledVersion, out var installed));
            // Every entry of the package that covers the version, with the fixed versions its ranges name.
            var covering = new List<(AffectedEntry Entry, SortedSet<string> Fixed)>();
            foreach (var entry in store.Lookup(ecosystem, name).Where(e => !e.Withdrawn))
            {
                var fixedVersions = new SortedSet<string>(StringComparer.Ordinal);
                if (AffectedRanges.Covers(entry, installed, comparer, fixedVersions, _ => { }))
                {
                    covering.Add((entry, fixedVersions));
                }
            }
            var claimed = new HashSet<AffectedEntry>(ReferenceEqualityComparer.Instance);
            foreach (var finding in byPackage)
            {
                var ids = finding.Aliases.Append(finding.Id).ToHashSet(StringComparer.Ordinal);
                Assert.Equal(ids.Count, finding.Aliases.Count + 1);
                var members = covering.Where(c => ids.Contains(c.Entry.AdvisoryId)).ToList();
                Assert.NotEmpty(members);
                claimed.UnionWith(members.Select(m => m.Entry));
                var advisories = members.Select(m => store.GetAdvisory(m.Entry.AdvisoryKey)!).ToList();
                merged += advisories.Count > 1 ? 1 : 0;

                Assert.Equal(ids, advisories.SelectMany(a => a.Aliases.Concat(a.Upstream).Append(a.Id)).ToHashSet(StringComparer.Ordinal));
                Assert.Equal(members.SelectMany(m => m.Fixed).Distinct().Order(StringComparer.Ordinal), finding.FixedVersions);
                Assert.Equal(finding.FixedVersions.Count > 0 ? VulnerabilityStatus.Fixed : VulnerabilityStatus.Affected, finding.Status);
                Assert.Equal(string.Join(",", members.Select(m => m.Entry.Source).Distinct().Order(StringComparer.Ordinal)), finding.DataSource);
                Assert.Equal(advisories.Select(a => a.Published).Where(p => p is not null).Min(), finding.Published);
                Assert.Equal(advisories.Select(a => a.Modified).Where(p => p is not null).Max(), finding.Modified);

                var urls = advisories.SelectMany(a => a.References.Select(r => r.Url)).Distinct().ToList();
                var scores = advisories
                    .SelectMany(a => a.Severities.Where(s => s.Type.StartsWith("CVSS_", StringComparison.Ordinal) && CvssCalculator.TryScore(s.Score, out _))
                        .Select(s => CvssCalculator.Score(s.Score).ToCvssScore(a.Id.StartsWith("GHSA-", StringComparison.Ordinal) ? "ghsa" : "osv")))
                    .DistinctBy(s => s.Vector)
                    .ToList();
                var summaries = advisories.Select(a => a.Summary).Where(s => !string.IsNullOrWhiteSpace(s)).ToList();
                if (advisories.Count == 1)
                {
                    // One advisory: its own order, text and scores, exactly.
                    var advisory = advisories[0];
                    Assert.Equal(urls, finding.References);
                    Assert.Equal(scores, finding.Cvss);
                    Assert.Equal(summaries.FirstOrDefault(), finding.Title);
                    Assert.Equal(advisory.Details, finding.Description);
                }
                else
                {
                    // Merged: which advisory leads depends on the order they matched in; the content is theirs all the same.
                    Assert.Equal(urls.Order(StringComparer.Ordinal), finding.References.Order(StringComparer.Ordinal));
                    Assert.Equal(scores.Select(s => s.Vector).Order(StringComparer.Ordinal), finding.Cvss.Select(s => s.Vector).Order(StringComparer.Ordinal));
                    Assert.All(finding.Cvss, s => Assert.Equal(CvssCalculator.Score(s.Vector).Score, s.Score));
                    Assert.True(finding.Title is null ? summaries.Count == 0 : summaries.Contains(finding.Title));
                    if (advisories.FirstOrDefault(a => a.Id == finding.Id) is { } named)
                    {
                        Assert.Equal(named.Details, finding.Description); // the advisory the finding is named after tells it
                    }
                    else
                    {
                        Assert.Contains(finding.Description, advisories.Select(a => a.Details));
                    }
                }
                if (members.All(m => m.Entry.Severity is null) && advisories.All(a => a.DatabaseSeverity is null && a.Severities.All(s => s.Type.StartsWith("CVSS_", StringComparison.Ordinal))))
                {
                    // No source's word: the highest v3/v4 score rates it (v2 only when nothing newer is published).
                    var best = finding.Cvss.Where(s => s.Version != "2.0").MaxBy(s => s.Score) ?? finding.Cvss.MaxBy(s => s.Score);
                    Assert.Equal(best is null ? Severity.Unknown : best.Severity, finding.Severity);
                    Assert.Equal(best is null ? null : "cvss", finding.SeveritySource);
                }
            }
            // Every covering entry is in exactly one finding.
            Assert.Equal(covering.Count, claimed.Count);
            // One finding per flaw: no id in two findings of a package.
            var allIds = byPackage.SelectMany(f => f.Aliases.Append(f.Id)).ToList();
            Assert.Equal(allIds.Count, allIds.Distinct().Count());
        }
        Assert.True(merged > 10, $"only {merged} merged findings checked");
    }
}
