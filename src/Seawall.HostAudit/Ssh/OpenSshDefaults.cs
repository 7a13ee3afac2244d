namespace Seawall.HostAudit.Ssh;

/// <summary>
/// sshd's compiled-in defaults (servconf.c fill_default_server_options, myproposal.h KEX_SERVER_*) for one OpenSSH
/// release: what applies when no configuration line sets a keyword. Distributions change the shipped sshd_config
/// (Debian: UsePAM yes, KbdInteractiveAuthentication no, X11Forwarding yes, an Include of sshd_config.d first),
/// not these, so the parsed files carry their differences. An unknown release gets the newest defaults.
/// </summary>
public sealed class OpenSshDefaults
{
    private static readonly OpenSshVersion Newest = new(10, 0);

    public OpenSshDefaults(OpenSshVersion? version)
    {
        Version = version;
        Effective = version ?? Newest;
    }

    /// <summary>The release the defaults are for; null when the host's release is unknown.</summary>
    public OpenSshVersion? Version { get; }

    private OpenSshVersion Effective { get; }

    /// <summary>"OpenSSH 9.2", or "OpenSSH, release unknown" for evidence.</summary>
    public string Describe() => Version is { } v ? $"OpenSSH {v}" : "OpenSSH, release unknown";

    /// <summary>
    /// 8.7 merged ChallengeResponseAuthentication into KbdInteractiveAuthentication (a deprecated alias since); before,
    /// they were separate keywords and keyboard-interactive was on when either was.
    /// </summary>
    public bool ChallengeResponseIsAlias => Effective >= new OpenSshVersion(8, 7);

    /// <summary>The default of a single-valued keyword (lower-case keyword), as sshd -T would print it; null when not modelled.</summary>
    public string? Scalar(string keyword) => keyword switch
    {
        "passwordauthentication" => "yes",
        // Before 8.7 keyboard-interactive was enabled through ChallengeResponseAuthentication (default yes).
        "kbdinteractiveauthentication" => ChallengeResponseIsAlias ? "yes" : "no",
        "challengeresponseauthentication" => "yes",
        // 7.0 changed the default from yes to prohibit-password (printed "without-password" by some releases).
        "permitrootlogin" => Effective >= new OpenSshVersion(7, 0) ? "prohibit-password" : "yes",
        "permitemptypasswords" => "no",
        "pubkeyauthentication" => "yes",
        "maxauthtries" => "6",
        "x11forwarding" => "no",
        "allowtcpforwarding" => "yes",
        "disableforwarding" => "no",
        "loglevel" => "INFO",
        "logingracetime" => "120",
        "clientaliveinterval" => "0",
        "clientalivecountmax" => "3",
        "banner" => "none",
        "usepam" => "no",
        "permituserenvironment" => "no",
        "ignorerhosts" => "yes",
        "hostbasedauthentication" => "no",
        "gatewayports" => "no",
        "permittunnel" => "no",
        "allowagentforwarding" => "yes",
        "strictmodes" => "yes",
        "maxsessions" => "10",
        _ => null,
    };

    /// <summary>Default host key files (root-relative) when no HostKey line is given.</summary>
    public IReadOnlyList<string> HostKeyFiles => Effective >= new OpenSshVersion(7, 0)
        ? ["etc/ssh/ssh_host_rsa_key", "etc/ssh/ssh_host_ecdsa_key", "etc/ssh/ssh_host_ed25519_key"]
        : ["etc/ssh/ssh_host_rsa_key", "etc/ssh/ssh_host_dsa_key", "etc/ssh/ssh_host_ecdsa_key", "etc/ssh/ssh_host_ed25519_key"];

    /// <summary>The default list of Ciphers, MACs, KexAlgorithms or HostKeyAlgorithms (lower-case keyword).</summary>
    public IReadOnlyList<string> DefaultList(string keyword) => keyword switch
    {
        "ciphers" => Effective >= new OpenSshVersion(6, 7) ? ModernCiphers : LegacyCiphers,
        "macs" => Effective >= new OpenSshVersion(6, 7) ? ModernMacs : LegacyMacs,
        "kexalgorithms" => DefaultKex(),
        "hostkeyalgorithms" => DefaultHostKeyAlgorithms(),
        _ => throw new ArgumentOutOfRangeException(nameof(keyword), keyword, "not a list keyword"),
    };

