using Seawall.Artifacts.Engine;
using Seawall.ContainerAudit.Checks;
using Seawall.ContainerAudit.Kernel;
using Seawall.ContainerAudit.Risk;
using Seawall.ContainerAudit.Runtime;
using Seawall.Core.Model;
using Seawall.HostAudit.Access;

namespace Seawall.ContainerAudit;

/// <summary>What a containers audit gives: one result per container, the host's overview and any warnings.</summary>
public sealed record ContainersAudit(IReadOnlyList<ScanResult> Results, ContainerOverview Overview, IReadOnlyList<string> Warnings);

/// <summary>
/// Audits running containers twice: as the runtime reports them (Engine API) and as the kernel shows them (/proc
/// under the root), then grades each and counts the containers that can reach host root. Reads only.
/// </summary>
public static class ContainerAuditor
{
    /// <param name="processes">The host audit's process table when it ran first (`seawall host --containers`), so /proc is read once.</param>
    public static async Task<ContainersAudit> AuditAsync(EngineClient engine, HostFileTree files, ProcessTable? processes, CancellationToken cancellationToken)
    {
        var runtime = await EngineContainers.ReadAsync(engine, includeStopped: false, cancellationToken).ConfigureAwait(false);
        return Audit(runtime, KernelView.Read(files, processes), engine.Host.ToString());
    }

    public static ContainersAudit Audit(RuntimeView runtime, KernelView? kernel, string daemon)
    {
        var results = new List<ScanResult>(runtime.Containers.Count);
        var byPath = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var reachRoot = 0;
        foreach (var container in runtime.Containers)
        {
            var facts = new ContainerFacts(container, runtime.Daemon, kernel?.For(container.Id, container.Pid), kernel);
            var findings = RuntimeChecks.Run(facts).Concat(KernelChecks.Run(facts)).ToList();
            var risk = RiskGrade.For(facts, findings);
            if (risk.HostRootPaths.Count > 0)
            {
                reachRoot++;
            }
            foreach (var path in risk.HostRootPaths.Select(Kind).Distinct(StringComparer.Ordinal))
            {
                if (!byPath.TryGetValue(path, out var names))
                {
                    byPath[path] = names = [];
                }
                names.Add(container.Name);
            }
            results.Add(new ScanResult
            {
                Target = container.Name,
                Class = ResultClass.Containers,
                Type = "docker",
                Findings = findings,
                Risk = risk,
            });
        }
        var warnings = new List<string>();
        if (kernel is null || !kernel.Available)
        {
            warnings.Add("containers: no proc/ under the audited root, so only the runtime's word was checked; run on the host or mount the host's /proc");
        }
        else if (kernel.HostNamespaces.Count == 0)
        {
            warnings.Add("containers: the host's namespaces are unreadable (neither the daemon's nor PID 1's /proc/PID/ns), so namespace sharing was taken from the runtime alone");
        }
        var overview = new ContainerOverview(runtime.Containers.Count, reachRoot)
        {
            ByPath = byPath.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal),
            Daemon = runtime.Daemon.ServerVersion.Length > 0 ? $"{daemon} (Docker {runtime.Daemon.ServerVersion})" : daemon,
        };
        return new ContainersAudit(results, overview, warnings);
    }

    /// <summary>The path's kind without its particulars ("runtime socket mounted (/var/run/docker.sock)" -> "runtime socket mounted").</summary>
    private static string Kind(string path)
    {
        var paren = path.IndexOf(" (", StringComparison.Ordinal);
        var kind = paren > 0 ? path[..paren] : path;
        return kind.StartsWith("writable host ", StringComparison.Ordinal) ? "writable host directory" : kind.StartsWith("host device ", StringComparison.Ordinal) ? "host device writable" : kind;
    }
}
