using Seawall.Core.Model;
using Seawall.HostAudit;
using Seawall.HostAudit.Access;
using Seawall.HostAudit.Ssh;
using Seawall.Tests.Inventory.Languages;
using Seawall.Tests.Support;

namespace Seawall.Tests.HostAudit.Ssh;

/// <summary>
/// `sshd -T` (the daemon's own effective configuration) as the oracle: on this machine's real /etc/ssh/sshd_config
/// and on tricky configurations written to a temp folder. sshd -T only reads; it needs root (to read the host keys)
/// and /run/sshd (made by the ssh service). The audit itself never runs programs.
/// </summary>
public sealed class SshdOracleTests
{
    private const string Sshd = "/usr/sbin/sshd";

    // Keywords whose effective value the SSH checks read, as sshd -T prints them.
    private static readonly string[] ScalarKeywords =
    [
        "passwordauthentication", "kbdinteractiveauthentication", "permitrootlogin", "permitemptypasswords", "pubkeyauthentication",
        "maxauthtries", "x11forwarding", "allowtcpforwarding", "disableforwarding", "loglevel", "logingracetime", "clientaliveinterval",
        "clientalivecountmax", "banner", "usepam", "permituserenvironment", "ignorerhosts", "hostbasedauthentication", "gatewayports",
        "permittunnel", "allowagentforwarding", "strictmodes", "maxsessions",
    ];

    private static readonly (string Keyword, Func<string, FindingStatus> Classify)[] ListKeywords =
    [
        ("ciphers", WeakAlgorithms.Cipher), ("macs", WeakAlgorithms.Mac), ("kexalgorithms", WeakAlgorithms.Kex), ("hostkeyalgorithms", WeakAlgorithms.HostKey),
    ];

    private static void RequireSshd()
    {
        Assert.SkipUnless(File.Exists(Sshd), $"{Sshd} is not installed (apt-get install openssh-server); sshd -T is the oracle");
        Assert.SkipUnless(Environment.UserName == "root", "sshd -T reads the host keys and needs root");
        Assert.SkipUnless(Directory.Exists("/run/sshd"), "sshd -T needs /run/sshd, which the ssh service creates; start it once or `mkdir /run/sshd`");
    }

