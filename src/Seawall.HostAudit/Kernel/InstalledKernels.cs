using System.Text.RegularExpressions;
using Seawall.Core.Model;
using Seawall.Vulnerabilities.Versions;

namespace Seawall.HostAudit.Kernel;

internal enum PackageFormat
{
    Dpkg,
    Rpm,
    Apk,
}

/// <summary>
/// One installed kernel package and the kernel release(s) (uname -r) it installs, as each distribution names them:
/// <list type="bullet">
/// <item>dpkg: the release is in the package name: Debian linux-image-6.1.0-18-amd64 (version 6.1.76-1) installs
/// 6.1.0-18-amd64; Ubuntu's linux-image[-unsigned]-5.15.0-91-generic, Proxmox's proxmox-kernel-6.5.13-1-pve-signed and
/// pve-kernel-5.15.131-1-pve likewise.</item>
/// <item>rpm: version-release.arch: kernel-core 5.14.0-362.8.1.el9_3 x86_64 installs 5.14.0-362.8.1.el9_3.x86_64;
/// variants add "+debug", "+rt" or "+64k" on RHEL 9 and Fedora; SUSE's kernel-default 5.14.21-150500.55.39.1 installs
/// 5.14.21-150500.55.39-default (release without its rebuild counter, then the flavour).</item>
/// <item>apk: Alpine's linux-lts 6.6.14-r0 installs 6.6.14-0-lts (the -rN becomes -N, then the flavour).</item>
/// </list>
/// <see cref="Family"/> groups the packages that replace one another (one flavour), so "newer" is only asked
/// within the running kernel's flavour.
/// </summary>
internal sealed record InstalledKernel(Package Package, PackageFormat Format, IReadOnlyList<string> Releases, string Family)
{
    /// <summary>The release uname -r shows for this package (the first candidate).</summary>
    public string Release => Releases[0];

    public string Describe() => $"{Package.Name} {FullVersion}";

    public string FullVersion => Package.Epoch is { } epoch && epoch != 0 ? $"{epoch}:{Package.Version}" : Package.Version;

    public int CompareTo(InstalledKernel other) => Format switch
    {
        PackageFormat.Dpkg => InstalledKernels.CompareDpkg(FullVersion, other.FullVersion),
        PackageFormat.Rpm => InstalledKernels.CompareRpm($"{Package.Epoch ?? 0}:{Package.Version}", $"{other.Package.Epoch ?? 0}:{other.Package.Version}"),
        _ => InstalledKernels.CompareRelease(Release, other.Release),
    };
}

internal static partial class InstalledKernels
{
    // rpm kernel flavours whose packages are the kernel itself (not headers, tools, devel or extra modules).
    private static readonly HashSet<string> RpmFlavours = new(StringComparer.Ordinal)
    {
        "rt", "debug", "rt-debug", "64k", "64k-debug", "16k", "16k-debug", "rt-64k", "uek", "default", "azure", "kvmsmall",
        "lpae", "zfcpdump", "ml", "lt", "pae", "PAE", "vanilla", "longterm", "preempt", "uki-virt",
    };

    /// <summary>dpkg order of two Debian versions ("[epoch:]upstream[-revision]").</summary>
    public static int CompareDpkg(string a, string b) => Compare(VersionSchemes.Dpkg, a, b);

    /// <summary>rpm order of two "[epoch:]version[-release]" strings.</summary>
    public static int CompareRpm(string a, string b) => Compare(VersionSchemes.Rpm, a, b);

    /// <summary>Order of two kernel release strings ("6.1.0-18-amd64", "5.14.0-362.8.1.el9_3.x86_64"), segment by segment.</summary>
    public static int CompareRelease(string a, string b) => VersionSchemes.CompareSegments(a, b);

    // A version its scheme refuses (a hand-edited status file, a build string in /proc/version) is still ordered, by its
    // segments, rather than ending the audit.
    private static int Compare(IVersionComparer scheme, string a, string b) =>
        scheme.TryParse(a, out var left) && scheme.TryParse(b, out var right) ? Math.Sign(left.CompareTo(right)) : VersionSchemes.CompareSegments(a, b);

    public static List<InstalledKernel> From(IReadOnlyList<Package> packages, OsInfo? os)
    {
        var kernels = new List<InstalledKernel>();
        foreach (var package in packages)
        {
            var kernel = FormatOf(package, os) switch
            {
                PackageFormat.Dpkg => FromDpkg(package),
                PackageFormat.Rpm => FromRpm(package),
                PackageFormat.Apk => FromApk(package),
                _ => null,
            };
            if (kernel is not null)
            {
                kernels.Add(kernel);
            }
        }
        return kernels;
    }

