using Seawall.Core.Model;
using Seawall.HostAudit.RuntimeDaemon;

namespace Seawall.Tests.HostAudit.RuntimeDaemon;

/// <summary>CIS Docker section 3 (owners and modes) and 1.1.2 (docker group), on files with real modes and owners.</summary>
public class DockerFileTests
{
    private const UnixFileMode Mode644 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Mode666 = Mode644 | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
    private const UnixFileMode Mode444 = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Mode400 = UnixFileMode.UserRead;
    private const UnixFileMode Mode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Mode660 = Mode600 | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;
    private const UnixFileMode Mode755 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>A host where Docker is installed (dockerd binary) and not running; the test adds the files it checks.</summary>
    private static HostRoot DockerHost()
    {
        var root = new HostRoot();
        root.Write("usr/bin/dockerd", "ELF", Mode755)
            .Write("etc/group", "root:x:0:\ndocker:x:998:alice,bob\n")
            .Write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n")
            .Dir("etc/docker", Mode755);
        return root;
    }

    [Theory]
    [InlineData("lib/systemd/system/docker.service", "host-runtime-docker-service-mode")]
    [InlineData("etc/systemd/system/docker.service", "host-runtime-docker-service-mode")]
    [InlineData("usr/lib/systemd/system/docker.socket", "host-runtime-docker-socket-unit-mode")]
    [InlineData("etc/docker/daemon.json", "host-runtime-daemon-json-mode")]
    [InlineData("etc/default/docker", "host-runtime-etc-default-docker-mode")]
    [InlineData("etc/sysconfig/docker", "host-runtime-etc-sysconfig-docker-mode")]
    public void Mode_WritableByOthers_FailsWithChmod(string path, string checkId)
    {
        using var root = DockerHost();
        root.Write(path, path.EndsWith(".json", StringComparison.Ordinal) ? "{}" : "[Unit]\n", Mode666);

        var finding = root.Run(new RuntimeDaemonChecks()).One(checkId);

        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.StartsWith($"/{path} is 666 ", finding.Evidence, StringComparison.Ordinal);
        Assert.Equal($"chmod 644 /{path}", finding.Remediation);
        Assert.Equal(path, finding.Location?.Path);
    }

    [Theory]
    [InlineData("lib/systemd/system/docker.service", "host-runtime-docker-service-mode")]
    [InlineData("etc/docker/daemon.json", "host-runtime-daemon-json-mode")]
    [InlineData("etc/default/docker", "host-runtime-etc-default-docker-mode")]
    public void Mode_MoreRestrictiveThan644_Passes(string path, string checkId)
    {
        using var root = DockerHost();
        root.Write(path, "{}", Mode600);

        Assert.Equal(FindingStatus.Pass, root.Run(new RuntimeDaemonChecks()).One(checkId).Status);
    }