    /// <summary>Every algorithm the release implements, which patterns in a configured list expand against.</summary>
    public IReadOnlyList<string> Supported(string keyword)
    {
        // 7.6 dropped arcfour, blowfish, CAST and RIPEMD-160; 10.0 dropped DSA.
        var pre76 = Effective < new OpenSshVersion(7, 6);
        return keyword switch
        {
            "ciphers" => pre76 ? [.. AllCiphers, .. RemovedIn76Ciphers] : AllCiphers,
            "macs" => pre76 ? [.. AllMacs, .. RemovedIn76Macs] : AllMacs,
            "kexalgorithms" => AllKex,
            "hostkeyalgorithms" => Effective >= new OpenSshVersion(10, 0) ? [.. AllKeyAlgorithms.Where(a => !a.StartsWith("ssh-dss", StringComparison.Ordinal))] : AllKeyAlgorithms,
            _ => throw new ArgumentOutOfRangeException(nameof(keyword), keyword, "not a list keyword"),
        };
    }

    private IReadOnlyList<string> DefaultKex()
    {
        string[] modernEcc = ["curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521"];
        string[] modernModp = ["diffie-hellman-group-exchange-sha256", "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512", "diffie-hellman-group14-sha256"];
        var v = Effective;
        if (v < new OpenSshVersion(7, 0))
        {
            return ["curve25519-sha256@libssh.org", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
                "diffie-hellman-group-exchange-sha256", "diffie-hellman-group-exchange-sha1", "diffie-hellman-group14-sha1", "diffie-hellman-group1-sha1"];
        }
        if (v < new OpenSshVersion(7, 3))
        {
            return ["curve25519-sha256@libssh.org", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
                "diffie-hellman-group-exchange-sha256", "diffie-hellman-group14-sha1"];
        }
        if (v < new OpenSshVersion(8, 2))
        {
            return [.. modernEcc, .. modernModp, "diffie-hellman-group14-sha1"];
        }
        if (v < new OpenSshVersion(9, 0))
        {
            return [.. modernEcc, .. modernModp];
        }
        if (v < new OpenSshVersion(9, 9))
        {
            return ["sntrup761x25519-sha512@openssh.com", .. modernEcc, .. modernModp];
        }
        if (v < new OpenSshVersion(10, 0))
        {
            return ["sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com", "mlkem768x25519-sha256", .. modernEcc, .. modernModp];
        }
        // 10.0 removed the finite-field (modp) Diffie-Hellman methods from sshd's default.
        return ["mlkem768x25519-sha256", "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com", .. modernEcc];
    }

