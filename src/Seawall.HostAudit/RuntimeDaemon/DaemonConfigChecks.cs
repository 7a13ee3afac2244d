using System.Globalization;
using Seawall.Core.Model;

namespace Seawall.HostAudit.RuntimeDaemon;

/// <summary>
/// CIS Docker Benchmark 1.6.0 section 2 (docker-bench-security's tests/2_docker_daemon_configuration.sh): what the
/// daemon runs with, from its command line merged with daemon.json. Where docker-bench asks `docker info` (storage
/// driver, logging driver, live restore), the value comes from the same flags and file, with dockerd's default.
/// </summary>
internal static partial class DaemonConfigChecks
{
    private const string Nist = "NIST-800-190-4.4.3";

    public static readonly CheckInfo Settings = new("host-runtime-dockerd-settings", "Docker daemon settings (command line and daemon.json)", Severity.Low)
    {
        Description = "The flags dockerd runs with and the daemon.json keys it read, as the other runtime checks see them.",
        Remediation = "Keep daemon options in one place, /etc/docker/daemon.json, rather than in the unit's ExecStart (systemctl edit docker.service) or /etc/default/docker.",
        References = ["docker-bench:2", "https://docs.docker.com/reference/cli/dockerd/"],
    };

    public static readonly CheckInfo Conflict = new("host-runtime-dockerd-config-conflict", "daemon.json does not conflict with dockerd's command line", Severity.Medium)
    {
        Description = "dockerd refuses to start when an option is set both as a flag and in daemon.json, or when daemon.json is not valid JSON. "
            + "A running dockerd with such a file means the file changed after it started: the next restart fails, and the file does not describe what runs.",
        Remediation = "Set each option in one place: remove it from daemon.json or from the dockerd command line (systemctl edit docker.service), then restart dockerd.",
        References = ["https://docs.docker.com/engine/daemon/troubleshoot/"],
    };

    public static readonly CheckInfo Rootless = new("host-runtime-rootless", "Docker daemon runs as a non-root user, if possible", Severity.Low)
    {
        Description = "A rootless dockerd limits what a container escape or a compromised daemon can do on the host.",
        Remediation = "Consider rootless mode: dockerd-rootless-setuptool.sh install (https://docs.docker.com/engine/security/rootless/).",
        References = ["CIS-Docker-2.1", "docker-bench:2.1", Nist],
    };

    public static readonly CheckInfo Icc = new("host-runtime-icc", "Network traffic between containers on the default bridge is restricted", Severity.Medium)
    {
        Description = "With icc on (the default), every container on the default bridge can reach every other one's ports.",
        Remediation = "Set \"icc\": false in /etc/docker/daemon.json (or run dockerd --icc=false) and restart dockerd; connect containers that must talk through user-defined networks.",
        References = ["CIS-Docker-2.2", "docker-bench:2.2", "NIST-800-190-4.4.2"],
    };

    public static readonly CheckInfo LogLevel = new("host-runtime-log-level", "Docker daemon log level is info", Severity.Low)
    {
        Description = "debug logs too much (and can leak secrets); warn, error and fatal drop events an audit needs.",
        Remediation = "Set \"log-level\": \"info\" in /etc/docker/daemon.json (or remove --log-level/-D from the command line) and restart dockerd.",
        References = ["CIS-Docker-2.3", "docker-bench:2.3", Nist],
    };

    public static readonly CheckInfo Iptables = new("host-runtime-iptables", "Docker is allowed to make changes to iptables", Severity.Medium)
    {
        Description = "With iptables off, Docker leaves published ports and inter-container traffic to rules an administrator must write by hand.",
        Remediation = "Remove --iptables=false (or \"iptables\": false) and restart dockerd, unless a firewall you manage replaces Docker's rules.",
        References = ["CIS-Docker-2.4", "docker-bench:2.4", Nist],
    };

