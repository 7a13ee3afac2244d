using Seawall.Core.Model;

namespace Seawall.HostAudit.Kernel;

/// <summary>
/// Debian and Ubuntu ship the kernel people boot from a wrapper source package that only adds the Secure Boot
/// signature, while their advisories (Debian's security tracker, Ubuntu's OSV records) list the kernel's flaws under the
/// source the kernel is built from:
/// <list type="bullet">
/// <item>Debian: linux-image-6.1.0-25-amd64 6.1.106-3, "Source: linux-signed-amd64 (6.1.106+3)"; advisories under
/// linux. Likewise linux-signed-arm64, linux-signed-i386, and buster's linux-signed-5.10-amd64 for linux-5.10.</item>
/// <item>Ubuntu: linux-image-6.8.0-45-generic 6.8.0-45.45~22.04.1, "Source: linux-signed-hwe-6.8"; advisories
/// under linux-hwe-6.8 (linux-signed for linux, linux-signed-aws for linux-aws ...).</item>
/// </list>
/// Matching the image package by its own source name finds nothing, so a host running a signed kernel looked clean.
/// For such a kernel image its advisory source is the unsigned one, at the image package's own version: that is the
/// version of the kernel source it was built from (Debian's wrapper version "6.1.106+3" is not: dpkg orders it after
/// 6.1.106-4, so a flaw fixed in 6.1.106-4 would look fixed on 6.1.106-3).
/// </summary>
/// <remarks>
/// Only the host audit applies this: Trivy's dpkg analyzer and Debian/Ubuntu detectors match a package by the source
/// name dpkg records and nothing else, so an image scan keeps that behaviour (a kernel package in an image is not the
/// kernel its containers run on). Meta packages (linux-image-amd64, linux-image-generic) are not kernels and keep
/// their own source.
/// </remarks>
public static class SignedKernelSources
{
    /// <summary>Debian architectures with a signed kernel source of their own (linux-signed-ARCH).</summary>
    private static readonly string[] DebianArchitectures = ["amd64", "arm64", "i386"];

    /// <summary>
    /// The package as the advisory database should see it: a dpkg kernel image built from a signed wrapper source gets
    /// the unsigned source's name and its own version as the source version; any other package is returned as it is.
    /// </summary>
    public static Package AdvisoryView(Package package, OsInfo? os)
    {
        if (package.SourceName is not { } source || UnsignedSource(source, os?.Family) is not { } unsigned)
        {
            return package;
        }
        if (InstalledKernels.FormatOf(package, os) != PackageFormat.Dpkg || InstalledKernels.From([package], os).Count == 0)
        {
            return package;
        }
        var version = package.Epoch is { } epoch and > 0 && !package.Version.Contains(':', StringComparison.Ordinal) ? $"{epoch}:{package.Version}" : package.Version;
        return package with { SourceName = unsigned, SourceVersion = version };
    }

    /// <summary>
    /// The source a signed wrapper signs: Debian "linux-signed-amd64" -> "linux", "linux-signed-5.10-amd64" ->
    /// "linux-5.10"; Ubuntu "linux-signed" -> "linux", "linux-signed-hwe-6.8" -> "linux-hwe-6.8". Null for any other
    /// source (already the kernel's, or not a kernel).
    /// </summary>
    public static string? UnsignedSource(string source, string? family)
    {
        const string prefix = "linux-signed";
        if (!source.StartsWith(prefix, StringComparison.Ordinal) || (source.Length > prefix.Length && source[prefix.Length] != '-'))
        {
            return null;
        }
        var rest = source[prefix.Length..]; // "", "-amd64", "-5.10-amd64", "-hwe-6.8"
        switch (family)
        {
            case "debian":
                var arch = DebianArchitectures.FirstOrDefault(a => rest.EndsWith("-" + a, StringComparison.Ordinal));
                return arch is null ? null : "linux" + rest[..^(arch.Length + 1)];
            case "ubuntu":
                return "linux" + rest;
            default:
                return null;
        }
    }
}
