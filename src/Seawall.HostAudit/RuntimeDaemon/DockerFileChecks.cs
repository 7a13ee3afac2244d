using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.HostAudit.RuntimeDaemon;

/// <summary>
/// CIS Docker Benchmark 1.6.0 section 3 (docker-bench-security's tests/3_docker_daemon_configuration_files.sh):
/// owner and permission mask of the files that steer dockerd. Masks are checked bit by bit ("644 or more
/// restrictive" refuses 0604 and a setuid bit), where docker-bench compares the octal digits as a decimal number.
/// </summary>
internal static class DockerFileChecks
{
    private const string Nist = "NIST-800-190-4.4.3";

    /// <summary>An owner check and a mode check over the same file(s), as CIS pairs them.</summary>
    private sealed record FilePair(CheckInfo Owner, CheckInfo Mode, int MaxMode, string OwnerText);

    private static CheckInfo Owner(string id, string title, Severity severity, string what, string owner, string cis) => new(id, title, severity)
    {
        Description = $"{what} must belong to {owner}: whoever owns it can change how dockerd runs.",
        Remediation = $"chown {owner} <file>",
        References = [$"CIS-Docker-{cis}", $"docker-bench:{cis}", Nist],
    };

    private static CheckInfo Mode(string id, string title, Severity severity, string what, string mode, string cis, params string[] more) => new(id, title, severity)
    {
        Description = $"{what} must be mode {mode} or more restrictive: write access by others lets them change how dockerd runs.",
        Remediation = $"chmod {mode} <file>",
        References = [$"CIS-Docker-{cis}", $"docker-bench:{cis}", Nist, .. more],
    };

    private static readonly FilePair Service = new(
        Owner("host-runtime-docker-service-owner", "docker.service is owned by root:root", Severity.Medium, "The docker.service unit", "root:root", "3.1"),
        Mode("host-runtime-docker-service-mode", "docker.service permissions are 644 or more restrictive", Severity.Medium, "The docker.service unit", "644", "3.2"),
        0x1A4, "root:root");

    private static readonly FilePair SocketUnit = new(
        Owner("host-runtime-docker-socket-unit-owner", "docker.socket is owned by root:root", Severity.Medium, "The docker.socket unit", "root:root", "3.3"),
        Mode("host-runtime-docker-socket-unit-mode", "docker.socket permissions are 644 or more restrictive", Severity.Medium, "The docker.socket unit", "644", "3.4"),
        0x1A4, "root:root");

    private static readonly FilePair EtcDocker = new(
        Owner("host-runtime-etc-docker-owner", "/etc/docker is owned by root:root", Severity.Medium, "/etc/docker (certificates and daemon.json)", "root:root", "3.5"),
        Mode("host-runtime-etc-docker-mode", "/etc/docker permissions are 755 or more restrictive", Severity.Medium, "/etc/docker", "755", "3.6"),
        0x1ED, "root:root");

    private static readonly FilePair RegistryCerts = new(
        Owner("host-runtime-registry-certs-owner", "Registry certificate files are owned by root:root", Severity.Medium, "Registry certificates under /etc/docker/certs.d", "root:root", "3.7"),
        Mode("host-runtime-registry-certs-mode", "Registry certificate files are 444 or more restrictive", Severity.Medium, "Registry certificates under /etc/docker/certs.d", "444", "3.8"),
        0x124, "root:root");

    private static readonly FilePair TlsCa = new(
        Owner("host-runtime-tls-ca-owner", "The TLS CA certificate is owned by root:root", Severity.Medium, "The CA certificate dockerd verifies clients with (--tlscacert)", "root:root", "3.9"),
        Mode("host-runtime-tls-ca-mode", "The TLS CA certificate is 444 or more restrictive", Severity.Medium, "The CA certificate dockerd verifies clients with (--tlscacert)", "444", "3.10"),
        0x124, "root:root");

    private static readonly FilePair TlsCert = new(
        Owner("host-runtime-tls-cert-owner", "The Docker server certificate is owned by root:root", Severity.Medium, "dockerd's server certificate (--tlscert)", "root:root", "3.11"),
        Mode("host-runtime-tls-cert-mode", "The Docker server certificate is 444 or more restrictive", Severity.Medium, "dockerd's server certificate (--tlscert)", "444", "3.12"),
        0x124, "root:root");

