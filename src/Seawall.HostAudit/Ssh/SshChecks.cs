using Seawall.Core.Model;

namespace Seawall.HostAudit.Ssh;

/// <summary>The SSH server checks: ids, titles, what each looks for, the fix and the benchmark items it answers to.</summary>
internal static class SshChecks
{
    private const string Reload = " in /etc/ssh/sshd_config (before any Include that sets it, as the first value wins), then `sshd -t && systemctl reload ssh`";

    public static readonly CheckInfo Installed = new("host-ssh-sshd", "SSH server presence", Severity.Low)
    {
        Description = "Whether an OpenSSH server is installed; the SSH checks run only where it is.",
        Remediation = "Nothing to fix (informational); where nobody logs in over SSH, remove the server: `apt-get purge openssh-server` or `dnf remove openssh-server`",
        References = ["lynis:SSH-7402"],
    };

    public static readonly CheckInfo PasswordAuthentication = new("host-ssh-password-auth", "SSH password authentication enabled", Severity.Medium)
    {
        Description = "PasswordAuthentication lets anyone who reaches port 22 guess passwords; keys (or certificates) cannot be guessed.",
        Remediation = "Set `PasswordAuthentication no`" + Reload,
        References = ["sshd_config(5): PasswordAuthentication"],
    };

    public static readonly CheckInfo KbdInteractive = new("host-ssh-kbdinteractive-auth", "SSH keyboard-interactive authentication enabled", Severity.Medium)
    {
        Description = "With UsePAM yes, keyboard-interactive asks PAM for the password: password login by another name. "
            + "ChallengeResponseAuthentication is its deprecated alias (a separate switch before OpenSSH 8.7).",
        Remediation = "Set `KbdInteractiveAuthentication no`" + Reload,
        References = ["sshd_config(5): KbdInteractiveAuthentication"],
    };

    public static readonly CheckInfo PermitRootLogin = new("host-ssh-permit-root-login", "SSH root login with a password allowed", Severity.High)
    {
        Description = "PermitRootLogin yes lets root log in with its password. prohibit-password (without-password) and "
            + "forced-commands-only allow keys only; no is best: log in as a user and escalate with sudo, which is logged.",
        Remediation = "Set `PermitRootLogin no` (or `prohibit-password` where root keys are needed)" + Reload,
        References = ["lynis:SSH-7408", "CIS-Distribution: Ensure sshd PermitRootLogin is disabled"],
    };

    public static readonly CheckInfo PermitEmptyPasswords = new("host-ssh-permit-empty-passwords", "SSH login to accounts with empty passwords allowed", Severity.High)
    {
        Description = "PermitEmptyPasswords yes lets accounts whose password is empty log in without one.",
        Remediation = "Set `PermitEmptyPasswords no`" + Reload,
        References = ["CIS-Distribution: Ensure sshd PermitEmptyPasswords is disabled"],
    };

    public static readonly CheckInfo PubkeyAuthentication = new("host-ssh-pubkey-auth", "SSH public key authentication disabled", Severity.Low)
    {
        Description = "With PubkeyAuthentication no users cannot use keys and fall back to passwords.",
        Remediation = "Set `PubkeyAuthentication yes`" + Reload,
        References = ["sshd_config(5): PubkeyAuthentication"],
    };

    public static readonly CheckInfo MaxAuthTries = new("host-ssh-max-auth-tries", "SSH MaxAuthTries above 4", Severity.Low)
    {
        Description = "MaxAuthTries is the number of authentication attempts per connection; CIS asks for 4 or fewer to slow guessing.",
        Remediation = "Set `MaxAuthTries 4`" + Reload,
        References = ["lynis:SSH-7408", "CIS-Distribution: Ensure sshd MaxAuthTries is configured"],
    };

    public static readonly CheckInfo X11Forwarding = new("host-ssh-x11-forwarding", "SSH X11 forwarding enabled", Severity.Low)
    {
        Description = "X11Forwarding exposes the client's X display to the server side and is rarely needed on servers.",
        Remediation = "Set `X11Forwarding no` (or `DisableForwarding yes`)" + Reload,
        References = ["lynis:SSH-7408", "CIS-Distribution: Ensure sshd DisableForwarding is enabled"],
    };

    public static readonly CheckInfo TcpForwarding = new("host-ssh-tcp-forwarding", "SSH TCP forwarding enabled", Severity.Low)
    {
        Description = "AllowTcpForwarding lets any SSH user tunnel to services only the host can reach (container networks, the "
            + "runtime's API, cloud metadata endpoints).",
        Remediation = "Set `AllowTcpForwarding no` (or `DisableForwarding yes`)" + Reload,
        References = ["lynis:SSH-7408", "CIS-Distribution: Ensure sshd DisableForwarding is enabled"],
    };

