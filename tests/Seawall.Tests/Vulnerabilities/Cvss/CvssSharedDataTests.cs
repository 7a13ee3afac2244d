using System.IO.Compression;
using System.Text.Json;
using Seawall.Core.Model;
using Seawall.Tests.Support;
using Seawall.Vulnerabilities.Cvss;

namespace Seawall.Tests.Vulnerabilities.Cvss;

/// <summary>
/// Every CVSS vector in the shared corpus (the OSV databases, Ubuntu OSV records, GHSA samples and the OSV schema's
/// test records) parses and scores; OSV severity entries carry the version their type names; and where a record also
/// states the score (GitHub's advisory JSON: cvss.score beside cvss.vectorString, and its severity), ours agrees.
/// </summary>
public sealed class CvssSharedDataTests
{
    private sealed class Found
    {
        public List<(string Where, string Vector)> Vectors { get; } = [];
        public List<(string Where, string Type, string Vector)> OsvSeverities { get; } = [];
        public List<(string Where, string Vector, double Score, string? Severity)> StatedScores { get; } = [];
    }

    [Fact]
    public void EverySharedDataVector_ParsesScoresAndAgreesWithStatedScores()
    {
        var found = new Found();
        foreach (var zip in Directory.GetFiles(SharedData.Require("osv-db"), "*.zip", SearchOption.AllDirectories))
        {
            using var archive = ZipFile.OpenRead(zip);
            foreach (var entry in archive.Entries.Where(e => e.Name.EndsWith(".json", StringComparison.Ordinal)))
            {
                using var reader = new StreamReader(entry.Open());
                Collect($"{Path.GetFileName(Path.GetDirectoryName(zip))}/{entry.FullName}", reader.ReadToEnd(), found);
            }
        }
        foreach (var folder in new[] { "ubuntu-osv", "ghsa-nuget-sample", "osv-schema" })
        {
            foreach (var file in Directory.GetFiles(SharedData.Require(folder), "*.json", SearchOption.AllDirectories))
            {
                Collect(Path.GetRelativePath(SharedData.Root!, file), File.ReadAllText(file), found);
            }
        }

        var failures = new List<string>();
        var versions = new Dictionary<CvssVersion, int>();
        foreach (var (where, vector) in found.Vectors)
        {
            if (CvssCalculator.TryScore(vector, out var result, out var error))
            {
                versions[result.Version] = versions.GetValueOrDefault(result.Version) + 1;
            }
            else
            {
                failures.Add($"{where}: {error}");
            }
        }
        foreach (var (where, type, vector) in found.OsvSeverities)
        {
            if (!CvssCalculator.TryScore(vector, out var result, out var error))
            {
                failures.Add($"{where}: {type} {error}");
                continue;
            }
            var expected = type switch
            {
                "CVSS_V2" => new[] { CvssVersion.V2_0 },
                "CVSS_V3" => new[] { CvssVersion.V3_0, CvssVersion.V3_1 },
                _ => new[] { CvssVersion.V4_0 },
            };
            if (!expected.Contains(result.Version))
            {
                failures.Add($"{where}: {type} entry holds a CVSS {result.VersionText} vector {vector}");
            }
        }
        foreach (var (where, vector, stated, severity) in found.StatedScores)
        {
            var result = CvssCalculator.Score(vector);
            if (result.Score != stated)
            {
                failures.Add($"{where}: {vector} states {stated}, calculated {result.Score}");
            }
            var statedSeverity = severity switch
            {
                "LOW" => Severity.Low,
                "MODERATE" or "MEDIUM" => Severity.Medium,
                "HIGH" => Severity.High,
                "CRITICAL" => Severity.Critical,
                _ => (Severity?)null,
            };
            if (statedSeverity is not null && statedSeverity != result.Severity)
            {
                failures.Add($"{where}: {vector} states {severity}, calculated {result.Severity}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        // The corpus holds 1,065 vectors (crates.io 834, PyPI 202, the rest 29) of every version but v2, 642 of them in
        // OSV severity entries, and six GitHub advisories stating their score; fewer means the walk missed them.
        Assert.True(found.Vectors.Count > 1000, $"only {found.Vectors.Count} vectors found");
        Assert.True(versions.GetValueOrDefault(CvssVersion.V3_0) > 0 && versions.GetValueOrDefault(CvssVersion.V3_1) > 0
                    && versions.GetValueOrDefault(CvssVersion.V4_0) > 0, string.Join(", ", versions));
        Assert.True(found.OsvSeverities.Count > 600, $"only {found.OsvSeverities.Count} OSV severity entries found");
        Assert.Equal(6, found.StatedScores.Count);
    }

    /// <summary>Walks one JSON document for CVSS vectors (any string starting "CVSS:"), OSV severity entries and stated scores.</summary>
    private static void Collect(string where, string json, Found found)
    {
        if (!json.Contains("CVSS", StringComparison.Ordinal))
        {
            return;
        }
        using var document = JsonDocument.Parse(json);
        Walk(where, document.RootElement, null, found);
    }

    private static void Walk(string where, JsonElement element, JsonElement? parent, Found found)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String when element.GetString()!.StartsWith("CVSS:", StringComparison.Ordinal):
                found.Vectors.Add((where, element.GetString()!));
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Walk(where, item, element, found);
                }
                break;
            case JsonValueKind.Object:
                // OSV: {"type": "CVSS_V3", "score": "CVSS:3.1/..."}
                if (element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
                    && type.GetString() is "CVSS_V2" or "CVSS_V3" or "CVSS_V4"
                    && element.TryGetProperty("score", out var osvScore) && osvScore.ValueKind == JsonValueKind.String)
                {
                    found.OsvSeverities.Add((where, type.GetString()!, osvScore.GetString()!));
                }
                // GitHub advisory JSON: {"severity": "HIGH", "cvss": {"score": 7.5, "vectorString": "CVSS:3.0/..."}}
                if (element.TryGetProperty("vectorString", out var vector) && vector.ValueKind == JsonValueKind.String
                    && element.TryGetProperty("score", out var stated) && stated.ValueKind == JsonValueKind.Number)
                {
                    string? severity = null;
                    if (parent is { ValueKind: JsonValueKind.Object } owner && owner.TryGetProperty("severity", out var s)
                        && s.ValueKind == JsonValueKind.String)
                    {
                        severity = s.GetString();
                    }
                    found.StatedScores.Add((where, vector.GetString()!, stated.GetDouble(), severity));
                }
                foreach (var property in element.EnumerateObject())
                {
                    Walk(where, property.Value, element, found);
                }
                break;
        }
    }
}