    private static readonly FilePair TlsKey = new(
        Owner("host-runtime-tls-key-owner", "The Docker server key is owned by root:root", Severity.High, "dockerd's server key (--tlskey)", "root:root", "3.13"),
        Mode("host-runtime-tls-key-mode", "The Docker server key is 400", Severity.High, "dockerd's server key (--tlskey)", "400", "3.14"),
        0x100, "root:root");

    private static readonly FilePair DockerSock = new(
        Owner("host-runtime-docker-sock-owner", "The Docker socket is owned by root:docker", Severity.High, "docker.sock (who can open it controls dockerd, root on this host)", "root:docker", "3.15"),
        Mode("host-runtime-docker-sock-mode", "The Docker socket permissions are 660 or more restrictive", Severity.High, "docker.sock (who can open it controls dockerd, root on this host)", "660", "3.16", "lynis:CONT-8108"),
        0x1B0, "root:docker");

    private static readonly FilePair DaemonJson = new(
        Owner("host-runtime-daemon-json-owner", "daemon.json is owned by root:root", Severity.Medium, "daemon.json", "root:root", "3.17"),
        Mode("host-runtime-daemon-json-mode", "daemon.json permissions are 644 or more restrictive", Severity.Medium, "daemon.json", "644", "3.18"),
        0x1A4, "root:root");

    private static readonly FilePair EtcDefault = new(
        Owner("host-runtime-etc-default-docker-owner", "/etc/default/docker is owned by root:root", Severity.Medium, "/etc/default/docker (dockerd's options on SysV/upstart hosts)", "root:root", "3.19"),
        Mode("host-runtime-etc-default-docker-mode", "/etc/default/docker permissions are 644 or more restrictive", Severity.Medium, "/etc/default/docker", "644", "3.22"),
        0x1A4, "root:root");

    private static readonly FilePair EtcSysconfig = new(
        Owner("host-runtime-etc-sysconfig-docker-owner", "/etc/sysconfig/docker is owned by root:root", Severity.Medium, "/etc/sysconfig/docker (dockerd's options on Red Hat hosts)", "root:root", "3.21"),
        Mode("host-runtime-etc-sysconfig-docker-mode", "/etc/sysconfig/docker permissions are 644 or more restrictive", Severity.Medium, "/etc/sysconfig/docker", "644", "3.20"),
        0x1A4, "root:root");

    private static readonly FilePair ContainerdSock = new(
        Owner("host-runtime-containerd-sock-owner", "The containerd socket is owned by root:root", Severity.High, "containerd.sock (who can open it controls containerd, root on this host)", "root:root", "3.23"),
        Mode("host-runtime-containerd-sock-mode", "The containerd socket permissions are 660 or more restrictive", Severity.High, "containerd.sock", "660", "3.24"),
        0x1B0, "root:root");

    public static readonly CheckInfo DockerGroup = new("host-runtime-docker-group", "Only trusted users are allowed to control the Docker daemon", Severity.Medium)
    {
        Description = "Members of the docker group can open docker.sock and so run anything as root on this host.",
        Remediation = "Remove users who are not trusted with root: gpasswd -d <user> docker",
        References = ["CIS-Docker-1.1.2", "docker-bench:1.1.2", "NIST-800-190-4.5.4"],
    };

    private static readonly FilePair[] Pairs =
        [Service, SocketUnit, EtcDocker, RegistryCerts, TlsCa, TlsCert, TlsKey, DockerSock, DaemonJson, EtcDefault, EtcSysconfig, ContainerdSock];

    public static IReadOnlyList<CheckInfo> All { get; } = [.. Pairs.SelectMany(p => new[] { p.Owner, p.Mode }), DockerGroup];

