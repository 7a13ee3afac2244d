using Seawall.ContainerAudit.Checks;
using Seawall.Core.Model;

namespace Seawall.Tests.ContainerAudit;

/// <summary>The whole audit on the real captures: the runtime's word, the kernel's, their agreement, the grade.</summary>
public sealed class ContainerAuditorTests
{
    /// <summary>What the risky container must be flagged for, and the tidy one never.</summary>
    private static readonly string[] RiskyChecks =
    [
        ContainerChecks.CapabilitiesAdded.Id, ContainerChecks.HostPid.Id, ContainerChecks.HostNetwork.Id,
        ContainerChecks.RuntimeSocket.Id, ContainerChecks.SensitiveMount.Id, ContainerChecks.RunsAsRoot.Id,
        ContainerChecks.RootIsHostRoot.Id, ContainerChecks.MemoryLimit.Id, ContainerChecks.PidsLimit.Id,
        ContainerChecks.NoNewPrivileges.Id, ContainerChecks.WritableRootfs.Id, ContainerChecks.WritableHostMount.Id,
    ];

    private static readonly string[] KernelAgreement =
    [
        ContainerChecks.KernelCapabilities.Id, ContainerChecks.KernelNamespaces.Id, ContainerChecks.KernelSeccomp.Id,
        ContainerChecks.KernelNoNewPrivs.Id, ContainerChecks.KernelUser.Id,
    ];

    [Fact]
    public void Risky_IsFlaggedForEveryRiskItTakes_AndGradedCritical()
    {
        using var proc = ContainerFixture.ProcRoot();
        var result = ContainerFixture.Audit(proc, "risky").Results.Single();

        var failed = Failed(result);
        Assert.All(RiskyChecks, id => Assert.Contains(id, failed));
        Assert.Equal("CapAdd: SYS_ADMIN (dangerous: SYS_ADMIN)", Evidence(result, ContainerChecks.CapabilitiesAdded.Id));
        Assert.Equal("/etc -> /hostetc (rw)", Evidence(result, ContainerChecks.SensitiveMount.Id));
        Assert.Equal("/var/run/docker.sock -> /var/run/docker.sock (rw)", Evidence(result, ContainerChecks.RuntimeSocket.Id));
        // Not what it did not do.
        Assert.DoesNotContain(ContainerChecks.Privileged.Id, failed);
        Assert.DoesNotContain(ContainerChecks.HostIpc.Id, failed);
        Assert.DoesNotContain(ContainerChecks.SeccompUnconfined.Id, failed);

        var risk = result.Risk!;
        Assert.Equal("critical", risk.Grade);
        Assert.True(risk.KernelChecked);
        Assert.Equal(
            ["runtime socket mounted (/var/run/docker.sock)", "writable host /etc mounted at /hostetc", "SYS_ADMIN with the host's PID namespace (setns into PID 1's namespaces)"],
            risk.HostRootPaths);
    }

    [Fact]
    public void Tidy_IsFlaggedForNoneOfThem_AndGradedLow()
    {
        using var proc = ContainerFixture.ProcRoot();
        var result = ContainerFixture.Audit(proc, "tidy").Results.Single();

        var failed = Failed(result);
        Assert.All(RiskyChecks, id => Assert.DoesNotContain(id, failed));
        Assert.Empty(result.Risk!.HostRootPaths);
        // Only what the flags leave out: no CPU limit, no health check, an image by tag, and the exec -u 0.
        Assert.Equal(
            [ContainerChecks.CpuLimit.Id, ContainerChecks.ExecRoot.Id, ContainerChecks.Healthcheck.Id, ContainerChecks.ImageByTag.Id],
            failed.Order(StringComparer.Ordinal));
        Assert.Equal("medium", result.Risk.Grade);
    }

    [Theory]
    [InlineData("risky")]
    [InlineData("tidy")]
    [InlineData("ports")]
    public void KernelView_AgreesWithTheRuntime_OnTheRealCaptures(string name)
    {
        using var proc = ContainerFixture.ProcRoot();
        var result = ContainerFixture.Audit(proc, name).Results.Single();
        foreach (var id in KernelAgreement)
        {
            var finding = Assert.Single(result.Findings, f => f.CheckId == id);
            Assert.True(finding.Status == FindingStatus.Pass, $"{name}: {id}: {finding.Evidence}");
        }
    }

