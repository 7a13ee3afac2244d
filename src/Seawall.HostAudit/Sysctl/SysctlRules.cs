using Seawall.Core.Model;

namespace Seawall.HostAudit.Sysctl;

/// <summary>
/// The hardening set: Lynis' KRNL-6000 scan profile (its default.prf config-data=sysctl lines, with Lynis' expected
/// values) and the CIS Debian Linux 12 benchmark's sysctl items (1.5.x process hardening, 3.3.x network parameters).
/// Where the two differ the stricter value is recommended and the other tolerated with a warning.
/// </summary>
internal static class SysctlRules
{
    private const string Lynis = "lynis:KRNL-6000";

    public static IReadOnlyList<SysctlRule> All { get; } =
    [
        new("kernel.kptr_restrict", ["2", "1"], "2", Severity.Medium,
            "Hides kernel addresses in /proc/kallsyms and friends, which exploits need to defeat KASLR.", [Lynis]),
        new("kernel.dmesg_restrict", ["1"], "1", Severity.Low,
            "Only privileged users read the kernel log, which leaks addresses and hardware details useful to an exploit.", [Lynis]),
        new("kernel.unprivileged_bpf_disabled", ["1", "2"], "1", Severity.Medium,
            "Unprivileged eBPF programs run kernel-verified code on behalf of any user: verifier bugs have repeatedly become " +
            "privilege escalations and container escapes (CVE-2021-3490, CVE-2021-31440). 1 disables them for good, 2 until an admin re-enables.", [Lynis]),
        new("net.core.bpf_jit_harden", ["2"], "2", Severity.Medium,
            "Constant blinding in the BPF JIT for every user makes JIT spraying harder; 1 hardens unprivileged programs only.", [Lynis])
        { Tolerable = ["1"] },
        new("kernel.yama.ptrace_scope", ["1", "2", "3"], "1", Severity.Medium,
            "Restricts ptrace to a process's descendants (1), admins (2) or no one (3), so one compromised process cannot read " +
            "another's memory (credentials, keys).", ["CIS-Debian-12-1.5.2", Lynis]),
        new("kernel.perf_event_paranoid", ["3", "2"], "3", Severity.Medium,
            "perf_event_open() has been a steady source of kernel exploits; 2 keeps unprivileged users away from kernel profiling, " +
            "3 (a Debian and Ubuntu patch) from perf events altogether.", [Lynis]),
        new("kernel.kexec_load_disabled", ["1"], "1", Severity.Low,
            "Forbids kexec_load() so root cannot boot a replacement kernel without a reboot through firmware (a persistence path that bypasses Secure Boot's measured chain). One-way until reboot.", ["NIST-800-190-4.6"]),
        new("kernel.randomize_va_space", ["2"], "2", Severity.High,
            "Full address space layout randomisation (stack, mmap, heap); 1 leaves the heap (brk) unrandomised, 0 turns ASLR off.", ["CIS-Debian-12-1.5.1", Lynis])
        { Tolerable = ["1"] },
        new("fs.protected_hardlinks", ["1"], "1", Severity.Medium,
            "Users can only hard-link files they own or can read and write, closing link-based attacks on privileged programs.", [Lynis]),
        new("fs.protected_symlinks", ["1"], "1", Severity.Medium,
            "Symlinks in sticky world-writable directories (/tmp) are only followed by their owner, closing /tmp race attacks.", [Lynis]),
        new("fs.protected_fifos", ["2"], "2", Severity.Low,
            "Stops O_CREAT opens of FIFOs owned by someone else in sticky world-writable directories (data spoofing through /tmp).", [Lynis])
        { Tolerable = ["1"] },
        new("fs.protected_regular", ["2"], "2", Severity.Low,
            "Stops O_CREAT opens of regular files owned by someone else in sticky world-writable directories.", [Lynis])
        { Tolerable = ["1"] },
        new("fs.suid_dumpable", ["0"], "0", Severity.Medium,
            "setuid programs leave no core dumps, which could hold their secrets (password hashes, keys).", ["CIS-Debian-12-1.5.3", Lynis]),
        new("kernel.sysrq", ["0"], "0", Severity.Low,
            "The magic SysRq key lets anyone at the console (or a serial/IPMI console) kill processes, sync, remount or reboot. " +
            "Distributions enable a subset (Debian 438, Ubuntu 176); 0 disables it.", [Lynis])
        { WarnOnly = true },
        new("kernel.core_uses_pid", ["1"], "1", Severity.Low,
            "Core files carry the process id, so dumps of different processes do not overwrite one another (forensics).", [Lynis]),
        new("kernel.ctrl-alt-del", ["0"], "0", Severity.Low,
            "0 sends Ctrl-Alt-Del to init for a clean shutdown; 1 reboots at once without syncing disks, for anyone at the console.", [Lynis]),
        new("dev.tty.ldisc_autoload", ["0"], "0", Severity.Low,
            "Only CAP_SYS_MODULE may auto-load TTY line disciplines, so an unprivileged user opening a tty cannot pull in rarely " +
            "used ones whose bugs became privilege escalations (n_hdlc CVE-2017-2636, n_gsm CVE-2023-6546).", [Lynis]),

        new("net.ipv4.conf.all.accept_redirects", ["0"], "0", Severity.Medium, Redirects, ["CIS-Debian-12-3.3.5", Lynis]),
        new("net.ipv4.conf.default.accept_redirects", ["0"], "0", Severity.Medium, Redirects, ["CIS-Debian-12-3.3.5", Lynis]),
        new("net.ipv4.conf.all.send_redirects", ["0"], "0", Severity.Low, SendRedirects, ["CIS-Debian-12-3.3.2", Lynis]),
        new("net.ipv4.conf.default.send_redirects", ["0"], "0", Severity.Low, SendRedirects, ["CIS-Debian-12-3.3.2"]),
        new("net.ipv4.conf.all.secure_redirects", ["0"], "0", Severity.Low, SecureRedirects, ["CIS-Debian-12-3.3.6"]),
        new("net.ipv4.conf.default.secure_redirects", ["0"], "0", Severity.Low, SecureRedirects, ["CIS-Debian-12-3.3.6"]),
        new("net.ipv4.conf.all.accept_source_route", ["0"], "0", Severity.Medium, SourceRoute, ["CIS-Debian-12-3.3.8", Lynis]),
        new("net.ipv4.conf.default.accept_source_route", ["0"], "0", Severity.Medium, SourceRoute, ["CIS-Debian-12-3.3.8", Lynis]),
        new("net.ipv4.conf.all.rp_filter", ["1"], "1", Severity.Medium, ReversePath, ["CIS-Debian-12-3.3.7", Lynis]) { Tolerable = ["2"] },
        new("net.ipv4.conf.default.rp_filter", ["1"], "1", Severity.Medium, ReversePath, ["CIS-Debian-12-3.3.7"]) { Tolerable = ["2"] },
        new("net.ipv4.conf.all.log_martians", ["1"], "1", Severity.Low, Martians, ["CIS-Debian-12-3.3.9", Lynis]),
        new("net.ipv4.conf.default.log_martians", ["1"], "1", Severity.Low, Martians, ["CIS-Debian-12-3.3.9", Lynis]),
        new("net.ipv6.conf.all.accept_redirects", ["0"], "0", Severity.Medium, Redirects, ["CIS-Debian-12-3.3.5", Lynis]),
        new("net.ipv6.conf.default.accept_redirects", ["0"], "0", Severity.Medium, Redirects, ["CIS-Debian-12-3.3.5", Lynis]),
        new("net.ipv6.conf.all.accept_source_route", ["0"], "0", Severity.Medium, SourceRoute, ["CIS-Debian-12-3.3.8", Lynis]),
        new("net.ipv6.conf.default.accept_source_route", ["0"], "0", Severity.Medium, SourceRoute, ["CIS-Debian-12-3.3.8", Lynis]),
        new("net.ipv6.conf.all.accept_ra", ["0"], "0", Severity.Low, RouterAdvertisements, ["CIS-Debian-12-3.3.11"]),
        new("net.ipv6.conf.default.accept_ra", ["0"], "0", Severity.Low, RouterAdvertisements, ["CIS-Debian-12-3.3.11"]),
        new("net.ipv4.tcp_syncookies", ["1"], "1", Severity.Medium,
            "SYN cookies keep the host answering during a SYN flood instead of dropping legitimate connections.", ["CIS-Debian-12-3.3.10", Lynis]),
        new("net.ipv4.icmp_echo_ignore_broadcasts", ["1"], "1", Severity.Low,
            "Ignores pings to broadcast addresses, so the host cannot be used to amplify a smurf attack.", ["CIS-Debian-12-3.3.4", Lynis]),
        new("net.ipv4.icmp_ignore_bogus_error_responses", ["1"], "1", Severity.Low,
            "Does not log bogus ICMP error responses, which can fill the logs.", ["CIS-Debian-12-3.3.3", Lynis]),
    ];

