using Seawall.Core.Model;

namespace Seawall.Misconfig.Image;

/// <summary>
/// The image checks (`--scanners misconfig` on `seawall image` and `seawall rootfs`): Dockle's CIS-DI and DKL
/// checkpoints, read from the image config (image-config) and from the merged file tree (image-files). Each keeps
/// the Dockle id whose semantics it follows among its references, with CIS Docker Benchmark 4.x and NIST SP 800-190
/// section 4.1 where they apply.
/// </summary>
public static class ImageCheckCatalog
{
    public static readonly CheckInfo RootUser = new("image-root-user", "Image should run as a non-root user", Severity.Medium)
    {
        Description = "The image config's last USER is empty, root or UID 0, so the container runs as root unless the runtime says otherwise.",
        Remediation = "Create a user in the image and end the Dockerfile with `USER <name or uid>` (not root or 0).",
        References = ["CIS-DI-0001", "CIS-Docker-4.1", "NIST-800-190-4.1.2"],
    };

    public static readonly CheckInfo NoHealthcheck = new("image-no-healthcheck", "Image should define a HEALTHCHECK", Severity.Low)
    {
        Description = "The image config has no health check (or `HEALTHCHECK NONE`), so the runtime cannot tell a hung container from a working one.",
        Remediation = "Add `HEALTHCHECK CMD <probe>` to the Dockerfile.",
        References = ["CIS-DI-0006", "CIS-Docker-4.6"],
    };

    public static readonly CheckInfo UpdateAlone = new("image-update-alone", "Package index update should not be a step of its own", Severity.Low)
    {
        Description = "A build step runs `apt-get update` (or `apk update`, `yum makecache`...) without installing in the same step: the cached index goes stale and later installs use old package versions.",
        Remediation = "Update and install in one RUN: `apt-get update && apt-get install -y ... && rm -rf /var/lib/apt/lists/*`.",
        References = ["CIS-DI-0007", "CIS-Docker-4.7"],
    };

    public static readonly CheckInfo SetuidFiles = new("image-setuid-files", "Setuid and setgid files should be confirmed safe", Severity.Low)
    {
        Description = "A file with the setuid or setgid bit runs with its owner's or group's rights: each is a privilege escalation path inside the container.",
        Remediation = "Remove the bits where they are not needed: `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`.",
        References = ["CIS-DI-0008", "CIS-Docker-4.8", "NIST-800-190-4.1.2"],
    };

    public static readonly CheckInfo AddInstruction = new("image-add-instruction", "Use COPY instead of ADD", Severity.Low)
    {
        Description = "A build step used ADD (other than to unpack a base image's root file system tar): ADD fetches URLs and unpacks archives implicitly.",
        Remediation = "Use COPY for local files, and curl or wget with a checksum for remote ones.",
        References = ["CIS-DI-0009", "CIS-Docker-4.9"],
    };

    public static readonly CheckInfo SecretInConfig = new("image-secret-in-config", "Credentials should not be stored in ENV, labels or build history", Severity.High)
    {
        Description = "An environment variable, label or build step assigns a value to a name like PASSWORD, SECRET, TOKEN or API_KEY: anyone who can pull the image can read it.",
        Remediation = "Pass secrets at run time (a mounted secret file, an orchestrator secret) or with `RUN --mount=type=secret` at build time.",
        References = ["CIS-DI-0010", "CIS-Docker-4.10", "NIST-800-190-4.1.4"],
    };

    public static readonly CheckInfo Sudo = new("image-sudo", "Avoid sudo in build steps", Severity.Medium)
    {
        Description = "A build step runs sudo: build steps already run as the image's user, and sudo in an image is an escalation path with unpredictable TTY and signal behaviour.",
        Remediation = "Run the step as root with `USER root` before it and switch back after; use gosu or su-exec at run time if needed.",
        References = ["DKL-DI-0001", "CIS-Docker-4.1"],
    };

    public static readonly CheckInfo SensitiveVolume = new("image-sensitive-volume", "Avoid sensitive directories as volumes", Severity.Medium)
    {
        Description = "The image declares a host-sensitive path (/, /sys, /proc, /dev, /boot, /etc, /lib/modules, the Docker socket) as a VOLUME.",
        Remediation = "Remove the VOLUME instruction for that path.",
        References = ["DKL-DI-0002", "NIST-800-190-4.1.2"],
    };

    public static readonly CheckInfo DistUpgrade = new("image-dist-upgrade", "Avoid apt-get dist-upgrade", Severity.Low)
    {
        Description = "A build step runs `apt-get dist-upgrade`, which can move the image to packages of another release than its base.",
        Remediation = "Rebuild on a newer base image instead; install the specific packages you need.",
        References = ["DKL-DI-0003"],
    };

