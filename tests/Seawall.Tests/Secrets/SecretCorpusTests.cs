using System.Text;
using Seawall.Secrets.Config;
using Seawall.Secrets.Engine;
using Seawall.Secrets.Rules;

namespace Seawall.Tests.Secrets;

/// <summary>
/// Precision and recall of the built-in rules on the planted corpus. The figures are printed (and recorded in
/// docs/accuracy.md); the floors fail the build when a rule change loses a true secret or starts firing on a look-alike.
/// </summary>
public sealed class SecretCorpusTests(ITestOutputHelper output)
{
    private static readonly SecretScanner Scanner = new(SecretConfig.Default());

    /// <summary>36 random-looking characters: the body of a GitHub token.</summary>
    private const string Token36 = "B7kq9Zr2Xw4Lm8Np3Vt6Yc1Hd5Fs0JgQw8eR";

    [Fact]
    public void BuiltinRules_PlantedCorpus_PrecisionAndRecallAboveFloors()
    {
        int truePositives = 0, falsePositives = 0, falseNegatives = 0;
        var misses = new List<string>();
        foreach (var c in PlantedCorpus.All)
        {
            var scan = Scanner.Scan(c.Path, Encoding.UTF8.GetBytes(c.Text));
            var found = scan.Hits.Select(h => h.RuleId).ToList();
            foreach (var expected in c.Expected)
            {
                if (found.Remove(expected))
                {
                    truePositives++;
                }
                else
                {
                    falseNegatives++;
                    misses.Add($"missed {expected} in {c.Path}");
                }
            }
            falsePositives += found.Count;
            misses.AddRange(found.Select(f => $"false positive {f} in {c.Path}"));
        }
        var precision = truePositives / (double)(truePositives + falsePositives);
        var recall = truePositives / (double)(truePositives + falseNegatives);
        output.WriteLine($"files {PlantedCorpus.All.Count}, true secrets {truePositives + falseNegatives}, found {truePositives}, false positives {falsePositives}");
        output.WriteLine($"precision {precision:F3}, recall {recall:F3}");
        foreach (var miss in misses)
        {
            output.WriteLine(miss);
        }
        Assert.True(recall >= 0.97, $"recall {recall:F3}: {string.Join("; ", misses)}");
        Assert.True(precision >= 0.97, $"precision {precision:F3}: {string.Join("; ", misses)}");
    }

    [Fact]
    public void BuiltinRules_Count_AtLeastAHundredWithUniqueIds()
    {
        Assert.True(BuiltinRules.All.Count >= 100, $"{BuiltinRules.All.Count} rules");
        Assert.Equal(BuiltinRules.All.Count, BuiltinRules.All.Select(r => r.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(BuiltinRules.All, r => Assert.True(r.Keywords.Count > 0 && r.Title.Length > 0 && r.Category.Length > 0, r.Id));
    }

    [Fact]
    public void Scan_Match_NeverHoldsTheSecret()
    {
        foreach (var c in PlantedCorpus.All.Where(c => c.Expected.Length > 0))
        {
            foreach (var hit in Scanner.Scan(c.Path, Encoding.UTF8.GetBytes(c.Text)).Hits)
            {
                Assert.Contains('*', hit.Match);
                // No random-looking word of 20 characters or more on the secret's line survives masking.
                var line = c.Text.Split('\n')[hit.Line - 1];
                var tokens = line.Split([' ', '=', '"', '\'', ':', '@', '/'], StringSplitOptions.RemoveEmptyEntries)
                    .Where(t => t.Length >= 20 && t.Any(char.IsAsciiDigit) && Entropy.Shannon(t) > 3.5);
                Assert.All(tokens, t => Assert.DoesNotContain(t, hit.Match));
            }
        }
    }

    [Fact]
    public void Scan_LineAndColumn_PointAtTheSecret()
    {
        var text = "# config\nname = shop\n  token: ghp_" + Token36 + "\n";
        var hit = Assert.Single(Scanner.Scan("app/x.yml", Encoding.UTF8.GetBytes(text)).Hits);
        Assert.Equal("github-pat", hit.RuleId);
        Assert.Equal(3, hit.Line);
        Assert.Equal(10, hit.Column);
        Assert.StartsWith("token: ghp_***", hit.Match, StringComparison.Ordinal);
    }

    [Fact]
    public void Scan_ColumnCountsCharactersNotBytes()
    {
        var text = "clé = \"été\" ghp_" + Token36 + "\n";
        var hit = Assert.Single(Scanner.Scan("app/x.txt", Encoding.UTF8.GetBytes(text)).Hits);
        Assert.Equal(text.IndexOf("ghp_", StringComparison.Ordinal) + 1, hit.Column);
        Assert.StartsWith("clé = \"été\"", hit.Match, StringComparison.Ordinal);
    }

    [Fact]
    public void Scan_DatabasePassword_MaskedWhole()
    {
        var hit = Assert.Single(Scanner.Scan("app/.env", Encoding.UTF8.GetBytes("REDIS_URL=redis://default:69v8Qk2Lm9Xw4Np8Vt3Y@cache:6379/0\n")).Hits);
        Assert.Equal("REDIS_URL=redis://default:********************@cache:6379/0", hit.Match);
    }

    [Fact]
    public void Scan_BinaryFile_Skipped()
    {
        var bytes = Encoding.UTF8.GetBytes("\0ELF ghp_" + Token36);
        var scan = Scanner.Scan("usr/bin/tool", bytes);
        Assert.True(scan.Binary);
        Assert.Empty(scan.Hits);
    }

    [Theory]
    [InlineData("usr/share/doc/aws/credentials")]
    [InlineData("app/node/locales/en.json")]
    [InlineData("app/README.md")]
    [InlineData("app/tests/fixtures/keys.txt")]
    public void RuleSet_BuiltinAllowPath_NotScanned(string path) => Assert.False(SecretConfig.Default().ScansPath(path));

    [Fact]
    public void Scan_TwoSecretsOnOneLine_BothMaskedInEachMatch()
    {
        var id = "AKIA" + "Q3VZ7XKD2LMN4PRT";
        var secret = "Zb7Qk2Lm9Xw4Np8Vt3Yc6Hd1Fs5Jg0Re2Ta7Ub4W";
        var text = $"creds {id} aws_secret_access_key={secret}\n";
        var hits = Scanner.Scan("app/creds.txt", Encoding.UTF8.GetBytes(text)).Hits;
        Assert.Equal(["aws-access-key-id", "aws-secret-access-key"], hits.Select(h => h.RuleId));
        Assert.All(hits, h =>
        {
            Assert.DoesNotContain(id[4..], h.Match);
            Assert.DoesNotContain(secret[4..], h.Match);
        });
    }
}
