using System.Globalization;
using Seawall.ContainerAudit.Kernel;
using Seawall.ContainerAudit.Runtime;

namespace Seawall.ContainerAudit.Checks;

/// <summary>
/// One container with everything the checks judge: the runtime's record, the daemon's defaults and, when /proc
/// shows them, the container's processes and the host's namespaces. Derived facts live here so the runtime
/// checks, the kernel checks and the risk grade agree on them.
/// </summary>
public sealed class ContainerFacts(RuntimeContainer container, DaemonInfo daemon, ContainerProcesses? kernel, KernelView? view)
{
    public RuntimeContainer Container { get; } = container;
    public DaemonInfo Daemon { get; } = daemon;
    public ContainerProcesses? Kernel { get; } = kernel;
    public KernelView? View { get; } = view;

    /// <summary>Config.User is the image's USER merged with --user: empty, root, 0 or 0:GID is root.</summary>
    public bool RuntimeUserIsRoot
    {
        get
        {
            var user = Container.User.Split(':')[0];
            return user is "" or "root" or "0";
        }
    }

    /// <summary>The configured uid when numeric ("1000", "1000:1000"); null for a name only the image's passwd resolves.</summary>
    public long? RuntimeUid
    {
        get
        {
            var user = Container.User.Split(':')[0];
            return user is "" or "root" ? 0 : long.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out var uid) ? uid : null;
        }
    }

    /// <summary>The capability set the runtime's configuration gives (default set, drops, adds; all when privileged).</summary>
    public IReadOnlySet<string> RuntimeCapabilities => Capabilities.Effective(Container.Privileged, Container.CapAdd, Container.CapDrop);

    /// <summary>no_new_privs as the kernel shows it when it can, else as the runtime says (daemon defaults do not show in inspect).</summary>
    public bool NoNewPrivileges => Kernel?.Init?.NoNewPrivs ?? Container.NoNewPrivileges;

    /// <summary>
    /// Whether a process in the container is, or can become, uid 0 in it: it runs as root, or setuid binaries are
    /// allowed (no no_new_privs) and can give root back.
    /// </summary>
    public bool CanBeRoot => (Kernel?.Processes.Any(p => p.Uid == 0 || p.EffectiveUid == 0) ?? false) || RuntimeUserIsRoot || !NoNewPrivileges;

    /// <summary>
    /// Container uid 0 is host uid 0: the kernel's uid_map says so, or (no kernel view) the daemon does not remap
    /// or the container opted out of it, and the daemon is not rootless.
    /// </summary>
    public bool RootMapsToHostRoot =>
        Kernel?.UidMap is { Count: > 0 } map ? UidMapRange.HostUidOfRoot(map) == 0
        : !Daemon.Rootless && (!Daemon.UsernsRemap || Container.HostUserns);

    /// <summary>The capabilities a root process in the container holds: the kernel's bounding set, else the runtime's.</summary>
    public IReadOnlySet<string> RootCapabilities => Kernel?.Init?.CapBnd ?? RuntimeCapabilities;

    /// <summary>Capabilities that work against the host: held by a root that can be reached and is host root.</summary>
    public IReadOnlySet<string> HostCapabilities =>
        CanBeRoot && RootMapsToHostRoot ? RootCapabilities : new HashSet<string>();
}
