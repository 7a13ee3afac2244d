using Seawall.ContainerAudit.Checks;
using Seawall.Core.Compliance;
using Seawall.Core.Model;
using Seawall.HostAudit;
using Seawall.Misconfig.Checks;
using Seawall.Reporting.Writers;
using Seawall.Scanning;
using Seawall.Tests.Reporting;
using Seawall.Tests.Support;
using Xunit;

namespace Seawall.Tests.Compliance;

/// <summary>
/// `--compliance`: pass and fail counts per control on manifests written for it (one pod breaking the pod-security
/// controls, one meeting them), for each framework, and the catalogs' references all naming controls of the tables.
/// </summary>
public sealed class ComplianceTests
{
    private const string Digest = "sha256:1b2c6b0e9c7f3d4a1e8f5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f902";

    private static readonly string Pods = """
        apiVersion: v1
        kind: Pod
        metadata: {name: bad, namespace: shop}
        spec:
          hostPID: true
          containers:
            - name: app
              image: nginx:latest
              securityContext: {privileged: true}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: good, namespace: shop}
        spec:
          automountServiceAccountToken: false
          securityContext: {runAsNonRoot: true, runAsUser: 10001, seccompProfile: {type: RuntimeDefault}}
          containers:
            - name: app
              image: nginx:1.27@DIGEST
              securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
        """.Replace("DIGEST", Digest, StringComparison.Ordinal);

    private static readonly Lazy<SchemaValidator> Schema = new(() =>
        SchemaValidator.FromFile(Path.Combine(AppContext.BaseDirectory, "Schemas", "seawall-report-1.schema.json")));

    /// <summary>`seawall config DIR --compliance FRAMEWORK` without --include-passed, as the CLI runs it.</summary>
    private static async Task<ScanReport> ScanPodsAsync(ComplianceFramework framework)
    {
        using var dir = new TempDir("seawall-compliance-");
        dir.Write("pods.yaml", Pods);
        var report = await new ScanService(new ScanOptions { IncludePassed = true }).ScanConfigAsync([dir.Path], TestContext.Current.CancellationToken);
        return ComplianceScan.Apply(report, framework, includePassed: false);
    }

    private static ComplianceControl Control(ScanReport report, string id) => Assert.Single(report.Compliance!.Controls, c => c.Id == id);

    [Fact]
    public async Task Cis_kubernetes_counts_each_pods_finding_under_its_control_and_lists_unchecked_controls()
    {
        var report = await ScanPodsAsync(ComplianceFrameworks.CisKubernetes);

        var privileged = Control(report, "5.2.2");
        Assert.Equal("Minimize the admission of privileged containers", privileged.Title);
        // The PodSecurityPolicy and OpenShift SCC checks map here too; they judge their own kinds only, so the pods count once.
        Assert.Equal(["k8s-privileged", "k8s-psp-privileged", "k8s-scc-privileged"], privileged.Checks);
        Assert.Equal((1, 1, ComplianceStatus.Fail), (privileged.Pass, privileged.Fail, privileged.Status));
        var hostPid = Control(report, "5.2.3");
        Assert.Equal((1, 1, ComplianceStatus.Fail), (hostPid.Pass, hostPid.Fail, hostPid.Status));
        var netRaw = Control(report, "5.2.8");
        Assert.Equal(["k8s-drop-net-raw", "k8s-psp-net-raw"], netRaw.Checks);
        Assert.Equal((1, 1), (netRaw.Pass, netRaw.Fail));
        // Neither pod adds a capability: the control passes on both.
        var added = Control(report, "5.2.9");
        Assert.Equal((2, 0, ComplianceStatus.Pass), (added.Pass, added.Fail, added.Status));
        // No Role in the input: the wildcard check maps but judged nothing.
        Assert.Equal(ComplianceStatus.NotApplicable, Control(report, "5.1.3").Status);
        // No Seawall check answers to these: listed as gaps, in benchmark order.
        Assert.Equal(ComplianceStatus.NotChecked, Control(report, "5.2.1").Status);
        Assert.Equal(ComplianceStatus.NotChecked, Control(report, "5.2.11").Status);
        var ids = report.Compliance!.Controls.Select(c => c.Id).ToList();
        Assert.True(ids.IndexOf("5.2.9") < ids.IndexOf("5.2.10") && ids.IndexOf("5.2.10") < ids.IndexOf("5.3.1"));
        // Control-plane controls outside the table take their check's (the benchmark's) title.
        Assert.Equal("Ensure that the --anonymous-auth argument is set to false", Control(report, "1.2.1").Title);
        Assert.True(ids.IndexOf("1.2.1") < ids.IndexOf("5.1.1"));

        // The counts needed the passes; the report still lists only what --include-passed would.
        Assert.All(report.Results.SelectMany(r => r.Findings), f => Assert.True(f.Status is FindingStatus.Fail or FindingStatus.Warn));
        Assert.Equal(report.Compliance.Controls.Count(c => c.Status == ComplianceStatus.Fail), report.Compliance.ControlsFailed);
    }

