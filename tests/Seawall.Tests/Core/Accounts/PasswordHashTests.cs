using Seawall.Core.Accounts;
using Seawall.Core.Model;

namespace Seawall.Tests.Core.Accounts;

/// <summary>Real crypt(3) outputs (made with `openssl passwd` and libxcrypt's crypt on Debian 12, password "secret").</summary>
public sealed class PasswordHashTests
{
    [Theory]
    [InlineData("$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1", "md5crypt ($1$)", FindingStatus.Fail)]
    [InlineData("abNANd1rDfiNc", "traditional DES", FindingStatus.Fail)]
    [InlineData("_J9..abcd/H6HLCcf7nw", "BSDi extended DES (_)", FindingStatus.Fail)]
    [InlineData("$sha1$40000$abcdefgh$X.kamVIJBuVKlt8ZvCHMRmtIPCU5", "sha1crypt ($sha1$)", FindingStatus.Fail)]
    [InlineData("$5$abcdefgh$gruCpC7VkOTspMQTTSAR8mtlO9Upms.fwqE5y16JVM.", "sha256crypt ($5$)", FindingStatus.Pass)]
    [InlineData("$5$rounds=1000$abcdefgh$XIppta5rT8zJUu4vAOKQXrwq9uY4Ijlz6VjyOmkx5i4", "sha256crypt ($5$)", FindingStatus.Warn)]
    [InlineData("$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG.", "sha512crypt ($6$)", FindingStatus.Pass)]
    [InlineData("$6$rounds=1000$abcdefgh$nhYjN017qxiYztzyUpZtPnUQcnLy62KsunSLHNeLahp2EHPlAKmFFlrjEwSXGo2kgY5hR2.peKEg2VGUqIJJu1", "sha512crypt ($6$)", FindingStatus.Warn)]
    [InlineData("$y$j9T$abcdefghijklmnop$3dL1LkYnZM.OVXuVdnnaKVDlLYT92dRwOzDZ5XiVCe.", "yescrypt ($y$)", FindingStatus.Pass)]
    [InlineData("$gy$j9T$abcdefghijklmnop$mixfBgwqRYkgJa0E4eWmDF3HC/BbYXm8ztA717oxvqD", "gost-yescrypt ($gy$)", FindingStatus.Pass)]
    [InlineData("$2b$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a", "bcrypt ($2b$)", FindingStatus.Pass)]
    [InlineData("$7$CU..../....abcdefghijklmnop$XFPPWJganQ6Nq0QhVHxk/yHxMXizE0OJDowAsO4.RIA", "scrypt ($7$)", FindingStatus.Pass)]
    public void Classify_RealHashes_NameTheSchemeAndStrength(string hash, string scheme, FindingStatus strength)
    {
        var classified = PasswordHash.Classify(hash);
        Assert.Equal(PasswordKind.Usable, classified.Kind);
        Assert.Equal(scheme, classified.Scheme);
        Assert.Equal(strength, classified.Strength);
        Assert.DoesNotContain(hash, classified.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", PasswordKind.Empty)]
    [InlineData("!", PasswordKind.Locked)]
    [InlineData("!!", PasswordKind.Locked)]
    [InlineData("*", PasswordKind.Locked)]
    [InlineData("!*", PasswordKind.Locked)]
    [InlineData("*LK*", PasswordKind.Locked)]
    [InlineData("!$y$j9T$abcdefghijklmnop$3dL1LkYnZM.OVXuVdnnaKVDlLYT92dRwOzDZ5XiVCe.", PasswordKind.Locked)]
    [InlineData("x", PasswordKind.Invalid)]
    [InlineData("nologin", PasswordKind.Invalid)]
    public void Classify_LockedEmptyAndPlaceholders(string field, PasswordKind kind)
    {
        Assert.Equal(kind, PasswordHash.Classify(field).Kind);
    }

    [Theory]
    [InlineData("$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG.", "sha512crypt")]
    [InlineData("$2b$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a", "bcrypt")]
    [InlineData("abNANd1rDfiNc", "DES crypt")]
    [InlineData("_J9..abcd/H6HLCcf7nw", "BSDi extended DES")]
    [InlineData("$9$abc$def", "$9$")]
    public void Classify_Name_IsTheSchemeWithoutItsPrefix(string hash, string name) =>
        Assert.Equal(name, PasswordHash.Classify(hash).Name);

    /// <summary>
    /// `openssl passwd -6 -salt LOCKdown secret`: crypt(5)'s alphabet holds "LOCK", so a real hash can too; only a
    /// leading "!" or "*" locks (the host audit once read any "LOCK" as locked, the image checks did not).
    /// </summary>
    [Fact]
    public void Classify_LockInsideARealHash_IsUsable()
    {
        var classified = PasswordHash.Classify("$6$LOCKdown$EVEFM1f.PveSJSTPX7A.XAoqVSXRNRE9iHFKS5T7B7LbiX4GCatgR97jqH.aK7FDbHFKLePirQjvwAzWcMUXl.");
        Assert.Equal(PasswordKind.Usable, classified.Kind);
        Assert.Equal("sha512crypt ($6$)", classified.Scheme);
        Assert.Equal(PasswordKind.Locked, PasswordHash.Classify("*LOCKED*$6$LOCKdown$EVEFM1f").Kind);
    }
}
