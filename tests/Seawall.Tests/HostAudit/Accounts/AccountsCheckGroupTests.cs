using Seawall.Core.Model;
using Seawall.HostAudit.Accounts;

namespace Seawall.Tests.HostAudit.Accounts;

/// <summary>The account checks on fixture roots laid out like Debian 12's (lines as `useradd` and `passwd` write them).</summary>
public sealed class AccountsCheckGroupTests
{
    private const string Yescrypt = "$y$j9T$abcdefghijklmnop$3dL1LkYnZM.OVXuVdnnaKVDlLYT92dRwOzDZ5XiVCe.";
    private const string Md5crypt = "$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1";

    private const string Passwd =
        "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nsync:x:4:65534:sync:/bin:/bin/sync\n"
        + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nalice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n";

    private const string Shadow =
        "root:*:20228:0:99999:7:::\ndaemon:*:20228:0:99999:7:::\nsync:*:20228:0:99999:7:::\nnobody:*:20228:0:99999:7:::\n"
        + "alice:" + Yescrypt + ":20230:0:365:7:::\n";

    private const string Group = "root:x:0:\ndaemon:x:1:\nsudo:x:27:alice\nnogroup:x:65534:\nalice:x:1000:\n";

    private static HostAuditRoot Host(string passwd = Passwd, string? shadow = Shadow, string group = Group)
    {
        var root = new HostAuditRoot().Write("etc/passwd", passwd).Write("etc/group", group);
        if (shadow is not null)
        {
            root.Write("etc/shadow", shadow);
        }
        return root;
    }

    private static List<Finding> Run(HostAuditRoot root) => [.. root.Run(new AccountsCheckGroup()).Findings];

    private static List<Finding> Of(HostAuditRoot root, string checkId) => [.. Run(root).Where(f => f.CheckId == checkId)];

