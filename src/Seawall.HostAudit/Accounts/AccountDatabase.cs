using Seawall.Core.Accounts;
using Seawall.HostAudit.Access;

namespace Seawall.HostAudit.Accounts;

/// <summary>
/// The local account files under a host root, parsed by <see cref="AccountFiles"/>. Never keeps more than it needs:
/// the shadow hash is classified by <see cref="PasswordHash"/> and not repeated in any evidence.
/// </summary>
public sealed class AccountDatabase
{
    public const string PasswdPath = AccountFiles.PasswdPath;
    public const string ShadowPath = AccountFiles.ShadowPath;
    public const string GroupPath = AccountFiles.GroupPath;
    private const long MaxBytes = 16 * 1024 * 1024;

    public IReadOnlyList<PasswdEntry> Users { get; private init; } = [];

    /// <summary>Null when etc/shadow is absent or unreadable (see <see cref="ShadowUnreadable"/>).</summary>
    public IReadOnlyList<ShadowEntry>? Shadow { get; private init; }

    /// <summary>etc/shadow exists but could not be read (the audit is not running as root).</summary>
    public bool ShadowUnreadable { get; private init; }

    public IReadOnlyList<GroupEntry> Groups { get; private init; } = [];

    public IReadOnlyList<MalformedLine> Malformed { get; private init; } = [];

    /// <summary>The account files under the root; null when there is no etc/passwd.</summary>
    public static AccountDatabase? Read(HostFileTree files)
    {
        if (files.ReadText(PasswdPath, MaxBytes) is not { } passwd)
        {
            return null;
        }
        var malformed = new List<MalformedLine>();
        var shadowText = files.ReadText(ShadowPath, MaxBytes);
        var groupText = files.ReadText(GroupPath, MaxBytes);
        return new AccountDatabase
        {
            Users = AccountFiles.ParsePasswd(passwd, malformed),
            Shadow = shadowText is null ? null : AccountFiles.ParseShadow(shadowText, malformed),
            ShadowUnreadable = shadowText is null && files.Stat(ShadowPath) is not null,
            Groups = groupText is null ? [] : AccountFiles.ParseGroup(groupText, malformed),
            Malformed = malformed,
        };
    }
}
