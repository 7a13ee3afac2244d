using Seawall.HostAudit.Access;
using Seawall.HostAudit.Ssh;

namespace Seawall.Tests.HostAudit.Ssh;

/// <summary>sshd_config read as sshd reads it: servconf.c's keyword, Include and Match rules on fixture roots.</summary>
public sealed class SshdConfigReaderTests
{
    private static (SshdConfig Config, List<string> Warnings) Read(HostAuditRoot root, string version = "9.2", IReadOnlyList<string>? commandLine = null)
    {
        using var files = HostFileTree.Open(root.Path);
        var warnings = new List<string>();
        var defaults = new OpenSshDefaults(OpenSshVersion.FromPackageVersion(version));
        var config = new SshdConfigReader(files, defaults, warnings.Add).Read(commandLine, commandLine is null ? null : "proc/42/cmdline");
        return (config, warnings);
    }

    [Fact]
    public void Read_KeywordsAnyCase_FirstValueWins()
    {
        using var root = new HostAuditRoot().Write("etc/ssh/sshd_config", "# comment\npasswordauthentication no\nPasswordAuthentication yes\nPASSWORDAUTHENTICATION yes\n");
        var (config, warnings) = Read(root);
        var line = config.Global("passwordauthentication");
        Assert.NotNull(line);
        Assert.Equal("no", line.Value);
        Assert.Equal(2, line.Line);
        Assert.Equal("etc/ssh/sshd_config", line.Path);
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData("MaxAuthTries=3", "3")]
    [InlineData("MaxAuthTries = 3", "3")]
    [InlineData("  MaxAuthTries\t3   # three tries", "3")]
    [InlineData("MaxAuthTries \"3\"", "3")]
    public void Read_EqualsSignsWhitespaceAndComments_GiveTheArgument(string line, string expected)
    {
        using var root = new HostAuditRoot().Write("etc/ssh/sshd_config", line + "\n");
        Assert.Equal(expected, Read(root).Config.Global("maxauthtries")?.Value);
    }

    [Fact]
    public void Read_QuotedArguments_KeepSpacesAndDropQuotes()
    {
        using var root = new HostAuditRoot().Write("etc/ssh/sshd_config",
            "Banner \"/etc/issue net\" # the banner\nAuthorizedKeysFile '.ssh/my keys' .ssh/authorized_keys2\nAcceptEnv LANG\\ X\n");
        var (config, _) = Read(root);
        Assert.Equal(["/etc/issue net"], config.Global("banner")!.Args);
        Assert.Equal([".ssh/my keys", ".ssh/authorized_keys2"], config.Global("authorizedkeysfile")!.Args);
        Assert.Equal(["LANG X"], config.Global("acceptenv")!.Args);
    }