    [Fact]
    public async Task Nsa_counts_the_non_root_section_over_its_three_checks()
    {
        var report = await ScanPodsAsync(ComplianceFrameworks.Nsa);

        var nonRoot = Control(report, "non-root-containers");
        Assert.Contains("k8s-privileged", nonRoot.Checks);
        Assert.Contains("k8s-run-as-non-root", nonRoot.Checks);
        Assert.Contains("k8s-allow-privilege-escalation", nonRoot.Checks);
        Assert.Contains("k8s-run-as-root-group", nonRoot.Checks);
        // The bad pod fails privileged, allowPrivilegeEscalation (unset) and runAsNonRoot; the good one passes all three;
        // neither runs as group 0, so the root-group check passes on both.
        Assert.Equal((5, 3, ComplianceStatus.Fail), (nonRoot.Pass, nonRoot.Fail, nonRoot.Status));
        var immutable = Control(report, "immutable-filesystem");
        Assert.Equal((1, 1), (immutable.Pass, immutable.Fail));
        Assert.Equal(ComplianceStatus.NotChecked, Control(report, "cloud-infrastructure").Status);
        Assert.Equal(report.Compliance!.Controls.Select(c => c.Id).Take(2), ["non-root-containers", "immutable-filesystem"]);
    }

    [Fact]
    public async Task Nist_800_190_counts_image_pinning_under_image_vulnerabilities()
    {
        var report = await ScanPodsAsync(ComplianceFrameworks.Nist800190);

        var images = Control(report, "4.1.1");
        Assert.Equal("Image vulnerabilities", images.Title);
        Assert.Contains("k8s-image-tag-fixed", images.Checks);
        Assert.Contains("k8s-image-digest", images.Checks);
        // nginx:latest fails both the tag and the digest check; the pinned image passes both.
        Assert.Equal((2, 2), (images.Pass, images.Fail));
        Assert.Equal(ComplianceStatus.NotChecked, Control(report, "4.2.1").Status);
    }

    [Fact]
    public void Cis_docker_counts_container_findings_and_names_host_checks_by_title()
    {
        var containers = new ScanReport
        {
            Artifact = new ArtifactInfo("unix:///var/run/docker.sock", ArtifactType.Containers),
            Results =
            [
                new ScanResult
                {
                    Target = "web", Class = ResultClass.Containers, Type = "container",
                    Findings = [ContainerChecks.Privileged.Fail("--privileged"), ContainerChecks.CapabilitiesAdded.Pass("none added"), ContainerChecks.CapabilitiesNotDropped.Fail("no --cap-drop")],
                },
                new ScanResult
                {
                    Target = "db", Class = ResultClass.Containers, Type = "container",
                    Findings = [ContainerChecks.Privileged.Pass("not privileged"), ContainerChecks.MemoryLimit.Pass("512 MiB")],
                },
            ],
        };
        var report = ComplianceScan.Apply(containers, ComplianceFrameworks.CisDocker, includePassed: true);

        var privileged = Control(report, "5.5");
        Assert.Equal((1, 1, ComplianceStatus.Fail), (privileged.Pass, privileged.Fail, privileged.Status));
        var capabilities = Control(report, "5.4");
        Assert.Equal(["container-capabilities-added", "container-capabilities-not-dropped"], capabilities.Checks);
        Assert.Equal((1, 1), (capabilities.Pass, capabilities.Fail));
        Assert.Equal(ComplianceStatus.Pass, Control(report, "5.11").Status);
        Assert.Equal(ComplianceStatus.NotApplicable, Control(report, "5.7").Status); // sshd check ran on nothing here
        Assert.Equal(ComplianceStatus.NotChecked, Control(report, "5.9").Status);
        // A containers audit does not run the daemon checks: section 2 is a gap there.
        Assert.Equal(ComplianceStatus.NotChecked, Control(report, "2.1").Status);
        Assert.Equal(5, report.Results.SelectMany(r => r.Findings).Count()); // --include-passed kept them

        // The host audit's catalog: daemon checks by number, the isolation checks by the recommendation's title.
        var host = ComplianceScan.Apply(new ScanReport
        {
            Artifact = new ArtifactInfo("node-1", ArtifactType.Host),
            Results = [new ScanResult { Target = "node-1", Class = ResultClass.Host, Type = "host", Findings = [HostSeccomp().Pass("CONFIG_SECCOMP_FILTER=y")] }],
        }, ComplianceFrameworks.CisDocker, includePassed: false);
        var seccomp = Control(host, "5.22");
        Assert.Contains("host-isolation-seccomp", seccomp.Checks);
        Assert.Equal((1, 0, ComplianceStatus.Pass), (seccomp.Pass, seccomp.Fail, seccomp.Status));
        Assert.Contains("host-runtime-rootless", Control(host, "2.1").Checks);
        Assert.Empty(host.Results.Single().Findings);
    }

