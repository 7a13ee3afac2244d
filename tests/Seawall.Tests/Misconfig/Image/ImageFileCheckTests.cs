using System.Text;
using Seawall.Core.Model;
using Seawall.Misconfig.Image;
using Seawall.Scanning;
using Seawall.Tests.Support;
using Xunit;

namespace Seawall.Tests.Misconfig.Image;

/// <summary>
/// The image file checks and the attack surface on root file systems built in a temp folder (`seawall rootfs
/// --scanners misconfig`): real modes from the file system, real symlinks. Each check fires on one tree and not on
/// another; the account checks are also judged on passwd and shadow texts directly.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ImageFileCheckTests : IDisposable
{
    private readonly TempDir _dir = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    private async Task<ScanReport> ScanRootfsAsync()
    {
        var service = new ScanService(new ScanOptions { Scanners = new HashSet<Scanner> { Scanner.Misconfig } });
        return await service.ScanDirectoryAsync(_dir.Path, ArtifactType.Rootfs, Token);
    }

    private string Full(string relative) => Path.Combine(_dir.Path, relative);

    private void Program(string relative, UnixFileMode mode = (UnixFileMode)0x1ED)
    {
        _dir.Write(relative, "#!/bin/true\n");
        File.SetUnixFileMode(Full(relative), mode);
    }

    private void Dir(string relative, UnixFileMode mode)
    {
        Directory.CreateDirectory(Full(relative));
        File.SetUnixFileMode(Full(relative), mode);
    }

    private void Link(string relative, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Full(relative))!);
        File.CreateSymbolicLink(Full(relative), target);
    }

    private static List<string> Failed(ScanReport report, CheckInfo check) =>
        [.. Assert.Single(report.Results, r => r.Type == "image-files").Findings.Where(f => f.CheckId == check.Id && f.Status == FindingStatus.Fail).Select(f => f.Location!.Path ?? f.Evidence!)];

    [Fact]
    public async Task ScanRootfs_WorldWritableDirectory_FiresOnlyWithoutStickyBit()
    {
        Dir("tmp", (UnixFileMode)0x3FF);          // 1777: the shared temp directory, sticky
        Dir("srv/uploads", (UnixFileMode)0x1FF);  // 0777: anyone can replace anyone's file
        Dir("srv/static", (UnixFileMode)0x1ED);   // 0755
        var report = await ScanRootfsAsync();
        Assert.Equal(["srv/uploads"], Failed(report, ImageCheckCatalog.WorldWritableDirectory));
    }

    [Fact]
    public async Task ScanRootfs_SetuidAndSetgid_FireAndPlainProgramsDoNot()
    {
        Program("usr/bin/passwd", (UnixFileMode)0x9ED);  // 4755
        Program("usr/bin/wall", (UnixFileMode)0x5ED);    // 2755
        Program("usr/bin/ls");
        var report = await ScanRootfsAsync();
        Assert.Equal(["usr/bin/passwd", "usr/bin/wall"], Failed(report, ImageCheckCatalog.SetuidFiles));
        Assert.Equal(["setuid passwd usr/bin/passwd", "setuid wall usr/bin/wall"],
            report.AttackSurface!.Items.Select(i => $"{i.Category} {i.Name} {i.Path}"));
    }

    [Fact]
    public async Task ScanRootfs_PackageCaches_FireOnFilesNotOnEmptyDirsOrLocks()
    {
        _dir.Write("var/cache/apk/APKINDEX.2c4ac24e.tar.gz", "index");
        _dir.Write("root/.cache/pip/http/0/1/abc", "wheel");
        _dir.Write("var/lib/apt/lists/lock", "");
        Directory.CreateDirectory(Full("var/lib/apt/lists/partial"));
        Directory.CreateDirectory(Full("var/cache/apt/archives/partial"));
        var report = await ScanRootfsAsync();
        Assert.Equal(["root/.cache/pip", "var/cache/apk"], Failed(report, ImageCheckCatalog.PackageCache));
    }

    [Fact]
    public async Task ScanRootfs_VcsAndDesktopLitter_FireOncePerDirectory()
    {
        _dir.Write("srv/app/.git/HEAD", "ref: refs/heads/main\n");
        _dir.Write("srv/app/.git/objects/ab/cdef", "x");
        _dir.Write("srv/app/.DS_Store", "x");
        _dir.Write("srv/app/gitignore.txt", "x");   // a name that only contains "git"
        _dir.Write("srv/app/.github/workflows/ci.yml", "x");
        var report = await ScanRootfsAsync();
        Assert.Equal(["srv/app/.DS_Store", "srv/app/.git"], Failed(report, ImageCheckCatalog.UnnecessaryFiles));
    }

    [Fact]
    public async Task ScanRootfs_AttackSurface_FollowsLinksAndSkipsDanglingOnes()
    {
        Program("usr/bin/dash");
        Link("usr/bin/sh", "dash");
        Program("bin/busybox");
        Link("usr/bin/wget", "/bin/busybox");
        Link("usr/bin/nc", "/bin/busybox-missing");        // dangling: no tool
        Program("usr/bin/python3.11");
        Link("usr/bin/python3", "python3.11");
        _dir.Write("usr/bin/curl", "not executable");        // no x bit: not a program
        _dir.Write("etc/profile.d/world.sh", "x");
        File.SetUnixFileMode(Full("etc/profile.d/world.sh"), (UnixFileMode)0x1B6); // 0666 under etc
        var report = await ScanRootfsAsync();
        var surface = report.AttackSurface!;
        Assert.Equal(
            [
                "interpreter python3 usr/bin/python3 -> usr/bin/python3.11",
                "interpreter python3.11 usr/bin/python3.11",
                "network-tool wget usr/bin/wget -> bin/busybox",
                "shell busybox bin/busybox",
                "shell dash usr/bin/dash",
                "shell sh usr/bin/sh -> usr/bin/dash",
                "writable-system-path world.sh etc/profile.d/world.sh",
            ],
            surface.Items.Select(i => $"{i.Category} {i.Name} {i.Path}{(i.Target is { } t ? " -> " + t : "")}"));
        // wget and python together: code can be fetched and run without a package manager.
        Assert.Equal("full", surface.Verdict);
        Assert.Null(surface.Items[0].Layer); // a rootfs has no layers
    }

    [Theory]
    [InlineData(new string[0], "minimal")]
    [InlineData(new[] { AttackSurfaceScanner.Shell }, "slim")]
    [InlineData(new[] { AttackSurfaceScanner.Setuid }, "slim")]
    [InlineData(new[] { AttackSurfaceScanner.Shell, AttackSurfaceScanner.PackageManager, AttackSurfaceScanner.NetworkTool }, "slim")] // alpine: busybox wget, apk
    [InlineData(new[] { AttackSurfaceScanner.Shell, AttackSurfaceScanner.Interpreter, AttackSurfaceScanner.PackageManager }, "slim")] // debian: perl, apt
    [InlineData(new[] { AttackSurfaceScanner.Interpreter, AttackSurfaceScanner.NetworkTool }, "full")]
    [InlineData(new[] { AttackSurfaceScanner.Compiler }, "full")]
    public void Verdict_FollowsTheStatedRule(string[] categories, string verdict) =>
        Assert.Equal(verdict, AttackSurfaceScanner.Verdict([.. categories.Select(c => new AttackSurfaceItem(c, "x", "x"))]));

    private static List<string> Judge(string? passwd, string? shadow) =>
        [.. ImageAccountsAnalyzer.Judge(passwd is null ? null : Encoding.UTF8.GetBytes(passwd), null, shadow is null ? null : Encoding.UTF8.GetBytes(shadow), null)
            .Where(f => f.Status == FindingStatus.Fail).Select(f => $"{f.CheckId}: {f.Evidence}")];

    [Fact]
    public void Accounts_LockedShadow_NothingFires() =>
        Assert.Empty(Judge("root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534::/:/usr/sbin/nologin\n",
                           "root:*:19000:0:99999:7:::\nnobody:!:19000::::::\n# comment\n\n"));

    [Fact]
    public void Accounts_EmptyPasswordHashAndDuplicateUid_Fire()
    {
        var failures = Judge(
            "root:x:0:0:root:/root:/bin/bash\ntoor:x:0:0::/root:/bin/sh\nsvc:x:999:999::/:/usr/sbin/nologin\nold:x:1001:1001::/:/bin/bash\n",
            "root:$y$j9T$abc$def:19000::::::\ntoor:!$6$x$y:19000::::::\nsvc::19000::::::\nold:abcdefghijklm:19000::::::\n");
        Assert.Equal(
            [
                // yescrypt hash for root; toor's "!" locks it; svc's empty field fires even with nologin (su still works);
                // old has a 13-character DES hash; toor shares UID 0 with root.
                "image-password-hash: root has a yescrypt password hash (login shell /bin/bash)",
                "image-empty-password: svc has an empty password (shell /usr/sbin/nologin: no login)",
                "image-password-hash: old has a DES crypt password hash (login shell /bin/bash)",
                "image-duplicate-uid: UID 0 is shared by root, toor",
            ],
            failures);
    }

    [Fact]
    public void Accounts_NoShadow_EmptyPasswdFieldFires()
    {
        Assert.Equal(["image-empty-password: guest has an empty password in etc/passwd and there is no etc/shadow (login shell /bin/sh)"],
            Judge("root:x:0:0:root:/root:/bin/sh\nguest::1000:1000::/home/guest:/bin/sh\n", null));
        Assert.Empty(Judge("root:x:0:0:root:/root:/bin/sh\n", null));
    }

    [Fact]
    public void Accounts_InvalidUtf8AndJunkLines_DoNotThrow()
    {
        var passwd = new byte[] { 0xff, 0xfe, (byte)'\n', (byte)':', (byte)':', (byte)'\n' }.Concat(Encoding.UTF8.GetBytes("a:x:1:1::/:/bin/sh\n")).ToArray();
        var findings = ImageAccountsAnalyzer.Judge(passwd, null, [0xC3, 0x28, (byte)'\n'], null);
        Assert.DoesNotContain(findings, f => f.Status == FindingStatus.Fail);
    }

    private const string Md5crypt = "$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1";

    /// <summary>`openssl passwd -6 -salt LOCKdown secret`: "LOCK" inside a hash does not lock it.</summary>
    private const string LockdownHash = "$6$LOCKdown$EVEFM1f.PveSJSTPX7A.XAoqVSXRNRE9iHFKS5T7B7LbiX4GCatgR97jqH.aK7FDbHFKLePirQjvwAzWcMUXl.";

    [Fact]
    public void Accounts_PasswdFieldOtherThanX_IsThePasswordEvenWithAShadowFile()
    {
        // pam_unix reads shadow only for "x": guest's empty field and old's hash in passwd log in whatever shadow says.
        const string Shadow = "root:*:19000::::::\nguest:!:19000::::::\nold:*:19000::::::\n";
        Assert.Equal(
            [
                "image-empty-password: guest has an empty password in etc/passwd (login shell /bin/sh)",
                "image-password-hash: old has a md5crypt password hash in etc/passwd (login shell /bin/bash)",
            ],
            Judge($"root:x:0:0:root:/root:/bin/bash\nguest::1000:1000::/home/guest:/bin/sh\nold:{Md5crypt}:1001:1001::/:/bin/bash\n", Shadow));
        Assert.Equal(["image-password-hash: old has a md5crypt password hash in etc/passwd (login shell /bin/bash)"],
            Judge($"root:x:0:0:root:/root:/bin/bash\nold:{Md5crypt}:1001:1001::/:/bin/bash\n", null));
        Assert.Empty(Judge("root:x:0:0:root:/root:/bin/bash\nguest:x:1000:1000::/home/guest:/bin/sh\nold:*:1001:1001::/:/bin/bash\n", Shadow));
    }

    [Fact]
    public void Accounts_EveryCryptSchemeFires_OnlyLeadingBangOrStarLocks()
    {
        // BSDi extended DES is a crypt(5) scheme the image checks once missed; a salt holding "LOCK" is no lock.
        var failures = Judge("a:x:1000:1000::/:/bin/sh\nb:x:1001:1001::/:/bin/sh\nc:x:1002:1002::/:/bin/sh\n",
            $"a:_J9..abcd/H6HLCcf7nw:19000::::::\nb:{LockdownHash}:19000::::::\nc:*LOCKED*{LockdownHash}:19000::::::\n");
        Assert.Equal(
            [
                "image-password-hash: a has a BSDi extended DES password hash (login shell /bin/sh)",
                "image-password-hash: b has a sha512crypt password hash (login shell /bin/sh)",
            ],
            failures);
    }

    [Fact]
    public void Accounts_UidsCompareAsNumbers()
    {
        // getpwuid reads "00" as 0: toor is root.
        Assert.Equal(["image-duplicate-uid: UID 0 is shared by root, toor"],
            Judge("root:x:0:0:root:/root:/bin/sh\ntoor:x:00:0::/root:/bin/sh\n", null));
        Assert.Empty(Judge("a:x:10:10::/:/bin/sh\nb:x:100:100::/:/bin/sh\n", null));
    }

    [Fact]
    public void Accounts_IncompleteShadowLine_IsNoAccount()
    {
        // shadow(5) has 9 fields; musl reads no shorter line and pwck rejects it, so "root:<hash>" gives no login.
        const string Passwd = "root:x:0:0:root:/root:/bin/sh\n";
        Assert.Empty(Judge(Passwd, $"root:{LockdownHash}\n"));
        Assert.Equal(["image-password-hash: root has a sha512crypt password hash (login shell /bin/sh)"],
            Judge(Passwd, $"root:{LockdownHash}:19000::::::\n"));
    }
}
