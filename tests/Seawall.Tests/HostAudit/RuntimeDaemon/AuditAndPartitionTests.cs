using Seawall.Core.Model;
using Seawall.HostAudit.RuntimeDaemon;

namespace Seawall.Tests.HostAudit.RuntimeDaemon;

/// <summary>CIS Docker 1.1.1 (data root partition) and 1.1.3 to 1.1.18 (auditd rules), and the other-runtimes note.</summary>
public class AuditAndPartitionTests
{
    private const UnixFileMode Mode755 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private static HostRoot DockerHost()
    {
        var root = new HostRoot();
        root.Write("usr/sbin/dockerd", "ELF", Mode755)
            .Write("usr/sbin/runc", "ELF", Mode755)
            .Write("usr/bin/containerd", "ELF", Mode755)
            .Dir("etc/docker", Mode755)
            .Dir("var/lib/docker", Mode755)
            .Write("lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/sbin/dockerd -H fd://\n");
        return root;
    }

    [Fact]
    public void AuditRules_WatchAndPathFieldRules_Pass_OthersWarn()
    {
        using var root = DockerHost();
        root.Write("etc/audit/rules.d/docker.rules", string.Join('\n',
            "# Docker",
            "-w /usr/sbin/dockerd -k docker",
            "-a always,exit -F path=/usr/sbin/runc -F perm=x -k docker",
            "-a exit,always -F dir=/var/lib/docker -F perm=war -k docker",
            "#-w /etc/docker -k docker",
            string.Empty));

        var findings = root.Run(new RuntimeDaemonChecks());

        var dockerd = findings.One("host-runtime-audit-dockerd");
        Assert.Equal(FindingStatus.Pass, dockerd.Status);
        Assert.Equal(new Location(Path: "etc/audit/rules.d/docker.rules", Line: 2), dockerd.Location);
        Assert.Equal(FindingStatus.Pass, findings.One("host-runtime-audit-runc").Status);
        Assert.Equal(FindingStatus.Pass, findings.One("host-runtime-audit-var-lib-docker").Status);
        var etcDocker = findings.One("host-runtime-audit-etc-docker");
        Assert.Equal(FindingStatus.Warn, etcDocker.Status); // the commented-out rule does not count
        Assert.Contains("no audit rule watches /etc/docker; read /etc/audit/rules.d/docker.rules", etcDocker.Evidence, StringComparison.Ordinal);
        Assert.Equal("echo '-w /etc/docker -k docker' >> /etc/audit/rules.d/docker.rules && augenrules --load", etcDocker.Remediation);
        Assert.Equal(FindingStatus.Warn, findings.One("host-runtime-audit-docker-service").Status);
        Assert.Equal(FindingStatus.Warn, findings.One("host-runtime-audit-containerd").Status);
    }

    [Fact]
    public void AuditRules_CompiledRulesFile_IsReadToo()
    {
        using var root = DockerHost();
        root.Write("etc/audit/audit.rules", "-D\n-b 8192\n-w /lib/systemd/system/docker.service -p wa -k docker\n");

        Assert.Equal(FindingStatus.Pass, root.Run(new RuntimeDaemonChecks()).One("host-runtime-audit-docker-service").Status);
    }

    [Fact]
    public void AuditRules_NoAuditd_WarnsPerPresentItemOnly()
    {
        using var root = DockerHost();

        var findings = root.Run(new RuntimeDaemonChecks());

        Assert.Contains("auditd is not configured", findings.One("host-runtime-audit-dockerd").Evidence, StringComparison.Ordinal);
        Assert.False(findings.Has("host-runtime-audit-etc-sysconfig-docker")); // the file is not on this host
        Assert.False(findings.Has("host-runtime-audit-containerd-shim"));
    }

