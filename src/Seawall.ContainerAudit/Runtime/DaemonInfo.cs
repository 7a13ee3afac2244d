using System.Text.Json;

namespace Seawall.ContainerAudit.Runtime;

/// <summary>
/// What GET /info says about the daemon's defaults: the security options every container inherits unless it
/// opts out (seccomp profile, AppArmor, SELinux, user-namespace remapping, rootless mode).
/// </summary>
public sealed record DaemonInfo
{
    public string Name { get; init; } = string.Empty;
    public string ServerVersion { get; init; } = string.Empty;
    /// <summary>"name=seccomp,profile=default", "name=apparmor", "name=userns", ...</summary>
    public IReadOnlyList<string> SecurityOptions { get; init; } = [];

    public bool Seccomp => HasOption("seccomp");
    public bool SeccompDefaultUnconfined => SecurityOptions.Any(o => o.StartsWith("name=seccomp", StringComparison.Ordinal) && o.Contains("profile=unconfined", StringComparison.Ordinal));
    public bool AppArmor => HasOption("apparmor");
    public bool Selinux => HasOption("selinux");
    /// <summary>userns-remap is on: container root maps to an unprivileged host uid unless --userns=host.</summary>
    public bool UsernsRemap => HasOption("userns");
    public bool Rootless => HasOption("rootless");

    private bool HasOption(string name) =>
        SecurityOptions.Any(o => o.Split(',').Any(part => part == "name=" + name));

    public static DaemonInfo FromInfo(JsonElement info) => new()
    {
        Name = RuntimeContainer.String(info, "Name"),
        ServerVersion = RuntimeContainer.String(info, "ServerVersion"),
        SecurityOptions = RuntimeContainer.Strings(info, "SecurityOptions"),
    };
}
