using System.Text.Json;
using Seawall.Core.Model;

namespace Seawall.Tests.Inventory.Sbom;

/// <summary>The checks every "read an SBOM of an artifact Seawall also scanned" test makes.</summary>
internal static class SbomAssert
{
    /// <summary>
    /// The SBOM read back lists the packages the scan found, named, versioned and grouped the same way, with the
    /// same OS and, unless <paramref name="samePurls"/> is off (a producer that spells purls its own way), the same
    /// purl identity; <paramref name="onlyInSbom"/> and <paramref name="onlyInScan"/> are the known differences
    /// between the producer and Seawall, listed by package name.
    /// </summary>
    public static void ReadsAsScanned(ScanReport read, ScanReport scanned, IReadOnlyCollection<string>? onlyInSbom = null, IReadOnlyCollection<string>? onlyInScan = null, bool layerIds = true, bool samePurls = true)
    {
        onlyInSbom ??= [];
        onlyInScan ??= [];
        var expected = SbomFixtures.Identities(scanned, layerIds).Where(i => !onlyInScan.Contains(NameOf(i))).ToList();
        var actual = SbomFixtures.Identities(read, layerIds).Where(i => !onlyInSbom.Contains(NameOf(i))).ToList();
        Assert.Equal(expected, actual);
        // The exceptions must exist: a list of differences that no longer happen would hide a regression.
        Assert.Equal(onlyInSbom.Order(StringComparer.Ordinal), read.Results.SelectMany(r => r.Packages).Select(p => p.Name).Where(onlyInSbom.Contains).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(onlyInScan.Order(StringComparer.Ordinal), scanned.Results.SelectMany(r => r.Packages).Select(p => p.Name).Where(onlyInScan.Contains).Distinct().Order(StringComparer.Ordinal));

        if (samePurls)
        {
            Assert.Equal(
                Packages(scanned).Where(p => !onlyInScan.Contains(p.Name)).Select(p => SbomFixtures.PurlKey(p.Purl!)).Order(StringComparer.Ordinal),
                Packages(read).Where(p => !onlyInSbom.Contains(p.Name)).Select(p => SbomFixtures.PurlKey(p.Purl!)).Order(StringComparer.Ordinal));
        }
        Assert.Equal(scanned.Os?.Family, read.Os?.Family);
        Assert.Equal(scanned.Os?.Version, read.Os?.Version);
        Assert.Equal(ArtifactType.Sbom, read.Artifact.Type);
    }

    /// <summary>Every purl the document lists became one package carrying that purl, as written.</summary>
    public static void KeepsEveryPurl(ScanReport read, string documentJson)
    {
        using var doc = JsonDocument.Parse(documentJson);
        var raw = new List<string>();
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                if (e.TryGetProperty("purl", out var purl) && purl.ValueKind == JsonValueKind.String)
                {
                    raw.Add(purl.GetString()!);
                }
                if (e.TryGetProperty("referenceType", out var type) && type.GetString() == "purl")
                {
                    raw.Add(e.GetProperty("referenceLocator").GetString()!);
                }
                foreach (var p in e.EnumerateObject())
                {
                    Walk(p.Value);
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray())
                {
                    Walk(item);
                }
            }
        }
        Walk(doc.RootElement);
        Assert.NotEmpty(raw);
        Assert.Equal(raw.Distinct().Order(StringComparer.Ordinal), Packages(read).Select(p => p.Purl!).Order(StringComparer.Ordinal));
    }

    public static IEnumerable<Package> Packages(ScanReport report) => report.Results.SelectMany(r => r.Packages);

    private static string NameOf(string identity) => identity.Split(" | ")[3];
}
