using System.Text.Json;
using Seawall.Tests.Support;
using Seawall.Vulnerabilities.Store;

namespace Seawall.Tests.Vulnerabilities.Import;

/// <summary>The Debian security tracker JSON against vunnel's expected normalised records for the same excerpt.</summary>
public sealed class DebianTrackerImportTests
{
    private const string Input = "debian-tracker/vunnel-fixtures/input/debian.json";

    /// <summary>vunnel's namespace names a release by number, and unstable for sid.</summary>
    private static string Ecosystem(string vunnelNamespace) =>
        "Debian:" + (vunnelNamespace["debian:".Length..] is var release && release == "unstable" ? "sid" : release);

    /// <summary>vunnel's severity names for the tracker's urgencies (its debian provider's mapping).</summary>
    private static string VunnelSeverity(string? urgency) => urgency switch
    {
        "unimportant" => "Negligible",
        "low" => "Low",
        "medium" => "Medium",
        "high" => "High",
        _ => "Unknown",
    };

    [Fact]
    public void Import_TrackerExcerpt_EverySnapshotOfItsReleasesMatches()
    {
        var input = SharedData.Require(Input);
        var snapshots = SharedData.Require("debian-tracker/vunnel-fixtures/snapshots");
        using var db = new ImportFixture();
        var result = db.Import(input);
        Assert.Empty(db.Warnings);
        Assert.Equal("debian-tracker", Assert.Single(result.Sources).Name);
        using var store = db.Open();

        var inputIds = JsonDocument.Parse(File.ReadAllText(input)).RootElement.EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(c => c.Name)).ToHashSet();
        var compared = 0;
        var expected = new HashSet<(string Ecosystem, string Id)>();
        foreach (var file in Directory.GetFiles(snapshots, "*.json", SearchOption.AllDirectories))
        {
            var vulnerability = JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("item").GetProperty("Vulnerability");
            var id = vulnerability.GetProperty("Name").GetString()!;
            if (!inputIds.Contains(id))
            {
                // Snapshots for wheezy and one for buster come from vunnel's legacy data, which is not in this excerpt.
                continue;
            }
            var ecosystem = Ecosystem(vulnerability.GetProperty("NamespaceName").GetString()!);
            expected.Add((ecosystem, id));
            foreach (var fixedIn in vulnerability.GetProperty("FixedIn").EnumerateArray())
            {
                var package = fixedIn.GetProperty("Name").GetString()!;
                var version = fixedIn.GetProperty("Version").GetString()!;
                var entry = Assert.Single(store.Lookup(ecosystem, package), e => e.AdvisoryId == id);
                if (version == "None")
                {
                    // vunnel's "not fixed": here the tracker's reason, end of life for these releases.
                    Assert.Null(entry.FixedVersion);
                    Assert.Equal(DistroStatus.EndOfLife, entry.Status);
                    Assert.Equal("end-of-life", entry.StatusNote);
                    Assert.Equal([new RangeEvent(RangeEventKind.Introduced, "0")], Assert.Single(entry.Ranges).Events);
                }
                else
                {
                    Assert.Equal(version, entry.FixedVersion);
                    Assert.Equal(DistroStatus.Fixed, entry.Status);
                    Assert.Equal([new RangeEvent(RangeEventKind.Introduced, "0"), new RangeEvent(RangeEventKind.Fixed, version)], Assert.Single(entry.Ranges).Events);
                }
                Assert.Equal(vulnerability.GetProperty("Severity").GetString(), VunnelSeverity(entry.Severity));
                var advisory = store.GetAdvisory(entry.AdvisoryKey)!;
                Assert.Equal(vulnerability.GetProperty("Description").GetString(), advisory.Details ?? string.Empty);
                Assert.Contains(new AdvisoryReference("ADVISORY", vulnerability.GetProperty("Link").GetString()!), advisory.References);
                compared++;
            }
        }
        Assert.Equal(25, compared);