    [Fact]
    public void Mode_SetuidBit_IsBeyond644()
    {
        using var root = DockerHost();
        root.Write("etc/default/docker", "DOCKER_OPTS=\n", Mode644 | UnixFileMode.SetUser);

        var finding = root.Run(new RuntimeDaemonChecks()).One("host-runtime-etc-default-docker-mode");

        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.StartsWith("/etc/default/docker is 4644", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Owner_DaemonJsonOwnedByUser_Fails()
    {
        using var root = DockerHost();
        root.Write("etc/docker/daemon.json", "{}", Mode644).Chown("etc/docker/daemon.json", 1000, 1000);

        var finding = root.Run(new RuntimeDaemonChecks()).One("host-runtime-daemon-json-owner");

        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Equal("/etc/docker/daemon.json is 644 alice:1000", finding.Evidence);
        Assert.Equal("chown root:root /etc/docker/daemon.json", finding.Remediation);
    }

    [Fact]
    public void Owner_RootOwned_Passes()
    {
        Assert.SkipUnless(HostRoot.IsRoot(), "the fixture's files belong to root only when the test runs as root");
        using var root = DockerHost();
        root.Write("etc/docker/daemon.json", "{}", Mode644);

        Assert.Equal(FindingStatus.Pass, root.Run(new RuntimeDaemonChecks()).One("host-runtime-daemon-json-owner").Status);
    }

    [Fact]
    public void EtcDocker_GroupWritable_Fails_755Passes()
    {
        using var bad = DockerHost();
        bad.Dir("etc/docker", Mode755 | UnixFileMode.GroupWrite);
        using var good = DockerHost();

        Assert.Equal(FindingStatus.Fail, bad.Run(new RuntimeDaemonChecks()).One("host-runtime-etc-docker-mode").Status);
        Assert.Equal(FindingStatus.Pass, good.Run(new RuntimeDaemonChecks()).One("host-runtime-etc-docker-mode").Status);
    }

    [Fact]
    public void DockerSock_RootDocker660_Passes()
    {
        using var root = DockerHost();
        root.Socket("var/run/docker.sock", Mode660).Chown("var/run/docker.sock", 0, 998);

        var findings = root.Run(new RuntimeDaemonChecks());

        Assert.Equal(FindingStatus.Pass, findings.One("host-runtime-docker-sock-owner").Status);
        var mode = findings.One("host-runtime-docker-sock-mode");
        Assert.Equal(FindingStatus.Pass, mode.Status);
        Assert.Equal("/var/run/docker.sock is 660 root:docker", mode.Evidence);
    }

    [Fact]
    public void DockerSock_WorldWritable_Fails()
    {
        using var root = DockerHost();
        root.Socket("var/run/docker.sock", Mode666);

        var finding = root.Run(new RuntimeDaemonChecks()).One("host-runtime-docker-sock-mode");

        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Equal("chmod 660 /var/run/docker.sock", finding.Remediation);
    }

    [Fact]
    public void DockerSock_OwnedByAUser_Fails()
    {
        using var root = DockerHost();
        root.Socket("var/run/docker.sock", Mode660).Chown("var/run/docker.sock", 1000, 998);

        var finding = root.Run(new RuntimeDaemonChecks()).One("host-runtime-docker-sock-owner");

        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Equal("chown root:docker /var/run/docker.sock", finding.Remediation);
    }

    [Fact]
    public void DockerSock_RegularFileAtThePath_IsNotASocket_NotChecked()
    {
        using var root = DockerHost();
        root.Write("var/run/docker.sock", "not a socket", Mode666);

        Assert.False(root.Run(new RuntimeDaemonChecks()).Has("host-runtime-docker-sock-mode"));
    }

    [Fact]
    public void DockerSock_NamedByHostFlag_ThatSocketIsChecked()
    {
        using var root = DockerHost();
        root.Proc(10, ["dockerd", "-H", "unix:///srv/docker/api.sock"]).Socket("srv/docker/api.sock", Mode666).Socket("var/run/docker.sock", Mode660);

        var finding = root.Run(new RuntimeDaemonChecks()).One("host-runtime-docker-sock-mode");

        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Equal("/srv/docker/api.sock", finding.Target);
    }

    [Fact]
    public void RegistryCertificates_WritableCrt_Fails_444Passes()
    {
        using var bad = DockerHost();
        bad.Write("etc/docker/certs.d/registry.example:5000/ca.crt", "-----BEGIN CERTIFICATE-----\n", Mode644)
            .Write("etc/docker/certs.d/registry.example:5000/client.key", "key", Mode600);
        using var good = DockerHost();
        good.Write("etc/docker/certs.d/registry.example:5000/ca.crt", "-----BEGIN CERTIFICATE-----\n", Mode444);

        var failed = bad.Run(new RuntimeDaemonChecks()).One("host-runtime-registry-certs-mode");
        Assert.Equal(FindingStatus.Fail, failed.Status);
        Assert.Equal("/etc/docker/certs.d/registry.example:5000/ca.crt is 644 " + (HostRoot.IsRoot() ? "root:root" : failed.Evidence!.Split(' ')[^1]), failed.Evidence);
        Assert.Equal(FindingStatus.Pass, good.Run(new RuntimeDaemonChecks()).One("host-runtime-registry-certs-mode").Status);
    }

    [Fact]
    public void TlsFiles_NamedByFlags_KeyMustBe400()
    {
        using var root = DockerHost();
        root.Proc(10, ["dockerd", "--tlsverify", "--tlscacert=/etc/docker/tls/ca.pem", "--tlscert=/etc/docker/tls/cert.pem", "--tlskey=/etc/docker/tls/key.pem", "-H", "tcp://0.0.0.0:2376"])
            .Write("etc/docker/tls/ca.pem", "ca", Mode444)
            .Write("etc/docker/tls/cert.pem", "cert", Mode644)
            .Write("etc/docker/tls/key.pem", "key", Mode600);

        var findings = root.Run(new RuntimeDaemonChecks());

        Assert.Equal(FindingStatus.Pass, findings.One("host-runtime-tls-ca-mode").Status);
        Assert.Equal(FindingStatus.Fail, findings.One("host-runtime-tls-cert-mode").Status);
        var key = findings.One("host-runtime-tls-key-mode");
        Assert.Equal(FindingStatus.Fail, key.Status);
        Assert.Equal("chmod 400 /etc/docker/tls/key.pem", key.Remediation);
    }

    [Fact]
    public void TlsFiles_Key400_Passes()
    {
        using var root = DockerHost();
        root.Proc(10, ["dockerd", "--tlsverify", "--tlskey=/etc/docker/tls/key.pem"]).Write("etc/docker/tls/key.pem", "key", Mode400);

        Assert.Equal(FindingStatus.Pass, root.Run(new RuntimeDaemonChecks()).One("host-runtime-tls-key-mode").Status);
    }

    [Fact]
    public void TlsFiles_NoTls_NotChecked()
    {
        using var root = DockerHost();

        Assert.False(root.Run(new RuntimeDaemonChecks()).Has("host-runtime-tls-key-mode"));
    }

    [Fact]
    public void ContainerdSock_GroupReadableByAll_Fails_660Passes()
    {
        using var bad = DockerHost();
        bad.Socket("run/containerd/containerd.sock", Mode666);
        using var good = DockerHost();
        good.Socket("run/containerd/containerd.sock", Mode660);

        Assert.Equal(FindingStatus.Fail, bad.Run(new RuntimeDaemonChecks()).One("host-runtime-containerd-sock-mode").Status);
        Assert.Equal(FindingStatus.Pass, good.Run(new RuntimeDaemonChecks()).One("host-runtime-containerd-sock-mode").Status);
    }

    [Fact]
    public void DockerGroup_Members_AreListedForAPerson()
    {
        using var root = DockerHost();

        var finding = root.Run(new RuntimeDaemonChecks()).One("host-runtime-docker-group");

        Assert.Equal(FindingStatus.Manual, finding.Status);
        Assert.Contains("alice, bob", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void DockerGroup_Empty_Passes()
    {
        using var root = DockerHost();
        root.Write("etc/group", "root:x:0:\ndocker:x:998:\n");

        Assert.Equal(FindingStatus.Pass, root.Run(new RuntimeDaemonChecks()).One("host-runtime-docker-group").Status);
    }
}