    /// <summary>The Docker files (section 3.1 to 3.22): units, /etc/docker, certificates, TLS files, the socket, daemon.json, option files.</summary>
    public static IEnumerable<Finding> RunDocker(HostContext context, DockerSettings? settings)
    {
        foreach (var unit in HostFacts.UnitFiles(context, "docker.service"))
        {
            foreach (var f in CheckFile(context, Service, unit, RootRoot))
            {
                yield return f;
            }
        }
        foreach (var unit in HostFacts.UnitFiles(context, "docker.socket"))
        {
            foreach (var f in CheckFile(context, SocketUnit, unit, RootRoot))
            {
                yield return f;
            }
        }
        foreach (var f in CheckFile(context, EtcDocker, "etc/docker", RootRoot))
        {
            yield return f;
        }
        foreach (var f in CheckRegistryCertificates(context))
        {
            yield return f;
        }
        foreach (var (pair, key, defaultName) in new[] { (TlsCa, "tlscacert", "ca.pem"), (TlsCert, "tlscert", "cert.pem"), (TlsKey, "tlskey", "key.pem") })
        {
            var path = TlsFile(settings, key, defaultName);
            if (path is not null)
            {
                foreach (var f in CheckFile(context, pair, path, RootRoot))
                {
                    yield return f;
                }
            }
        }
        var groupName = settings?["group"]?.Value is { Length: > 0 } g ? g : "docker";
        var dockerGid = HostFacts.GroupId(context, groupName);
        // dockerd gives the socket to its group (--group, default docker), or to root's group when that group is missing.
        bool SocketOwner(FileNode n) => n.Uid == 0 && (n.Gid == 0 || (dockerGid is { } gid && n.Gid == gid));
        foreach (var socket in DockerSockets(context, settings))
        {
            foreach (var f in CheckFile(context, DockerSock with { OwnerText = "root:" + groupName }, socket, SocketOwner, requireSocket: true))
            {
                yield return f;
            }
        }
        var daemonJson = settings?.ConfigPath ?? DockerSettings.DefaultConfigFile;
        foreach (var f in CheckFile(context, DaemonJson, daemonJson, RootRoot))
        {
            yield return f;
        }
        foreach (var f in CheckFile(context, EtcDefault, "etc/default/docker", RootRoot))
        {
            yield return f;
        }
        foreach (var f in CheckFile(context, EtcSysconfig, "etc/sysconfig/docker", RootRoot))
        {
            yield return f;
        }
        if (HostFacts.GroupMembers(context, groupName) is { } members)
        {
            yield return members.Count == 0
                ? DockerGroup.Pass($"the {groupName} group lists no members in /etc/group")
                : DockerGroup.Manual($"{groupName} group members (each can act as root through docker.sock): {string.Join(", ", members)}", new Location(Path: "etc/group"));
        }
    }

    /// <summary>containerd's sockets (3.23, 3.24): the configured gRPC address and the one Docker's own containerd uses.</summary>
    public static IEnumerable<Finding> RunContainerdSockets(HostContext context, IEnumerable<string> sockets)
    {
        foreach (var socket in sockets.Distinct(StringComparer.Ordinal))
        {
            foreach (var f in CheckFile(context, ContainerdSock, socket, RootRoot, requireSocket: true))
            {
                yield return f;
            }
        }
    }

    private static bool RootRoot(FileNode n) => n.Uid == 0 && n.Gid == 0;

    private static IEnumerable<Finding> CheckFile(HostContext context, FilePair pair, string path, Func<FileNode, bool> ownerOk, bool requireSocket = false)
    {
        var node = context.Files.Stat(path, followLinks: true);
        if (node is null || (requireSocket && !node.IsSocket))
        {
            yield break;
        }
        var evidence = HostFacts.Describe(context, path, node);
        var location = new Location(Path: path);
        yield return ownerOk(node)
            ? pair.Owner.Pass(evidence, location) with { Target = "/" + path }
            : (pair.Owner.Fail(evidence, location) with { Target = "/" + path }).Fix($"chown {pair.OwnerText} /{path}");
        var max = HostFacts.Octal(pair.MaxMode);
        yield return HostFacts.WithinMode(node.Mode, pair.MaxMode)
            ? pair.Mode.Pass(evidence, location) with { Target = "/" + path }
            : (pair.Mode.Fail(evidence + $", more than {max} allows", location) with { Target = "/" + path }).Fix($"chmod {max} /{path}");
    }