    public static readonly CheckInfo WeakCiphers = new("host-ssh-weak-ciphers", "SSH server offers weak ciphers", Severity.Medium)
    {
        Description = "CBC-mode ciphers (plaintext recovery, CVE-2008-5161), 3DES (64-bit blocks, Sweet32), arcfour, blowfish and cast128 are weak.",
        Remediation = "Set `Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr`" + Reload,
        References = ["CIS-Distribution: Ensure sshd Ciphers are configured"],
    };

    public static readonly CheckInfo WeakMacs = new("host-ssh-weak-macs", "SSH server offers weak MACs", Severity.Medium)
    {
        Description = "MD5, RIPEMD-160, truncated (-96) and 64-bit-tag UMAC MACs are weak (fail); SHA-1 HMACs are still unbroken but deprecated (warn).",
        Remediation = "Set `MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-512,hmac-sha2-256`" + Reload,
        References = ["CIS-Distribution: Ensure sshd MACs are configured"],
    };

    public static readonly CheckInfo WeakKex = new("host-ssh-weak-kex", "SSH server offers weak key exchange", Severity.Medium)
    {
        Description = "diffie-hellman-group1-sha1 (1024-bit, Logjam), group14-sha1 and group-exchange-sha1 rely on SHA-1 or small groups.",
        Remediation = "Set `KexAlgorithms -diffie-hellman-group1-sha1,diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1`" + Reload,
        References = ["CIS-Distribution: Ensure sshd KexAlgorithms is configured", "RFC 9142"],
    };

    public static readonly CheckInfo WeakHostKeyAlgorithms = new("host-ssh-weak-hostkey-algorithms", "SSH server signs with weak host key algorithms", Severity.Low)
    {
        Description = "ssh-dss (1024-bit DSA) is broken; ssh-rsa signs with SHA-1 (disabled by default since OpenSSH 8.8).",
        Remediation = "Remove ssh-dss and ssh-rsa from HostKeyAlgorithms (`HostKeyAlgorithms -ssh-dss*,ssh-rsa,ssh-rsa-cert-v01@openssh.com`)" + Reload,
        References = ["RFC 8332", "sshd_config(5): HostKeyAlgorithms"],
    };

    public static readonly CheckInfo HostKeys = new("host-ssh-host-keys", "SSH host key type and size", Severity.Medium)
    {
        Description = "DSA host keys are 1024-bit and no longer supported (fail); RSA keys under 2048 bits fail and under 3072 bits "
            + "fall short of current guidance (NIST SP 800-57, 128-bit security) (warn). ECDSA and Ed25519 keys pass.",
        Remediation = "Replace the key: `rm /etc/ssh/ssh_host_dsa_key*` or `ssh-keygen -t rsa -b 4096 -N '' -f /etc/ssh/ssh_host_rsa_key` "
            + "(prefer `ssh-keygen -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key`), adjust HostKey lines, reload sshd and update known_hosts",
        References = ["NIST-800-57-1-5.6.1", "sshd_config(5): HostKey"],
    };

    public static readonly CheckInfo LogLevel = new("host-ssh-log-level", "SSH LogLevel too low or too verbose", Severity.Low)
    {
        Description = "INFO or VERBOSE records logins and failed attempts; QUIET, FATAL and ERROR hide them; DEBUG logs private user data.",
        Remediation = "Set `LogLevel VERBOSE` (or INFO)" + Reload,
        References = ["lynis:SSH-7408", "CIS-Distribution: Ensure sshd LogLevel is configured"],
    };

    public static readonly CheckInfo LoginGraceTime = new("host-ssh-login-grace-time", "SSH LoginGraceTime above 60 seconds", Severity.Low)
    {
        Description = "LoginGraceTime is how long an unauthenticated connection may stay; long values help connection-exhaustion attacks, 0 means no limit.",
        Remediation = "Set `LoginGraceTime 60`" + Reload,
        References = ["lynis:SSH-7408", "CIS-Distribution: Ensure sshd LoginGraceTime is configured"],
    };

    public static readonly CheckInfo ClientAlive = new("host-ssh-client-alive", "SSH idle sessions never time out", Severity.Low)
    {
        Description = "ClientAliveInterval 0 (or ClientAliveCountMax 0) never drops unresponsive sessions.",
        Remediation = "Set `ClientAliveInterval 300` and `ClientAliveCountMax 3`" + Reload,
        References = ["lynis:SSH-7408", "CIS-Distribution: Ensure sshd ClientAliveInterval and ClientAliveCountMax are configured"],
    };

    public static readonly CheckInfo Banner = new("host-ssh-banner", "SSH warning banner not configured", Severity.Low)
    {
        Description = "A pre-login banner states the access policy (a legal requirement in some places).",
        Remediation = "Write a notice to /etc/issue.net and set `Banner /etc/issue.net`" + Reload,
        References = ["CIS-Distribution: Ensure sshd Banner is configured"],
    };

