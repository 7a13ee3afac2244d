using Seawall.Core.Model;
using Seawall.Reporting.Writers;
using Seawall.Tests.Support;

namespace Seawall.Tests.Reporting;

/// <summary>Check findings (the host audit's, later misconfigurations) in SARIF (schema-valid, GitHub's shape) and the table.</summary>
public sealed class CheckFindingWriterTests
{
    private static readonly Lazy<SchemaValidator> Schema = new(SchemaValidator.Sarif210);

    private static readonly CheckInfo RootLogin = new("host-ssh-permit-root-login", "SSH permits root login", Severity.High)
    {
        Remediation = "Set PermitRootLogin no in /etc/ssh/sshd_config and reload sshd",
        References = ["CIS-Docker-host", "lynis:SSH-7408"],
    };

    private static readonly CheckInfo Kptr = new("host-sysctl-kptr-restrict", "Kernel pointers are hidden from unprivileged users", Severity.Medium)
    {
        Remediation = "sysctl -w kernel.kptr_restrict=2",
    };

    private static ScanReport Report() => new()
    {
        Artifact = new ArtifactInfo("node-1", ArtifactType.Host),
        Results =
        [
            new ScanResult
            {
                Target = "node-1",
                Class = ResultClass.Host,
                Type = "host",
                Findings =
                [
                    RootLogin.Fail("PermitRootLogin yes", new Location("etc/ssh/sshd_config", 32)),
                    Kptr.Warn("kernel.kptr_restrict = 0 (expected 2 or 1)", new Location("proc/sys/kernel/kptr_restrict")),
                    Kptr.Pass("kernel.kptr_restrict = 2"),
                ],
            },
        ],
    };

    [Fact]
    public async Task Sarif_lists_failed_and_warned_checks_as_rules_and_located_results()
    {
        var json = await WriterOutput.WriteAsync(new SarifWriter(), Report());
        Schema.Value.AssertValid(json);
        var run = WriterOutput.Parse(json).GetProperty("runs")[0];

        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules");
        Assert.Equal(["host-ssh-permit-root-login", "host-sysctl-kptr-restrict"], rules.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Contains("lynis:SSH-7408", rules[0].GetProperty("properties").GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var results = run.GetProperty("results");
        Assert.Equal(2, results.GetArrayLength()); // the pass is not an alert
        var first = results[0];
        Assert.Equal("error", first.GetProperty("level").GetString());
        Assert.Equal(0, first.GetProperty("ruleIndex").GetInt32());
        var location = first.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.Equal("etc/ssh/sshd_config", location.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(32, location.GetProperty("region").GetProperty("startLine").GetInt32());
        Assert.Equal("warning", results[1].GetProperty("level").GetString());
    }

    [Fact]
    public async Task Table_shows_status_totals_evidence_and_no_host_package_rows()
    {
        var report = Report();
        report = report with
        {
            Results =
            [
                .. report.Results,
                new ScanResult
                {
                    Target = "var/lib/dpkg/status",
                    Class = ResultClass.OsPackages,
                    Type = "dpkg",
                    Packages = [new Package { Name = "openssh-server", Version = "1:9.2p1-2" }],
                },
            ],
        };

        var text = await WriterOutput.WriteAsync(new TableReportWriter(), report);

        Assert.Contains("node-1 (host, 1 fail, 1 warn, 1 pass)", text, StringComparison.Ordinal);
        Assert.Contains("PermitRootLogin yes", text, StringComparison.Ordinal);
        Assert.Contains("var/lib/dpkg/status (dpkg, 1 package)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("1:9.2p1-2", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("host-ssh-permit-root-login", StringComparison.Ordinal) < text.IndexOf("host-sysctl-kptr-restrict", StringComparison.Ordinal));
    }
}