    private static CheckInfo HostSeccomp() => HostCheckCatalog.All().SelectMany(g => g.Checks).Single(c => c.Id == "host-isolation-seccomp");

    /// <summary>Every reference a catalog writes for a framework names a control of its table (a typo would be a phantom control).</summary>
    [Fact]
    public void Every_catalog_reference_names_a_control_of_its_framework()
    {
        var catalog = ManifestCheckCatalog.All.Select(c => c.Info)
            .Concat(HostCheckCatalog.All().SelectMany(g => g.Checks))
            .Concat(ContainerChecks.All)
            .ToList();
        var problems = new List<string>();
        foreach (var framework in ComplianceFrameworks.All)
        {
            foreach (var (check, reference) in catalog.SelectMany(c => c.References.Select(r => (c, r))))
            {
                if (!reference.StartsWith(framework.ReferencePrefix, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                var control = framework.ControlOf(reference);
                // CIS Kubernetes sections 1 to 4 (control plane) are numbered by the check, not listed in the table.
                var tableCovers = framework != ComplianceFrameworks.CisKubernetes || control?.StartsWith("5.", StringComparison.Ordinal) == true;
                if (control is null || (tableCovers && framework.TitleOf(control) is null))
                {
                    problems.Add($"{check.Id}: {reference}");
                }
            }
        }
        Assert.Empty(problems);
        Assert.True(catalog.Count > 100);
    }

    [Fact]
    public void References_are_read_by_number_by_title_and_by_slug()
    {
        Assert.Equal("5.2.10", ComplianceFrameworks.CisKubernetes.ControlOf("CIS-K8s-5.2.10"));
        Assert.Null(ComplianceFrameworks.CisKubernetes.ControlOf("CIS-K8s-"));
        Assert.Null(ComplianceFrameworks.CisDocker.ControlOf("CIS-Docker-host"));
        Assert.Null(ComplianceFrameworks.CisDocker.ControlOf("CIS-Distribution: Ensure sshd Banner is configured"));
        Assert.Equal("5.2", ComplianceFrameworks.CisDocker.ControlOf("CIS-Docker: Ensure that, if applicable, an AppArmor Profile is enabled"));
        Assert.Equal("non-root-containers", ComplianceFrameworks.Nsa.ControlOf("NSA/CISA:Non_root containers"));
        Assert.Equal("4.5", ComplianceFrameworks.Nist800190.ControlOf("NIST-800-190-4.5"));
        Assert.Equal("Host OS countermeasures", ComplianceFrameworks.Nist800190.TitleOf("4.5"));
        Assert.Null(ComplianceFrameworks.Nist800190.ControlOf("NIST-800-57-1-5.6.1"));
        Assert.Equal(ComplianceFrameworks.Nsa, ComplianceFrameworks.Find("NSA"));
        Assert.Null(ComplianceFrameworks.Find("pci"));
    }

    [Fact]
    public async Task Json_report_carries_the_compliance_section_and_matches_the_schema()
    {
        foreach (var framework in ComplianceFrameworks.All)
        {
            var report = await ScanPodsAsync(framework);
            var json = await WriterOutput.WriteAsync(new JsonReportWriter(), report);
            Schema.Value.AssertValid(json);
            var compliance = WriterOutput.Parse(json).GetProperty("compliance");
            Assert.Equal(framework.Id, compliance.GetProperty("framework").GetString());
            Assert.Equal(report.Compliance!.Controls.Count, compliance.GetProperty("controls").GetArrayLength());
            Assert.Equal(report.Compliance.ControlsNotChecked, compliance.GetProperty("totals").GetProperty("notChecked").GetInt32());
        }
        var k8s = WriterOutput.Parse(await WriterOutput.WriteAsync(new JsonReportWriter(), await ScanPodsAsync(ComplianceFrameworks.CisKubernetes)));
        var privileged = k8s.GetProperty("compliance").GetProperty("controls").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "5.2.2");
        Assert.Equal("fail", privileged.GetProperty("status").GetString());
        Assert.Equal(1, privileged.GetProperty("pass").GetInt32());
        Assert.Equal("not_checked", k8s.GetProperty("compliance").GetProperty("controls").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "5.2.1").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Table_ends_with_a_row_per_control()
    {
        var text = await WriterOutput.WriteAsync(new TableReportWriter(), await ScanPodsAsync(ComplianceFrameworks.CisKubernetes));

        Assert.Contains("\nCompliance: CIS Kubernetes Benchmark v1.9.0", text, StringComparison.Ordinal);
        var row = Assert.Single(text.Split('\n'), l => l.StartsWith("5.2.2 ", StringComparison.Ordinal));
        Assert.Matches(@"^5\.2\.2\s+fail\s+1\s+1\s+Minimize the admission of privileged containers\s+k8s-privileged, k8s-psp-privileged, k8s-scc-privileged$", row);
        Assert.Contains(text.Split('\n'), l => l.StartsWith("5.2.1 ", StringComparison.Ordinal) && l.Contains("not checked", StringComparison.Ordinal));
    }
}
