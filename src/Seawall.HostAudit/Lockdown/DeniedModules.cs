using Seawall.Core.Model;

namespace Seawall.HostAudit.Lockdown;

/// <summary>A kernel module a container host rarely needs, and why it is on the list.</summary>
/// <param name="Advisory">Report a loaded or loadable module as a warning at most (squashfs: snaps need it).</param>
internal sealed record DeniedModule(string Name, string Why, Severity Severity, IReadOnlyList<string> References, bool Advisory = false)
{
    public CheckInfo Check { get; } = new($"host-lockdown-module-{Name.Replace('_', '-')}", $"Kernel module {Name} is not loaded and cannot be loaded", Severity)
    {
        Description = Why + " A module nobody uses is attack surface any process (a container's included) may reach: many are " +
            "auto-loaded on first use, e.g. when a socket of their protocol family is opened. An install NAME /bin/false rule " +
            "stops every load; a blacklist line only stops loading by alias, so CIS asks for both.",
        Remediation = $"printf 'install {Name} /bin/false\\nblacklist {Name}\\n' > /etc/modprobe.d/seawall-{Name}.conf && modprobe -r {Name}",
        References = References,
    };
}

/// <summary>
/// The denylist: CIS distribution benchmarks' "kernel module is not available" items (Debian 12 sections 1.1.1.x for
/// file systems and usb-storage, 3.2.x for network protocols), Lynis' FILE-6430 (file systems), NETW-3200 (dccp, sctp,
/// rds, tipc), STRG-1846 (FireWire) and USB-1000 (usb-storage), and rarely used protocols with a record of
/// privilege-escalation bugs reachable by unprivileged users (n_hdlc, the amateur-radio family, X.25, AppleTalk),
/// which answer to NIST SP 800-190 4.5.1 (reduce the host's attack surface).
/// Not listed: overlay (CIS Debian 12 1.1.1.6 at level 2) because Docker and containerd's overlayfs snapshotter need it.
/// </summary>
internal static class DeniedModules
{
    private const string FileSystem = "A file system driver servers rarely mount; a crafted image mounted by an automounter or a privileged container reaches its parser.";
    private const string Protocol = "A network protocol almost no server uses; an unprivileged socket() call auto-loads it and its code has had privilege-escalation flaws.";

    public static IReadOnlyList<DeniedModule> All { get; } =
    [
        new("cramfs", FileSystem, Severity.Low, ["CIS-Debian-12-1.1.1.1", "lynis:FILE-6430"]),
        new("freevxfs", FileSystem, Severity.Low, ["CIS-Debian-12-1.1.1.2", "lynis:FILE-6430"]),
        new("hfs", FileSystem, Severity.Low, ["CIS-Debian-12-1.1.1.3", "lynis:FILE-6430"]),
        new("hfsplus", FileSystem, Severity.Low, ["CIS-Debian-12-1.1.1.4", "lynis:FILE-6430"]),
        new("jffs2", FileSystem, Severity.Low, ["CIS-Debian-12-1.1.1.5", "lynis:FILE-6430"]),
        new("squashfs", "CIS lists squashfs (level 2), but snaps, AppImages and some image tools mount squashfs images: disable it only where none of them is used, so it is reported as a warning at most.", Severity.Low, ["CIS-Debian-12-1.1.1.7", "lynis:FILE-6430"], Advisory: true),
        new("udf", FileSystem, Severity.Low, ["CIS-Debian-12-1.1.1.8", "lynis:FILE-6430"]),
        new("usb_storage", "USB mass storage lets anyone with physical access attach a disk (data theft, malicious file systems).", Severity.Medium, ["CIS-Debian-12-1.1.1.9", "lynis:USB-1000"]),
        new("dccp", Protocol + " (CVE-2017-6074)", Severity.Medium, ["CIS-Debian-12-3.2.1", "lynis:NETW-3200"]),
        new("tipc", Protocol + " (CVE-2021-43267, remotely reachable)", Severity.Medium, ["CIS-Debian-12-3.2.2", "lynis:NETW-3200"]),
        new("rds", Protocol + " (CVE-2010-3904, CVE-2019-11815)", Severity.Medium, ["CIS-Debian-12-3.2.3", "lynis:NETW-3200"]),
        new("sctp", Protocol + " Kubernetes SCTP Services need it: keep it where they are used.", Severity.Low, ["CIS-Debian-12-3.2.4", "lynis:NETW-3200"]),
        new("firewire_core", "FireWire gives attached devices DMA to host memory.", Severity.Low, ["lynis:STRG-1846"]),
        new("firewire_ohci", "The FireWire host controller driver: attached devices get DMA to host memory.", Severity.Low, ["lynis:STRG-1846"]),
        new("firewire_sbp2", "FireWire storage: attached disks with DMA to host memory.", Severity.Low, ["lynis:STRG-1846"]),
        new("ohci1394", "The old FireWire host controller driver: attached devices get DMA to host memory.", Severity.Low, ["lynis:STRG-1846"]),
        new("bluetooth", "The Bluetooth stack is remotely reachable attack surface (BleedingTooth, CVE-2020-12351) that servers do not need.", Severity.Low, ["CIS-Distribution: Ensure bluetooth services are not in use"]),
        new("n_hdlc", "The HDLC line discipline, reachable through any tty an unprivileged user opens (CVE-2017-2636).", Severity.Low, ["NIST-800-190-4.5.1"]),
        new("ax25", Protocol + " (amateur radio)", Severity.Low, ["NIST-800-190-4.5.1"]),
        new("netrom", Protocol + " (amateur radio)", Severity.Low, ["NIST-800-190-4.5.1"]),
        new("rose", Protocol + " (amateur radio)", Severity.Low, ["NIST-800-190-4.5.1"]),
        new("x25", Protocol, Severity.Low, ["NIST-800-190-4.5.1"]),
        new("appletalk", Protocol, Severity.Low, ["NIST-800-190-4.5.1"]),
    ];
}
