using Seawall.Core.Model;
using Seawall.HostAudit.RuntimeDaemon;

namespace Seawall.Tests.HostAudit.RuntimeDaemon;

/// <summary>CIS Docker section 2 from dockerd's command line and daemon.json: one firing and one quiet case per check.</summary>
public class DaemonConfigTests
{
    private static List<Finding> RunDockerd(string flags, string? daemonJson = null, Action<HostRoot>? more = null)
    {
        using var root = new HostRoot();
        root.Proc(4242, ["/usr/bin/dockerd", .. flags.Split(' ', StringSplitOptions.RemoveEmptyEntries)], exe: "/usr/bin/dockerd");
        if (daemonJson is not null)
        {
            root.Write("etc/docker/daemon.json", daemonJson, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        more?.Invoke(root);
        return root.Run(new RuntimeDaemonChecks());
    }

    [Theory]
    // 2.2 icc
    [InlineData("", null, "host-runtime-icc", FindingStatus.Warn)]
    [InlineData("--icc=false", null, "host-runtime-icc", FindingStatus.Pass)]
    [InlineData("--bridge=none", null, "host-runtime-icc", FindingStatus.Pass)]
    [InlineData("", "{\"icc\": false}", "host-runtime-icc", FindingStatus.Pass)]
    [InlineData("", "{\"icc\": true}", "host-runtime-icc", FindingStatus.Warn)]
    // 2.3 log level
    [InlineData("--log-level=debug", null, "host-runtime-log-level", FindingStatus.Warn)]
    [InlineData("-D", null, "host-runtime-log-level", FindingStatus.Warn)]
    [InlineData("", "{\"log-level\": \"error\"}", "host-runtime-log-level", FindingStatus.Warn)]
    [InlineData("-l info", null, "host-runtime-log-level", FindingStatus.Pass)]
    [InlineData("", null, "host-runtime-log-level", FindingStatus.Pass)]
    // 2.4 iptables
    [InlineData("--iptables=false", null, "host-runtime-iptables", FindingStatus.Warn)]
    [InlineData("", "{\"iptables\": false}", "host-runtime-iptables", FindingStatus.Warn)]
    [InlineData("", null, "host-runtime-iptables", FindingStatus.Pass)]
    // 2.5 insecure registries
    [InlineData("--insecure-registry 10.0.0.5:5000", null, "host-runtime-insecure-registries", FindingStatus.Warn)]
    [InlineData("", "{\"insecure-registries\": [\"myregistry:5000\"]}", "host-runtime-insecure-registries", FindingStatus.Warn)]
    [InlineData("", "{\"insecure-registries\": []}", "host-runtime-insecure-registries", FindingStatus.Pass)]
    // 2.6 aufs
    [InlineData("--storage-driver=aufs", null, "host-runtime-aufs", FindingStatus.Warn)]
    [InlineData("-s overlay2", null, "host-runtime-aufs", FindingStatus.Pass)]
    // 2.8 default ulimit
    [InlineData("--default-ulimit nofile=1024:2048", null, "host-runtime-default-ulimit", FindingStatus.Pass)]
    [InlineData("", "{\"default-ulimits\": {\"nofile\": {\"Name\": \"nofile\", \"Hard\": 64000, \"Soft\": 64000}}}", "host-runtime-default-ulimit", FindingStatus.Pass)]
    [InlineData("", null, "host-runtime-default-ulimit", FindingStatus.Info)]
    // 2.9 userns-remap
    [InlineData("", null, "host-runtime-userns-remap", FindingStatus.Warn)]
    [InlineData("--userns-remap=default", null, "host-runtime-userns-remap", FindingStatus.Pass)]
    [InlineData("", "{\"userns-remap\": \"\"}", "host-runtime-userns-remap", FindingStatus.Warn)]
    // 2.10 cgroup parent
    [InlineData("--cgroup-parent=/foo", null, "host-runtime-cgroup-parent", FindingStatus.Warn)]
    [InlineData("", null, "host-runtime-cgroup-parent", FindingStatus.Pass)]
    // 2.11 base device size
    [InlineData("--storage-opt dm.basesize=20G", null, "host-runtime-base-device-size", FindingStatus.Warn)]
    [InlineData("--storage-opt overlay2.size=20G", null, "host-runtime-base-device-size", FindingStatus.Pass)]
    // 2.12 authorization plugins
    [InlineData("--authorization-plugin=opa-docker-authz", null, "host-runtime-authz-plugin", FindingStatus.Pass)]
    [InlineData("", null, "host-runtime-authz-plugin", FindingStatus.Info)]
    // 2.13 remote logging
    [InlineData("", null, "host-runtime-remote-logging", FindingStatus.Warn)]
    [InlineData("--log-driver=json-file", null, "host-runtime-remote-logging", FindingStatus.Warn)]
    [InlineData("", "{\"log-driver\": \"syslog\"}", "host-runtime-remote-logging", FindingStatus.Pass)]
    // 2.14 no-new-privileges
    [InlineData("", null, "host-runtime-no-new-privileges", FindingStatus.Warn)]
    [InlineData("--no-new-privileges", null, "host-runtime-no-new-privileges", FindingStatus.Pass)]
    [InlineData("", "{\"no-new-privileges\": true}", "host-runtime-no-new-privileges", FindingStatus.Pass)]
    // 2.15 live restore
    [InlineData("", null, "host-runtime-live-restore", FindingStatus.Warn)]
    [InlineData("", "{\"live-restore\": true}", "host-runtime-live-restore", FindingStatus.Pass)]
    // 2.16 userland proxy
    [InlineData("", null, "host-runtime-userland-proxy", FindingStatus.Warn)]
    [InlineData("--userland-proxy=false", null, "host-runtime-userland-proxy", FindingStatus.Pass)]
    // 2.17 seccomp
    [InlineData("--seccomp-profile=unconfined", null, "host-runtime-seccomp-profile", FindingStatus.Fail)]
    [InlineData("", "{\"seccomp-profile\": \"/etc/docker/seccomp.json\"}", "host-runtime-seccomp-profile", FindingStatus.Info)]
    [InlineData("", null, "host-runtime-seccomp-profile", FindingStatus.Pass)]
    // 2.18 experimental
    [InlineData("--experimental", null, "host-runtime-experimental", FindingStatus.Warn)]
    [InlineData("", "{\"experimental\": false}", "host-runtime-experimental", FindingStatus.Pass)]
    // 2.7 TCP without TLS
    [InlineData("-H tcp://0.0.0.0:2375", null, "host-runtime-tcp-tls", FindingStatus.Fail)]
    [InlineData("-H 0.0.0.0:2375", null, "host-runtime-tcp-tls", FindingStatus.Fail)]
    [InlineData("-H tcp://0.0.0.0:2376 --tls --tlscert=/etc/docker/cert.pem --tlskey=/etc/docker/key.pem", null, "host-runtime-tcp-tls", FindingStatus.Fail)]
    [InlineData("-H tcp://0.0.0.0:2376 --tlsverify --tlscacert=/etc/docker/ca.pem", null, "host-runtime-tcp-tls", FindingStatus.Pass)]
    [InlineData("", "{\"hosts\": [\"unix:///var/run/docker.sock\", \"tcp://10.0.0.1:2375\"]}", "host-runtime-tcp-tls", FindingStatus.Fail)]
    [InlineData("", "{\"hosts\": [\"tcp://10.0.0.1:2376\"], \"tlsverify\": true}", "host-runtime-tcp-tls", FindingStatus.Pass)]
    [InlineData("-H unix:///var/run/docker.sock", null, "host-runtime-tcp-tls", FindingStatus.Pass)]
    public void Check_Settings_Status(string flags, string? daemonJson, string checkId, FindingStatus expected)
    {
        var finding = RunDockerd(flags, daemonJson).One(checkId);

        Assert.Equal(expected, finding.Status);
        Assert.Equal("dockerd (pid 4242)", finding.Target);
        if (expected is FindingStatus.Fail or FindingStatus.Warn)
        {
            Assert.False(string.IsNullOrEmpty(finding.Remediation));
        }
    }

    [Fact]
    public void Settings_FromCommandLine_EvidenceNamesFlagAndProcess()
    {
        var finding = RunDockerd("--storage-driver=vfs --iptables=false --bridge=none").One("host-runtime-iptables");

        Assert.Equal("--iptables=false (command line of dockerd, pid 4242)", finding.Evidence);
        Assert.Equal("proc/4242/cmdline", finding.Location?.Path);
    }

    [Fact]
    public void Settings_FromDaemonJson_LocationHasTheKeysLine()
    {
        var finding = RunDockerd(string.Empty, "{\n  \"log-driver\": \"syslog\",\n  \"icc\": true\n}\n").One("host-runtime-icc");

        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.Equal("\"icc\": true (etc/docker/daemon.json line 3)", finding.Evidence);
        Assert.Equal(new Location(Path: "etc/docker/daemon.json", Line: 3), finding.Location);
    }

    [Fact]
    public void Settings_LogOptCredential_Redacted()
    {
        var finding = RunDockerd("--log-driver=splunk --log-opt splunk-token=176FCEBF-4CF5-4EDF-91BC-703796522D20 --log-opt splunk-url=https://splunk.example:8088").One("host-runtime-dockerd-settings");

        Assert.StartsWith("command line: --log-driver=splunk --log-opt splunk-token=(redacted) --log-opt splunk-url=https://splunk.example:8088;", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void TcpTls_LoopbackOnly_FailsAtHighNotCritical()
    {
        var finding = RunDockerd("-H tcp://127.0.0.1:2375").One("host-runtime-tcp-tls");

        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Contains("loopback", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void TcpTls_AllInterfaces_IsCritical()
    {
        var finding = RunDockerd("-H tcp://0.0.0.0:2375").One("host-runtime-tcp-tls");

        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Contains("tcp://0.0.0.0:2375 without TLS", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void TcpTls_SystemdSocketListensOnPort_Fails()
    {
        var findings = RunDockerd("-H fd:// --containerd=/run/containerd/containerd.sock", more: root => root.Write(
            "lib/systemd/system/docker.socket",
            "[Unit]\nDescription=Docker Socket for the API\n\n[Socket]\nListenStream=/run/docker.sock\nListenStream=0.0.0.0:2375\nSocketMode=0660\nSocketGroup=docker\n"));

        var finding = findings.One("host-runtime-tcp-tls");
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Contains("0.0.0.0:2375 (ListenStream in /lib/systemd/system/docker.socket)", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void TcpTls_SystemdSocketUnixOnly_Passes()
    {
        var findings = RunDockerd("-H fd://", more: root => root.Write("lib/systemd/system/docker.socket", "[Socket]\nListenStream=/run/docker.sock\n"));

        Assert.Equal(FindingStatus.Pass, findings.One("host-runtime-tcp-tls").Status);
    }

    [Fact]
    public void TcpTls_DockerTlsVerifyInEnvironment_Passes()
    {
        using var root = new HostRoot();
        root.Proc(77, ["dockerd", "-H", "tcp://0.0.0.0:2376"], environ: ["PATH=/usr/bin", "DOCKER_TLS_VERIFY=1", "DOCKER_CERT_PATH=/etc/docker/tls"]);

        var finding = root.Run(new RuntimeDaemonChecks()).One("host-runtime-tcp-tls");

        Assert.Equal(FindingStatus.Pass, finding.Status);
        Assert.Contains("DOCKER_TLS_VERIFY=1 (environment of dockerd, pid 77)", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Conflict_FlagAndFileSetTheSameKey_Warns()
    {
        var finding = RunDockerd("--icc=false -H fd://", "{\"icc\": true, \"hosts\": [\"unix:///var/run/docker.sock\"]}").One("host-runtime-dockerd-config-conflict");

        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.Contains("icc: --icc=false on the command line and \"icc\": true in etc/docker/daemon.json", finding.Evidence, StringComparison.Ordinal);
        Assert.Contains("hosts: -H fd://", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Conflict_RunningFlagWins_OverTheEditedFile()
    {
        var finding = RunDockerd("--icc=false", "{\"icc\": true}").One("host-runtime-icc");

        Assert.Equal(FindingStatus.Pass, finding.Status);
    }

    [Fact]
    public void Conflict_DisjointSettings_Passes()
    {
        Assert.Equal(FindingStatus.Pass, RunDockerd("--icc=false", "{\"live-restore\": true}").One("host-runtime-dockerd-config-conflict").Status);
    }

    [Fact]
    public void Conflict_InvalidJson_WarnsWithLine()
    {
        var finding = RunDockerd(string.Empty, "{\n  \"icc\": false,\n}\n").One("host-runtime-dockerd-config-conflict");

        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.Contains("etc/docker/daemon.json: invalid JSON at line 3", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigFile_FlagNamesAnotherFile_ThatFileIsRead()
    {
        var findings = RunDockerd("--config-file=/srv/docker.json", "{\"icc\": true}", root => root.Write("srv/docker.json", "{\"icc\": false}"));

        Assert.Equal(FindingStatus.Pass, findings.One("host-runtime-icc").Status);
        Assert.Contains("configuration file: srv/docker.json", findings.One("host-runtime-dockerd-settings").Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Rootless_NonRootDockerd_ReadsItsUserConfigFile()
    {
        using var root = new HostRoot();
        root.Proc(900, ["dockerd"], uid: 1000, environ: ["HOME=/home/alice", "XDG_RUNTIME_DIR=/run/user/1000"])
            .Write("home/alice/.config/docker/daemon.json", "{\"no-new-privileges\": true}")
            .Write("etc/docker/daemon.json", "{\"no-new-privileges\": false}");

        var findings = root.Run(new RuntimeDaemonChecks());

        Assert.Equal(FindingStatus.Info, findings.One("host-runtime-rootless").Status);
        Assert.Contains("uid 1000 (rootless)", findings.One("host-runtime-rootless").Evidence, StringComparison.Ordinal);
        Assert.Equal(FindingStatus.Pass, findings.One("host-runtime-no-new-privileges").Status);
    }

    [Fact]
    public void Aufs_UnsetDriverWithAufsData_Warns()
    {
        var findings = RunDockerd(string.Empty, more: root => root.Dir("var/lib/docker/aufs", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));

        Assert.Equal(FindingStatus.Warn, findings.One("host-runtime-aufs").Status);
    }

    [Fact]
    public void NotRunning_DockerInstalled_SettingsFromDaemonJson()
    {
        using var root = new HostRoot();
        root.Write("etc/docker/daemon.json", "{\"icc\": false, \"userns-remap\": \"default\"}");
        var docker = new Package { Name = "docker.io", Version = "20.10.24+dfsg1-1+deb12u1" };

        var findings = root.Run(new RuntimeDaemonChecks(), [docker]);

        var icc = findings.One("host-runtime-icc");
        Assert.Equal(FindingStatus.Pass, icc.Status);
        Assert.Equal("etc/docker/daemon.json (dockerd not running)", icc.Target);
        Assert.False(findings.Has("host-runtime-rootless"));
    }

    [Fact]
    public void NoDocker_NoRuntimeFindings()
    {
        using var root = new HostRoot();
        root.Proc(1, ["/sbin/init"]).Write("etc/hostname", "plain-host\n");

        Assert.Empty(root.Run(new RuntimeDaemonChecks()));
    }
}