        // And nothing beyond the snapshots: every stored (release, id) is one vunnel expects.
        var stored = new HashSet<(string, string)>();
        foreach (var package in new[] { "prototypejs", "txt2man", "backupninja", "chromium", "sope", "chromium-browser" })
        {
            foreach (var release in new[] { "8", "9", "10", "11", "12", "13", "sid" })
            {
                foreach (var entry in store.Lookup("Debian:" + release, package))
                {
                    stored.Add(("Debian:" + release, entry.AdvisoryId));
                }
            }
        }
        Assert.Equal(expected.Order(), stored.Order());
        // "releases": [] (chromium-browser's CVE-2022-0358) yields nothing.
        Assert.Empty(store.Lookup("Debian:12", "chromium-browser"));
        // The urgency is kept without the tracker's "**" (taken from NVD) mark.
        Assert.Equal("high", Assert.Single(store.Lookup("Debian:10", "prototypejs"), e => e.AdvisoryId == "CVE-2008-7220").Severity);
    }

    [Fact]
    public void Import_OpenIssues_StatusFromUrgencyAndNoDsaReason()
    {
        using var db = new ImportFixture();
        var file = db.WriteFile("tracker.json", """
            {
              "openssl": {
                "CVE-2099-0001": {
                  "description": "test issue",
                  "debianbug": 1000001,
                  "releases": {
                    "bookworm": {"status": "open", "repositories": {"bookworm": "3.0.11-1~deb12u2"}, "urgency": "low", "nodsa": "Minor issue", "nodsa_reason": ""},
                    "bullseye": {"status": "open", "repositories": {"bullseye": "1.1.1w-0+deb11u1"}, "urgency": "low", "nodsa": "Minor issue", "nodsa_reason": "postponed"},
                    "buster": {"status": "open", "repositories": {"buster": "1.1.1n-0+deb10u3"}, "urgency": "low", "nodsa": "Ignored", "nodsa_reason": "ignored"},
                    "trixie": {"status": "undetermined", "repositories": {"trixie": "3.1.4-1"}, "urgency": "not yet assigned"},
                    "sid": {"status": "open", "repositories": {"sid": "3.1.4-1"}, "urgency": "medium"},
                    "stretch": {"status": "resolved", "repositories": {"stretch": "1.1.0l-1~deb9u6"}, "fixed_version": "0", "urgency": "unimportant"},
                    "hamm": {"status": "resolved", "fixed_version": "0.9", "urgency": "low"},
                    "jessie": {"status": "resolved", "urgency": "low"},
                    "squeeze": {"status": "weird", "urgency": "low"}
                  }
                }
              },
              "curl": {
                "CVE-2099-0001": {"releases": {"bookworm": {"status": "resolved", "fixed_version": "7.88.1-10+deb12u9", "urgency": "medium**"}}},
                "TEMP-0000000-ABCDEF": {"releases": {"bookworm": {"status": "open", "urgency": "unimportant"}}}
              }
            }
            """);
        db.Import(file);
        using var store = db.Open();

        DistroStatus? Status(string release, string package = "openssl") => store.Lookup("Debian:" + release, package).SingleOrDefault()?.Status;
        string? Note(string release) => store.Lookup("Debian:" + release, "openssl").Single().StatusNote;
        Assert.Equal(DistroStatus.NoDsa, Status("12"));
        Assert.Equal("no-dsa: Minor issue", Note("12"));
        Assert.Equal(DistroStatus.NoDsa, Status("11"));
        Assert.Equal("postponed: Minor issue", Note("11"));
        Assert.Equal(DistroStatus.Ignored, Status("10"));
        Assert.Equal("ignored", Note("10")); // the tracker's text only repeats the kind
        // "undetermined": not known to affect trixie; not stored, as Trivy skips it.
        Assert.Null(Status("13"));
        Assert.Equal(DistroStatus.Unfixed, Status("sid"));
        Assert.Null(Note("sid"));
        var never = Assert.Single(store.Lookup("Debian:9", "openssl"));
        Assert.Equal((DistroStatus.Fixed, "0", "unimportant"), (never.Status!.Value, never.FixedVersion, never.Severity));
        Assert.Null(Status("8"));
        Assert.Null(Status("6"));

        var warnings = db.Warnings.ToList();
        Assert.Contains(warnings, w => w.Contains("unknown Debian release 'hamm'") && w.Contains("CVE-2099-0001"));
        Assert.Contains(warnings, w => w.Contains("(CVE-2099-0001, openssl) jessie") && w.Contains("without a fixed_version"));
        Assert.Contains(warnings, w => w.Contains("(CVE-2099-0001, openssl) squeeze") && w.Contains("unknown status 'weird'"));
        Assert.Equal(3, warnings.Count);

        // One advisory per id, whatever number of packages it names.
        var curl = Assert.Single(store.Lookup("Debian:12", "curl"), e => e.AdvisoryId == "CVE-2099-0001");
        Assert.Equal(store.Lookup("Debian:12", "openssl").Single().AdvisoryKey, curl.AdvisoryKey);
        Assert.Equal(("medium", "7.88.1-10+deb12u9"), (curl.Severity, curl.FixedVersion));
        var advisory = store.GetAdvisory(curl.AdvisoryKey)!;
        Assert.Equal("test issue", advisory.Details);
        Assert.Contains(new AdvisoryReference("REPORT", "https://bugs.debian.org/1000001"), advisory.References);
        Assert.Equal(DistroStatus.Unfixed, Assert.Single(store.Lookup("Debian:12", "curl"), e => e.AdvisoryId == "TEMP-0000000-ABCDEF").Status);
        Assert.Equal(2, store.Info().Sources.Single().Advisories);
    }

    [Fact]
    public void Import_TrackerNotJson_FailsAndLeavesNoDatabase()
    {
        using var db = new ImportFixture();
        var file = db.WriteFile("tracker.json", """{"openssl": {"CVE-2099-0001": {"releases": {"bookworm": {"status": "open" """);
        var error = Assert.Throws<AdvisoryStoreException>(() => db.Import(db.Options() with { Format = Seawall.Vulnerabilities.Import.AdvisoryFormat.DebianTracker }, file));
        Assert.Contains("tracker.json", error.Message);
        Assert.False(File.Exists(db.DatabasePath));
        Assert.Empty(db.Leftovers());
    }
}