    /// <summary>*.crt and *.cert under /etc/docker/certs.d/&lt;registry&gt;/ (one level, as Docker reads them).</summary>
    private static IEnumerable<Finding> CheckRegistryCertificates(HostContext context)
    {
        const string root = "etc/docker/certs.d";
        var registries = context.Files.List(root);
        if (registries is null)
        {
            yield break;
        }
        var badOwner = new List<string>();
        var badMode = new List<string>();
        var count = 0;
        foreach (var registry in registries.Order(StringComparer.Ordinal))
        {
            foreach (var name in (context.Files.List(root + "/" + registry) ?? []).Order(StringComparer.Ordinal))
            {
                if (!name.EndsWith(".crt", StringComparison.Ordinal) && !name.EndsWith(".cert", StringComparison.Ordinal))
                {
                    continue;
                }
                var path = $"{root}/{registry}/{name}";
                if (context.Files.Stat(path, followLinks: true) is not { Kind: FileKind.Regular } node)
                {
                    continue;
                }
                count++;
                if (node.Uid != 0 || node.Gid != 0)
                {
                    badOwner.Add(HostFacts.Describe(context, path, node));
                }
                if (!HostFacts.WithinMode(node.Mode, RegistryCerts.MaxMode))
                {
                    badMode.Add(HostFacts.Describe(context, path, node));
                }
            }
        }
        if (count == 0)
        {
            yield break;
        }
        var location = new Location(Path: root);
        yield return badOwner.Count == 0
            ? RegistryCerts.Owner.Pass($"{count} certificate file(s) under /{root}, all root:root", location)
            : RegistryCerts.Owner.Fail(string.Join("; ", badOwner), location).Fix($"chown root:root /{root}/*/*.crt /{root}/*/*.cert");
        yield return badMode.Count == 0
            ? RegistryCerts.Mode.Pass($"{count} certificate file(s) under /{root}, all 444 or stricter", location)
            : RegistryCerts.Mode.Fail(string.Join("; ", badMode), location).Fix($"chmod 444 /{root}/*/*.crt /{root}/*/*.cert");
    }

    /// <summary>The TLS file a flag names; with TLS on and no path, dockerd's default under root's ~/.docker.</summary>
    private static string? TlsFile(DockerSettings? settings, string key, string defaultName)
    {
        if (settings?[key]?.Value is { Length: > 0 } explicitPath)
        {
            return DockerSettings.Trim(explicitPath);
        }
        var tlsOn = settings?["tlsverify"]?.Bool == true || settings?["tls"]?.Bool == true;
        return tlsOn ? "root/.docker/" + defaultName : null;
    }

    /// <summary>The unix sockets dockerd listens on: -H unix://..., the fd:// sockets of docker.socket, else the default.</summary>
    private static IEnumerable<string> DockerSockets(HostContext context, DockerSettings? settings)
    {
        var hosts = settings?["hosts"]?.Values ?? [];
        var sockets = new List<string>();
        foreach (var host in hosts)
        {
            if (host.StartsWith("unix://", StringComparison.Ordinal))
            {
                sockets.Add(host["unix://".Length..]);
            }
            else if (host.StartsWith("fd://", StringComparison.Ordinal))
            {
                foreach (var unit in HostFacts.UnitFiles(context, "docker.socket"))
                {
                    foreach (var raw in (context.Files.ReadText(unit, 256 * 1024) ?? string.Empty).Split('\n'))
                    {
                        var line = raw.Trim();
                        if (line.StartsWith("ListenStream=/", StringComparison.Ordinal))
                        {
                            sockets.Add(line["ListenStream=".Length..]);
                        }
                    }
                }
            }
        }
        if (hosts.Count == 0)
        {
            sockets.Add("/var/run/docker.sock");
        }
        return sockets.Select(s => RunPath(context, DockerSettings.Trim(s))).Distinct(StringComparer.Ordinal);
    }

    /// <summary>var/run/x and run/x are one file where var/run links to /run: keep one name so it is reported once.</summary>
    public static string RunPath(HostContext context, string path)
    {
        if (path.StartsWith("var/run/", StringComparison.Ordinal)
            && context.Files.Stat("var/run", followLinks: false) is { Kind: FileKind.Symlink, LinkTarget: { } target }
            && target.Trim('/') is "run" or "../run")
        {
            return path[4..];
        }
        return path;
    }
}