    [Fact]
    public void AuditRules_DataRootMoved_TheMovedDirectoryCounts()
    {
        using var root = DockerHost();
        root.Proc(5, ["dockerd", "--data-root=/srv/docker"]).Dir("srv/docker", Mode755).Write("etc/audit/rules.d/d.rules", "-w /srv/docker -k docker\n");

        Assert.Equal(FindingStatus.Pass, root.Run(new RuntimeDaemonChecks()).One("host-runtime-audit-var-lib-docker").Status);
    }

    [Theory]
    [InlineData("-w /usr/bin/dockerd -k docker", new[] { "/usr/bin/dockerd" })]
    [InlineData("-a always,exit -F arch=b64 -F path=/usr/bin/runc -F perm=x", new[] { "/usr/bin/runc" })]
    [InlineData("-a exit,always -F dir=/run/containerd -F perm=war -k docker", new[] { "/run/containerd" })]
    [InlineData("  # -w /etc/docker", new string[0])]
    [InlineData("-e 2", new string[0])]
    public void RulePaths_Forms(string line, string[] expected) =>
        Assert.Equal(expected, DockerAuditRules.RulePaths(line));

    private const string RootOnly = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n";

    [Fact]
    public void DataRoot_OnTheRootFilesystem_Warns()
    {
        using var root = DockerHost();
        root.Write("proc/1/mountinfo", RootOnly + "23 22 0:21 / /proc rw,nosuid shared:2 - proc proc rw\n");

        var finding = root.Run(new RuntimeDaemonChecks()).One("host-runtime-data-root-partition");

        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.Equal("/var/lib/docker is on the / mount (ext4 /dev/sda1)", finding.Evidence);
        Assert.Equal("proc/1/mountinfo", finding.Location?.Path);
    }

    [Fact]
    public void DataRoot_OwnMount_Passes()
    {
        using var root = DockerHost();
        root.Write("proc/1/mountinfo", RootOnly + "40 22 253:2 / /var/lib/docker rw,relatime shared:20 - xfs /dev/mapper/vg0-docker rw\n");

        var finding = root.Run(new RuntimeDaemonChecks()).One("host-runtime-data-root-partition");

        Assert.Equal(FindingStatus.Pass, finding.Status);
        Assert.Contains("(xfs /dev/mapper/vg0-docker)", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void DataRoot_ParentMountedButNotTheRootItself_Warns()
    {
        using var root = DockerHost();
        root.Write("proc/1/mountinfo", RootOnly + "41 22 253:3 / /var/lib rw - ext4 /dev/sdb1 rw\n");

        var finding = root.Run(new RuntimeDaemonChecks()).One("host-runtime-data-root-partition");

        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.Contains("on the /var/lib mount", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void MountInfo_OctalEscapes_Decoded()
    {
        var mounts = DataRootPartition.Parse("50 22 8:3 / /mnt/my\\040disk rw shared:9 - ext4 /dev/sdc1 rw\n51 22 0:45 / /x rw - tmpfs tmpfs rw\n");

        Assert.Equal(["/mnt/my disk", "/x"], mounts.Select(m => m.MountPoint));
        Assert.Equal("tmpfs", mounts[1].FileSystem);
    }

    [Fact]
    public void OtherRuntimes_CrunAndPodman_ListedAsInfo_NoneGivesNothing()
    {
        using var root = new HostRoot();
        root.Write("usr/bin/crun", "ELF", Mode755);
        using var plain = new HostRoot();
        plain.Write("etc/hostname", "x\n");

        var finding = root.Run(new RuntimeDaemonChecks(), [new Package { Name = "podman", Version = "4.3.1+ds1-8+b1" }]).One("host-runtime-other-runtimes");

        Assert.Equal(FindingStatus.Info, finding.Status);
        Assert.Equal("podman: package podman 4.3.1+ds1-8+b1; crun: /usr/bin/crun", finding.Evidence);
        Assert.False(plain.Run(new RuntimeDaemonChecks()).Has("host-runtime-other-runtimes"));
    }
}
