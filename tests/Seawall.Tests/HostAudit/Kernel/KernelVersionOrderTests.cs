using Seawall.HostAudit.Kernel;
using Seawall.Tests.Support;

namespace Seawall.Tests.HostAudit.Kernel;

/// <summary>The kernel checks' version orders, which are Seawall.Vulnerabilities' comparers, on the shared vectors and kernel versions.</summary>
public class KernelVersionOrderTests
{
    [Fact]
    public void Dpkg_order_matches_the_shared_Debian_vectors() =>
        AssertVectors(SharedData.Require("osv-version-fixtures/debian-versions.txt"), InstalledKernels.CompareDpkg, minimum: 20);

    [Fact]
    public void Rpm_order_matches_the_shared_Red_Hat_vectors() =>
        AssertVectors(SharedData.Require("osv-version-fixtures/redhat-versions.txt"), InstalledKernels.CompareRpm, minimum: 150);

    [Theory]
    // Debian kernel package versions, point-release rebuilds and backports.
    [InlineData("dpkg", "6.1.76-1", "6.1.85-1", -1)]
    [InlineData("dpkg", "4.19.67-2+deb10u1", "4.19.67-2+deb10u2", -1)]
    [InlineData("dpkg", "6.1.0~rc7-1~exp1", "6.1.0-1", -1)]
    [InlineData("dpkg", "5.15.0-91.101", "5.15.0-101.111", -1)]
    [InlineData("dpkg", "1:6.1.76-1", "6.9.0-1", 1)]
    // rpm kernels: z-stream releases, dist tags.
    [InlineData("rpm", "0:5.14.0-362.8.1.el9_3", "0:5.14.0-427.13.1.el9_4", -1)]
    [InlineData("rpm", "0:5.14.0-70.el9", "0:5.14.0-70.13.1.el9_0", -1)]
    [InlineData("rpm", "0:6.5.6-300.fc39", "0:6.5.6-300.fc39", 0)]
    // Release strings.
    [InlineData("release", "6.1.0-18-amd64", "6.1.0-20-amd64", -1)]
    [InlineData("release", "5.15.0-91-generic", "5.15.0-101-generic", -1)]
    [InlineData("release", "6.6.15-0-lts", "6.6.14-0-lts", 1)]
    public void Orders_kernel_versions(string scheme, string a, string b, int expected)
    {
        Func<string, string, int> compare = scheme switch
        {
            "dpkg" => InstalledKernels.CompareDpkg,
            "rpm" => InstalledKernels.CompareRpm,
            _ => InstalledKernels.CompareRelease,
        };
        Assert.Equal(expected, Math.Sign(compare(a, b)));
        Assert.Equal(-expected, Math.Sign(compare(b, a)));
    }

    private static void AssertVectors(string path, Func<string, string, int> compare, int minimum)
    {
        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith("# ", StringComparison.Ordinal) || line.StartsWith("// ", StringComparison.Ordinal) || line == "#")
            {
                continue;
            }
            var parts = line.Split(' ');
            Assert.Equal(3, parts.Length);
            var expected = parts[1] switch { "<" => -1, "=" => 0, ">" => 1, _ => throw new InvalidDataException(line) };
            checkedCount++;
            if (Math.Sign(compare(parts[0], parts[2])) != expected || Math.Sign(compare(parts[2], parts[0])) != -expected)
            {
                failures.Add(line);
            }
        }
        Assert.True(checkedCount >= minimum, $"only {checkedCount} vectors read from {path}");
        Assert.Empty(failures);
    }
}
