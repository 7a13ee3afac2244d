using Seawall.Core.Model;
using Seawall.HostAudit.Access;
using Seawall.HostAudit.HostRole;
using static Seawall.Tests.HostAudit.HostKernelFixture;

namespace Seawall.Tests.HostAudit.HostRole;

public class HostRoleChecksTests
{
    // ---- host-role-container-os ----

    [Theory]
    [InlineData("NAME=Bottlerocket\nID=bottlerocket\nVERSION_ID=1.19.2\nPRETTY_NAME=\"Bottlerocket OS 1.19.2 (aws-k8s-1.29)\"\nVARIANT_ID=aws-k8s-1.29\n", "Bottlerocket")]
    [InlineData("NAME=\"Flatcar Container Linux by Kinvolk\"\nID=flatcar\nID_LIKE=coreos\nVERSION_ID=3815.2.0\n", "Flatcar Container Linux")]
    [InlineData("NAME=Talos\nID=talos\nVERSION_ID=v1.6.4\nPRETTY_NAME=\"Talos (v1.6.4)\"\n", "Talos Linux")]
    [InlineData("NAME=\"Container-Optimized OS\"\nID=cos\nVERSION_ID=109\nBUILD_ID=17800.66.78\n", "Container-Optimized OS")]
    [InlineData("NAME=\"Fedora Linux\"\nID=fedora\nVERSION_ID=39\nVARIANT=\"CoreOS\"\nVARIANT_ID=coreos\n", "Fedora CoreOS")]
    [InlineData("NAME=\"Red Hat Enterprise Linux CoreOS\"\nID=\"rhcos\"\nID_LIKE=\"rhel fedora\"\nVERSION_ID=\"4.14\"\n", "Red Hat Enterprise Linux CoreOS")]
    [InlineData("NAME=\"k3OS\"\nID=k3os\nVERSION_ID=v0.21.5-k3s2r1\n", "k3OS")]
    public void Container_optimised_os_passes(string osRelease, string name)
    {
        using var host = new HostKernelFixture().Write("etc/os-release", osRelease);
        var finding = Single(host.Findings(new HostRoleChecks()), "host-role-container-os");
        Assert.Equal(FindingStatus.Pass, finding.Status);
        Assert.StartsWith(name + ": ID=", finding.Evidence);
    }

    [Theory]
    [InlineData("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n")]
    [InlineData("NAME=\"Fedora Linux\"\nID=fedora\nVERSION_ID=39\nVARIANT=\"Server Edition\"\nVARIANT_ID=server\n")]
    public void General_purpose_os_is_information(string osRelease)
    {
        using var host = new HostKernelFixture().Write("usr/lib/os-release", osRelease);
        var finding = Single(host.Findings(new HostRoleChecks()), "host-role-container-os");
        Assert.Equal(FindingStatus.Info, finding.Status);
        Assert.StartsWith("general-purpose OS: ID=", finding.Evidence);
    }

    // ---- host-role-mixed-workloads ----

    private static HostKernelFixture DockerHost() =>
        new HostKernelFixture()
            .Process(1, "systemd", ["/sbin/init"], "0::/init.scope")
            .Process(2, "kthreadd", [])
            .Process(640, "dockerd", ["/usr/bin/dockerd", "-H", "fd://"], "0::/system.slice/docker.service")
            .Process(520, "containerd", ["/usr/bin/containerd"], "0::/system.slice/containerd.service")
            .Process(700, "sshd", ["sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"], "0::/system.slice/ssh.service")
            .Process(701, "cron", ["/usr/sbin/cron", "-f"], "0::/system.slice/cron.service")
            .Process(702, "agetty", ["/sbin/agetty", "-o", "-p -- \\u", "--noclear", "-", "linux"], "0::/system.slice/system-getty.slice/getty@tty1.service")
            .Process(703, "systemd-journal", ["/lib/systemd/systemd-journald"], "0::/system.slice/systemd-journald.service")
            .Process(900, "nginx", ["nginx: worker process"], "0::/system.slice/docker-4f1c2a.scope")
            .Process(901, "node", ["node", "server.js"], "0::/kubepods.slice/kubepods-burstable.slice/cri-containerd-77ab.scope")
            .Process(1500, "bash", ["-bash"], "0::/user.slice/user-1000.slice/session-3.scope")
            .Process(1501, "vim", ["vim", "notes"], "0::/user.slice/user-1000.slice/session-3.scope");

    [Fact]
    public void Container_host_with_only_the_base_system_passes()
    {
        using var host = DockerHost();
        var finding = Single(host.Findings(new HostRoleChecks()), "host-role-mixed-workloads");
        Assert.Equal(FindingStatus.Pass, finding.Status);
        Assert.Equal("0 services outside containers besides the runtime (containerd, dockerd) and the base system; 2 container processes; threshold 5", finding.Evidence);
    }

