using Seawall.Core.Model;

namespace Seawall.HostAudit.Ssh;

/// <summary>
/// Which SSH algorithms are weak: Fail for broken or CIS-listed ones, Warn for deprecated-but-unbroken ones. Sources:
/// the CIS distribution benchmarks' "Ensure sshd Ciphers / MACs / KexAlgorithms are configured" lists, RFC 9142
/// (KEX: SHA-1 and 1024-bit groups MUST NOT / SHOULD NOT), OpenSSH's legacy page and 8.8 release notes (ssh-rsa).
/// </summary>
public static class WeakAlgorithms
{
    public static FindingStatus Cipher(string name) =>
        name.Contains("-cbc", StringComparison.Ordinal) || name.StartsWith("arcfour", StringComparison.Ordinal) ||
        name.StartsWith("3des", StringComparison.Ordinal) || name.StartsWith("des", StringComparison.Ordinal) ||
        name.StartsWith("blowfish", StringComparison.Ordinal) || name.StartsWith("cast128", StringComparison.Ordinal) || name == "none"
            ? FindingStatus.Fail
            : FindingStatus.Pass;

    public static FindingStatus Mac(string name)
    {
        // MD5, RIPEMD-160, tags truncated to 96 bits, and UMAC-64 in encrypt-and-MAC mode.
        if (name.Contains("md5", StringComparison.Ordinal) || name.Contains("ripemd160", StringComparison.Ordinal) ||
            name.Contains("-96", StringComparison.Ordinal) || name == "umac-64@openssh.com" || name.StartsWith("umac-32", StringComparison.Ordinal))
        {
            return FindingStatus.Fail;
        }
        // SHA-1 HMAC is not broken, but deprecated; a 64-bit tag is short even encrypt-then-MAC (CIS lists umac-64-etm).
        return name is "hmac-sha1" or "hmac-sha1-etm@openssh.com" or "umac-64-etm@openssh.com" ? FindingStatus.Warn : FindingStatus.Pass;
    }

    public static FindingStatus Kex(string name) =>
        name.EndsWith("-sha1", StringComparison.Ordinal) || name.Contains("-sha1-", StringComparison.Ordinal) || name.Contains("sha1@", StringComparison.Ordinal)
            ? FindingStatus.Fail
            : FindingStatus.Pass;

    public static FindingStatus HostKey(string name) => name switch
    {
        _ when name.StartsWith("ssh-dss", StringComparison.Ordinal) => FindingStatus.Fail,
        "ssh-rsa" or "ssh-rsa-cert-v01@openssh.com" => FindingStatus.Warn,
        _ => FindingStatus.Pass,
    };
}
