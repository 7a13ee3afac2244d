using Seawall.Core.Model;

namespace Seawall.HostAudit.RuntimeDaemon;

/// <summary>
/// CIS Docker Benchmark 1.6.0 1.1.3 to 1.1.18 (docker-bench-security's tests/1_host_configuration.sh): auditd must
/// watch the runtime's binaries, directories and configuration. Read from the rules auditd loads at boot
/// (/etc/audit/audit.rules and /etc/audit/rules.d/*.rules); the kernel's live rule list (auditctl -l) is not a file.
/// A rule counts when it is "-w PATH" or carries "-F path=PATH" / "-F dir=PATH".
/// </summary>
internal static class DockerAuditRules
{
    private const string RulesFile = "etc/audit/audit.rules";
    private const string RulesDirectory = "etc/audit/rules.d";

    /// <summary>One audited item: the docker-bench id, what it is, and the places it can be on a host (the first that exists is reported).</summary>
    private sealed record AuditItem(string Cis, string Name, string What, string[] Paths, bool RequiresDocker)
    {
        public CheckInfo Check { get; } = new($"host-runtime-audit-{Name}", $"auditd watches {What}", Severity.Low)
        {
            Description = $"Without an audit rule on {What}, changes to it (and for binaries, their use) leave no trace for an investigation.",
            Remediation = $"Add \"-w /{Paths[0]} -k docker\" to /etc/audit/rules.d/docker.rules, then run augenrules --load.",
            References = [$"CIS-Docker-{Cis}", $"docker-bench:{Cis}", "NIST-800-190-4.5.4"],
        };
    }

    private static readonly AuditItem[] Items =
    [
        new("1.1.3", "dockerd", "the Docker daemon binary", ["usr/bin/dockerd", "usr/sbin/dockerd", "usr/local/bin/dockerd"], true),
        new("1.1.4", "run-containerd", "/run/containerd", ["run/containerd"], false),
        new("1.1.5", "var-lib-docker", "/var/lib/docker", ["var/lib/docker"], true),
        new("1.1.6", "etc-docker", "/etc/docker", ["etc/docker"], true),
        new("1.1.7", "docker-service", "the docker.service unit", ["etc/systemd/system/docker.service", "usr/lib/systemd/system/docker.service", "lib/systemd/system/docker.service"], true),
        new("1.1.8", "containerd-sock", "containerd.sock", ["run/containerd/containerd.sock", "etc/systemd/system/containerd.socket", "usr/lib/systemd/system/containerd.socket", "lib/systemd/system/containerd.socket"], false),
        new("1.1.9", "docker-socket", "the docker.socket unit", ["etc/systemd/system/docker.socket", "usr/lib/systemd/system/docker.socket", "lib/systemd/system/docker.socket"], true),
        new("1.1.10", "etc-default-docker", "/etc/default/docker", ["etc/default/docker"], true),
        new("1.1.11", "daemon-json", "/etc/docker/daemon.json", ["etc/docker/daemon.json"], true),
        new("1.1.12", "containerd-config", "/etc/containerd/config.toml", ["etc/containerd/config.toml"], false),
        new("1.1.13", "etc-sysconfig-docker", "/etc/sysconfig/docker", ["etc/sysconfig/docker"], true),
        new("1.1.14", "containerd", "the containerd binary", ["usr/bin/containerd", "usr/local/bin/containerd"], false),
        new("1.1.15", "containerd-shim", "the containerd-shim binary", ["usr/bin/containerd-shim", "usr/local/bin/containerd-shim"], false),
        new("1.1.16", "containerd-shim-runc-v1", "the containerd-shim-runc-v1 binary", ["usr/bin/containerd-shim-runc-v1", "usr/local/bin/containerd-shim-runc-v1"], false),
        new("1.1.17", "containerd-shim-runc-v2", "the containerd-shim-runc-v2 binary", ["usr/bin/containerd-shim-runc-v2", "usr/local/bin/containerd-shim-runc-v2"], false),
        new("1.1.18", "runc", "the runc binary", ["usr/bin/runc", "usr/sbin/runc", "usr/local/bin/runc", "usr/local/sbin/runc"], false),
    ];