    private IReadOnlyList<string> DefaultHostKeyAlgorithms()
    {
        string[] certificates = ["ssh-ed25519-cert-v01@openssh.com", "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp384-cert-v01@openssh.com",
            "ecdsa-sha2-nistp521-cert-v01@openssh.com", "sk-ssh-ed25519-cert-v01@openssh.com", "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
            "rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-256-cert-v01@openssh.com"];
        string[] plain = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
            "sk-ecdsa-sha2-nistp256@openssh.com", "rsa-sha2-512", "rsa-sha2-256"];
        var v = Effective;
        if (v >= new OpenSshVersion(8, 8))
        {
            return [.. certificates, .. plain];
        }
        // 8.8 stopped offering SHA-1 RSA signatures ("ssh-rsa"); 7.0 stopped offering DSA.
        return v >= new OpenSshVersion(7, 0)
            ? [.. certificates, "ssh-rsa-cert-v01@openssh.com", .. plain, "ssh-rsa"]
            : [.. certificates, "ssh-rsa-cert-v01@openssh.com", "ssh-dss-cert-v01@openssh.com", .. plain, "ssh-rsa", "ssh-dss"];
    }

    private static readonly string[] ModernCiphers =
        ["chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com"];

    // 6.5 to 6.6 (6.7 dropped CBC and arcfour from the server's default).
    private static readonly string[] LegacyCiphers =
        ["aes128-ctr", "aes192-ctr", "aes256-ctr", "arcfour256", "arcfour128", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
        "chacha20-poly1305@openssh.com", "aes128-cbc", "3des-cbc", "blowfish-cbc", "cast128-cbc", "aes192-cbc", "aes256-cbc", "arcfour",
        "rijndael-cbc@lysator.liu.se"];

    private static readonly string[] ModernMacs =
        ["umac-64-etm@openssh.com", "umac-128-etm@openssh.com", "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com",
        "hmac-sha1-etm@openssh.com", "umac-64@openssh.com", "umac-128@openssh.com", "hmac-sha2-256", "hmac-sha2-512", "hmac-sha1"];

    private static readonly string[] LegacyMacs =
        ["hmac-md5-etm@openssh.com", "hmac-sha1-etm@openssh.com", "umac-64-etm@openssh.com", "umac-128-etm@openssh.com",
        "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", "hmac-ripemd160-etm@openssh.com", "hmac-sha1-96-etm@openssh.com",
        "hmac-md5-96-etm@openssh.com", "hmac-md5", "hmac-sha1", "umac-64@openssh.com", "umac-128@openssh.com", "hmac-sha2-256",
        "hmac-sha2-512", "hmac-ripemd160", "hmac-ripemd160@openssh.com", "hmac-sha1-96", "hmac-md5-96"];

    private static readonly string[] AllCiphers =
        ["3des-cbc", "aes128-cbc", "aes192-cbc", "aes256-cbc", "aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-gcm@openssh.com",
        "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com"];

    private static readonly string[] RemovedIn76Ciphers =
        ["arcfour", "arcfour128", "arcfour256", "blowfish-cbc", "cast128-cbc", "rijndael-cbc@lysator.liu.se"];

    private static readonly string[] AllMacs =
        ["hmac-sha1", "hmac-sha1-96", "hmac-sha2-256", "hmac-sha2-512", "hmac-md5", "hmac-md5-96", "umac-64@openssh.com",
        "umac-128@openssh.com", "hmac-sha1-etm@openssh.com", "hmac-sha1-96-etm@openssh.com", "hmac-sha2-256-etm@openssh.com",
        "hmac-sha2-512-etm@openssh.com", "hmac-md5-etm@openssh.com", "hmac-md5-96-etm@openssh.com", "umac-64-etm@openssh.com",
        "umac-128-etm@openssh.com"];

    private static readonly string[] RemovedIn76Macs = ["hmac-ripemd160", "hmac-ripemd160@openssh.com", "hmac-ripemd160-etm@openssh.com"];

    private static readonly string[] AllKex =
        ["diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1", "diffie-hellman-group14-sha256", "diffie-hellman-group16-sha512",
        "diffie-hellman-group18-sha512", "diffie-hellman-group-exchange-sha1", "diffie-hellman-group-exchange-sha256",
        "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521", "curve25519-sha256", "curve25519-sha256@libssh.org",
        "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com", "mlkem768x25519-sha256"];

    private static readonly string[] AllKeyAlgorithms =
        ["ssh-ed25519", "ssh-ed25519-cert-v01@openssh.com", "sk-ssh-ed25519@openssh.com", "sk-ssh-ed25519-cert-v01@openssh.com",
        "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384-cert-v01@openssh.com",
        "ecdsa-sha2-nistp521", "ecdsa-sha2-nistp521-cert-v01@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
        "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", "ssh-rsa", "rsa-sha2-256", "rsa-sha2-512", "ssh-rsa-cert-v01@openssh.com",
        "rsa-sha2-256-cert-v01@openssh.com", "rsa-sha2-512-cert-v01@openssh.com", "ssh-dss", "ssh-dss-cert-v01@openssh.com"];
}
