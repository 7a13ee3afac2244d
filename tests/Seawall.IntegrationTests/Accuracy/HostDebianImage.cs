using Seawall.TestSupport;

namespace Seawall.IntegrationTests.Accuracy;

/// <summary>
/// An image of this machine's Debian system, small enough to build in a test: os-release, debian_version, the
/// dpkg status database and every package's copyright file (for licences). Skips when the host is not Debian.
/// </summary>
public static class HostDebianImage
{
    public static IReadOnlyList<TestLayer> Layers()
    {
        const string status = "/var/lib/dpkg/status";
        var osRelease = File.Exists("/etc/os-release") ? File.ReadAllText("/etc/os-release") : string.Empty;
        Assert.SkipWhen(!File.Exists(status) || !osRelease.Contains("ID=debian\n", StringComparison.Ordinal),
            "this machine is not a Debian system with a dpkg database; the host-image accuracy test needs one");
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["etc/os-release"] = File.ReadAllBytes("/etc/os-release"),
            ["var/lib/dpkg/status"] = File.ReadAllBytes(status),
        };
        if (File.Exists("/etc/debian_version"))
        {
            files["etc/debian_version"] = File.ReadAllBytes("/etc/debian_version");
        }
        // Copyright files that are plain files in plain directories; symlinked doc directories (a package sharing
        // another's docs) would need link entries, which the test image writer does not make.
        foreach (var docDir in new DirectoryInfo("/usr/share/doc").EnumerateDirectories())
        {
            var copyright = new FileInfo(Path.Combine(docDir.FullName, "copyright"));
            if (docDir.LinkTarget is null && copyright.Exists && copyright.LinkTarget is null && copyright.Length < 1024 * 1024)
            {
                files[$"usr/share/doc/{docDir.Name}/copyright"] = File.ReadAllBytes(copyright.FullName);
            }
        }
        return [new TestLayer("/bin/sh -c #(nop) ADD file:host-debian-rootfs in / ", files)];
    }
}