    public static readonly CheckInfo PackageCache = new("image-package-cache", "Package manager caches should be cleared", Severity.Low)
    {
        Description = "Files are left in a package manager's cache or index directory (/var/lib/apt/lists, /var/cache/apt/archives, /var/cache/apk, /var/cache/yum, /var/cache/dnf, /root/.cache/pip, /root/.npm...): dead weight and stale metadata in every container.",
        Remediation = "Clean in the step that installs: `rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`, `yum clean all`, `pip install --no-cache-dir`, `npm cache clean --force`.",
        References = ["DKL-DI-0004", "DKL-DI-0005"],
    };

    public static readonly CheckInfo LatestTag = new("image-latest-tag", "Avoid the latest tag", Severity.Medium)
    {
        Description = "The image is named by the `latest` tag (or by no tag, which means latest): the name does not pin what is deployed.",
        Remediation = "Tag images with a version or pin them by digest (`name@sha256:...`).",
        References = ["DKL-DI-0006", "NIST-800-190-4.1.5"],
    };

    public static readonly CheckInfo EmptyPassword = new("image-empty-password", "Accounts should not have an empty password", Severity.High)
    {
        Description = "/etc/shadow (or /etc/passwd without a shadow entry) gives an account an empty password field: anyone can log in as it without one.",
        Remediation = "Lock the account: `passwd -l <user>` (or set the field to `!`/`*`).",
        References = ["DKL-LI-0001", "NIST-800-190-4.1.2"],
    };

    public static readonly CheckInfo PasswordHash = new("image-password-hash", "Images should not carry password hashes", Severity.Medium)
    {
        Description = "/etc/shadow (or /etc/passwd, in a password field other than `x`) holds a password hash for an account: every copy of the image carries a credential that can be cracked offline and used to log in.",
        Remediation = "Lock the account (`passwd -l <user>`) and authenticate at run time by other means.",
        References = ["NIST-800-190-4.1.4", "CIS-Docker-4.10"],
    };

    public static readonly CheckInfo DuplicateUid = new("image-duplicate-uid", "User ids should be unique", Severity.Low)
    {
        Description = "Two accounts in /etc/passwd share a UID, so files and processes of one are the other's.",
        Remediation = "Give each account its own UID.",
        References = ["DKL-LI-0002"],
    };

    public static readonly CheckInfo UnnecessaryFiles = new("image-unnecessary-files", "Only necessary files should be in the image", Severity.Low)
    {
        Description = "Version control metadata (.git, .svn, .hg) or desktop litter (.DS_Store) was copied into the image: it leaks history and source.",
        Remediation = "List them in .dockerignore.",
        References = ["DKL-LI-0003"],
    };

    public static readonly CheckInfo WorldWritableDirectory = new("image-world-writable-dir", "World-writable directories should have the sticky bit", Severity.Medium)
    {
        Description = "A directory anyone can write to without the sticky bit lets any user delete or replace other users' files in it.",
        Remediation = "`chmod o-w <dir>`, or `chmod +t <dir>` for a shared temporary directory.",
        References = ["CIS-Docker-4.8", "NIST-800-190-4.1.2"],
    };

    /// <summary>Checks on the image config: they need an image (a rootfs has no config).</summary>
    public static IReadOnlyList<CheckInfo> ConfigChecks { get; } =
        [RootUser, NoHealthcheck, UpdateAlone, AddInstruction, SecretInConfig, Sudo, SensitiveVolume, DistUpgrade, LatestTag];

    /// <summary>Checks on the image's files: images and root file systems.</summary>
    public static IReadOnlyList<CheckInfo> FileChecks { get; } =
        [SetuidFiles, PackageCache, EmptyPassword, PasswordHash, DuplicateUid, UnnecessaryFiles, WorldWritableDirectory];

    public static IReadOnlyList<CheckInfo> All { get; } = [.. ConfigChecks, .. FileChecks];

    /// <summary>Dockle checkpoints with no check here, and why.</summary>
    public static IReadOnlyList<(string Id, string Title, string Reason)> NotImplemented { get; } =
    [
        ("CIS-DI-0002", "Use trusted base images", "Trust is a policy of the user's registry, not a property of the image (Dockle does not check it either)."),
        ("CIS-DI-0003", "Do not install unnecessary packages", "Needs the user's intent; the attack surface lists shells, compilers and tools instead."),
        ("CIS-DI-0004", "Scan and rebuild images", "The vulnerability scanner (`--scanners vuln`) answers it."),
        ("CIS-DI-0005", "Enable content trust", "A property of the client environment (DOCKER_CONTENT_TRUST), not of the image."),
        ("CIS-DI-0011", "Install verified packages only", "Package signatures are checked by the package manager at build time; an image does not record it."),
    ];
}