    [Fact]
    public void A_few_host_services_are_information()
    {
        using var host = DockerHost()
            .Process(800, "postgres", ["/usr/lib/postgresql/15/bin/postgres", "-D", "/var/lib/postgresql/15/main"], "0::/system.slice/system-postgresql.slice/postgresql@15-main.service")
            .Process(801, "postgres", ["postgres: 15/main: checkpointer"], "0::/system.slice/system-postgresql.slice/postgresql@15-main.service");
        var finding = Single(host.Findings(new HostRoleChecks()), "host-role-mixed-workloads");
        Assert.Equal(FindingStatus.Info, finding.Status);
        Assert.Contains("1 services outside containers", finding.Evidence);
        Assert.Contains(": postgresql@15-main (2 processes);", finding.Evidence);
    }

    [Fact]
    public void Many_host_services_beside_containers_warn()
    {
        using var host = DockerHost();
        string[] services = ["nginx", "postgresql", "redis-server", "mysql", "rabbitmq-server", "apache2", "cups"];
        for (var i = 0; i < services.Length; i++)
        {
            host.Process(2000 + i, services[i], ["/usr/sbin/" + services[i]], $"0::/system.slice/{services[i]}.service");
        }
        var finding = Single(host.Findings(new HostRoleChecks()), "host-role-mixed-workloads");
        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.StartsWith("7 services outside containers", finding.Evidence);
        Assert.Contains("apache2, cups, mysql, nginx, postgresql, rabbitmq-server, redis-server", finding.Evidence);
        Assert.Contains("NIST-800-190-4.5.2", finding.References);
    }

    [Fact]
    public void Hosts_without_cgroup_units_count_programs()
    {
        using var host = new HostKernelFixture()
            .Process(1, "init", ["/sbin/init"], "0::/")
            .Process(300, "containerd", ["/usr/bin/containerd"], "0::/")
            .Process(310, "crond", ["/usr/sbin/crond", "-f"], "0::/")
            .Process(320, "haproxy", ["/usr/sbin/haproxy", "-f", "/etc/haproxy/haproxy.cfg"], "0::/")
            .Process(330, "sh", ["-sh"], "0::/");
        var finding = Single(host.Findings(new HostRoleChecks()), "host-role-mixed-workloads");
        Assert.Equal(FindingStatus.Info, finding.Status);
        Assert.Contains(": haproxy;", finding.Evidence);
    }

    [Fact]
    public void Commands_and_short_jobs_are_no_services()
    {
        using var host = new HostKernelFixture()
            .Process(1, "init", ["/sbin/init"], "0::/")
            .Process(300, "containerd", ["/usr/bin/containerd"], "0::/")
            .Process(400, "bash", ["-bash"], "0::/", ppid: 1)
            .Process(410, "grep", ["grep", "-r", "x", "/etc"], "0::/", ppid: 400)
            .Process(420, "rsync", ["rsync", "-a", "/src", "/dst"], "0::/", ppid: 1, startedSecondsAgo: 30)
            .Process(430, "memcached", ["/usr/bin/memcached", "-m", "64"], "0::/", ppid: 1)
            .Process(440, "unattended-upgr", ["/usr/bin/python3", "/usr/bin/unattended-upgrade"], "0::/system.slice/apt-daily-upgrade.service", startedSecondsAgo: 60);
        var finding = Single(host.Findings(new HostRoleChecks()), "host-role-mixed-workloads");
        Assert.Equal(FindingStatus.Info, finding.Status);
        Assert.StartsWith("1 services outside containers besides the runtime (containerd) and the base system: memcached;", finding.Evidence);
    }

    [Fact]
    public void Services_started_at_boot_count_on_a_fresh_host()
    {
        using var host = DockerHost().Process(800, "redis-server", ["/usr/bin/redis-server 127.0.0.1:6379"], "0::/system.slice/redis-server.service", startedSecondsAgo: (int)HostKernelFixture.Uptime - 20);
        Assert.Contains(": redis-server;", Single(host.Findings(new HostRoleChecks()), "host-role-mixed-workloads").Evidence);
    }

    [Theory]
    [InlineData("1234 (tmux: server) S 1 1234 1234 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 98765 0 0", 1, 98765)]
    [InlineData("77 (a) (b)) R 76 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0", 76, 5)]
    public void Stat_fields_are_read_after_the_command_name(string stat, int parent, long start)
    {
        var parsed = ProcStat.Parse(stat);
        Assert.Equal(new ProcStat(parent, start), parsed);
    }

    [Fact]
    public void Host_without_a_container_runtime_is_information()
    {
        using var host = new HostKernelFixture().Process(1, "systemd", ["/sbin/init"], "0::/init.scope")
            .Process(400, "nginx", ["/usr/sbin/nginx"], "0::/system.slice/nginx.service");
        var finding = Single(host.Findings(new HostRoleChecks()), "host-role-mixed-workloads");
        Assert.Equal(FindingStatus.Info, finding.Status);
        Assert.StartsWith("no container runtime process", finding.Evidence);
    }
}
