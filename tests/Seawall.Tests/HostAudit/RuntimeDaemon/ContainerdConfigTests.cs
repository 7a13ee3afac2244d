using Seawall.Core.Model;
using Seawall.HostAudit.RuntimeDaemon;

namespace Seawall.Tests.HostAudit.RuntimeDaemon;

public class ContainerdConfigTests
{
    /// <summary>The head of `containerd config default` of containerd 1.6 (version 2), as Debian and Kubernetes nodes ship it.</summary>
    private const string Version2Default = """
        disabled_plugins = []
        imports = []
        oom_score = 0
        root = "/var/lib/containerd"
        state = "/run/containerd"
        version = 2

        [grpc]
          address = "/run/containerd/containerd.sock"
          gid = 0
          tcp_address = ""
          tcp_tls_ca = ""
          tcp_tls_cert = ""
          tcp_tls_key = ""
          uid = 0

        [plugins]
          [plugins."io.containerd.grpc.v1.cri"]
            device_ownership_from_security_context = false
            disable_apparmor = false
            enable_unprivileged_icmp = false
            enable_unprivileged_ports = false
            restrict_oom_score_adj = false
            sandbox_image = "registry.k8s.io/pause:3.6"
            [plugins."io.containerd.grpc.v1.cri".registry]
              config_path = ""
              [plugins."io.containerd.grpc.v1.cri".registry.configs]
              [plugins."io.containerd.grpc.v1.cri".registry.mirrors]
        """;

    private static List<Finding> Run(string config, Action<HostRoot>? more = null)
    {
        using var root = new HostRoot();
        root.Write("etc/containerd/config.toml", config);
        more?.Invoke(root);
        return root.Run(new RuntimeDaemonChecks());
    }

    [Fact]
    public void DefaultConfig_AllPass_SettingsSummarised()
    {
        var findings = Run(Version2Default);

        Assert.Equal(FindingStatus.Pass, findings.One("host-runtime-containerd-tcp").Status);
        Assert.Equal(FindingStatus.Pass, findings.One("host-runtime-containerd-apparmor").Status);
        Assert.Equal(FindingStatus.Pass, findings.One("host-runtime-containerd-registry-tls").Status);
        var settings = findings.One("host-runtime-containerd-settings");
        Assert.Equal("version 2; grpc address /run/containerd/containerd.sock; disabled plugins: none; enable_unprivileged_ports = false; enable_unprivileged_icmp = false; restrict_oom_score_adj = false; device_ownership_from_security_context = false", settings.Evidence);
        Assert.Equal("etc/containerd/config.toml (containerd not running)", settings.Target);
    }

    [Fact]
    public void Tcp_AddressWithoutCa_Fails()
    {
        var config = Version2Default.Replace("tcp_address = \"\"", "tcp_address = \"0.0.0.0:1234\"", StringComparison.Ordinal)
            .Replace("tcp_tls_cert = \"\"", "tcp_tls_cert = \"/etc/containerd/cert.pem\"", StringComparison.Ordinal);

        var finding = Run(config).One("host-runtime-containerd-tcp");

        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Equal("[grpc] tcp_address = \"0.0.0.0:1234\" with TLS without client certificates (no tcp_tls_ca)", finding.Evidence);
    }

    [Fact]
    public void Tcp_AddressWithCa_Passes()
    {
        var config = Version2Default.Replace("tcp_address = \"\"", "tcp_address = \"0.0.0.0:1234\"", StringComparison.Ordinal)
            .Replace("tcp_tls_ca = \"\"", "tcp_tls_ca = \"/etc/containerd/ca.pem\"", StringComparison.Ordinal);

        Assert.Equal(FindingStatus.Pass, Run(config).One("host-runtime-containerd-tcp").Status);
    }

    [Fact]
    public void AppArmor_DisabledInVersion3RuntimeSection_Warns()
    {
        const string config = """
            version = 3
            [plugins."io.containerd.cri.v1.runtime"]
              disable_apparmor = true
              enable_unprivileged_ports = true
            """;

        var findings = Run(config);

        Assert.Equal(FindingStatus.Warn, findings.One("host-runtime-containerd-apparmor").Status);
        Assert.Contains("enable_unprivileged_ports = true", findings.One("host-runtime-containerd-settings").Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void AppArmor_Version1PluginsCri_Read()
    {
        Assert.Equal(FindingStatus.Warn, Run("[plugins.cri]\ndisable_apparmor = true\n").One("host-runtime-containerd-apparmor").Status);
    }

    [Fact]
    public void RegistryTls_SkipVerifyAndHttpMirror_Warn()
    {
        var config = Version2Default + """

                    [plugins."io.containerd.grpc.v1.cri".registry.configs."registry.local:5000".tls]
                      insecure_skip_verify = true
                    [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
                      endpoint = ["http://mirror.local:5000", "https://registry-1.docker.io"]
            """;

        var finding = Run(config).One("host-runtime-containerd-registry-tls");

        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.Equal("registry.configs.\"registry.local:5000\".tls.insecure_skip_verify = true; registry.mirrors.\"docker.io\" endpoint http://mirror.local:5000", finding.Evidence);
    }

    [Fact]
    public void RegistryTls_HostsTomlSkipVerify_Warns()
    {
        var config = Version2Default.Replace("config_path = \"\"", "config_path = \"/etc/containerd/certs.d\"", StringComparison.Ordinal);

        var finding = Run(config, root => root
            .Write("etc/containerd/certs.d/docker.io/hosts.toml", "server = \"https://registry-1.docker.io\"\n\n[host.\"https://mirror.local\"]\n  capabilities = [\"pull\"]\n  skip_verify = true\n")
            .Write("etc/containerd/certs.d/ghcr.io/hosts.toml", "server = \"https://ghcr.io\"\n")).One("host-runtime-containerd-registry-tls");

        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.Equal("/etc/containerd/certs.d/docker.io/hosts.toml: [host.\"https://mirror.local\"] skip_verify = true", finding.Evidence);
    }

    [Fact]
    public void RunningContainerd_ConfigFlag_ThatFileIsRead()
    {
        using var root = new HostRoot();
        root.Proc(300, ["containerd", "--config", "/var/run/docker/containerd/containerd.toml", "--log-level", "info"])
            .Write("var/run/docker/containerd/containerd.toml", "version = 2\n[grpc]\n  address = \"/var/run/docker/containerd/containerd.sock\"\n  tcp_address = \"127.0.0.1:9000\"\n")
            .Write("etc/containerd/config.toml", Version2Default);

        var findings = root.Run(new RuntimeDaemonChecks());

        var tcp = findings.One("host-runtime-containerd-tcp");
        Assert.Equal(FindingStatus.Fail, tcp.Status);
        Assert.Equal("containerd (pid 300)", tcp.Target);
        Assert.Equal("var/run/docker/containerd/containerd.toml", tcp.Location?.Path);
    }

    [Fact]
    public void InvalidToml_WarnsWithLine_AndSaysSoInSettings()
    {
        using var root = new HostRoot();
        root.Write("etc/containerd/config.toml", "version = 2\n[grpc\naddress = 1\n");

        var findings = root.Run(new RuntimeDaemonChecks(), out var warnings);

        Assert.Contains(warnings, w => w.StartsWith("etc/containerd/config.toml: invalid TOML at line 2", StringComparison.Ordinal));
        Assert.StartsWith("etc/containerd/config.toml: invalid TOML at line 2", findings.One("host-runtime-containerd-settings").Evidence, StringComparison.Ordinal);
        Assert.False(findings.Has("host-runtime-containerd-tcp"));
    }
}
