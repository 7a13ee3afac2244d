using Seawall.Core.Model;
using Seawall.HostAudit.Access;

namespace Seawall.HostAudit;

/// <summary>
/// What every check group reads: the host's files (confined to the audited root, read-only), its OS, its installed
/// OS packages, the process table and, where an advisory database exists, the packages' known vulnerabilities.
/// </summary>
public sealed class HostContext
{
    private readonly List<string> _warnings = [];
    private readonly Lock _lock = new();

    public HostContext(HostFileTree files, OsInfo? os, IReadOnlyList<Package> packages, IReadOnlyList<DetectedVulnerability>? vulnerabilities = null)
    {
        Files = files;
        Os = os;
        Packages = packages;
        Vulnerabilities = vulnerabilities;
        Processes = new ProcessTable(files);
    }

    public HostFileTree Files { get; }

    public OsInfo? Os { get; }

    /// <summary>Installed OS packages (dpkg, rpm or apk), with versions and source names.</summary>
    public IReadOnlyList<Package> Packages { get; }

    /// <summary>Known vulnerabilities of <see cref="Packages"/>; null when no advisory database was available.</summary>
    public IReadOnlyList<DetectedVulnerability>? Vulnerabilities { get; }

    public ProcessTable Processes { get; }

    /// <summary>A sysctl's value as /proc/sys shows it ("kernel.kptr_restrict"), trimmed; null when the key is absent.</summary>
    public string? Sysctl(string key) => Files.ReadText("proc/sys/" + key.Replace('.', '/'), 64 * 1024)?.Trim();

    /// <summary>The running kernel's release (uname -r).</summary>
    public string? KernelRelease => Sysctl("kernel.osrelease");

    /// <summary>A problem that does not stop the audit (a file that could not be parsed); the report lists it.</summary>
    public void Warn(string message)
    {
        lock (_lock)
        {
            _warnings.Add(message);
        }
    }

    public IReadOnlyList<string> Warnings
    {
        get
        {
            lock (_lock)
            {
                return [.. _warnings];
            }
        }
    }
}