    public static readonly CheckInfo InsecureRegistries = new("host-runtime-insecure-registries", "No insecure registries are configured", Severity.Medium)
    {
        Description = "Images from an insecure registry come over plain HTTP or unverified TLS: anyone on the path can swap them.",
        Remediation = "Remove the entries from \"insecure-registries\" in /etc/docker/daemon.json (or the --insecure-registry flags), give the registries trusted certificates, and restart dockerd.",
        References = ["CIS-Docker-2.5", "docker-bench:2.5", Nist],
    };

    public static readonly CheckInfo Aufs = new("host-runtime-aufs", "The aufs storage driver is not used", Severity.Low)
    {
        Description = "aufs is unmaintained, has known kernel crashes, and was removed in Docker 24.",
        Remediation = "Switch to overlay2: set \"storage-driver\": \"overlay2\" in /etc/docker/daemon.json (images and containers must be recreated).",
        References = ["CIS-Docker-2.6", "docker-bench:2.6", Nist],
    };

    public static readonly CheckInfo TcpTls = new("host-runtime-tcp-tls", "The daemon's TCP socket requires TLS client certificates", Severity.Critical)
    {
        Description = "Anyone who can reach dockerd's API controls the host as root. A TCP socket without --tlsverify (a CA that signs client certificates) is that API, open.",
        Remediation = "Remove the tcp:// entries from -H / \"hosts\" and use the unix socket or ssh://; or run dockerd with --tlsverify --tlscacert=ca.pem --tlscert=server-cert.pem --tlskey=server-key.pem (https://docs.docker.com/engine/security/protect-access/).",
        References = ["CIS-Docker-2.7", "docker-bench:2.7", Nist],
    };

    public static readonly CheckInfo DefaultUlimit = new("host-runtime-default-ulimit", "A default ulimit is configured", Severity.Low)
    {
        Description = "Default ulimits cap what one container can take (processes, open files) when its run does not say.",
        Remediation = "Set \"default-ulimits\" in /etc/docker/daemon.json (or dockerd --default-ulimit nofile=1024:2048 --default-ulimit nproc=1024:2048) as fits the workloads.",
        References = ["CIS-Docker-2.8", "docker-bench:2.8", Nist],
    };

    public static readonly CheckInfo Userns = new("host-runtime-userns-remap", "User namespace remapping is enabled", Severity.Medium)
    {
        Description = "Without userns-remap, root in a container is root on the host: an escape lands as uid 0.",
        Remediation = "Set \"userns-remap\": \"default\" in /etc/docker/daemon.json (with /etc/subuid and /etc/subgid entries) and restart dockerd; some features (host namespaces, privileged containers) stop working.",
        References = ["CIS-Docker-2.9", "docker-bench:2.9", Nist],
    };

    public static readonly CheckInfo CgroupParent = new("host-runtime-cgroup-parent", "The default cgroup parent is used", Severity.Low)
    {
        Description = "A changed cgroup-parent moves every container under another cgroup: confirm its limits are the intended ones.",
        Remediation = "Remove --cgroup-parent (\"cgroup-parent\") unless the cgroup it names is deliberately sized for the containers.",
        References = ["CIS-Docker-2.10", "docker-bench:2.10", Nist],
    };

    public static readonly CheckInfo BaseDeviceSize = new("host-runtime-base-device-size", "The base device size is not changed", Severity.Low)
    {
        Description = "A larger dm.basesize lets each container grow its filesystem to that size, which can fill the host.",
        Remediation = "Remove dm.basesize from --storage-opt / \"storage-opts\" unless needed.",
        References = ["CIS-Docker-2.11", "docker-bench:2.11", Nist],
    };

    public static readonly CheckInfo Authorization = new("host-runtime-authz-plugin", "An authorization plugin controls Docker client commands", Severity.Low)
    {
        Description = "Without an authorization plugin, every client that reaches the socket may run any command. Informational: most hosts restrict the socket instead.",
        Remediation = "Install an authorization plugin and run dockerd --authorization-plugin=<plugin> (\"authorization-plugins\"). Keep dockerd patched for CVE-2024-41110.",
        References = ["CIS-Docker-2.12", "docker-bench:2.12", Nist],
    };

