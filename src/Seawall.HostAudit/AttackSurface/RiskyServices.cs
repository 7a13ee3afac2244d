using Seawall.Core.Model;

namespace Seawall.HostAudit.AttackSurface;

/// <summary>
/// A service that should not answer on every interface of a container host: recognised by its well-known port
/// (ports inclusive) or, for a daemon without one, by the process that holds the socket.
/// </summary>
internal sealed record RiskyService(string Id, string Name, bool Tcp, bool Udp, int FirstPort, int LastPort, string[] Processes, Severity Severity, string Why, string Fix, string[] References)
{
    public CheckInfo Check { get; } = new($"host-attack-surface-{Id}", $"{Name} does not listen on all interfaces", Severity)
    {
        Description = Why,
        Remediation = Fix,
        References = [.. References, "lynis:NETW-3012", "NIST-800-190-4.5.1"],
    };

    public bool Matches(Listener listener, IReadOnlyList<string> owners) =>
        (Processes.Length > 0 && owners.Any(Processes.Contains) && listener.IsTcp)
        || (listener.Port >= FirstPort && listener.Port <= LastPort && (listener.IsTcp ? Tcp : Udp));
}

internal static class RiskyServices
{
    public static IReadOnlyList<RiskyService> All { get; } =
    [
        new("docker-tls", "The Docker API over TLS (2376)", true, false, 2376, 2376, [], Severity.Medium,
            "dockerd's API on 2376 is root on this host for every client whose certificate the CA signed; on every interface it is reachable from any network the host is on.",
            "Bind -H to a management address (tcp://10.0.0.5:2376) or firewall 2376 to the hosts that manage Docker.",
            ["CIS-Docker-2.7"]),
        new("containerd", "containerd", false, false, 0, -1, ["containerd"], Severity.High,
            "containerd's gRPC API (tcp_address) and its CRI streaming server start and enter containers; they belong on a unix socket or loopback.",
            "Remove [grpc] tcp_address, and keep stream_server_address = \"127.0.0.1\" in the CRI section of the containerd config.",
            []),
        new("kubelet", "The kubelet API (10250)", true, false, 10250, 10250, [], Severity.Medium,
            "The kubelet API runs commands in every pod on the node; on every interface it depends entirely on its authentication (anonymous-auth=false, webhook authorization).",
            "Keep --anonymous-auth=false and --authorization-mode=Webhook, and firewall 10250 to the control plane.",
            ["kube-bench:4.2.1", "kube-bench:4.2.2"]),
        new("kubelet-read-only", "The kubelet read-only port (10255)", true, false, 10255, 10255, [], Severity.High,
            "The read-only kubelet port serves pod specs (with their environment) without any authentication.",
            "Set --read-only-port=0 (readOnlyPort: 0 in the kubelet configuration) and restart the kubelet.",
            ["kube-bench:4.2.4"]),
        new("etcd", "etcd (2379, 2380)", true, false, 2379, 2380, [], Severity.High,
            "etcd holds every Kubernetes secret; its client and peer ports must be reachable by the control plane only, with client certificates.",
            "Bind --listen-client-urls and --listen-peer-urls to the control-plane address, require --client-cert-auth=true, and firewall 2379-2380.",
            ["kube-bench:2.2", "kube-bench:2.5"]),
        new("cadvisor", "cAdvisor (4194)", true, false, 4194, 4194, [], Severity.Medium,
            "cAdvisor's web UI and API show every container's processes and resource use without authentication.",
            "Stop the standalone cAdvisor from binding every interface (--listen_ip=127.0.0.1) or firewall 4194.",
            []),
        new("telnet", "telnet (23)", true, false, 23, 23, [], Severity.High,
            "telnet sends logins and sessions in clear text.",
            "Remove the telnet server (apt-get purge telnetd / dnf remove telnet-server) and use SSH.",
            ["lynis:INSE-8322"]),
        new("ftp", "FTP (21)", true, false, 21, 21, [], Severity.Medium,
            "Plain FTP sends credentials and data in clear text.",
            "Remove the FTP server or move to SFTP; if FTP must stay, require FTPS and bind it to the addresses that need it.",
            []),
        new("tftp", "TFTP (69)", false, true, 69, 69, [], Severity.Medium,
            "TFTP has no authentication at all: anyone who reaches it reads (and often writes) its files.",
            "Remove the TFTP server (apt-get purge tftpd-hpa) unless the host serves network boot, then bind it to that network only.",
            ["lynis:INSE-8320"]),
        new("rpcbind", "rpcbind (111)", true, true, 111, 111, [], Severity.Medium,
            "rpcbind exposes the host's RPC services and is used for UDP amplification.",
            "Disable rpcbind where NFS is not served (systemctl disable --now rpcbind.socket rpcbind.service).",
            []),
        new("snmp", "SNMP (161)", false, true, 161, 161, [], Severity.Medium,
            "SNMP v1/v2c authenticates by a community string sent in clear text and leaks host details.",
            "Bind snmpd to the management network, use SNMPv3, or remove it.",
            []),
        new("x11", "X11 (6000-6063)", true, false, 6000, 6063, [], Severity.Medium,
            "An X server on TCP lets remote clients read the screen and inject keystrokes.",
            "Start the X server with -nolisten tcp (the default of current display managers).",
            []),
        new("vnc", "VNC (5900-5999)", true, false, 5900, 5999, [], Severity.Medium,
            "VNC's own authentication is weak (8-character passwords) and the session is often unencrypted.",
            "Bind VNC to localhost and reach it through SSH.",
            []),
        new("redis", "Redis (6379)", true, false, 6379, 6379, [], Severity.High,
            "Redis accepts commands from any client by default; an open Redis is a common path to code execution.",
            "Set bind 127.0.0.1 and protected-mode yes (or requirepass / ACLs) in redis.conf.",
            []),
        new("memcached", "memcached (11211)", true, true, 11211, 11211, [], Severity.Medium,
            "memcached has no authentication by default and its UDP port amplifies denial-of-service attacks.",
            "Run memcached with -l 127.0.0.1 and -U 0 (no UDP).",
            []),
        new("mongodb", "MongoDB (27017)", true, false, 27017, 27017, [], Severity.High,
            "MongoDB without access control on a public interface gives its data to anyone.",
            "Set net.bindIp to 127.0.0.1 (or the application network) and security.authorization: enabled.",
            []),
        new("elasticsearch", "Elasticsearch (9200)", true, false, 9200, 9200, [], Severity.Medium,
            "Elasticsearch's HTTP API on every interface exposes the indexed data unless its security features are on.",
            "Set network.host to a private address and xpack.security.enabled: true.",
            []),
    ];
}
