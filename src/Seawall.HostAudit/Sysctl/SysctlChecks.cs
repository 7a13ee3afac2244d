using Seawall.Core.Model;
using Seawall.HostAudit.Checks;
using Seawall.HostAudit.HostRole;

namespace Seawall.HostAudit.Sysctl;

/// <summary>
/// Kernel and network sysctls against the Lynis KRNL-6000 profile and the CIS distribution benchmarks, user
/// namespaces with their rootless-container trade-off, and persisted values the running kernel does not have.
/// Values are read from proc/sys; a key the kernel does not have (no IPv6, no Yama) is not reported.
/// </summary>
public sealed class SysctlChecks : IHostCheckGroup
{
    internal static readonly CheckInfo UserNamespaces = new("host-sysctl-userns", "Unprivileged user namespaces are restricted", Severity.Low)
    {
        Description = "An unprivileged user namespace gives any user a full set of capabilities over namespaced kernel objects, " +
            "which exposes code (netfilter, mount, eBPF paths) that used to need root: many kernel privilege escalations and " +
            "container escapes start there (CVE-2022-0185, CVE-2023-32233, CVE-2024-1086). The trade-off: rootless Docker, " +
            "rootless Podman, buildah and unprivileged sandboxes (Chrome, Flatpak, bubblewrap) need them. Restrict them on hosts " +
            "that only run rootful containers; where rootless engines run they are required, and confining which programs may " +
            "create them (Ubuntu's kernel.apparmor_restrict_unprivileged_userns = 1) is the middle way.",
        Remediation = "Without rootless containers: sysctl -w user.max_user_namespaces=0 (or kernel.unprivileged_userns_clone=0 on " +
            "Debian kernels; kernel.apparmor_restrict_unprivileged_userns=1 on Ubuntu) and persist it in /etc/sysctl.d/99-seawall.conf.",
        References = ["NIST-800-190-4.5.2"],
    };

    internal static readonly CheckInfo Persisted = new("host-sysctl-persisted", "Running sysctl values match the persisted configuration", Severity.Low)
    {
        Description = "A value set in sysctl.conf or sysctl.d that the running kernel does not have: changed at runtime since boot " +
            "(by hand, a daemon, or a container runtime such as Docker setting ip_forward), overridden by a later file, or not " +
            "applied because its module was loaded after systemd-sysctl ran. Warned when the running value is weaker than a " +
            "persisted hardening value; information otherwise.",
        Remediation = "Re-apply the configuration (sysctl --system) and find what changed the value, or update the file if the running value is intended.",
        References = ["lynis:KRNL-6000"],
    };

    private static readonly IReadOnlyList<SysctlRule> Rules = [.. SysctlRules.All, .. SysctlRules.Forwarding];

    public string Name => "sysctl";

    public IReadOnlyList<CheckInfo> Checks { get; } = [.. SysctlRules.All.Select(r => r.Check), .. SysctlRules.Forwarding.Select(r => r.Check), UserNamespaces, Persisted];

    public IEnumerable<Finding> Run(HostContext context)
    {
        var running = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rule in Rules)
        {
            if (Read(context, rule.Key) is { } value)
            {
                running[rule.Key] = value;
            }
        }

        foreach (var rule in SysctlRules.All)
        {
            if (running.TryGetValue(rule.Key, out var value))
            {
                yield return Evaluate(rule, value, running);
            }
        }

        var runtimes = SysctlRules.Forwarding.Any(r => running.GetValueOrDefault(r.Key) is { } v && v != "0")
            ? ContainerRuntimes.Running(context.Processes)
            : [];
        foreach (var rule in SysctlRules.Forwarding)
        {
            if (running.TryGetValue(rule.Key, out var value))
            {
                if (rule.StatusOf(value) != FindingStatus.Pass && runtimes.Count > 0)
                {
                    var names = string.Join(", ", runtimes.Select(p => p.Program).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(5));
                    yield return rule.Check.Info($"{rule.Key} = {value}: required by the container runtime running here ({names})");
                }
                else
                {
                    yield return Evaluate(rule, value, running);
                }
            }
        }

