using Seawall.Core.Model;

namespace Seawall.HostAudit.RuntimeVersions;

/// <summary>The container runtimes whose versions are checked, how to recognise them as packages and as binaries.</summary>
/// <param name="Packages">OS packages whose version IS this component's version (containerd.io also ships runc: not listed for runc).</param>
/// <param name="GoPaths">Main package path prefixes in the binary's Go build info that identify it.</param>
/// <param name="VersionVariables">-ldflags "-X" variables the component's release builds stamp their version into.</param>
internal sealed record RuntimeComponent(string Name, string[] Packages, string[] Binaries, string[] Processes, string[] GoPaths, string[] VersionVariables);

/// <summary>One affected range: from Introduced (inclusive; null = every earlier release) to Fixed (exclusive).</summary>
internal sealed record AffectedRange(string? Introduced, string Fixed);

/// <summary>A container-escape (or host-reaching) flaw in a runtime, with its affected upstream releases.</summary>
internal sealed record EscapeAdvisory(string Cve, string Component, string Summary, Severity Severity, AffectedRange[] Ranges, string[] References)
{
    public CheckInfo Check { get; } = new($"host-runtime-versions-{Cve.ToLowerInvariant()}", $"{Component} is not affected by {Cve}", Severity)
    {
        Description = Summary,
        Remediation = $"Upgrade {Component} to {string.Join(" / ", Ranges.Select(r => r.Fixed))} or later (or the distribution's package that carries the fix).",
        References = [Cve, .. References, "NIST-800-190-4.4.1"],
    };

    /// <summary>The fixed release for this version's line (the first range it falls in), or null when the version is not affected.</summary>
    public string? FixFor(string upstream)
    {
        foreach (var range in Ranges)
        {
            if ((range.Introduced is null || UpstreamVersion.Compare(upstream, range.Introduced) >= 0) && UpstreamVersion.Compare(upstream, range.Fixed) < 0)
            {
                return range.Fixed;
            }
        }
        return null;
    }
}

/// <summary>
/// The built-in table, used where no advisory database is available and for binaries no package owns. Ranges are
/// the upstream advisories' (Go vulnerability database records GO-xxxx for the Go runtimes, NVD and GHSA for the
/// rest); every range was checked against those sources. Kept small on purpose: escapes and host-file access only.
/// </summary>
internal static class EscapeAdvisories
{
    public static readonly RuntimeComponent Runc = new("runc", ["runc"],
        ["usr/sbin/runc", "usr/bin/runc", "usr/local/sbin/runc", "usr/local/bin/runc"], [],
        ["github.com/opencontainers/runc"], ["main.version"]);

    public static readonly RuntimeComponent Containerd = new("containerd", ["containerd", "containerd.io"],
        ["usr/bin/containerd", "usr/local/bin/containerd"], ["containerd"],
        ["github.com/containerd/containerd"],
        ["github.com/containerd/containerd/version.Version", "github.com/containerd/containerd/v2/version.Version"]);

    public static readonly RuntimeComponent Docker = new("Docker Engine", ["docker.io", "docker-ce", "docker-engine", "moby-engine"],
        ["usr/bin/dockerd", "usr/sbin/dockerd", "usr/local/bin/dockerd"], ["dockerd"],
        ["github.com/docker/docker/cmd/dockerd", "github.com/moby/moby"],
        ["github.com/docker/docker/dockerversion.Version", "github.com/moby/moby/dockerversion.Version", "github.com/moby/moby/v2/dockerversion.Version"]);

    public static readonly RuntimeComponent Crun = new("crun", ["crun"], ["usr/bin/crun", "usr/local/bin/crun"], [], [], []);

    public static IReadOnlyList<RuntimeComponent> Components { get; } = [Runc, Containerd, Docker, Crun];

