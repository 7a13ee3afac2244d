using Seawall.Core.Model;
using Seawall.HostAudit.Access;
using Seawall.HostAudit.Ssh;
using Seawall.Tests.Inventory.Languages;

namespace Seawall.Tests.HostAudit.Ssh;

/// <summary>Host keys made by this machine's ssh-keygen, read back from the .pub file, the OpenSSH private key and PEM.</summary>
public sealed class HostKeyTests
{
    private static readonly string? SshKeygen = ExternalTool.Find("ssh-keygen");

    private static void Generate(HostAuditRoot root, string relative, params string[] args)
    {
        Assert.SkipWhen(SshKeygen is null, "ssh-keygen is not installed (apt-get install openssh-client); it makes the test keys");
        var path = Path.Combine(root.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ExternalTool.Run(SshKeygen!, root.Path, null, ["-q", "-N", "", "-C", "test", "-f", path, .. args]);
    }

    [Theory]
    [InlineData("rsa", "2048", "rsa", 2048)]
    [InlineData("rsa", "3072", "rsa", 3072)]
    [InlineData("ecdsa", "384", "ecdsa", 384)]
    [InlineData("ed25519", null, "ed25519", 256)]
    [InlineData("dsa", null, "dsa", 1024)]
    public void Read_GeneratedKeys_FromPubAndFromPrivateAlone(string type, string? bits, string expectedType, int expectedBits)
    {
        using var root = new HostAuditRoot();
        Generate(root, "etc/ssh/key", bits is null ? ["-t", type] : ["-t", type, "-b", bits]);
        using (var files = HostFileTree.Open(root.Path))
        {
            var fromPublic = HostKeyFile.Read(files, "etc/ssh/key");
            Assert.Equal(new HostKeyInfo(expectedType, expectedBits, "etc/ssh/key.pub"), fromPublic);
        }
        File.Delete(Path.Combine(root.Path, "etc/ssh/key.pub"));
        using (var files = HostFileTree.Open(root.Path))
        {
            Assert.Equal(new HostKeyInfo(expectedType, expectedBits, "etc/ssh/key"), HostKeyFile.Read(files, "etc/ssh/key"));
        }
    }

    [Theory]
    [InlineData("rsa", "rsa", 2048)]
    [InlineData("dsa", "dsa", 1024)]
    public void Read_PemPrivateKeyWithoutPub_ReadsTheModulus(string type, string expectedType, int expectedBits)
    {
        using var root = new HostAuditRoot();
        Generate(root, "etc/ssh/key", type == "rsa" ? ["-t", type, "-b", "2048", "-m", "PEM"] : ["-t", type, "-m", "PEM"]);
        File.Delete(Path.Combine(root.Path, "etc/ssh/key.pub"));
        Assert.StartsWith("-----BEGIN " + type.ToUpperInvariant() + " PRIVATE KEY-----", File.ReadAllText(Path.Combine(root.Path, "etc/ssh/key")), StringComparison.Ordinal);
        using var files = HostFileTree.Open(root.Path);
        Assert.Equal(new HostKeyInfo(expectedType, expectedBits, "etc/ssh/key"), HostKeyFile.Read(files, "etc/ssh/key"));
    }

    [Theory]
    [InlineData("not a key")]
    [InlineData("ssh-rsa !!!notbase64")]
    [InlineData("ssh-rsa AAAAB3NzaC1yc2EAAAADAQAB")]
    public void FromPublicKeyLine_Garbage_IsNullOrPartial(string line)
    {
        var key = HostKeyFile.FromPublicKeyLine(line);
        Assert.True(key is null || key.Bits == 0);
    }

    [Fact]
    public void HostKeysCheck_DefaultKeys_DsaFailsSmallRsaWarnsEd25519Passes()
    {
        using var root = new HostAuditRoot().Package("openssh-server", "1:6.6p1-2ubuntu2").Write("etc/ssh/sshd_config", "");
        Generate(root, "etc/ssh/ssh_host_rsa_key", "-t", "rsa", "-b", "2048");
        Generate(root, "etc/ssh/ssh_host_dsa_key", "-t", "dsa");
        Generate(root, "etc/ssh/ssh_host_ed25519_key", "-t", "ed25519");
        var findings = root.Run(new SshCheckGroup()).Findings.Where(f => f.CheckId == "host-ssh-host-keys").ToList();
        Assert.Equal(3, findings.Count);
        Assert.Equal(FindingStatus.Warn, findings.Single(f => f.Evidence!.StartsWith("rsa 2048", StringComparison.Ordinal)).Status);
        var dsa = findings.Single(f => f.Evidence!.StartsWith("dsa 1024", StringComparison.Ordinal));
        Assert.Equal(FindingStatus.Fail, dsa.Status);
        Assert.Equal(new Location("etc/ssh/ssh_host_dsa_key.pub"), dsa.Location);
        Assert.Equal(FindingStatus.Pass, findings.Single(f => f.Evidence!.StartsWith("ed25519", StringComparison.Ordinal)).Status);
    }

    [Fact]
    public void HostKeysCheck_HostKeyLines_ReplaceTheDefaults()
    {
        using var root = new HostAuditRoot().Package("openssh-server", "1:9.2p1-2").Write("etc/ssh/sshd_config", "HostKey /etc/ssh/custom/host_key\n");
        Generate(root, "etc/ssh/custom/host_key", "-t", "rsa", "-b", "1024");
        // Not configured, so not served: a leftover DSA key does not count.
        Generate(root, "etc/ssh/ssh_host_dsa_key", "-t", "dsa");
        var finding = Assert.Single(root.Run(new SshCheckGroup()).Findings, f => f.CheckId == "host-ssh-host-keys");
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Equal("rsa 1024 bits (etc/ssh/custom/host_key.pub; HostKey at etc/ssh/sshd_config:1)", finding.Evidence);
    }

    [Fact]
    public void HostKeysCheck_NoKeys_Info()
    {
        using var root = new HostAuditRoot().Package("openssh-server", "1:9.2p1-2").Write("etc/ssh/sshd_config", "");
        var finding = Assert.Single(root.Run(new SshCheckGroup()).Findings, f => f.CheckId == "host-ssh-host-keys");
        Assert.Equal(FindingStatus.Info, finding.Status);
        Assert.StartsWith("no host key found", finding.Evidence, StringComparison.Ordinal);
    }
}
