using Seawall.HostAudit.Ssh;

namespace Seawall.Tests.HostAudit.Ssh;

/// <summary>kex_assemble_names' +, - and ^ forms and pattern expansion, on OpenSSH 9.2's real default and supported lists.</summary>
public sealed class AlgorithmListTests
{
    private static readonly OpenSshDefaults Defaults = new(new OpenSshVersion(9, 2));

    private static IReadOnlyList<string> Ciphers(string? configured) =>
        AlgorithmList.Assemble(configured, Defaults.DefaultList("ciphers"), Defaults.Supported("ciphers"));

    [Fact]
    public void Assemble_Unset_IsTheDefault()
    {
        Assert.Equal(
            ["chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com"],
            Ciphers(null));
    }

    [Fact]
    public void Assemble_Plus_AppendsToTheDefaultWithoutDuplicates()
    {
        Assert.Equal(
            ["chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "aes128-cbc", "3des-cbc"],
            Ciphers("+aes128-cbc,aes128-ctr,3des-cbc"));
    }

    [Fact]
    public void Assemble_Minus_RemovesWhatPatternsMatch()
    {
        Assert.Equal(["aes128-ctr", "aes192-ctr", "aes256-ctr"], Ciphers("-chacha20*,*gcm@openssh.com"));
    }

    [Fact]
    public void Assemble_Caret_PutsNamesFirst()
    {
        Assert.Equal(
            ["aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-gcm@openssh.com"],
            Ciphers("^aes256-gcm@openssh.com"));
    }

    [Fact]
    public void Assemble_ExplicitPatterns_ExpandInSupportedOrder()
    {
        Assert.Equal(["aes128-cbc", "aes192-cbc", "aes256-cbc", "aes128-ctr"], Ciphers("aes*-cbc,aes128-?tr"));
    }

    [Fact]
    public void Assemble_UnknownExplicitName_IsKeptAsWritten()
    {
        // 9.2 no longer implements arcfour: sshd refuses the line, and the audit still shows what was asked for.
        Assert.Equal(["arcfour", "aes128-ctr"], Ciphers("arcfour,aes128-ctr"));
    }

    [Fact]
    public void Supported_Before76_StillHasArcfourAndRipemd()
    {
        var old = new OpenSshDefaults(new OpenSshVersion(7, 4));
        Assert.Equal(["arcfour", "arcfour128", "arcfour256"], AlgorithmList.Assemble("arcfour*", old.DefaultList("ciphers"), old.Supported("ciphers")));
        Assert.Contains("hmac-ripemd160", old.Supported("macs"));
    }

    [Theory]
    [InlineData("hmac-sha1", "hmac-sha1", true)]
    [InlineData("hmac-sha1-96", "hmac-sha1", false)]
    [InlineData("umac-64@openssh.com", "umac-*", true)]
    [InlineData("aes128-ctr", "aes???-ctr", true)]
    [InlineData("aes128-ctr", "*", true)]
    [InlineData("aes128-ctr", "AES128-CTR", false)]
    public void Match_Patterns_AreShellStyleAndCaseSensitive(string name, string pattern, bool expected)
    {
        Assert.Equal(expected, AlgorithmList.Match(name, pattern));
    }

    [Fact]
    public void MatchList_NegatedPattern_Wins()
    {
        Assert.Equal(-1, AlgorithmList.MatchList("hmac-sha1-etm@openssh.com", ["hmac-sha1*", "!*etm@openssh.com"]));
        Assert.Equal(1, AlgorithmList.MatchList("hmac-sha1", ["hmac-sha1*", "!*etm@openssh.com"]));
    }

    [Theory]
    [InlineData("6.6", "ciphers", "3des-cbc", true)]
    [InlineData("6.7", "ciphers", "3des-cbc", false)]
    [InlineData("6.6", "kexalgorithms", "diffie-hellman-group1-sha1", true)]
    [InlineData("7.0", "kexalgorithms", "diffie-hellman-group1-sha1", false)]
    [InlineData("7.4", "kexalgorithms", "diffie-hellman-group14-sha1", true)]
    [InlineData("8.2", "kexalgorithms", "diffie-hellman-group14-sha1", false)]
    [InlineData("9.0", "kexalgorithms", "sntrup761x25519-sha512@openssh.com", true)]
    [InlineData("10.0", "kexalgorithms", "diffie-hellman-group14-sha256", false)]
    [InlineData("8.7", "hostkeyalgorithms", "ssh-rsa", true)]
    [InlineData("8.8", "hostkeyalgorithms", "ssh-rsa", false)]
    [InlineData("6.9", "hostkeyalgorithms", "ssh-dss", true)]
    public void DefaultList_FollowsTheRelease(string version, string keyword, string algorithm, bool included)
    {
        var defaults = new OpenSshDefaults(OpenSshVersion.FromPackageVersion(version));
        Assert.Equal(included, defaults.DefaultList(keyword).Contains(algorithm));
    }

    [Theory]
    [InlineData("1:9.2p1-2+deb12u6", 9, 2)]
    [InlineData("8.7p1-38.el9", 8, 7)]
    [InlineData("9.9_p1-r2", 9, 9)]
    [InlineData("1:10.0p1-1", 10, 0)]
    public void FromPackageVersion_DebianRpmAndApkVersions(string version, int major, int minor)
    {
        Assert.Equal(new OpenSshVersion(major, minor), OpenSshVersion.FromPackageVersion(version));
    }

    [Fact]
    public void FromBinary_SkipsCompatPatternsAndFindsTheReleaseBanner()
    {
        // Laid out as in Debian's sshd: compat.c patterns come before the release banner.
        var binary = "\0OpenSSH_2.*,OpenSSH_3.0*,OpenSSH_3.1*\0OpenSSH_7.4*\0OpenSSH_9.2\0%s, %s\0OpenSSH_9.2p1 Debian-2+deb12u6\0"u8.ToArray();
        Assert.Equal(new OpenSshVersion(9, 2), OpenSshVersion.FromBinary(binary));
        Assert.Null(OpenSshVersion.FromBinary("OpenSSH_7.4*\0"u8));
    }

    [Theory]
    [InlineData("120", 120L)]
    [InlineData("2m", 120L)]
    [InlineData("1h30M", 5400L)]
    [InlineData("0", 0L)]
    [InlineData("1w", 604800L)]
    [InlineData("10x", null)]
    [InlineData("", null)]
    public void SshTime_ConvtimeUnits(string value, long? seconds)
    {
        Assert.Equal(seconds, SshTime.Seconds(value));
    }
}