    /// <summary>The package manager a package came from: its purl, else its database path, else the OS family.</summary>
    public static PackageFormat? FormatOf(Package package, OsInfo? os)
    {
        var purl = package.Purl ?? string.Empty;
        var path = package.FilePath ?? string.Empty;
        if (purl.StartsWith("pkg:deb/", StringComparison.Ordinal) || path.Contains("dpkg", StringComparison.Ordinal))
        {
            return PackageFormat.Dpkg;
        }
        if (purl.StartsWith("pkg:rpm/", StringComparison.Ordinal) || path.Contains("rpm", StringComparison.Ordinal))
        {
            return PackageFormat.Rpm;
        }
        if (purl.StartsWith("pkg:apk/", StringComparison.Ordinal) || path.Contains("apk", StringComparison.Ordinal))
        {
            return PackageFormat.Apk;
        }
        return os?.Family switch
        {
            "debian" or "ubuntu" => PackageFormat.Dpkg,
            "alpine" => PackageFormat.Apk,
            null => null,
            _ => PackageFormat.Rpm,
        };
    }

    /// <summary>
    /// The flavour part of a release: the dash-separated parts after the version and ABI numbers ("amd64",
    /// "cloud-amd64", "generic", "lts", "pve"), plus a "+variant" suffix; empty for rpm-style releases.
    /// </summary>
    public static string FlavourOf(string release)
    {
        var plus = release.IndexOf('+', StringComparison.Ordinal);
        var variant = plus >= 0 ? release[plus..] : string.Empty;
        var parts = (plus >= 0 ? release[..plus] : release).Split('-');
        return string.Join('-', parts.SkipWhile(p => p.Length > 0 && char.IsAsciiDigit(p[0]))) + variant;
    }

    private static InstalledKernel? FromDpkg(Package package)
    {
        var match = DebianKernelName().Match(package.Name);
        if (!match.Success || package.Name.EndsWith("-dbg", StringComparison.Ordinal) || package.Name.EndsWith("-dbgsym", StringComparison.Ordinal))
        {
            return null;
        }
        var release = match.Groups["release"].Value;
        return new InstalledKernel(package, PackageFormat.Dpkg, [release], "deb:" + FlavourOf(release));
    }

    private static InstalledKernel? FromRpm(Package package)
    {
        var name = package.Name;
        if (name != "kernel" && !name.StartsWith("kernel-", StringComparison.Ordinal))
        {
            return null;
        }
        var flavour = name == "kernel" ? string.Empty : name["kernel-".Length..];
        if (flavour == "core")
        {
            flavour = string.Empty;
        }
        else if (flavour.EndsWith("-core", StringComparison.Ordinal))
        {
            flavour = flavour[..^"-core".Length];
        }
        if (flavour.Length > 0 && !RpmFlavours.Contains(flavour))
        {
            return null;
        }
        var release = package.Release;
        var version = release is not null && package.Version.EndsWith("-" + release, StringComparison.Ordinal)
            ? package.Version[..^(release.Length + 1)]
            : package.Version;
        var arch = package.Arch is { Length: > 0 } a ? "." + a : string.Empty;
        var baseRelease = release is null ? version : $"{version}-{release}";
        var releases = new List<string>();
        if (flavour.Length == 0)
        {
            releases.Add(baseRelease + arch);
        }
        else
        {
            releases.Add($"{baseRelease}{arch}+{flavour}");
            releases.Add(baseRelease + arch);
            // SUSE: 5.14.21-150500.55.39-default for release 150500.55.39.1.
            var lastDot = release?.LastIndexOf('.') ?? -1;
            releases.Add($"{version}-{(lastDot > 0 ? release![..lastDot] : release ?? string.Empty)}-{flavour}".Replace("--", "-", StringComparison.Ordinal));
        }
        return new InstalledKernel(package, PackageFormat.Rpm, releases, "rpm:kernel-" + flavour);
    }

    private static InstalledKernel? FromApk(Package package)
    {
        var match = AlpineKernelName().Match(package.Name);
        var version = AlpineVersion().Match(package.Version);
        if (!match.Success || !version.Success)
        {
            return null;
        }
        var flavour = match.Groups["flavour"].Value;
        var release = $"{version.Groups["upstream"].Value}-{version.Groups["r"].Value}-{flavour}";
        return new InstalledKernel(package, PackageFormat.Apk, [release], "apk:" + package.Name);
    }

    // linux-image-<release>, linux-image-unsigned-<release> (Ubuntu), linux-image-<release>-unsigned (Debian's unsigned
    // build), proxmox-kernel-<release>[-signed], pve-kernel-<release>; not the -dbg/-dbgsym symbols or the meta packages
    // (linux-image-amd64), whose "release" does not start with a digit.
    [GeneratedRegex(@"^(?:linux-image-(?:unsigned-)?|proxmox-kernel-|pve-kernel-)(?<release>\d+\.\d+[0-9A-Za-z.+_-]*?)(?:-unsigned|-signed)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DebianKernelName();

    [GeneratedRegex(@"^linux-(?<flavour>lts|virt|edge|rpi|rpi2|rpi4|stable)$", RegexOptions.CultureInvariant)]
    private static partial Regex AlpineKernelName();

    [GeneratedRegex(@"^(?<upstream>\d[0-9.]*)-r(?<r>\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex AlpineVersion();
}