    [Fact]
    public void KernelNamespaces_ComparesEachKindWithDockerds()
    {
        using var proc = ContainerFixture.ProcRoot();
        var risky = Find(ContainerFixture.Audit(proc, "risky").Results.Single(), ContainerChecks.KernelNamespaces.Id).Evidence!;
        Assert.Contains("pid: kernel host", risky, StringComparison.Ordinal);
        Assert.Contains("net: kernel host", risky, StringComparison.Ordinal);
        Assert.Contains("ipc: kernel own", risky, StringComparison.Ordinal);
        Assert.Contains("user: kernel host", risky, StringComparison.Ordinal);
        var tidy = Find(ContainerFixture.Audit(proc, "tidy").Results.Single(), ContainerChecks.KernelNamespaces.Id).Evidence!;
        Assert.Contains("pid: kernel own", tidy, StringComparison.Ordinal);
        Assert.Contains("net: kernel own", tidy, StringComparison.Ordinal);
    }

    [Fact]
    public void KernelDisagreement_CapabilityTheRuntimeNeverGave_IsFlagged()
    {
        // tidy's bounding set as if a hook had given SYS_ADMIN back (bit 21).
        using var proc = ContainerFixture.ProcRoot((name, file, text) =>
            name == "tidy" && file == "status" ? text.Replace("CapBnd:\t0000000000000000", "CapBnd:\t0000000000200000", StringComparison.Ordinal) : text);
        var finding = Find(ContainerFixture.Audit(proc, "tidy").Results.Single(), ContainerChecks.KernelCapabilities.Id);
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.StartsWith("kernel CapBnd has +SYS_ADMIN", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void KernelDisagreement_PrivateNamespaceThatIsTheHosts_IsFlagged()
    {
        var hostNet = File.ReadAllLines(Path.Combine(ContainerFixture.DataDir, "proc-dockerd", "ns")).First(l => l.StartsWith("net ", StringComparison.Ordinal));
        using var proc = ContainerFixture.ProcRoot((name, file, text) =>
            name == "tidy" && file == "ns" ? string.Join('\n', text.Split('\n').Select(l => l.StartsWith("net ", StringComparison.Ordinal) ? hostNet : l)) : text);
        var finding = Find(ContainerFixture.Audit(proc, "tidy").Results.Single(), ContainerChecks.KernelNamespaces.Id);
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Contains("net: kernel host", finding.Evidence, StringComparison.Ordinal);
        Assert.Contains("runtime own", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void KernelDisagreement_SeccompOffAndNoNewPrivsLost_AreFlagged()
    {
        using var proc = ContainerFixture.ProcRoot((name, file, text) =>
            name == "tidy" && file == "status" ? text.Replace("Seccomp:\t2", "Seccomp:\t0", StringComparison.Ordinal).Replace("NoNewPrivs:\t1", "NoNewPrivs:\t0", StringComparison.Ordinal) : text);
        var result = ContainerFixture.Audit(proc, "tidy").Results.Single();
        Assert.Equal(FindingStatus.Fail, Find(result, ContainerChecks.KernelSeccomp.Id).Status);
        Assert.Equal(FindingStatus.Fail, Find(result, ContainerChecks.KernelNoNewPrivs.Id).Status);
        // The kernel's side is the one an attacker meets: no_new_privs off now fails the runtime check too.
        Assert.Equal(FindingStatus.Fail, Find(result, ContainerChecks.NoNewPrivileges.Id).Status);
    }

    [Fact]
    public void KernelDisagreement_InitRunningAsAnotherUser_IsFlagged()
    {
        using var proc = ContainerFixture.ProcRoot((name, file, text) =>
            name == "tidy" && file == "status" ? text.Replace("Uid:\t1000\t1000\t1000\t1000", "Uid:\t0\t0\t0\t0", StringComparison.Ordinal) : text);
        var result = ContainerFixture.Audit(proc, "tidy").Results.Single();
        Assert.Equal(FindingStatus.Fail, Find(result, ContainerChecks.KernelUser.Id).Status);
        Assert.Equal(FindingStatus.Fail, Find(result, ContainerChecks.RootIsHostRoot.Id).Status);
    }

    [Fact]
    public void RemappedRoot_IsNotHostRoot_AndItsCapabilitiesAreNoPathToIt()
    {
        // risky as if dockerd remapped user namespaces: uid 0 inside is 100000 outside.
        using var proc = ContainerFixture.ProcRoot((name, file, text) => name == "risky" ? file switch
        {
            "uid_map" => "         0     100000      65536\n",
            "status" => text.Replace("Uid:\t0\t0\t0\t0", "Uid:\t100000\t100000\t100000\t100000", StringComparison.Ordinal),
            _ => text,
        } : text);
        var result = ContainerFixture.Audit(proc, "risky").Results.Single();
        Assert.Equal(FindingStatus.Pass, Find(result, ContainerChecks.RootIsHostRoot.Id).Status);
        // The socket still is a path: the daemon starts whatever container it is asked for.
        Assert.Equal(["runtime socket mounted (/var/run/docker.sock)"], result.Risk!.HostRootPaths);
    }

    [Fact]
    public void Ports_PublishedOnEveryInterface_PrivilegedPort_RestartAlways_Unconfined_AddedNetAdmin()
    {
        using var proc = ContainerFixture.ProcRoot();
        var result = ContainerFixture.Audit(proc, "ports").Results.Single();
        var failed = Failed(result);
        Assert.Equal("0.0.0.0:80->8080/tcp", Evidence(result, ContainerChecks.PortsAllInterfaces.Id));
        Assert.Equal("0.0.0.0:80->8080/tcp", Evidence(result, ContainerChecks.PrivilegedPorts.Id));
        Assert.Equal("RestartPolicy: always", Evidence(result, ContainerChecks.RestartPolicy.Id));
        Assert.Equal("SecurityOpt: seccomp=unconfined", Evidence(result, ContainerChecks.SeccompUnconfined.Id));
        Assert.Equal("CapAdd: NET_ADMIN (dangerous: NET_ADMIN)", Evidence(result, ContainerChecks.CapabilitiesAdded.Id));
        Assert.Contains(ContainerChecks.ExecRoot.Id, failed);
        Assert.DoesNotContain(ContainerChecks.Healthcheck.Id, failed);
        Assert.DoesNotContain(ContainerChecks.CpuLimit.Id, failed);
        Assert.DoesNotContain(ContainerChecks.CapabilitiesNotDropped.Id, failed);
        Assert.DoesNotContain(ContainerChecks.SensitiveMount.Id, failed);
        Assert.DoesNotContain(ContainerChecks.WritableHostMount.Id, failed);
        Assert.DoesNotContain(ContainerChecks.DefaultBridge.Id, failed);
        Assert.Equal("high", result.Risk!.Grade);
        // The kernel agrees the profile is off.
        Assert.Contains("kernel Seccomp 0", Find(result, ContainerChecks.KernelSeccomp.Id).Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutProc_OnlyTheRuntimesWordIsJudged_AndTheReportSaysSo()
    {
        var audit = ContainerFixture.Audit(null, "risky", "tidy");
        Assert.All(audit.Results, r => Assert.False(r.Risk!.KernelChecked));
        Assert.All(audit.Results, r => Assert.DoesNotContain(r.Findings, f => KernelAgreement.Contains(f.CheckId)));
        Assert.Contains(audit.Warnings, w => w.Contains("only the runtime's word", StringComparison.Ordinal));
        // Without uid_map the daemon's options decide: no remapping, so root is host root and SYS_ADMIN + host PID still counts.
        Assert.Equal(3, audit.Results.Single(r => r.Target == "risky").Risk!.HostRootPaths.Count);
    }

    [Fact]
    public void ContainerMissingFromProc_IsAWarnFinding_NotSilence()
    {
        using var proc = ContainerFixture.ProcRoot(null, "dockerd", "tidy");
        var result = ContainerFixture.Audit(proc, "risky").Results.Single();
        var finding = Find(result, ContainerChecks.KernelVisibility.Id);
        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.False(result.Risk!.KernelChecked);
    }

    [Fact]
    public void Overview_CountsContainersThatReachHostRoot_ByPath()
    {
        using var proc = ContainerFixture.ProcRoot();
        var overview = ContainerFixture.Audit(proc, "risky", "tidy", "ports").Overview;
        Assert.Equal(3, overview.Containers);
        Assert.Equal(1, overview.ReachHostRoot);
        Assert.Equal(["SYS_ADMIN with the host's PID namespace", "runtime socket mounted", "writable host directory"], overview.ByPath.Keys.Order(StringComparer.Ordinal));
        Assert.All(overview.ByPath.Values, names => Assert.Equal(["risky"], names));
    }

    [Fact]
    public void EveryFinding_NamesItsContainer_AndComesFromTheCatalog()
    {
        using var proc = ContainerFixture.ProcRoot();
        var ids = ContainerChecks.All.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(ContainerChecks.All.Count, ids.Count);
        foreach (var result in ContainerFixture.Audit(proc, "risky", "tidy", "ports").Results)
        {
            Assert.All(result.Findings, f =>
            {
                Assert.Equal(result.Target, f.Target);
                Assert.Contains(f.CheckId, ids);
                Assert.NotEmpty(f.Evidence!);
            });
            // One finding per check (exec checks once per running exec session).
            Assert.All(result.Findings.Where(f => !f.CheckId.StartsWith("container-exec-", StringComparison.Ordinal)).GroupBy(f => f.CheckId), g => Assert.Single(g));
        }
    }

    [Fact]
    public async Task JsonReport_OfAContainersAudit_IsValidAgainstTheReportSchema_AndCarriesRiskAndOverview()
    {
        using var proc = ContainerFixture.ProcRoot();
        var audit = ContainerFixture.Audit(proc, "risky", "tidy", "ports");
        var report = new ScanReport
        {
            Artifact = new ArtifactInfo("unix:///var/run/docker.sock", ArtifactType.Containers),
            Results = audit.Results,
            Containers = audit.Overview,
        };
        var json = await Seawall.Tests.Reporting.WriterOutput.WriteAsync(new Seawall.Reporting.Writers.JsonReportWriter(), report);
        Support.SchemaValidator.FromFile(Path.Combine(AppContext.BaseDirectory, "Schemas", "seawall-report-1.schema.json")).AssertValid(json);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal("critical", doc.RootElement.GetProperty("results")[0].GetProperty("risk").GetProperty("grade").GetString());
        Assert.Equal(1, doc.RootElement.GetProperty("containers").GetProperty("reachHostRoot").GetInt32());
        var table = await Seawall.Tests.Reporting.WriterOutput.WriteAsync(new Seawall.Reporting.Writers.TableReportWriter(), report);
        Assert.Contains("Risk: critical (seawall-test/mini, checked against /proc)", table, StringComparison.Ordinal);
        Assert.Contains("Containers: 3 running, 1 can reach host root", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SarifReport_OfAContainersAudit_IsValidSarif210()
    {
        using var proc = ContainerFixture.ProcRoot();
        var audit = ContainerFixture.Audit(proc, "risky", "tidy");
        var report = new ScanReport { Artifact = new ArtifactInfo("unix:///var/run/docker.sock", ArtifactType.Containers), Results = audit.Results, Containers = audit.Overview };
        var sarif = await Seawall.Tests.Reporting.WriterOutput.WriteAsync(new Seawall.Reporting.Writers.SarifWriter(), report);
        Support.SchemaValidator.Sarif210().AssertValid(sarif);
        Assert.Contains("\"ruleId\": \"container-runtime-socket\"", sarif, StringComparison.Ordinal);
    }

    private static HashSet<string> Failed(ScanResult result) =>
        result.Findings.Where(f => f.Status == FindingStatus.Fail).Select(f => f.CheckId).ToHashSet(StringComparer.Ordinal);

    private static Finding Find(ScanResult result, string id) => Assert.Single(result.Findings, f => f.CheckId == id);

    private static string? Evidence(ScanResult result, string id) => Find(result, id).Evidence;
}