    [Fact]
    public void Read_UnbalancedQuoteOrMissingArgument_WarnsWithFileAndLine()
    {
        using var root = new HostAuditRoot().Write("etc/ssh/sshd_config", "Banner \"/etc/issue\nPermitRootLogin\nX11Forwarding no\n");
        var (config, warnings) = Read(root);
        Assert.Null(config.Global("banner"));
        Assert.Contains(warnings, w => w.StartsWith("etc/ssh/sshd_config:1: invalid quotes", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("etc/ssh/sshd_config:2: no argument", StringComparison.Ordinal));
        Assert.Equal("no", config.Global("x11forwarding")?.Value);
    }

    [Fact]
    public void Read_IncludeGlob_ReadsMatchesInByteOrderBeforeLaterLines()
    {
        // Debian's layout: the Include comes first, so a drop-in beats the main file.
        using var root = new HostAuditRoot()
            .Write("etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication yes\nX11Forwarding yes\n")
            .Write("etc/ssh/sshd_config.d/50-cloud-init.conf", "PasswordAuthentication no\n")
            .Write("etc/ssh/sshd_config.d/10-first.conf", "X11Forwarding no\nPasswordAuthentication maybe\n")
            .Write("etc/ssh/sshd_config.d/Z-upper.conf", "MaxAuthTries 3\n")
            .Write("etc/ssh/sshd_config.d/.hidden.conf", "MaxAuthTries 1\n")
            .Write("etc/ssh/sshd_config.d/90-old.conf.bak", "MaxAuthTries 2\n");
        var (config, warnings) = Read(root);
        Assert.Empty(warnings);
        Assert.Equal(
            ["etc/ssh/sshd_config", "etc/ssh/sshd_config.d/10-first.conf", "etc/ssh/sshd_config.d/50-cloud-init.conf", "etc/ssh/sshd_config.d/Z-upper.conf"],
            config.Files);
        Assert.Equal(("maybe", "etc/ssh/sshd_config.d/10-first.conf", 2), Triple(config.Global("passwordauthentication")));
        Assert.Equal(("no", "etc/ssh/sshd_config.d/10-first.conf", 1), Triple(config.Global("x11forwarding")));
        Assert.Equal("3", config.Global("maxauthtries")?.Value);
    }

    [Fact]
    public void Read_RelativeIncludeAndSeveralPatterns_ResolveUnderEtcSsh()
    {
        using var root = new HostAuditRoot()
            .Write("etc/ssh/sshd_config", "Include extra/one.conf missing/*.conf two.conf\n")
            .Write("etc/ssh/extra/one.conf", "PermitRootLogin no\n")
            .Write("etc/ssh/two.conf", "PermitRootLogin yes\nLogLevel VERBOSE\n");
        var (config, warnings) = Read(root);
        Assert.Empty(warnings);
        Assert.Equal(("no", "etc/ssh/extra/one.conf", 1), Triple(config.Global("permitrootlogin")));
        Assert.Equal(("VERBOSE", "etc/ssh/two.conf", 2), Triple(config.Global("loglevel")));
    }

    [Fact]
    public void Read_IncludeLoop_WarnsAndReadsEachFileOnce()
    {
        using var root = new HostAuditRoot()
            .Write("etc/ssh/sshd_config", "Include a.conf\nMaxAuthTries 5\n")
            .Write("etc/ssh/a.conf", "Include b.conf\nLogLevel ERROR\n")
            .Write("etc/ssh/b.conf", "Include a.conf\nInclude sshd_config\nBanner /etc/issue\n");
        var (config, warnings) = Read(root);
        Assert.Equal(["etc/ssh/sshd_config", "etc/ssh/a.conf", "etc/ssh/b.conf"], config.Files);
        Assert.Equal(2, warnings.Count(w => w.Contains("loops back", StringComparison.Ordinal)));
        Assert.Contains(warnings, w => w.StartsWith("etc/ssh/b.conf:1: Include of etc/ssh/a.conf loops back", StringComparison.Ordinal));
        Assert.Equal("/etc/issue", config.Global("banner")?.Value);
        Assert.Equal("ERROR", config.Global("loglevel")?.Value);
        Assert.Equal("5", config.Global("maxauthtries")?.Value);
    }

    [Fact]
    public void Read_IncludesDeeperThanSixteen_StopWithWarning()
    {
        using var root = new HostAuditRoot().Write("etc/ssh/sshd_config", "Include d1.conf\n");
        for (var i = 1; i <= 20; i++)
        {
            root.Write($"etc/ssh/d{i}.conf", $"Include d{i + 1}.conf\nMaxSessions {i}\n");
        }
        var (config, warnings) = Read(root);
        // The main file is depth 0; sshd reads includes up to depth 16 (SERVCONF_MAX_DEPTH).
        Assert.Equal(17, config.Files.Count);
        Assert.Contains(warnings, w => w.StartsWith("etc/ssh/d16.conf:1: Include nested more than 16 deep", StringComparison.Ordinal));
        Assert.Equal("16", config.Global("maxsessions")?.Value);
    }

    [Fact]
    public void Read_MatchBlock_AppliesOnlyToMatchingConnectionsUntilMatchAll()
    {
        using var root = new HostAuditRoot().Write("etc/ssh/sshd_config",
            "PasswordAuthentication no\nMatch User deploy Address 10.0.0.0/8\n  PasswordAuthentication yes\n  X11Forwarding yes\nMatch all\nX11Forwarding no\n");
        var (config, _) = Read(root);
        Assert.Equal(("no", "etc/ssh/sshd_config", 1), Triple(config.Global("passwordauthentication")));
        Assert.Equal(("no", "etc/ssh/sshd_config", 6), Triple(config.Global("x11forwarding")));
        var inMatch = Assert.Single(config.InMatchBlocks("passwordauthentication"));
        Assert.Equal("User deploy Address 10.0.0.0/8", inMatch.Match);
        Assert.Equal(2, inMatch.MatchLocation?.Line);
        Assert.Equal(3, inMatch.Line);
        Assert.Single(config.InMatchBlocks("x11forwarding"));
    }

    [Fact]
    public void Read_MatchInIncludedFile_EndsWithThatFile()
    {
        using var root = new HostAuditRoot()
            .Write("etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication no\n")
            .Write("etc/ssh/sshd_config.d/deploy.conf", "Match Group deployers\nPasswordAuthentication yes\n");
        var (config, _) = Read(root);
        Assert.Equal(("no", "etc/ssh/sshd_config", 2), Triple(config.Global("passwordauthentication")));
        Assert.Equal("Group deployers", Assert.Single(config.InMatchBlocks("passwordauthentication")).Match);
    }

    [Fact]
    public void Read_IncludeInsideMatchBlock_BelongsToTheBlock()
    {
        using var root = new HostAuditRoot()
            .Write("etc/ssh/sshd_config", "Match User backup\nInclude backup.conf\nMatch all\nAllowTcpForwarding no\n")
            .Write("etc/ssh/backup.conf", "AllowTcpForwarding yes\nMatch all\nPermitRootLogin yes\n");
        var (config, _) = Read(root);
        Assert.Equal(("no", "etc/ssh/sshd_config", 4), Triple(config.Global("allowtcpforwarding")));
        // "Match all" inside a file included from a Match block does not make it global (SSHCFG_NEVERMATCH).
        Assert.Null(config.Global("permitrootlogin"));
        Assert.Equal("User backup", Assert.Single(config.InMatchBlocks("permitrootlogin")).Match);
    }

    [Fact]
    public void Read_GlobalOnlyKeywordInMatch_Warns()
    {
        using var root = new HostAuditRoot().Write("etc/ssh/sshd_config", "Match User x\n  Ciphers aes128-cbc\n");
        var (config, warnings) = Read(root);
        Assert.Contains("etc/ssh/sshd_config:2: Ciphers is not allowed within a Match block; sshd refuses to start", warnings);
        Assert.Null(config.Global("ciphers"));
    }

    [Fact]
    public void Read_ChallengeResponseAuthentication_IsAnAliasFrom87Only()
    {
        using var root = new HostAuditRoot().Write("etc/ssh/sshd_config", "ChallengeResponseAuthentication no\n");
        var modern = Read(root, "1:9.2p1-2").Config;
        Assert.Equal("no", modern.Global("kbdinteractiveauthentication")?.Value);
        Assert.Equal("ChallengeResponseAuthentication", modern.Global("kbdinteractiveauthentication")?.WrittenKeyword);
        var old = Read(root, "1:8.4p1-5").Config;
        Assert.Null(old.Global("kbdinteractiveauthentication"));
        Assert.Equal("no", old.Global("challengeresponseauthentication")?.Value);
    }

    [Fact]
    public void Read_ListenerArguments_OptionsWinAndDashFPicksTheFile()
    {
        using var root = new HostAuditRoot()
            .Write("etc/ssh/sshd_config", "PasswordAuthentication yes\n")
            .Write("etc/ssh/alt_config", "PasswordAuthentication yes\nPermitRootLogin yes\n");
        var (config, _) = Read(root, commandLine: ["/usr/sbin/sshd", "-D", "-oPermitRootLogin=no", "-f", "/etc/ssh/alt_config", "-o", "PasswordAuthentication no"]);
        Assert.Equal(["etc/ssh/alt_config"], config.Files);
        Assert.Equal(("no", "proc/42/cmdline", null), Triple(config.Global("permitrootlogin")));
        Assert.Equal(("no", "proc/42/cmdline", null), Triple(config.Global("passwordauthentication")));
    }

    [Fact]
    public void Read_NoConfigFile_WarnsAndLeavesDefaults()
    {
        using var root = new HostAuditRoot().Write("etc/ssh/moduli", "x\n");
        var (config, warnings) = Read(root);
        Assert.Empty(config.Directives);
        Assert.Contains(warnings, w => w.StartsWith("etc/ssh/sshd_config: not found", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_IncludeThroughAbsoluteSymlink_StaysInsideTheRoot()
    {
        using var root = new HostAuditRoot()
            .Write("etc/ssh/sshd_config", "Include /etc/ssh/link.conf\n")
            .Write("etc/ssh/real.conf", "PermitRootLogin no\n");
        // An absolute link target is re-rooted at the audited root, never the auditor's /etc.
        File.CreateSymbolicLink(Path.Combine(root.Path, "etc/ssh/link.conf"), "/etc/ssh/real.conf");
        Assert.Equal(("no", "etc/ssh/link.conf", 1), Triple(Read(root).Config.Global("permitrootlogin")));
    }

    private static (string?, string?, int?) Triple(SshdDirective? line) => (line?.Value, line?.Path, line?.Line);
}
