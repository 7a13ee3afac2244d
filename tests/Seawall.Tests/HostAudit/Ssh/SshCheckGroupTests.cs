using Seawall.Core.Model;
using Seawall.HostAudit.Ssh;

namespace Seawall.Tests.HostAudit.Ssh;

/// <summary>Each SSH check on fixture roots: one that fires, one that does not, and where the evidence points.</summary>
public sealed class SshCheckGroupTests
{
    // Debian 12's shipped sshd_config, comments dropped (openssh-server 1:9.2p1-2+deb12u6).
    private const string DebianConfig =
        "Include /etc/ssh/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\nUsePAM yes\nX11Forwarding yes\nPrintMotd no\n"
        + "AcceptEnv LANG LC_*\nSubsystem\tsftp\t/usr/lib/openssh/sftp-server\n";

    private static HostAuditRoot Sshd(string config, string version = "1:9.2p1-2+deb12u6") =>
        new HostAuditRoot().Package("openssh-server", version).Write("etc/ssh/sshd_config", config);

    private static List<Finding> Run(HostAuditRoot root) => [.. root.Run(new SshCheckGroup()).Findings];

    private static Finding One(HostAuditRoot root, string checkId) => Assert.Single(Run(root), f => f.CheckId == checkId);

    [Fact]
    public void Run_NoSshd_OneInfo()
    {
        using var root = new HostAuditRoot().Write("etc/hostname", "node\n");
        var finding = Assert.Single(Run(root));
        Assert.Equal(("host-ssh-sshd", FindingStatus.Info), (finding.CheckId, finding.Status));
        Assert.Contains("sshd not installed", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_BinaryWithoutPackage_ReadsTheReleaseFromTheBinary()
    {
        using var root = new HostAuditRoot()
            .Write("usr/sbin/sshd", "\u007fELF\0OpenSSH_7.4*\0OpenSSH_8.4p1 Debian-5\0")
            .Write("etc/ssh/sshd_config", "ChallengeResponseAuthentication no\n");
        var findings = Run(root);
        Assert.Contains("OpenSSH 8.4", findings.Single(f => f.CheckId == "host-ssh-sshd").Evidence, StringComparison.Ordinal);
        // 8.4: ChallengeResponseAuthentication is its own switch, KbdInteractiveAuthentication defaults to no.
        Assert.Equal(FindingStatus.Pass, findings.Single(f => f.CheckId == "host-ssh-kbdinteractive-auth").Status);
    }

    [Fact]
    public void Run_DebianDefaultConfig_ReportsDefaultsWithTheRelease()
    {
        using var root = Sshd(DebianConfig);
        var findings = Run(root);
        var password = findings.Single(f => f.CheckId == "host-ssh-password-auth");
        Assert.Equal(FindingStatus.Fail, password.Status);
        Assert.Equal("PasswordAuthentication yes (default, OpenSSH 9.2)", password.Evidence);
        Assert.Null(password.Location);
        var x11 = findings.Single(f => f.CheckId == "host-ssh-x11-forwarding");
        Assert.Equal(FindingStatus.Fail, x11.Status);
        Assert.Equal(new Location("etc/ssh/sshd_config", 4), x11.Location);
        Assert.Equal(FindingStatus.Pass, findings.Single(f => f.CheckId == "host-ssh-kbdinteractive-auth").Status);
        Assert.Equal(FindingStatus.Pass, findings.Single(f => f.CheckId == "host-ssh-permit-root-login").Status);
        Assert.NotNull(password.Remediation);
    }

    [Theory]
    [InlineData("PasswordAuthentication no\n", FindingStatus.Pass)]
    [InlineData("PasswordAuthentication yes\n", FindingStatus.Fail)]
    [InlineData("PasswordAuthentication yes\nAuthenticationMethods publickey,password\n", FindingStatus.Pass)]
    [InlineData("PasswordAuthentication yes\nAuthenticationMethods publickey password\n", FindingStatus.Fail)]
    public void PasswordAuthentication(string config, FindingStatus expected)
    {
        using var root = Sshd(config);
        Assert.Equal(expected, One(root, "host-ssh-password-auth").Status);
    }

    [Theory]
    [InlineData("KbdInteractiveAuthentication yes\nUsePAM yes\n", FindingStatus.Fail)]
    [InlineData("KbdInteractiveAuthentication yes\nUsePAM no\n", FindingStatus.Pass)]
    [InlineData("UsePAM yes\n", FindingStatus.Fail)]
    [InlineData("UsePAM yes\nKbdInteractiveAuthentication no\n", FindingStatus.Pass)]
    [InlineData("UsePAM yes\nChallengeResponseAuthentication no\nKbdInteractiveAuthentication yes\n", FindingStatus.Pass)]
    public void KbdInteractive_OpenSsh92(string config, FindingStatus expected)
    {
        using var root = Sshd(config);
        Assert.Equal(expected, One(root, "host-ssh-kbdinteractive-auth").Status);
    }

    [Theory]
    [InlineData("UsePAM yes\n", FindingStatus.Fail)]
    [InlineData("UsePAM yes\nChallengeResponseAuthentication no\n", FindingStatus.Pass)]
    [InlineData("UsePAM yes\nChallengeResponseAuthentication no\nKbdInteractiveAuthentication yes\n", FindingStatus.Fail)]
    public void KbdInteractive_Before87BothSwitchesCount(string config, FindingStatus expected)
    {
        using var root = Sshd(config, "1:8.4p1-5+deb11u3");
        Assert.Equal(expected, One(root, "host-ssh-kbdinteractive-auth").Status);
    }

    [Fact]
    public void KbdInteractive_DeprecatedAlias_IsNamed()
    {
        using var root = Sshd("UsePAM yes\nChallengeResponseAuthentication yes\n");
        var finding = One(root, "host-ssh-kbdinteractive-auth");
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Contains("deprecated alias", finding.Evidence, StringComparison.Ordinal);
        Assert.Equal(new Location("etc/ssh/sshd_config", 2), finding.Location);
    }

    [Theory]
    [InlineData("PermitRootLogin yes\n", "9.2p1", FindingStatus.Fail)]
    [InlineData("PermitRootLogin without-password\n", "9.2p1", FindingStatus.Pass)]
    [InlineData("PermitRootLogin forced-commands-only\n", "9.2p1", FindingStatus.Pass)]
    [InlineData("PermitRootLogin no\n", "9.2p1", FindingStatus.Pass)]
    [InlineData("", "9.2p1", FindingStatus.Pass)]
    [InlineData("", "6.6p1", FindingStatus.Fail)]
    public void PermitRootLogin(string config, string version, FindingStatus expected)
    {
        using var root = Sshd(config, version);
        Assert.Equal(expected, One(root, "host-ssh-permit-root-login").Status);
    }

    [Fact]
    public void PermitRootLogin_ProhibitPassword_PassesWithExplanation()
    {
        using var root = Sshd("permitrootlogin prohibit-password\n");
        var finding = One(root, "host-ssh-permit-root-login");
        Assert.Equal("permitrootlogin prohibit-password (etc/ssh/sshd_config:1): root may log in with a key, not a password", finding.Evidence);
    }

    [Theory]
    [InlineData("PermitEmptyPasswords yes\n", "host-ssh-permit-empty-passwords", FindingStatus.Fail)]
    [InlineData("", "host-ssh-permit-empty-passwords", FindingStatus.Pass)]
    [InlineData("PubkeyAuthentication no\n", "host-ssh-pubkey-auth", FindingStatus.Warn)]
    [InlineData("", "host-ssh-pubkey-auth", FindingStatus.Pass)]
    [InlineData("", "host-ssh-max-auth-tries", FindingStatus.Fail)]
    [InlineData("MaxAuthTries 4\n", "host-ssh-max-auth-tries", FindingStatus.Pass)]
    [InlineData("X11Forwarding yes\n", "host-ssh-x11-forwarding", FindingStatus.Fail)]
    [InlineData("X11Forwarding yes\nDisableForwarding yes\n", "host-ssh-x11-forwarding", FindingStatus.Pass)]
    [InlineData("", "host-ssh-x11-forwarding", FindingStatus.Pass)]
    [InlineData("", "host-ssh-tcp-forwarding", FindingStatus.Warn)]
    [InlineData("AllowTcpForwarding local\n", "host-ssh-tcp-forwarding", FindingStatus.Warn)]
    [InlineData("AllowTcpForwarding no\n", "host-ssh-tcp-forwarding", FindingStatus.Pass)]
    [InlineData("DisableForwarding yes\n", "host-ssh-tcp-forwarding", FindingStatus.Pass)]
    [InlineData("LogLevel QUIET\n", "host-ssh-log-level", FindingStatus.Fail)]
    [InlineData("LogLevel DEBUG3\n", "host-ssh-log-level", FindingStatus.Warn)]
    [InlineData("LogLevel verbose\n", "host-ssh-log-level", FindingStatus.Pass)]
    [InlineData("", "host-ssh-log-level", FindingStatus.Pass)]
    [InlineData("", "host-ssh-login-grace-time", FindingStatus.Warn)]
    [InlineData("LoginGraceTime 0\n", "host-ssh-login-grace-time", FindingStatus.Fail)]
    [InlineData("LoginGraceTime 1m\n", "host-ssh-login-grace-time", FindingStatus.Pass)]
    [InlineData("", "host-ssh-client-alive", FindingStatus.Warn)]
    [InlineData("ClientAliveInterval 5m\nClientAliveCountMax 0\n", "host-ssh-client-alive", FindingStatus.Warn)]
    [InlineData("ClientAliveInterval 300\n", "host-ssh-client-alive", FindingStatus.Pass)]
    [InlineData("", "host-ssh-banner", FindingStatus.Warn)]
    [InlineData("Banner /etc/issue.net\n", "host-ssh-banner", FindingStatus.Pass)]
    [InlineData("PermitUserEnvironment yes\n", "host-ssh-permit-user-environment", FindingStatus.Fail)]
    [InlineData("PermitUserEnvironment LANG,LC_*\n", "host-ssh-permit-user-environment", FindingStatus.Fail)]
    [InlineData("", "host-ssh-permit-user-environment", FindingStatus.Pass)]
    [InlineData("IgnoreRhosts shosts-only\n", "host-ssh-ignore-rhosts", FindingStatus.Fail)]
    [InlineData("", "host-ssh-ignore-rhosts", FindingStatus.Pass)]
    [InlineData("HostbasedAuthentication yes\n", "host-ssh-hostbased-auth", FindingStatus.Fail)]
    [InlineData("", "host-ssh-hostbased-auth", FindingStatus.Pass)]
    [InlineData("GatewayPorts clientspecified\n", "host-ssh-gateway-ports", FindingStatus.Warn)]
    [InlineData("", "host-ssh-gateway-ports", FindingStatus.Pass)]
    [InlineData("PermitTunnel ethernet\n", "host-ssh-permit-tunnel", FindingStatus.Warn)]
    [InlineData("", "host-ssh-permit-tunnel", FindingStatus.Pass)]
    [InlineData("", "host-ssh-agent-forwarding", FindingStatus.Warn)]
    [InlineData("AllowAgentForwarding no\n", "host-ssh-agent-forwarding", FindingStatus.Pass)]
    [InlineData("DisableForwarding yes\n", "host-ssh-agent-forwarding", FindingStatus.Pass)]
    [InlineData("StrictModes no\n", "host-ssh-strict-modes", FindingStatus.Fail)]
    [InlineData("", "host-ssh-strict-modes", FindingStatus.Pass)]
    [InlineData("MaxSessions 64\n", "host-ssh-max-sessions", FindingStatus.Fail)]
    [InlineData("", "host-ssh-max-sessions", FindingStatus.Pass)]
    public void SingleValueChecks(string config, string checkId, FindingStatus expected)
    {
        using var root = Sshd(config);
        Assert.Equal(expected, One(root, checkId).Status);
    }

    [Theory]
    [InlineData("", "host-ssh-weak-ciphers", FindingStatus.Pass, null)]
    [InlineData("Ciphers +aes256-cbc\n", "host-ssh-weak-ciphers", FindingStatus.Fail, "aes256-cbc")]
    [InlineData("Ciphers aes128-ctr,3des-cbc\n", "host-ssh-weak-ciphers", FindingStatus.Fail, "3des-cbc")]
    [InlineData("", "host-ssh-weak-macs", FindingStatus.Fail, "umac-64@openssh.com")]
    [InlineData("MACs -umac-64*,hmac-sha1*\n", "host-ssh-weak-macs", FindingStatus.Pass, null)]
    [InlineData("MACs -umac-64@openssh.com\n", "host-ssh-weak-macs", FindingStatus.Warn, "hmac-sha1")]
    [InlineData("MACs hmac-sha2-512-etm@openssh.com,hmac-md5\n", "host-ssh-weak-macs", FindingStatus.Fail, "hmac-md5")]
    [InlineData("", "host-ssh-weak-kex", FindingStatus.Pass, null)]
    [InlineData("KexAlgorithms +diffie-hellman-group1-sha1\n", "host-ssh-weak-kex", FindingStatus.Fail, "diffie-hellman-group1-sha1")]
    [InlineData("KexAlgorithms ^diffie-hellman-group-exchange-sha1\n", "host-ssh-weak-kex", FindingStatus.Fail, "diffie-hellman-group-exchange-sha1")]
    [InlineData("", "host-ssh-weak-hostkey-algorithms", FindingStatus.Pass, null)]
    [InlineData("HostKeyAlgorithms +ssh-rsa\n", "host-ssh-weak-hostkey-algorithms", FindingStatus.Warn, "ssh-rsa")]
    [InlineData("HostKeyAlgorithms +ssh-dss\n", "host-ssh-weak-hostkey-algorithms", FindingStatus.Fail, "ssh-dss")]
    public void AlgorithmChecks(string config, string checkId, FindingStatus expected, string? named)
    {
        using var root = Sshd(config);
        var finding = One(root, checkId);
        Assert.Equal(expected, finding.Status);
        if (named is not null)
        {
            Assert.Contains(named, finding.Evidence, StringComparison.Ordinal);
        }
        Assert.Equal(config.Length == 0 ? null : new Location("etc/ssh/sshd_config", 1), finding.Location);
    }

    [Fact]
    public void AlgorithmChecks_OldReleaseDefaults_OfferWeakOnes()
    {
        using var root = Sshd("", "1:6.6p1-2ubuntu2");
        var findings = Run(root);
        Assert.Equal(FindingStatus.Fail, findings.Single(f => f.CheckId == "host-ssh-weak-ciphers").Status);
        Assert.Contains("(default, OpenSSH 6.6)", findings.Single(f => f.CheckId == "host-ssh-weak-kex").Evidence, StringComparison.Ordinal);
        Assert.Equal(FindingStatus.Fail, findings.Single(f => f.CheckId == "host-ssh-weak-kex").Status);
    }

    [Fact]
    public void MatchOverride_ReEnablingPasswordsForOneUser_Warns()
    {
        using var root = Sshd("PasswordAuthentication no\nX11Forwarding no\n\nMatch User deploy\n    PasswordAuthentication yes\n    X11Forwarding no\n");
        var findings = Run(root);
        Assert.Equal(FindingStatus.Pass, findings.Single(f => f.CheckId == "host-ssh-password-auth").Status);
        var warning = Assert.Single(findings, f => f.CheckId == "host-ssh-match-override");
        Assert.Equal(FindingStatus.Warn, warning.Status);
        Assert.Equal(new Location("etc/ssh/sshd_config", 5), warning.Location);
        Assert.Equal("Match User deploy (etc/ssh/sshd_config:4) sets PasswordAuthentication yes at etc/ssh/sshd_config:5; global value no", warning.Evidence);
    }

    [Fact]
    public void MatchOverride_GlobalAlreadyRisky_OrMatchTightens_NoWarning()
    {
        using var root = Sshd("PermitRootLogin yes\nMatch Address 10.0.0.0/8\n  PermitRootLogin yes\nMatch User ci\n  PasswordAuthentication no\n");
        Assert.DoesNotContain(Run(root), f => f.CheckId == "host-ssh-match-override");
    }

    [Fact]
    public void MatchOverride_DisableForwardingTurnedBackOff_Warns()
    {
        using var root = Sshd("DisableForwarding yes\nMatch Group tunnels\n  DisableForwarding no\n");
        var findings = Run(root);
        Assert.Equal(FindingStatus.Pass, findings.Single(f => f.CheckId == "host-ssh-tcp-forwarding").Status);
        Assert.Contains(findings, f => f.CheckId == "host-ssh-match-override" && f.Evidence!.Contains("DisableForwarding no", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_ListenerWithOptions_UsesItsCommandLine()
    {
        using var root = Sshd("PasswordAuthentication yes\n")
            .Write("proc/812/comm", "sshd\n")
            .Write("proc/812/cmdline", "sshd: /usr/sbin/sshd -D -o PasswordAuthentication=no [listener] 0 of 10-100 startups\0")
            .Write("proc/913/comm", "sshd\n")
            .Write("proc/913/cmdline", "sshd: alice [priv]\0");
        var finding = One(root, "host-ssh-password-auth");
        Assert.Equal(FindingStatus.Pass, finding.Status);
        Assert.Equal(new Location("proc/812/cmdline"), finding.Location);
    }

    [Fact]
    public void Run_EveryFindingUsesACatalogCheck()
    {
        using var root = Sshd(DebianConfig);
        var catalog = new SshCheckGroup().Checks.Select(c => c.Id).ToHashSet();
        Assert.All(Run(root), f => Assert.Contains(f.CheckId, catalog));
        Assert.Equal(catalog.Count, catalog.Count(id => id.StartsWith("host-ssh-", StringComparison.Ordinal)));
    }
}