    [Fact]
    public void Run_CleanDebianAccounts_AllPass()
    {
        using var root = Host();
        var findings = Run(root);
        Assert.All(findings, f => Assert.Equal(FindingStatus.Pass, f.Status));
        Assert.Equal(11, findings.Count);
        Assert.DoesNotContain(findings, f => f.Evidence!.Contains("$y$j9T", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_NoPasswd_NoFindings()
    {
        using var root = new HostAuditRoot().Write("etc/hostname", "x\n");
        Assert.Empty(Run(root));
    }

    [Fact]
    public void RootPassword_UsableHash_WarnsWithSchemeOnly()
    {
        using var root = Host(shadow: Shadow.Replace("root:*:", "root:" + Yescrypt + ":", StringComparison.Ordinal));
        var finding = Assert.Single(Of(root, "host-accounts-root-password"));
        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.Equal("root: usable password, hash scheme yescrypt ($y$) (etc/shadow:1)", finding.Evidence);
        Assert.Equal(new Location("etc/shadow", 1), finding.Location);
    }

    [Fact]
    public void ExtraUid0_Fails()
    {
        using var root = Host(passwd: Passwd + "toor:x:0:0::/root:/bin/sh\n", shadow: Shadow + "toor:!:20228::::::\n");
        var findings = Of(root, "host-accounts-uid0");
        var finding = Assert.Single(findings);
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Equal(new Location("etc/passwd", 6), finding.Location);
        Assert.StartsWith("toor: UID 0", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyPassword_InShadowOrPasswd_Fails()
    {
        using var root = Host(
            passwd: Passwd + "guest::1001:1001::/home/guest:/bin/bash\n",
            shadow: Shadow.Replace("alice:" + Yescrypt, "alice:", StringComparison.Ordinal));
        var findings = Of(root, "host-accounts-empty-password");
        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal(FindingStatus.Fail, f.Status));
        Assert.Contains(findings, f => f.Location == new Location("etc/shadow", 5) && f.Evidence!.StartsWith("alice:", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Location == new Location("etc/passwd", 6) && f.Evidence!.StartsWith("guest:", StringComparison.Ordinal));
    }

    [Fact]
    public void NotShadowed_HashInPasswd_FailsAndIsWeak()
    {
        using var root = Host(passwd: Passwd + $"legacy:{Md5crypt}:1002:1002::/home/legacy:/bin/sh\n");
        var shadowed = Assert.Single(Of(root, "host-accounts-shadowed"));
        Assert.Equal(FindingStatus.Fail, shadowed.Status);
        Assert.Equal("legacy: hash scheme md5crypt ($1$) in etc/passwd:6", shadowed.Evidence);
        var weak = Assert.Single(Of(root, "host-accounts-weak-hash"));
        Assert.Equal(FindingStatus.Fail, weak.Status);
        Assert.DoesNotContain("cHJi5", weak.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void WeakHash_Md5InShadow_Fails_LowRoundsWarn()
    {
        using var root = Host(
            passwd: Passwd + "bob:x:1001:1001::/home/bob:/bin/bash\n",
            shadow: Shadow.Replace("alice:" + Yescrypt, "alice:" + Md5crypt, StringComparison.Ordinal)
                + "bob:$6$rounds=1000$abcdefgh$nhYjN017qxiYztzyUpZtPnUQcnLy62KsunSLHNeLahp2EHPlAKmFFlrjEwSXGo2kgY5hR2.peKEg2VGUqIJJu1:20230:0:90:7:::\n");
        var findings = Of(root, "host-accounts-weak-hash");
        Assert.Equal(2, findings.Count);
        Assert.Equal(FindingStatus.Fail, findings.Single(f => f.Evidence!.StartsWith("alice:", StringComparison.Ordinal)).Status);
        var bob = findings.Single(f => f.Evidence!.StartsWith("bob:", StringComparison.Ordinal));
        Assert.Equal(FindingStatus.Warn, bob.Status);
        Assert.Equal("bob: hash scheme sha512crypt ($6$), 1000 rounds (default 5000) (etc/shadow:6)", bob.Evidence);
    }

    [Fact]
    public void PasswordExpiry_MaxDays99999_Warns()
    {
        using var root = Host(shadow: Shadow.Replace(":20230:0:365:7:::", ":20230:0:99999:7:::", StringComparison.Ordinal));
        var finding = Assert.Single(Of(root, "host-accounts-password-expiry"));
        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.Equal("alice: password with maximum age 99999 days (etc/shadow:5)", finding.Evidence);
    }

    [Fact]
    public void Duplicates_UidNameGidGroupName_Fail()
    {
        using var root = Host(
            passwd: Passwd + "alice2:x:1000:1000::/home/alice2:/bin/bash\nalice:x:1003:1000::/tmp:/bin/sh\n",
            shadow: Shadow + "alice2:!:20230::::::\n",
            group: Group + "alice-dup:x:1000:\nsudo:x:28:\n");
        var findings = Run(root);
        var uid = Assert.Single(findings, f => f.CheckId == "host-accounts-duplicate-uid");
        Assert.Equal(FindingStatus.Fail, uid.Status);
        Assert.Equal("UID 1000: alice (line 5), alice2 (line 6) (etc/passwd)", uid.Evidence);
        Assert.Equal(new Location("etc/passwd", 6), uid.Location);
        Assert.Equal(FindingStatus.Fail, findings.Single(f => f.CheckId == "host-accounts-duplicate-user").Status);
        Assert.Equal(FindingStatus.Fail, findings.Single(f => f.CheckId == "host-accounts-duplicate-gid").Status);
        Assert.Equal("name sudo: gid 27 (line 3), gid 28 (line 7) (etc/group)", findings.Single(f => f.CheckId == "host-accounts-duplicate-group").Evidence);
    }

    [Fact]
    public void Consistency_MissingShadowEntryOrphanAndMissingGroup_Warn()
    {
        using var root = Host(
            passwd: Passwd + "carol:x:1004:2000::/home/carol:/bin/bash\nbroken:x:notanumber:1\n",
            shadow: Shadow + "ghost:!:20230::::::\n");
        var problems = Of(root, "host-accounts-consistency").Select(f => f.Evidence!).ToList();
        Assert.Equal(4, problems.Count);
        Assert.Contains("etc/passwd:7: not 7 fields with numeric uid and gid", problems);
        Assert.Contains("carol: no entry in etc/shadow (etc/passwd:6)", problems);
        Assert.Contains("ghost: in etc/shadow:6 but not in etc/passwd", problems);
        Assert.Contains("carol: primary group 2000 not in etc/group (etc/passwd:6)", problems);
    }

    [Fact]
    public void ShadowNotReadable_ShadowChecksAreManual()
    {
        // A shadow that exists but cannot be read as a file (as for an unprivileged audit): here, a directory.
        using var root = Host(shadow: null);
        Directory.CreateDirectory(Path.Combine(root.Path, "etc/shadow"));
        var findings = Run(root);
        foreach (var id in new[] { "host-accounts-root-password", "host-accounts-empty-password", "host-accounts-weak-hash", "host-accounts-password-expiry" })
        {
            var finding = Assert.Single(findings, f => f.CheckId == id);
            Assert.Equal(FindingStatus.Manual, finding.Status);
            Assert.Equal("etc/shadow exists but is not readable (run the audit as root)", finding.Evidence);
        }
    }
}
