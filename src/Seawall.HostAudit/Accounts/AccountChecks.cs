using Seawall.Core.Model;

namespace Seawall.HostAudit.Accounts;

/// <summary>The local account and sudo checks: ids, titles, what each looks for, the fix and the benchmark items it answers to.</summary>
internal static class AccountChecks
{
    public static readonly CheckInfo RootPassword = new("host-accounts-root-password", "root has a usable password", Severity.Low)
    {
        Description = "A locked root password (\"!\" or \"*\" in /etc/shadow) leaves sudo, which names the person and logs the command, "
            + "as the way to root; a root password allows anonymous console and su logins and can be guessed.",
        Remediation = "`passwd -l root` once every administrator can use sudo",
        References = ["CIS-Distribution: Ensure root account access is controlled"],
    };

    public static readonly CheckInfo ExtraUid0 = new("host-accounts-uid0", "account other than root with UID 0", Severity.High)
    {
        Description = "Any account with UID 0 is root; a second one is a classic backdoor and escapes root-login restrictions.",
        Remediation = "Give the account its own UID (`usermod -u <uid> <name>`) or remove it (`userdel <name>`)",
        References = ["lynis:AUTH-9204", "CIS-Distribution: Ensure root is the only UID 0 account"],
    };

    public static readonly CheckInfo EmptyPassword = new("host-accounts-empty-password", "account with an empty password", Severity.Critical)
    {
        Description = "An empty password field lets the account log in (console, su, and SSH if PermitEmptyPasswords is on) without a password.",
        Remediation = "Lock it (`passwd -l <name>`) or set a password (`passwd <name>`)",
        References = ["lynis:AUTH-9283", "CIS-Distribution: Ensure /etc/shadow password fields are not empty"],
    };

    public static readonly CheckInfo NotShadowed = new("host-accounts-shadowed", "password hash in /etc/passwd", Severity.High)
    {
        Description = "/etc/passwd is world-readable: a hash there ('x' expected) can be cracked offline by any local user.",
        Remediation = "`pwconv` moves the hashes to /etc/shadow",
        References = ["CIS-Distribution: Ensure accounts in /etc/passwd use shadowed passwords"],
    };

    public static readonly CheckInfo WeakHash = new("host-accounts-weak-hash", "password hashed with a weak scheme", Severity.Medium)
    {
        Description = "DES, bigcrypt, BSDi, md5crypt ($1$), NT, SunMD5 and sha1crypt hashes are cheap to crack (fail); sha256crypt or "
            + "sha512crypt under the default 5000 rounds warn. yescrypt, bcrypt, scrypt and sha512crypt pass.",
        Remediation = "Set ENCRYPT_METHOD YESCRYPT (or SHA512) in /etc/login.defs and pam_unix, then have the user change the password (`passwd -e <name>`)",
        References = ["lynis:AUTH-9229", "CIS-Distribution: Ensure strong password hashing algorithm is configured"],
    };

    public static readonly CheckInfo PasswordNeverExpires = new("host-accounts-password-expiry", "password that never expires", Severity.Low)
    {
        Description = "An account with a password whose maximum age is unset or over 365 days (99999 is \"never\").",
        Remediation = "`chage --maxdays 365 <name>` and PASS_MAX_DAYS 365 in /etc/login.defs",
        References = ["lynis:AUTH-9282", "CIS-Distribution: Ensure password expiration is configured"],
    };

    public static readonly CheckInfo DuplicateUid = new("host-accounts-duplicate-uid", "accounts sharing a UID", Severity.Medium)
    {
        Description = "Accounts with the same UID are the same user to the kernel: files, processes and audit records mix.",
        Remediation = "Give each account its own UID (`usermod -u`) and fix file ownership",
        References = ["lynis:AUTH-9208", "CIS-Distribution: Ensure no duplicate UIDs exist"],
    };

    public static readonly CheckInfo DuplicateUserName = new("host-accounts-duplicate-user", "account name used twice", Severity.Medium)
    {
        Description = "Two /etc/passwd lines with one name: the first wins for lookups, the second's settings are silently ignored.",
        Remediation = "Remove or rename the duplicate line (`vipw`)",
        References = ["CIS-Distribution: Ensure no duplicate user names exist"],
    };

    public static readonly CheckInfo DuplicateGid = new("host-accounts-duplicate-gid", "groups sharing a GID", Severity.Low)
    {
        Description = "Groups with the same GID are one group to the kernel.",
        Remediation = "Give each group its own GID (`groupmod -g`) and fix file group ownership",
        References = ["lynis:AUTH-9222", "CIS-Distribution: Ensure no duplicate GIDs exist"],
    };

    public static readonly CheckInfo DuplicateGroupName = new("host-accounts-duplicate-group", "group name used twice", Severity.Low)
    {
        Description = "Two /etc/group lines with one name: membership in the second is ignored by lookups.",
        Remediation = "Merge or rename the duplicate line (`vigr`)",
        References = ["lynis:AUTH-9226", "CIS-Distribution: Ensure no duplicate group names exist"],
    };

    public static readonly CheckInfo Consistency = new("host-accounts-consistency", "passwd, shadow and group files disagree", Severity.Low)
    {
        Description = "What pwck and grpck report: malformed lines, accounts missing from /etc/shadow (or only there), primary groups that do not exist.",
        Remediation = "`pwck` and `grpck` (interactive) repair the files",
        References = ["lynis:AUTH-9228"],
    };

    public static readonly CheckInfo SudoNoPasswd = new("host-accounts-sudo-nopasswd", "sudo rule without password", Severity.High)
    {
        Description = "NOPASSWD: ALL makes the account's login (or a stolen session, or any process it runs) root without a second factor (fail); "
            + "NOPASSWD for named commands is safe only if none of them can spawn a shell or write files (warn).",
        Remediation = "Remove NOPASSWD from the rule (`visudo -f <file>`), or limit it to commands that cannot escalate",
        References = ["CIS-Distribution: Ensure users must provide password for privilege escalation"],
    };

    public static readonly CheckInfo SudoAll = new("host-accounts-sudo-all", "sudo grants every command to a non-admin account", Severity.Medium)
    {
        Description = "An ALL command grant makes the user or group root. The distributions' admin entries (root, %sudo, %wheel, %admin) pass; "
            + "others are worth a look; a rule for ALL users fails.",
        Remediation = "Put administrators in the sudo (Debian) or wheel (RHEL) group and remove the rule (`visudo -f <file>`), or grant named commands only",
        References = ["sudoers(5): User specification"],
    };

    public static readonly CheckInfo SudoersPermissions = new("host-accounts-sudoers-perms", "sudoers file ownership and mode", Severity.Medium)
    {
        Description = "sudoers files and include directories must be owned by root and not writable by group or others (sudo "
            + "refuses world-writable files); 0440 files in a 0750 directory keep the rules private.",
        Remediation = "`chown root:root <file> && chmod 0440 <file>` (directories: `chmod 0750 <dir>`)",
        References = ["lynis:AUTH-9252"],
    };

    public static IReadOnlyList<CheckInfo> All { get; } =
    [
        RootPassword, ExtraUid0, EmptyPassword, NotShadowed, WeakHash, PasswordNeverExpires, DuplicateUid, DuplicateUserName,
        DuplicateGid, DuplicateGroupName, Consistency, SudoNoPasswd, SudoAll, SudoersPermissions,
    ];
}