    public static IReadOnlyList<CheckInfo> All { get; } = [.. Items.Select(i => i.Check)];

    /// <param name="dockerPresent">Docker Engine is on the host (the docker-only items apply).</param>
    /// <param name="dataRoot">dockerd's data root, watched in place of /var/lib/docker when it was moved.</param>
    public static IEnumerable<Finding> Run(HostContext context, bool dockerPresent, string dataRoot)
    {
        var (watched, sources) = WatchedPaths(context);
        foreach (var item in Items)
        {
            if (item.RequiresDocker && !dockerPresent)
            {
                continue;
            }
            var paths = item.Name == "var-lib-docker" ? [dataRoot, .. item.Paths] : item.Paths;
            var present = paths.Where(p => context.Files.Exists(p)).ToList();
            if (present.Count == 0)
            {
                continue;
            }
            var rule = paths.FirstOrDefault(p => watched.ContainsKey(p));
            if (rule is not null)
            {
                yield return item.Check.Pass($"/{rule} is watched: {watched[rule]}", Where(watched[rule])) with { Target = "/" + rule };
            }
            else
            {
                var read = sources.Count == 0 ? "no audit rules found (/etc/audit/audit.rules, /etc/audit/rules.d/*.rules): auditd is not configured" : "read " + string.Join(", ", sources.Select(s => "/" + s));
                yield return (item.Check.Warn($"no audit rule watches /{present[0]}; {read}") with { Target = "/" + present[0] })
                    .Fix($"echo '-w /{present[0]} -k docker' >> /etc/audit/rules.d/docker.rules && augenrules --load");
            }
        }
    }

    /// <summary>Every path an audit rule watches, with "file:line" of the first rule naming it, and the files read.</summary>
    private static (Dictionary<string, string> Watched, List<string> Sources) WatchedPaths(HostContext context)
    {
        var watched = new Dictionary<string, string>(StringComparer.Ordinal);
        var sources = new List<string>();
        var files = new List<string> { RulesFile };
        files.AddRange((context.Files.List(RulesDirectory) ?? []).Where(n => n.EndsWith(".rules", StringComparison.Ordinal)).Order(StringComparer.Ordinal).Select(n => RulesDirectory + "/" + n));
        foreach (var file in files)
        {
            var text = context.Files.ReadText(file, 4 * 1024 * 1024);
            if (text is null)
            {
                continue;
            }
            sources.Add(file);
            var lines = text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (var path in RulePaths(lines[i]))
                {
                    watched.TryAdd(DockerSettings.Trim(path), $"{file}:{i + 1}");
                }
            }
        }
        return (watched, sources);
    }

    /// <summary>The paths one auditctl rule line watches: "-w PATH ..." or "-a ... -F path=PATH" / "-F dir=PATH".</summary>
    internal static IEnumerable<string> RulePaths(string line)
    {
        var trimmed = line.Trim();
        if (trimmed.Length == 0 || trimmed.StartsWith('#'))
        {
            yield break;
        }
        var tokens = trimmed.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < tokens.Length; i++)
        {
            if (tokens[i] == "-w" && i + 1 < tokens.Length)
            {
                yield return tokens[++i];
            }
            else if (tokens[i] == "-F" && i + 1 < tokens.Length)
            {
                var field = tokens[++i];
                if (field.StartsWith("path=", StringComparison.Ordinal))
                {
                    yield return field[5..];
                }
                else if (field.StartsWith("dir=", StringComparison.Ordinal))
                {
                    yield return field[4..];
                }
            }
        }
    }

    private static Location Where(string fileAndLine)
    {
        var colon = fileAndLine.LastIndexOf(':');
        return new Location(Path: fileAndLine[..colon], Line: int.Parse(fileAndLine[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }
}