    public static IReadOnlyList<EscapeAdvisory> All { get; } =
    [
        // runc
        new("CVE-2019-5736", "runc", "A container process can overwrite the host's runc binary through /proc/self/exe and run code as root on the host (fixed after 1.0-rc6, released in 1.0.0-rc7).", Severity.High,
            [new(null, "1.0.0-rc7")],
            ["https://nvd.nist.gov/vuln/detail/CVE-2019-5736", "https://github.com/advisories/GHSA-gxmr-w5mj-v8hh"]),
        new("CVE-2021-30465", "runc", "A symlink-exchange race on mount destinations lets containers mount host paths into the container (container filesystem breakout).", Severity.High,
            [new(null, "1.0.0-rc95")],
            ["https://nvd.nist.gov/vuln/detail/CVE-2021-30465", "https://github.com/opencontainers/runc/security/advisories/GHSA-c3xm-pvg7-gh7r"]),
        new("CVE-2024-21626", "runc", "A leaked file descriptor to the host's /sys/fs/cgroup lets a container (process.cwd, or runc exec) reach the host filesystem (Leaky Vessels).", Severity.High,
            [new("1.0.0-rc93", "1.1.12")],
            ["https://nvd.nist.gov/vuln/detail/CVE-2024-21626", "https://github.com/opencontainers/runc/security/advisories/GHSA-xr7r-f8xq-vfvv"]),
        new("CVE-2025-31133", "runc", "Masked paths bind-mounted from /dev/null can be swapped for symlinks during container start: a malicious image writes to host procfs files (container escape).", Severity.High,
            [new(null, "1.2.8"), new("1.3.0-rc.1", "1.3.3"), new("1.4.0-rc.1", "1.4.0-rc.3")],
            ["https://nvd.nist.gov/vuln/detail/CVE-2025-31133", "https://github.com/opencontainers/runc/security/advisories/GHSA-9493-h29p-rfm2"]),
        new("CVE-2025-52565", "runc", "The /dev/console bind mount can be redirected by a malicious config or image to a host procfs file (container escape).", Severity.High,
            [new("1.0.0-rc3", "1.2.8"), new("1.3.0-rc.1", "1.3.3"), new("1.4.0-rc.1", "1.4.0-rc.3")],
            ["https://nvd.nist.gov/vuln/detail/CVE-2025-52565", "https://github.com/opencontainers/runc/security/advisories/GHSA-qw9x-cqr3-wc7r"]),
        new("CVE-2025-52881", "runc", "Writes runc makes to procfs can be redirected through shared mounts to arbitrary host files (container escape, host denial of service).", Severity.High,
            [new(null, "1.2.8"), new("1.3.0-rc.1", "1.3.3"), new("1.4.0-rc.1", "1.4.0-rc.3")],
            ["https://nvd.nist.gov/vuln/detail/CVE-2025-52881", "https://github.com/opencontainers/runc/security/advisories/GHSA-cgrx-mc8f-2prm"]),

        // containerd
        new("CVE-2020-15257", "containerd", "containerd-shim's API is an abstract unix socket reachable from containers that share the host network namespace: such a container gets root on the host.", Severity.Medium,
            [new(null, "1.3.9"), new("1.4.0", "1.4.3")],
            ["https://nvd.nist.gov/vuln/detail/CVE-2020-15257", "https://github.com/containerd/containerd/security/advisories/GHSA-36xw-fx78-c5r4"]),
        new("CVE-2021-41103", "containerd", "Container root and plugin directories are traversable by unprivileged host users, who can run setuid programs from inside containers.", Severity.Medium,
            [new(null, "1.4.11"), new("1.5.0", "1.5.7")],
            ["https://nvd.nist.gov/vuln/detail/CVE-2021-41103", "https://github.com/containerd/containerd/security/advisories/GHSA-c2h3-6mxw-7mvq"]),
        new("CVE-2022-23648", "containerd", "An image's volume definitions in the CRI plugin can copy arbitrary host files and directories into the container.", Severity.High,
            [new(null, "1.4.13"), new("1.5.0", "1.5.10"), new("1.6.0", "1.6.1")],
            ["https://nvd.nist.gov/vuln/detail/CVE-2022-23648", "https://github.com/containerd/containerd/security/advisories/GHSA-crp2-qrr5-8pq7"]),

        // Docker Engine (moby)
        new("CVE-2019-14271", "Docker Engine", "docker cp loads the container's nsswitch libraries into a process outside the container: code from the image runs as root on the host.", Severity.Critical,
            [new("19.03.0", "19.03.1")],
            ["https://nvd.nist.gov/vuln/detail/CVE-2019-14271", "https://github.com/advisories/GHSA-v2cv-wwxq-qq97"]),
        new("CVE-2021-41091", "Docker Engine", "/var/lib/docker subdirectories are traversable by unprivileged host users, who can run setuid programs from containers' filesystems.", Severity.Medium,
            [new(null, "20.10.9")],
            ["https://nvd.nist.gov/vuln/detail/CVE-2021-41091", "https://github.com/moby/moby/security/advisories/GHSA-3fwx-pjgw-3558"]),
        new("CVE-2024-41110", "Docker Engine", "A crafted API request reaches authorization (AuthZ) plugins without its body, so a plugin can allow what it would deny (privilege escalation on hosts relying on AuthZ plugins).", Severity.Critical,
            [new("20.10.0", "25.0.6"), new("26.0.0", "26.1.5"), new("27.0.0", "27.1.1")],
            ["https://nvd.nist.gov/vuln/detail/CVE-2024-41110", "https://github.com/moby/moby/security/advisories/GHSA-v23v-6jw2-98fq"]),

        // crun
        new("CVE-2019-18837", "crun", "crun does not check that a mount target is a symlink: a crafted image reaches files outside the container.", Severity.Medium,
            [new(null, "0.10.5")],
            ["https://nvd.nist.gov/vuln/detail/CVE-2019-18837", "https://github.com/advisories/GHSA-992m-xc3g-r7rj"]),
        new("CVE-2022-27650", "crun", "crun exec starts processes with non-empty inheritable capabilities, so file capabilities inside the container can raise a process's privileges (within the container's bounding set).", Severity.Medium,
            [new(null, "1.4.4")],
            ["https://nvd.nist.gov/vuln/detail/CVE-2022-27650", "https://github.com/containers/crun/security/advisories/GHSA-wr4f-w546-m398"]),
    ];
}