        if (UserNamespaceFinding(context) is { } userns)
        {
            yield return userns;
        }

        foreach (var finding in PersistedFindings(context))
        {
            yield return finding;
        }
    }

    private static string? Read(HostContext context, string key) =>
        context.Files.ReadText(SysctlFiles.ProcPath(key), 64 * 1024) is { } text ? SysctlFiles.Normalize(text) : null;

    private static Finding Evaluate(SysctlRule rule, string value, Dictionary<string, string> running)
    {
        var evidence = rule.Evidence(value);
        var status = rule.StatusOf(value);
        // Router advertisements are ignored while forwarding is on (unless accept_ra = 2).
        if (status != FindingStatus.Pass && rule.Key.EndsWith(".accept_ra", StringComparison.Ordinal) && value == "1"
            && running.GetValueOrDefault("net.ipv6.conf.all.forwarding") == "1")
        {
            return rule.Check.Pass(evidence + "; ignored while net.ipv6.conf.all.forwarding = 1");
        }
        return rule.Check.Result(status, evidence, status == FindingStatus.Pass ? null : new Location(SysctlFiles.ProcPath(rule.Key)));
    }

    private static Finding? UserNamespaceFinding(HostContext context)
    {
        var max = Read(context, "user.max_user_namespaces");
        if (max is null)
        {
            return null;
        }
        var clone = Read(context, "kernel.unprivileged_userns_clone");
        var apparmor = Read(context, "kernel.apparmor_restrict_unprivileged_userns");
        var values = string.Join(", ", new[]
        {
            $"user.max_user_namespaces = {max}",
            clone is null ? null : $"kernel.unprivileged_userns_clone = {clone}",
            apparmor is null ? null : $"kernel.apparmor_restrict_unprivileged_userns = {apparmor}",
        }.OfType<string>());
        if (max == "0" || clone == "0" || apparmor == "1")
        {
            return UserNamespaces.Pass(values);
        }
        var rootless = ContainerRuntimes.Rootless(context.Processes);
        if (rootless.Count > 0)
        {
            var who = string.Join(", ", rootless.OrderBy(p => p.Pid).Take(5).Select(p => $"{p.Program} (pid {p.Pid}, uid {p.Uid})"));
            return UserNamespaces.Info($"{values}: unprivileged user namespaces allowed, and needed by the rootless engine running here: {who}");
        }
        return UserNamespaces.Warn($"{values}: any user may create user namespaces, and no rootless container engine is running");
    }

    private static IEnumerable<Finding> PersistedFindings(HostContext context)
    {
        var rules = Rules.ToDictionary(r => r.Key, StringComparer.Ordinal);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in SysctlFiles.Read(context.Files).Reverse())
        {
            // Globs apply to the table's keys only: the audit does not list proc/sys.
            var keys = SysctlFiles.IsGlob(entry.Key) ? rules.Keys.Where(k => SysctlFiles.Matches(entry.Key, k)).ToList() : [entry.Key];
            foreach (var key in keys)
            {
                // Files are walked backwards, so the first entry seen for a key is the one that wins.
                if (!reported.Add(key) || Read(context, key) is not { } value || value == entry.Value)
                {
                    continue;
                }
                var evidence = $"{key} = {value} running, {entry.Value} persisted ({entry.Path}:{entry.Line})";
                var location = new Location(entry.Path, entry.Line);
                var weakened = rules.TryGetValue(key, out var rule) && rule.StatusOf(entry.Value) == FindingStatus.Pass && rule.StatusOf(value) != FindingStatus.Pass;
                yield return weakened ? Persisted.Warn(evidence, location) : Persisted.Info(evidence, location);
            }
        }
    }
}
