using System.Globalization;
using Seawall.ContainerAudit.Kernel;
using Seawall.Core.Model;
using static Seawall.ContainerAudit.Checks.ContainerChecks;

namespace Seawall.ContainerAudit.Checks;

/// <summary>
/// The kernel's word: what /proc shows of the container's processes, and whether it agrees with the runtime's.
/// A disagreement is a finding of its own: it means a runtime bug, a hook or tampering, and the kernel's side is
/// the one an attacker meets.
/// </summary>
public static class KernelChecks
{
    /// <summary>The namespaces a runtime mode shares with the host, by /proc/PID/ns name.</summary>
    private static readonly string[] Compared = ["pid", "net", "ipc", "uts", "user"];

    public static IEnumerable<Finding> Run(ContainerFacts facts)
    {
        var c = facts.Container;
        if (facts.Kernel is not { Init: { } init } kernel)
        {
            if (facts.View is { Available: true } && c.Running)
            {
                yield return Result(KernelVisibility.Warn($"/proc shows no process in container {Short(c.Id)} (State.Pid {N(c.Pid)}): the runtime's word is not checked against the kernel"));
            }
            yield break;
        }
        var map = kernel.UidMap is { Count: > 0 } m ? string.Join(", ", m.Select(r => $"{N(r.Inside)} {N(r.Outside)} {N(r.Count)}")) : "unreadable";
        yield return Result(KernelVisibility.Pass($"{N(kernel.Processes.Count)} process(es); init pid {N(init.Pid)} ({init.Name}); uid_map {map}"));

        var hostRoot = kernel.Processes.Where(p => p.Uid == 0 || p.EffectiveUid == 0).ToList();
        yield return Result(hostRoot.Count > 0
            ? RootIsHostRoot.Fail($"host uid 0: {string.Join(", ", hostRoot.Take(5).Select(p => $"pid {N(p.Pid)} ({p.Name})"))}; uid_map {map}")
            : RootIsHostRoot.Pass($"no process runs as host uid 0 (init uid {(init.Uid is { } u ? N(u) : "?")}); uid_map {map}"));

        if (init.CapBnd is { } bounding)
        {
            // The runtime can only give what the daemon itself holds, and only what this kernel knows.
            var expected = new SortedSet<string>(facts.RuntimeCapabilities, StringComparer.Ordinal);
            if (facts.View?.DaemonBounding is { } daemonBounding)
            {
                expected.IntersectWith(daemonBounding);
            }
            if (facts.View?.KernelCapabilities is { } known)
            {
                expected.IntersectWith(known);
            }
            var extra = bounding.Except(expected).ToList();
            var missing = expected.Except(bounding).ToList();
            var eff = init.CapEff is { } e ? (e.Count == 0 ? "none" : string.Join(",", e)) : "?";
            yield return Result(extra.Count > 0 || missing.Count > 0
                ? KernelCapabilities.Fail($"kernel CapBnd has {(extra.Count > 0 ? "+" + string.Join(",+", extra) : string.Empty)}{(extra.Count > 0 && missing.Count > 0 ? " " : string.Empty)}{(missing.Count > 0 ? "-" + string.Join(",-", missing) : string.Empty)} against the runtime's set; CapEff {eff}")
                : KernelCapabilities.Pass($"CapBnd = the runtime's {N(expected.Count)} capabilities; CapEff {eff}"));
        }

        if (facts.View?.HostNamespaces is { Count: > 0 } host)
        {
            var differences = new List<string>();
            var agreements = new List<string>();
            foreach (var kind in Compared)
            {
                if (!init.Namespaces.TryGetValue(kind, out var mine) || !host.TryGetValue(kind, out var theirs))
                {
                    continue;
                }
                var kernelShares = mine == theirs;
                var runtimeShares = kind switch
                {
                    "pid" => c.HostPid,
                    "net" => c.HostNetwork,
                    "ipc" => c.HostIpc,
                    "uts" => c.HostUts,
                    // The user namespace is the host's unless the daemon remaps (or is rootless) and the container did not opt out.
                    _ => !(facts.Daemon.UsernsRemap || facts.Daemon.Rootless) || c.HostUserns,
                };
                (kernelShares == runtimeShares ? agreements : differences).Add(
                    $"{kind}: kernel {(kernelShares ? "host" : "own")} ({mine}), runtime {(runtimeShares ? "host" : "own")}");
            }
            if (differences.Count > 0 || agreements.Count > 0)
            {
                yield return Result(differences.Count > 0
                    ? KernelNamespaces.Fail(string.Join("; ", differences) + $" (host namespaces from {facts.View.HostNamespacesFrom})")
                    : KernelNamespaces.Pass(string.Join("; ", agreements)));
            }
        }

        if (init.SeccompMode is { } mode)
        {
            var runtimeFilters = !(c.SeccompUnconfined || c.Privileged || !facts.Daemon.Seccomp || facts.Daemon.SeccompDefaultUnconfined);
            var kernelFilters = mode != 0;
            yield return Result(runtimeFilters && !kernelFilters
                ? KernelSeccomp.Fail($"kernel Seccomp {N(mode)} (disabled) although the runtime's profile applies")
                : KernelSeccomp.Pass($"kernel Seccomp {N(mode)} ({(kernelFilters ? "filtered" : "disabled")}); runtime {(runtimeFilters ? "filtered" : "unconfined")}"));
        }

        if (init.NoNewPrivs is { } nnp)
        {
            // The kernel having it where inspect does not is a daemon default ("no-new-privileges": true), not a risk.
            yield return Result(c.NoNewPrivileges && !nnp
                ? KernelNoNewPrivs.Fail("kernel NoNewPrivs 0 although SecurityOpt sets no-new-privileges")
                : KernelNoNewPrivs.Pass($"kernel NoNewPrivs {(nnp ? 1 : 0)}; runtime {(c.NoNewPrivileges ? "no-new-privileges" : "not set")}"));
        }

        if (facts.RuntimeUid is { } uid && init.Uid is { } seen && kernel.UidMap is { Count: > 0 } uidMap)
        {
            var expectedHost = uidMap.FirstOrDefault(r => r.Inside <= uid && uid < r.Inside + r.Count) is { } range ? range.Outside + (uid - range.Inside) : (long?)null;
            yield return Result(expectedHost is { } want && want != seen
                ? KernelUser.Fail($"init runs as host uid {N(seen)}; User '{c.User}' maps to host uid {N(want)}")
                : KernelUser.Pass($"init runs as host uid {N(seen)}; User '{(c.User.Length == 0 ? "root" : c.User)}'"));
        }

        Finding Result(Finding finding) => finding with { Target = c.Name };
    }

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);
}