    public static readonly CheckInfo RemoteLogging = new("host-runtime-remote-logging", "Container logs go to a centralized, remote log driver", Severity.Low)
    {
        Description = "json-file and local keep logs on the host only, where an attacker who got in can erase them.",
        Remediation = "Set \"log-driver\" to syslog, journald (forwarded), fluentd, gelf, awslogs, splunk or similar in /etc/docker/daemon.json, with its \"log-opts\".",
        References = ["CIS-Docker-2.13", "docker-bench:2.13", Nist],
    };

    public static readonly CheckInfo NoNewPrivileges = new("host-runtime-no-new-privileges", "Containers are restricted from acquiring new privileges by default", Severity.Medium)
    {
        Description = "no-new-privileges stops setuid binaries and file capabilities inside a container from raising a process's privileges.",
        Remediation = "Set \"no-new-privileges\": true in /etc/docker/daemon.json (or dockerd --no-new-privileges) and restart dockerd.",
        References = ["CIS-Docker-2.14", "docker-bench:2.14", Nist],
    };

    public static readonly CheckInfo LiveRestore = new("host-runtime-live-restore", "Live restore is enabled", Severity.Low)
    {
        Description = "With live restore, containers keep running while dockerd restarts, so the daemon can be patched without downtime (not usable with swarm mode).",
        Remediation = "Set \"live-restore\": true in /etc/docker/daemon.json and reload dockerd (systemctl reload docker).",
        References = ["CIS-Docker-2.15", "docker-bench:2.15", Nist],
    };

    public static readonly CheckInfo UserlandProxy = new("host-runtime-userland-proxy", "The userland proxy is disabled", Severity.Low)
    {
        Description = "docker-proxy runs a process per published port; hairpin NAT (iptables) does the same job with less attack surface.",
        Remediation = "Set \"userland-proxy\": false in /etc/docker/daemon.json (or dockerd --userland-proxy=false) and restart dockerd.",
        References = ["CIS-Docker-2.16", "docker-bench:2.16", Nist],
    };

    public static readonly CheckInfo Seccomp = new("host-runtime-seccomp-profile", "The daemon-wide seccomp profile is not disabled", Severity.High)
    {
        Description = "seccomp-profile=unconfined removes the syscall filter from every container that does not set its own.",
        Remediation = "Remove \"seccomp-profile\": \"unconfined\" (or --seccomp-profile=unconfined) so Docker's default profile applies, or name a reviewed custom profile.",
        References = ["CIS-Docker-2.17", "docker-bench:2.17", Nist],
    };

    public static readonly CheckInfo Experimental = new("host-runtime-experimental", "Experimental features are off", Severity.Low)
    {
        Description = "Experimental features are unsupported and less reviewed; keep them off in production.",
        Remediation = "Remove --experimental (\"experimental\": true) and restart dockerd.",
        References = ["CIS-Docker-2.18", "docker-bench:2.18", Nist],
    };

    public static IReadOnlyList<CheckInfo> All { get; } =
        [Settings, Conflict, Rootless, Icc, LogLevel, Iptables, InsecureRegistries, Aufs, TcpTls, DefaultUlimit, Userns, CgroupParent,
         BaseDeviceSize, Authorization, RemoteLogging, NoNewPrivileges, LiveRestore, UserlandProxy, Seccomp, Experimental];

    /// <summary>Log drivers that keep logs only on this host.</summary>
    private static readonly HashSet<string> LocalLogDrivers = new(StringComparer.Ordinal) { "json-file", "local", "none", "etwlogs" };

