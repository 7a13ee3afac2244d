using Seawall.Core.Model;
using Seawall.HostAudit.Checks;

namespace Seawall.HostAudit;

/// <summary>Runs every check group on one host. A group that throws loses only its own findings, with a warning.</summary>
public sealed class HostAuditor(IReadOnlyList<IHostCheckGroup> groups)
{
    public IReadOnlyList<IHostCheckGroup> Groups { get; } = groups;

    public IReadOnlyList<Finding> Run(HostContext context, CancellationToken cancellationToken = default)
    {
        var perGroup = new IReadOnlyList<Finding>[Groups.Count];
        // Groups read different files; two at a time keeps a 2-core node responsive.
        Parallel.For(0, Groups.Count, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken }, i =>
        {
            try
            {
                perGroup[i] = [.. Groups[i].Run(context)];
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                context.Warn($"host checks '{Groups[i].Name}' stopped: {ex.GetType().Name}: {ex.Message}");
                perGroup[i] = [];
            }
        });
        return [.. perGroup.SelectMany(f => f)];
    }
}
