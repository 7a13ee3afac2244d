using System.Text.Json;
using Seawall.Artifacts.Engine;
using Seawall.Core.Errors;

namespace Seawall.ContainerAudit.Runtime;

/// <summary>The runtime's word on its containers: the daemon's defaults and every container's inspect document.</summary>
public sealed record RuntimeView(DaemonInfo Daemon, IReadOnlyList<RuntimeContainer> Containers);

/// <summary>
/// Reads containers through the Engine API (Docker, or Podman's compatible service): one list call, then an inspect
/// per container and per exec session, a few at a time. A container removed between the list and its inspect
/// (404) is simply gone, not an error.
/// </summary>
public static class EngineContainers
{
    private const int MaxListBytes = 64 * 1024 * 1024;
    private const int MaxInspectBytes = 8 * 1024 * 1024;
    private const int MaxContainers = 10_000;

    /// <summary>Inspects in flight at once: the daemon answers each in a few milliseconds; more only queues behind its lock.</summary>
    private const int Parallelism = 8;

    public static async Task<RuntimeView> ReadAsync(EngineClient engine, bool includeStopped, CancellationToken cancellationToken)
    {
        DaemonInfo daemon;
        using (var info = await engine.GetJsonAsync("/info", MaxInspectBytes, "daemon info", cancellationToken).ConfigureAwait(false))
        {
            daemon = info is null ? new DaemonInfo() : DaemonInfo.FromInfo(info.RootElement);
        }
        List<string> ids;
        using (var list = await engine.GetJsonAsync("/containers/json" + (includeStopped ? "?all=1" : string.Empty), MaxListBytes, "container list", cancellationToken).ConfigureAwait(false))
        {
            if (list is null || list.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new ScanException($"Docker Engine at {engine.Host}: the container list is not a JSON array");
            }
            ids = [.. list.RootElement.EnumerateArray().Select(c => RuntimeContainer.String(c, "Id"))
                .Where(id => id.Length > 0 && id.All(char.IsAsciiHexDigit)).Take(MaxContainers)];
        }
        var containers = new RuntimeContainer?[ids.Count];
        await Parallel.ForAsync(0, ids.Count, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            containers[i] = await InspectAsync(engine, ids[i], ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return new RuntimeView(daemon, [.. containers.OfType<RuntimeContainer>().OrderBy(c => c.Name, StringComparer.Ordinal)]);
    }

    private static async Task<RuntimeContainer?> InspectAsync(EngineClient engine, string id, CancellationToken cancellationToken)
    {
        RuntimeContainer container;
        using (var inspect = await engine.GetJsonAsync($"/containers/{id}/json", MaxInspectBytes, $"container {id[..Math.Min(12, id.Length)]}", cancellationToken).ConfigureAwait(false))
        {
            if (inspect is null)
            {
                return null;
            }
            container = RuntimeContainer.FromInspect(inspect.RootElement);
        }
        if (container.ExecIds.Count == 0)
        {
            return container;
        }
        var execs = new List<ExecSession>();
        foreach (var execId in container.ExecIds.Where(e => e.All(char.IsAsciiHexDigit)).Take(100))
        {
            using var exec = await engine.GetJsonAsync($"/exec/{execId}/json", MaxInspectBytes, $"exec {execId[..Math.Min(12, execId.Length)]}", cancellationToken).ConfigureAwait(false);
            if (exec is null)
            {
                continue;
            }
            execs.Add(ExecSession.FromInspect(execId, exec.RootElement));
        }
        return container with { Execs = execs };
    }
}