    public static IEnumerable<Finding> Run(HostContext context, DockerSettings s)
    {
        var target = s.Subject;
        Finding At(Finding f, DaemonSetting? setting = null) => f with { Target = target, Location = setting?.Location ?? f.Location };

        yield return At(Settings.Info(SettingsEvidence(s)));

        if (s.ConfigError is not null || s.Conflicts.Count > 0)
        {
            var parts = new List<string>();
            if (s.ConfigError is not null)
            {
                parts.Add(s.ConfigError + "; dockerd would refuse to start with it");
            }
            parts.AddRange(s.Conflicts.Select(c => $"{c.Key}: {c.FromFlag} on the command line and {c.FromFile} in {s.ConfigPath}"));
            yield return At(Conflict.Warn(string.Join("; ", parts), new Location(Path: s.ConfigPath)));
        }
        else if (s.ConfigExists)
        {
            yield return At(Conflict.Pass($"{s.ConfigPath} parses and sets no option the command line sets", new Location(Path: s.ConfigPath)));
        }

        if (s.Process is { } process)
        {
            yield return At(Rootless.Info(process.Uid is null ? "the uid of dockerd is not readable" : process.Uid == 0 ? "dockerd runs as root (uid 0)" : $"dockerd runs as uid {process.Uid} (rootless)"));
        }

        var icc = s["icc"];
        var bridge = s["bridge"];
        if (icc?.Bool == false)
        {
            yield return At(Icc.Pass(icc.Describe()), icc);
        }
        else if (bridge?.Value == "none")
        {
            yield return At(Icc.Pass($"{bridge.Describe()}: there is no default bridge, so icc has nothing to allow"), bridge);
        }
        else
        {
            yield return At(Icc.Warn(icc is null ? "icc is not set: dockerd's default is true" : icc.Describe()), icc);
        }

        yield return LogLevelFinding(s, At);

        var iptables = s["iptables"];
        yield return iptables?.Bool == false
            ? At(Iptables.Warn(iptables.Describe()), iptables)
            : At(Iptables.Pass(iptables is null ? "iptables is not set: dockerd's default is true" : iptables.Describe()), iptables);

        var insecure = s["insecure-registries"];
        yield return insecure is { Values.Count: > 0 }
            ? At(InsecureRegistries.Warn($"{string.Join(", ", insecure.Values)} from {insecure.Describe()}"), insecure)
            : At(InsecureRegistries.Pass(insecure is null ? "no insecure registries are configured" : insecure.Describe()), insecure);

        yield return AufsFinding(context, s, At);

        yield return TcpFinding(context, s, At);

        var ulimits = s["default-ulimits"];
        yield return ulimits is { Values.Count: > 0 }
            ? At(DefaultUlimit.Pass(ulimits.Describe()), ulimits)
            : At(DefaultUlimit.Info("no default ulimit is set"), ulimits);

        var userns = s["userns-remap"];
        yield return userns is { Value.Length: > 0 }
            ? At(Userns.Pass(userns.Describe()), userns)
            : At(Userns.Warn(userns is null ? "userns-remap is not set: containers' root is the host's root" : userns.Describe()), userns);

        var cgroupParent = s["cgroup-parent"];
        yield return cgroupParent is { Value.Length: > 0 }
            ? At(CgroupParent.Warn(cgroupParent.Describe() + ": confirm the cgroup's limits"), cgroupParent)
            : At(CgroupParent.Pass("cgroup-parent is not set"), cgroupParent);

        var storageOpts = s["storage-opts"];
        var baseSize = storageOpts?.Values.FirstOrDefault(v => v.StartsWith("dm.basesize", StringComparison.Ordinal));
        yield return baseSize is not null
            ? At(BaseDeviceSize.Warn($"{baseSize} from {storageOpts!.Describe()}"), storageOpts)
            : At(BaseDeviceSize.Pass("dm.basesize is not set"), storageOpts);

        var authz = s["authorization-plugins"];
        yield return authz is { Values.Count: > 0 }
            ? At(Authorization.Pass(authz.Describe()), authz)
            : At(Authorization.Info("no authorization plugin is configured"), authz);

        var logDriver = s["log-driver"];
        var driver = logDriver?.Value ?? "json-file";
        yield return LocalLogDrivers.Contains(driver)
            ? At(RemoteLogging.Warn(logDriver is null ? "log-driver is not set: dockerd's default is json-file (logs stay on the host)" : logDriver.Describe() + ": logs stay on the host"), logDriver)
            : At(RemoteLogging.Pass(logDriver!.Describe()), logDriver);

        var nnp = s["no-new-privileges"];
        yield return nnp?.Bool == true
            ? At(NoNewPrivileges.Pass(nnp.Describe()), nnp)
            : At(NoNewPrivileges.Warn(nnp is null ? "no-new-privileges is not set: dockerd's default is false" : nnp.Describe()), nnp);

        var liveRestore = s["live-restore"];
        yield return liveRestore?.Bool == true
            ? At(LiveRestore.Pass(liveRestore.Describe()), liveRestore)
            : At(LiveRestore.Warn(liveRestore is null ? "live-restore is not set: dockerd's default is false" : liveRestore.Describe()), liveRestore);

        var proxy = s["userland-proxy"];
        yield return proxy?.Bool == false
            ? At(UserlandProxy.Pass(proxy.Describe()), proxy)
            : At(UserlandProxy.Warn(proxy is null ? "userland-proxy is not set: dockerd's default is true" : proxy.Describe()), proxy);

        var seccomp = s["seccomp-profile"];
        if (seccomp?.Value == "unconfined")
        {
            yield return At(Seccomp.Fail(seccomp.Describe()), seccomp);
        }
        else
        {
            yield return seccomp is { Value.Length: > 0 }
                ? At(Seccomp.Info(seccomp.Describe() + ": a custom profile; review it"), seccomp)
                : At(Seccomp.Pass("seccomp-profile is not set: Docker's default profile applies"), seccomp);
        }

        var experimental = s["experimental"];
        yield return experimental?.Bool == true
            ? At(Experimental.Warn(experimental.Describe()), experimental)
            : At(Experimental.Pass(experimental is null ? "experimental is not set" : experimental.Describe()), experimental);
    }

