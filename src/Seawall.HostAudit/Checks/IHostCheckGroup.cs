using Seawall.Core.Model;

namespace Seawall.HostAudit.Checks;

/// <summary>
/// A set of related host checks (SSH, sysctl, the runtime daemon, ...): one folder each under Seawall.HostAudit.
/// A group reads what it needs from the context once and returns one finding per check it could decide (pass
/// included; the report drops passes unless asked). It never writes: the audit must leave the host as it was.
/// </summary>
public interface IHostCheckGroup
{
    /// <summary>Short name, e.g. "ssh"; warnings and the check catalog use it.</summary>
    string Name { get; }

    /// <summary>Every check the group can report, for the catalog and docs.</summary>
    IReadOnlyList<CheckInfo> Checks { get; }

    IEnumerable<Finding> Run(HostContext context);
}