    /// <summary>IP forwarding: failed on a plain server, information on a container host, which needs it.</summary>
    public static IReadOnlyList<SysctlRule> Forwarding { get; } =
    [
        new("net.ipv4.ip_forward", ["0"], "0", Severity.Medium, ForwardingWhy, ["CIS-Debian-12-3.3.1"]),
        new("net.ipv6.conf.all.forwarding", ["0"], "0", Severity.Medium, ForwardingWhy, ["CIS-Debian-12-3.3.1"]),
    ];

    private const string Redirects = "ICMP redirects can rewrite the host's routing table; a host that is not a router should ignore them (MITM).";
    private const string SendRedirects = "Only routers send ICMP redirects; a host sending them can be abused to redirect its neighbours' traffic.";
    private const string SecureRedirects = "Secure redirects are redirects from the listed default gateways, which an attacker on the LAN can still spoof.";
    private const string SourceRoute = "Source-routed packets choose their own path, which lets an attacker steer traffic around filters.";
    private const string ReversePath = "Reverse path filtering drops packets whose source address could not be routed back over the interface they arrived on (spoofing). 2 (loose) is what systemd sets and what multi-homed hosts and some CNI plugins need.";
    private const string Martians = "Logs packets with impossible source addresses, a sign of spoofing or misrouting.";
    private const string RouterAdvertisements = "Router advertisements configure IPv6 routes and addresses: a rogue one on the LAN redirects traffic. Ignored anyway while forwarding is on; keep 1 where SLAAC configures the host.";
    private const string ForwardingWhy = "A host that forwards packets between interfaces acts as a router. On a container host forwarding is required: Docker's bridge network, Kubernetes CNI plugins and podman's netavark set it so containers reach the network; there it is reported as information and the container networks' firewalling (DOCKER-USER chain, NetworkPolicy) is what to review.";
}