    private static string SettingsEvidence(DockerSettings s)
    {
        var parts = new List<string>();
        if (s.Process is { } p)
        {
            parts.Add("command line: " + (s.Flags.Count == 0 ? "(no flags)" : string.Join(' ', s.Flags.Select(Redacted))));
        }
        var fromFile = s.ConfigPath is null ? "configuration file: unknown (rootless dockerd, environment not readable)"
            : !s.ConfigExists ? $"configuration file: {s.ConfigPath} (absent)"
            : s.ConfigError is not null ? $"configuration file: {s.ConfigError}"
            : $"configuration file: {s.ConfigPath}";
        parts.Add(fromFile);
        return string.Join("; ", parts);
    }

    /// <summary>
    /// A flag as written, except a log driver option that carries a credential (--log-opt splunk-token=...): the
    /// report travels further than the process table, so the value is left out.
    /// </summary>
    private static string Redacted(FlagUse flag)
    {
        if (flag.Name != "log-opt")
        {
            return flag.Raw;
        }
        var eq = flag.Value.IndexOf('=', StringComparison.Ordinal);
        var key = eq < 0 ? flag.Value : flag.Value[..eq];
        return SecretKey().IsMatch(key) ? flag.Raw.Replace(flag.Value, key + "=(redacted)", StringComparison.Ordinal) : flag.Raw;
    }