    /// <summary>sshd -T output as keyword -> values (repeated keywords such as hostkey collect).</summary>
    private static Dictionary<string, List<string>> SshdT(params string[] args)
    {
        var output = ExternalTool.Run(Sshd, "/", null, ["-T", .. args]);
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var keyword = space < 0 ? line : line[..space];
            (values.TryGetValue(keyword, out var list) ? list : values[keyword] = []).Add(space < 0 ? string.Empty : line[(space + 1)..]);
        }
        return values;
    }

    private static SshCheckGroup.Evaluation Evaluate(HostFileTree files, IReadOnlyList<string>? sshdArgs = null, List<string>? warnings = null)
    {
        var context = new HostContext(files, null, []);
        var evaluation = SshCheckGroup.Evaluate(context);
        Assert.NotNull(evaluation);
        if (sshdArgs is null)
        {
            warnings?.AddRange(context.Warnings);
            return evaluation;
        }
        // The same reading with the -f option sshd -T was given.
        var config = new SshdConfigReader(files, evaluation.Defaults, w => warnings?.Add(w)).Read(["sshd", .. sshdArgs], "test");
        return new SshCheckGroup.Evaluation(files, config, evaluation.Defaults, null, null);
    }

    /// <summary>Seawall's effective value in sshd -T's spelling.</summary>
    private static string Normalised(SshCheckGroup.Evaluation evaluation, string keyword)
    {
        var value = evaluation.Value(keyword).Value;
        return keyword switch
        {
            "permitrootlogin" when value.Equals("without-password", StringComparison.OrdinalIgnoreCase) => "prohibit-password",
            "loglevel" => value.ToUpperInvariant(),
            "logingracetime" or "clientaliveinterval" => SshTime.Seconds(value)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? value,
            "allowtcpforwarding" when value.Equals("all", StringComparison.OrdinalIgnoreCase) => "yes",
            _ => value.ToLowerInvariant() is "yes" or "no" ? value.ToLowerInvariant() : value,
        };
    }

    private static string Oracle(Dictionary<string, List<string>> sshdT, string keyword)
    {
        var value = Assert.Single(sshdT[keyword]);
        // Releases before 9.3 print PermitRootLogin's default as "without-password".
        return keyword == "permitrootlogin" && value == "without-password" ? "prohibit-password" : value;
    }

    private static void AssertAgrees(SshCheckGroup.Evaluation evaluation, Dictionary<string, List<string>> sshdT)
    {
        foreach (var keyword in ScalarKeywords.Where(sshdT.ContainsKey))
        {
            Assert.True(Oracle(sshdT, keyword) == Normalised(evaluation, keyword),
                $"{keyword}: sshd -T says '{Oracle(sshdT, keyword)}', Seawall says '{Normalised(evaluation, keyword)}'");
        }
        foreach (var (keyword, classify) in ListKeywords)
        {
            var actual = Oracle(sshdT, keyword).Split(',');
            var ours = evaluation.AlgorithmValue(keyword).List;
            Assert.Equal(actual.Where(a => classify(a) != FindingStatus.Pass), ours.Where(a => classify(a) != FindingStatus.Pass));
        }
    }

    [Fact]
    public void RealSshdConfig_EffectiveValuesAgreeWithSshdT()
    {
        RequireSshd();
        Assert.SkipUnless(File.Exists("/etc/ssh/sshd_config"), "/etc/ssh/sshd_config is absent");
        using var files = HostFileTree.Open("/");
        var evaluation = Evaluate(files);
        var sshdT = SshdT();
        AssertAgrees(evaluation, sshdT);
        // Where the real configuration sets the lists (or not), the whole of Ciphers and MACs agrees too.
        Assert.Equal(Oracle(sshdT, "ciphers"), string.Join(',', evaluation.AlgorithmValue("ciphers").List));
        Assert.Equal(Oracle(sshdT, "macs"), string.Join(',', evaluation.AlgorithmValue("macs").List));
    }

    [Fact]
    public void TrickyConfig_IncludesMatchAndListModifiers_AgreeWithSshdT()
    {
        RequireSshd();
        using var dir = new TempDir("seawall-sshd-oracle-");
        var d = dir.Path;
        ExternalTool.Run(ExternalTool.Find("ssh-keygen") ?? "/usr/bin/ssh-keygen", d, null, "-q", "-t", "ed25519", "-N", "", "-f", dir.File("host_key"));
        dir.Write("sshd_config",
            $"HostKey {d}/host_key\n"
            + $"Include {d}/conf.d/*.conf {d}/missing/*.conf\n"
            + "passwordauthentication=no\n"
            + "KBDINTERACTIVEAUTHENTICATION yes\n"
            + "UsePAM yes\n"
            + "LoginGraceTime 1m30s\n"
            + "Banner \"/etc/issue.net\"   # quoted, with a comment\n"
            + "Ciphers -*cbc,chacha20*\n"
            + "MACs ^hmac-sha1,hmac-md5\n"
            + "KexAlgorithms +diffie-hellman-group1-sha1,diffie-hellman-group14-sha1\n"
            + "HostKeyAlgorithms -ssh-rsa*,rsa-sha2-256*\n"
            + "Match User deploy\n"
            + "  PasswordAuthentication yes\n"
            + $"  Include {d}/match.d/*.conf\n"
            + "Match all\n"
            + "AllowTcpForwarding local\n");
        dir.Write("conf.d/20-b.conf", "PermitRootLogin yes\nMaxAuthTries 9\nGatewayPorts clientspecified\nPermitTunnel point-to-point\n"
            + "IgnoreRhosts shosts-only\nMaxSessions 20\nAllowAgentForwarding no\nStrictModes no\nPermitUserEnvironment LANG,TZ\n");
        dir.Write("conf.d/10-a.conf", "permitrootlogin no\nX11Forwarding yes\nLogLevel verbose\n");
        dir.Write("conf.d/30-c.conf", "Match Group admins\n  PermitEmptyPasswords yes\n");
        dir.Write("match.d/x.conf", "ClientAliveInterval 60\n");
        using var files = HostFileTree.Open("/");
        var warnings = new List<string>();
        var configPath = dir.File("sshd_config");
        var evaluation = Evaluate(files, ["-f", configPath], warnings);
        Assert.Empty(warnings);
        AssertAgrees(evaluation, SshdT("-f", configPath));
        var sshdT = SshdT("-f", configPath);
        foreach (var (keyword, _) in ListKeywords)
        {
            // Debian 12 backported 9.9's "sntrup761x25519-sha512" name into 9.2's default KexAlgorithms; upstream 9.2 has only the @openssh.com one.
            static string WithoutAlias(IEnumerable<string> names) => string.Join(',', names.Where(n => n != "sntrup761x25519-sha512"));
            Assert.Equal(WithoutAlias(Oracle(sshdT, keyword).Split(',')), WithoutAlias(evaluation.AlgorithmValue(keyword).List));
        }

        // A connection from user deploy gets the Match block's values, and Seawall reports that block.
        var deploy = SshdT("-f", configPath, "-C", "user=deploy,host=client,addr=192.0.2.10");
        Assert.Equal("yes", Oracle(deploy, "passwordauthentication"));
        Assert.Equal("60", Oracle(deploy, "clientaliveinterval"));
        Assert.Equal("no", Oracle(sshdT, "passwordauthentication"));
        var overrides = evaluation.Findings().Where(f => f.CheckId == "host-ssh-match-override").Select(f => f.Evidence!).ToList();
        Assert.Contains(overrides, e => e.StartsWith("Match User deploy", StringComparison.Ordinal) && e.Contains("PasswordAuthentication yes", StringComparison.Ordinal));
        Assert.Contains(overrides, e => e.StartsWith("Match Group admins", StringComparison.Ordinal) && e.Contains("PermitEmptyPasswords yes", StringComparison.Ordinal));
    }
}