    public static readonly CheckInfo MatchOverride = new("host-ssh-match-override", "SSH Match block re-enables a risky setting", Severity.Medium)
    {
        Description = "A Match block (User, Group, Address, ...) turns back on, for the connections it matches, something the global configuration keeps off.",
        Remediation = "Remove the setting from the Match block, or narrow the block (e.g. `Match User deploy Address 10.0.0.0/8`)" + Reload,
        References = ["sshd_config(5): Match"],
    };

    public static readonly CheckInfo PermitUserEnvironment = new("host-ssh-permit-user-environment", "SSH users may set their environment", Severity.Medium)
    {
        Description = "PermitUserEnvironment lets ~/.ssh/environment and authorized_keys environment= options set variables such as "
            + "LD_PRELOAD for sshd's child, which defeats ForceCommand and restricted shells.",
        Remediation = "Set `PermitUserEnvironment no`" + Reload,
        References = ["lynis:SSH-7408", "CIS-Distribution: Ensure sshd PermitUserEnvironment is disabled"],
    };

    public static readonly CheckInfo IgnoreRhosts = new("host-ssh-ignore-rhosts", "SSH honours .rhosts or .shosts files", Severity.Medium)
    {
        Description = "IgnoreRhosts no (or shosts-only) lets users' .rhosts/.shosts files grant host-based trust.",
        Remediation = "Set `IgnoreRhosts yes`" + Reload,
        References = ["lynis:SSH-7408", "CIS-Distribution: Ensure sshd IgnoreRhosts is enabled"],
    };

    public static readonly CheckInfo HostbasedAuthentication = new("host-ssh-hostbased-auth", "SSH host-based authentication enabled", Severity.Medium)
    {
        Description = "HostbasedAuthentication trusts whole client hosts instead of users' keys.",
        Remediation = "Set `HostbasedAuthentication no`" + Reload,
        References = ["CIS-Distribution: Ensure sshd HostbasedAuthentication is disabled"],
    };

    public static readonly CheckInfo GatewayPorts = new("host-ssh-gateway-ports", "SSH remote forwards may listen on all interfaces", Severity.Low)
    {
        Description = "GatewayPorts yes or clientspecified lets a user's remote forward (-R) open a port reachable from the network.",
        Remediation = "Set `GatewayPorts no`" + Reload,
        References = ["lynis:SSH-7408"],
    };

    public static readonly CheckInfo PermitTunnel = new("host-ssh-permit-tunnel", "SSH tun/tap tunnelling allowed", Severity.Low)
    {
        Description = "PermitTunnel lets users bridge networks through tun(4)/tap(4) devices (a VPN into the host's networks).",
        Remediation = "Set `PermitTunnel no`" + Reload,
        References = ["lynis:SSH-7408"],
    };

    public static readonly CheckInfo AgentForwarding = new("host-ssh-agent-forwarding", "SSH agent forwarding allowed", Severity.Low)
    {
        Description = "A forwarded agent can be used by root, or anyone who becomes the user, on this host to log in elsewhere as the user.",
        Remediation = "Set `AllowAgentForwarding no` (or `DisableForwarding yes`)" + Reload,
        References = ["lynis:SSH-7408"],
    };

    public static readonly CheckInfo StrictModes = new("host-ssh-strict-modes", "SSH does not check users' file modes", Severity.Low)
    {
        Description = "StrictModes no accepts authorized_keys and home directories that other users can write.",
        Remediation = "Set `StrictModes yes`" + Reload,
        References = ["lynis:SSH-7408"],
    };

    public static readonly CheckInfo MaxSessions = new("host-ssh-max-sessions", "SSH MaxSessions above 10", Severity.Low)
    {
        Description = "MaxSessions caps the sessions multiplexed on one connection; CIS asks for 10 or fewer.",
        Remediation = "Set `MaxSessions 10`" + Reload,
        References = ["lynis:SSH-7408", "CIS-Distribution: Ensure sshd MaxSessions is configured"],
    };

    public static IReadOnlyList<CheckInfo> All { get; } =
    [
        Installed, PasswordAuthentication, KbdInteractive, PermitRootLogin, PermitEmptyPasswords, PubkeyAuthentication, MaxAuthTries,
        X11Forwarding, TcpForwarding, WeakCiphers, WeakMacs, WeakKex, WeakHostKeyAlgorithms, HostKeys, LogLevel, LoginGraceTime,
        ClientAlive, Banner, PermitUserEnvironment, IgnoreRhosts, HostbasedAuthentication, GatewayPorts, PermitTunnel, AgentForwarding,
        StrictModes, MaxSessions, MatchOverride,
    ];
}