    [System.Text.RegularExpressions.GeneratedRegex("token|password|secret|key|credential", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex SecretKey();

    private static Finding LogLevelFinding(DockerSettings s, Func<Finding, DaemonSetting?, Finding> at)
    {
        var level = s["log-level"];
        var debug = s["debug"];
        if (debug?.Bool == true)
        {
            return at(LogLevel.Warn(debug.Describe() + ": debug logging"), debug);
        }
        if (level is null || level.Value is null or "" or "info")
        {
            return at(LogLevel.Pass(level is null ? "log-level is not set: dockerd's default is info" : level.Describe()), level);
        }
        return at(LogLevel.Warn(level.Describe()), level);
    }

    private static Finding AufsFinding(HostContext context, DockerSettings s, Func<Finding, DaemonSetting?, Finding> at)
    {
        var storage = s["storage-driver"];
        if (storage is { Value.Length: > 0 })
        {
            return storage.Value == "aufs" ? at(Aufs.Warn(storage.Describe()), storage) : at(Aufs.Pass(storage.Describe()), storage);
        }
        // Without an explicit driver dockerd picks one; its aufs driver keeps its layers under <data-root>/aufs.
        var aufsHome = s.DataRoot + "/aufs";
        return context.Files.Stat(aufsHome) is { Kind: Core.FileTree.FileKind.Directory }
            ? at(Aufs.Warn($"storage-driver is not set and /{aufsHome} exists: dockerd may have chosen aufs"), null)
            : at(Aufs.Pass($"storage-driver is not set and /{aufsHome} does not exist"), null);
    }

    private static Finding TcpFinding(HostContext context, DockerSettings s, Func<Finding, DaemonSetting?, Finding> at)
    {
        var hosts = s["hosts"];
        var tcp = new List<string>();
        var others = new List<string>();
        foreach (var host in hosts?.Values ?? [])
        {
            // dockerd reads an address without a scheme ("0.0.0.0:2375") as tcp.
            if (host.StartsWith("tcp://", StringComparison.Ordinal) || (!host.Contains("://", StringComparison.Ordinal) && host.Contains(':', StringComparison.Ordinal)))
            {
                tcp.Add(host);
            }
            else
            {
                others.Add(host);
            }
        }
        // fd:// takes the sockets systemd opened from docker.socket: a ListenStream that is a port is TCP.
        string? socketUnit = null;
        if (others.Any(h => h.StartsWith("fd://", StringComparison.Ordinal)))
        {
            foreach (var unit in HostFacts.UnitFiles(context, "docker.socket"))
            {
                foreach (var listen in ListenStreams(context, unit).Where(IsTcpListen))
                {
                    tcp.Add($"{listen} (ListenStream in /{unit})");
                    socketUnit ??= unit;
                }
            }
        }
        if (tcp.Count == 0)
        {
            var listening = others.Count > 0 ? string.Join(", ", others) : "unix:///var/run/docker.sock (the default)";
            return at(TcpTls.Pass($"no TCP socket: dockerd listens on {listening}"), hosts);
        }
        var verify = s["tlsverify"];
        var tls = s["tls"];
        var where = string.Join(", ", tcp);
        if (verify?.Bool == true)
        {
            var ca = s["tlscacert"]?.Value ?? "~/.docker/ca.pem (dockerd's default)";
            return at(TcpTls.Pass($"{where} with {verify.Describe()}: clients need a certificate signed by {ca}"), verify);
        }
        var loopbackOnly = tcp.All(IsLoopback);
        var problem = tls?.Bool == true
            ? $"{where} uses TLS ({tls.Describe()}) but not --tlsverify: any client is accepted without a certificate"
            : $"{where} without TLS: anyone who reaches it controls dockerd (root on this host)";
        if (loopbackOnly)
        {
            problem += "; bound to loopback only, so reachable by every local user and every container sharing the host network";
        }
        var finding = at(TcpTls.Fail(problem), hosts);
        if (socketUnit is not null && hosts is null)
        {
            finding = finding with { Location = new Location(Path: socketUnit) };
        }
        return loopbackOnly ? finding with { Severity = Severity.High } : finding;
    }

    /// <summary>ListenStream= values of a socket unit (its [Socket] section; drop-ins are not read).</summary>
    private static IEnumerable<string> ListenStreams(HostContext context, string unit)
    {
        foreach (var raw in (context.Files.ReadText(unit, 256 * 1024) ?? string.Empty).Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("ListenStream=", StringComparison.Ordinal) && line.Length > "ListenStream=".Length)
            {
                yield return line["ListenStream=".Length..].Trim();
            }
        }
    }

    /// <summary>systemd reads "2375", "0.0.0.0:2375" and "[::]:2375" as TCP; a path or "@name" is a unix socket.</summary>
    private static bool IsTcpListen(string listen) =>
        !listen.StartsWith('/') && !listen.StartsWith('@') && (int.TryParse(listen, NumberStyles.None, CultureInfo.InvariantCulture, out _) || listen.Contains(':', StringComparison.Ordinal));

    private static bool IsLoopback(string address)
    {
        var host = address.Replace("tcp://", string.Empty, StringComparison.Ordinal);
        return host.StartsWith("127.", StringComparison.Ordinal) || host.StartsWith("localhost:", StringComparison.Ordinal) || host.StartsWith("[::1]", StringComparison.Ordinal);
    }
}
