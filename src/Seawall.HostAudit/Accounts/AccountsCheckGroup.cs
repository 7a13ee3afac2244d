using Seawall.Core.Accounts;
using Seawall.Core.FileTree;
using Seawall.Core.Model;
using Seawall.HostAudit.Checks;

namespace Seawall.HostAudit.Accounts;

/// <summary>
/// Local accounts (/etc/passwd, /etc/shadow, /etc/group) and sudo rules (/etc/sudoers and its includes). Password
/// hashes are classified and never copied into evidence: a finding names the account, the file and line, and at
/// most the hash scheme. Runs where etc/passwd exists; shadow-based checks turn Manual when etc/shadow is unreadable.
/// </summary>
public sealed class AccountsCheckGroup : IHostCheckGroup
{
    private static readonly HashSet<string> AdminPrincipals = new(StringComparer.Ordinal) { "root", "%sudo", "%wheel", "%admin" };

    public string Name => "accounts";

    public IReadOnlyList<CheckInfo> Checks => AccountChecks.All;

    public IEnumerable<Finding> Run(HostContext context)
    {
        var findings = new List<Finding>();
        if (AccountDatabase.Read(context.Files) is { } db)
        {
            findings.AddRange(new AccountEvaluation(db).Findings());
        }
        if (Sudoers.Read(context.Files, context.Warn) is { } sudoers)
        {
            findings.AddRange(SudoFindings(sudoers));
            findings.AddRange(SudoersPermissions(context, sudoers));
        }
        return findings;
    }

    private static IEnumerable<Finding> SudoFindings(Sudoers sudoers)
    {
        var noPasswd = new List<Finding>();
        var grants = new List<Finding>();
        foreach (var rule in sudoers.Rules)
        {
            var location = new Location(rule.Path, rule.Line);
            var evidence = $"{Shorten(rule.Text)} ({rule.Path}:{rule.Line})";
            var granted = rule.Commands.Where(c => !c.Negated).ToList();
            if (granted.Any(c => c.NoPasswd && sudoers.IsAll(c.Command)))
            {
                noPasswd.Add(AccountChecks.SudoNoPasswd.Fail($"NOPASSWD for every command: {evidence}", location));
            }
            else if (granted.Where(c => c.NoPasswd).Select(c => c.Command).ToList() is { Count: > 0 } commands)
            {
                noPasswd.Add(AccountChecks.SudoNoPasswd.Warn($"NOPASSWD for {string.Join(", ", commands)}: {evidence}", location));
            }
            if (!granted.Any(c => sudoers.IsAll(c.Command)))
            {
                continue;
            }
            var principals = rule.Users.Where(u => !u.StartsWith('!')).ToList();
            var expanded = principals.SelectMany(p => sudoers.ExpandUser(p)).Distinct(StringComparer.Ordinal).ToList();
            var aliasNote = expanded.SequenceEqual(principals) ? string.Empty : $" ({string.Join(", ", principals)} = {string.Join(", ", expanded)})";
            if (expanded.Contains("ALL", StringComparer.Ordinal))
            {
                grants.Add(AccountChecks.SudoAll.Fail($"every user may run every command{aliasNote}: {evidence}", location));
            }
            else if (expanded.Where(p => !AdminPrincipals.Contains(p)).ToList() is { Count: > 0 } others)
            {
                grants.Add(AccountChecks.SudoAll.Warn($"every command for {string.Join(", ", others)}{aliasNote}: {evidence}", location));
            }
        }
        var scope = $"{sudoers.Rules.Count} rules in {string.Join(", ", sudoers.Files)}";
        return [
            .. noPasswd.Count > 0 ? noPasswd : [AccountChecks.SudoNoPasswd.Pass($"no NOPASSWD rule ({scope})")],
            .. grants.Count > 0 ? grants : [AccountChecks.SudoAll.Pass($"every-command grants only to root, %sudo, %wheel, %admin ({scope})")],
        ];
    }

    private static IEnumerable<Finding> SudoersPermissions(HostContext context, Sudoers sudoers)
    {
        foreach (var path in sudoers.Files.Concat(sudoers.Directories).Distinct(StringComparer.Ordinal))
        {
            if (context.Files.Stat(path) is not { } node)
            {
                continue;
            }
            var evidence = $"{path}: mode {Convert.ToString(node.Mode & 0xFFF, 8).PadLeft(4, '0')}, owner uid {node.Uid}, gid {node.Gid}";
            var location = new Location(path);
            if (node.Uid != 0 || (node.Mode & 0x2) != 0 || ((node.Mode & 0x10) != 0 && node.Gid != 0))
            {
                // sudo itself refuses these ("is owned by uid", "is world writable", "is group writable").
                yield return AccountChecks.SudoersPermissions.Fail(evidence, location);
            }
            // Lynis AUTH-9252 wants no access for others, on the files and on the directory.
            else if ((node.Mode & 0x7) != 0 || (node.Mode & 0x10) != 0)
            {
                yield return AccountChecks.SudoersPermissions.Warn(evidence, location);
            }
            else
            {
                yield return AccountChecks.SudoersPermissions.Pass(evidence, location);
            }
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..197] + "...";

    /// <summary>The account checks on one parsed database.</summary>
    private sealed class AccountEvaluation(AccountDatabase db)
    {
        private readonly Dictionary<string, ShadowEntry> _shadow = (db.Shadow ?? [])
            .GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        private const string ShadowUnreadable = "etc/shadow exists but is not readable (run the audit as root)";

        public IEnumerable<Finding> Findings()
        {
            var passwords = db.Users.Select(user => (User: user, State: PasswordOf(user))).ToList();
            return [
                .. RootPassword(passwords),
                .. ExtraUid0(),
                .. EmptyPasswords(passwords),
                .. NotShadowed(),
                .. WeakHashes(passwords),
                .. NeverExpiring(passwords),
                .. Duplicates(AccountChecks.DuplicateUid, db.Users, u => u.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture), u => u.Name, "UID", AccountDatabase.PasswdPath, u => u.Line),
                .. Duplicates(AccountChecks.DuplicateUserName, db.Users, u => u.Name, u => $"uid {u.Uid}", "name", AccountDatabase.PasswdPath, u => u.Line),
                .. db.Groups.Count == 0 ? [] : Duplicates(AccountChecks.DuplicateGid, db.Groups, g => g.Gid.ToString(System.Globalization.CultureInfo.InvariantCulture), g => g.Name, "GID", AccountDatabase.GroupPath, g => g.Line),
                .. db.Groups.Count == 0 ? [] : Duplicates(AccountChecks.DuplicateGroupName, db.Groups, g => g.Name, g => $"gid {g.Gid}", "name", AccountDatabase.GroupPath, g => g.Line),
                .. Consistency(),
            ];
        }

        /// <summary>What the account's password field allows, and where it is; null when etc/shadow holds it but cannot be read.</summary>
        private (PasswordHash Hash, Location Location, ShadowEntry? Shadow)? PasswordOf(PasswdEntry user)
        {
            if (user.Password != "x")
            {
                return (PasswordHash.Classify(user.Password), new Location(AccountDatabase.PasswdPath, user.Line), null);
            }
            if (db.Shadow is null)
            {
                return db.ShadowUnreadable ? null : (new PasswordHash(PasswordKind.Locked), new Location(AccountDatabase.PasswdPath, user.Line), null);
            }
            // "x" without a shadow entry: pam_unix finds no hash, so no password works.
            return _shadow.TryGetValue(user.Name, out var shadow)
                ? (PasswordHash.Classify(shadow.Hash), new Location(AccountDatabase.ShadowPath, shadow.Line), shadow)
                : (new PasswordHash(PasswordKind.Locked), new Location(AccountDatabase.PasswdPath, user.Line), null);
        }

        private static string At(Location location) => $"{location.Path}:{location.Line}";

        private IEnumerable<Finding> RootPassword(List<(PasswdEntry User, (PasswordHash Hash, Location Location, ShadowEntry? Shadow)? State)> passwords)
        {
            var root = passwords.FirstOrDefault(p => p.User.Name == "root");
            if (root.User is null)
            {
                yield return AccountChecks.RootPassword.Info("no root account in etc/passwd");
                yield break;
            }
            if (root.State is not { } state)
            {
                yield return AccountChecks.RootPassword.Manual(ShadowUnreadable, new Location(AccountDatabase.ShadowPath));
                yield break;
            }
            yield return state.Hash.Kind switch
            {
                PasswordKind.Usable => AccountChecks.RootPassword.Warn($"root: usable password, hash scheme {state.Hash.Scheme} ({At(state.Location)})", state.Location),
                PasswordKind.Empty => AccountChecks.RootPassword.Fail($"root: empty password ({At(state.Location)})", state.Location),
                _ => AccountChecks.RootPassword.Pass($"root: password locked ({At(state.Location)})", state.Location),
            };
        }

        private IEnumerable<Finding> ExtraUid0()
        {
            var others = db.Users.Where(u => u.Uid == 0 && u.Name != "root").ToList();
            if (others.Count == 0)
            {
                yield return AccountChecks.ExtraUid0.Pass($"only root has UID 0 ({AccountDatabase.PasswdPath})");
            }
            foreach (var user in others)
            {
                yield return AccountChecks.ExtraUid0.Fail($"{user.Name}: UID 0, shell {user.Shell} ({AccountDatabase.PasswdPath}:{user.Line})", new Location(AccountDatabase.PasswdPath, user.Line));
            }
        }

        private IEnumerable<Finding> EmptyPasswords(List<(PasswdEntry User, (PasswordHash Hash, Location Location, ShadowEntry? Shadow)? State)> passwords)
        {
            var found = false;
            foreach (var (user, state) in passwords)
            {
                if (state is { Hash.Kind: PasswordKind.Empty } s)
                {
                    found = true;
                    yield return AccountChecks.EmptyPassword.Fail($"{user.Name}: empty password field, shell {user.Shell} ({At(s.Location)})", s.Location);
                }
            }
            if (!found)
            {
                yield return passwords.Any(p => p.State is null)
                    ? AccountChecks.EmptyPassword.Manual(ShadowUnreadable, new Location(AccountDatabase.ShadowPath))
                    : AccountChecks.EmptyPassword.Pass($"no empty password field among {passwords.Count} accounts");
            }
        }

        private IEnumerable<Finding> NotShadowed()
        {
            var unshadowed = db.Users.Where(u => u.Password is not ("x" or "") && PasswordHash.Classify(u.Password).Kind == PasswordKind.Usable).ToList();
            if (unshadowed.Count == 0)
            {
                yield return AccountChecks.NotShadowed.Pass($"no password hash in {AccountDatabase.PasswdPath}");
            }
            foreach (var user in unshadowed)
            {
                yield return AccountChecks.NotShadowed.Fail(
                    $"{user.Name}: hash scheme {PasswordHash.Classify(user.Password).Scheme} in {AccountDatabase.PasswdPath}:{user.Line}",
                    new Location(AccountDatabase.PasswdPath, user.Line));
            }
        }

        private IEnumerable<Finding> WeakHashes(List<(PasswdEntry User, (PasswordHash Hash, Location Location, ShadowEntry? Shadow)? State)> passwords)
        {
            var usable = passwords.Where(p => p.State is { Hash.Kind: PasswordKind.Usable }).ToList();
            var flagged = false;
            foreach (var (user, state) in usable)
            {
                var hash = state!.Value.Hash;
                if (hash.Strength == FindingStatus.Pass)
                {
                    continue;
                }
                flagged = true;
                var note = hash.Note is null ? string.Empty : $", {hash.Note}";
                yield return AccountChecks.WeakHash.Result(hash.Strength, $"{user.Name}: hash scheme {hash.Scheme}{note} ({At(state.Value.Location)})", state.Value.Location);
            }
            if (!flagged)
            {
                var schemes = string.Join(", ", usable.Select(p => p.State!.Value.Hash.Scheme).Distinct(StringComparer.Ordinal));
                yield return passwords.Any(p => p.State is null)
                    ? AccountChecks.WeakHash.Manual(ShadowUnreadable, new Location(AccountDatabase.ShadowPath))
                    : AccountChecks.WeakHash.Pass(usable.Count == 0 ? "no account has a usable password" : $"{usable.Count} passwords, schemes: {schemes}");
            }
        }

        private IEnumerable<Finding> NeverExpiring(List<(PasswdEntry User, (PasswordHash Hash, Location Location, ShadowEntry? Shadow)? State)> passwords)
        {
            var flagged = false;
            foreach (var (user, state) in passwords)
            {
                if (state is not { Hash.Kind: PasswordKind.Usable, Shadow: { } shadow } s || shadow.MaxDays is <= 365)
                {
                    continue;
                }
                flagged = true;
                var max = shadow.MaxDays is { } days ? $"maximum age {days} days" : "no maximum age";
                yield return AccountChecks.PasswordNeverExpires.Warn($"{user.Name}: password with {max} ({At(s.Location)})", s.Location);
            }
            if (!flagged)
            {
                yield return passwords.Any(p => p.State is null)
                    ? AccountChecks.PasswordNeverExpires.Manual(ShadowUnreadable, new Location(AccountDatabase.ShadowPath))
                    : AccountChecks.PasswordNeverExpires.Pass("every account with a password has a maximum age of 365 days or less");
            }
        }

        private static IEnumerable<Finding> Duplicates<T>(CheckInfo check, IReadOnlyList<T> entries, Func<T, string> key, Func<T, string> describe, string what, string path, Func<T, int> line)
        {
            var duplicates = entries.GroupBy(key, StringComparer.Ordinal).Where(g => g.Count() > 1).ToList();
            if (duplicates.Count == 0)
            {
                yield return check.Pass($"every {what} in {path} is unique");
            }
            foreach (var group in duplicates)
            {
                var list = string.Join(", ", group.Select(e => $"{describe(e)} (line {line(e)})"));
                yield return check.Fail($"{what} {group.Key}: {list} ({path})", new Location(path, line(group.Skip(1).First())));
            }
        }

        private IEnumerable<Finding> Consistency()
        {
            var problems = db.Malformed.Select(m => (Evidence: $"{m.Path}:{m.Line}: {m.Problem}", Location: new Location(m.Path, m.Line))).ToList();
            if (db.Shadow is not null)
            {
                var names = db.Users.Select(u => u.Name).ToHashSet(StringComparer.Ordinal);
                problems.AddRange(db.Users.Where(u => u.Password == "x" && !_shadow.ContainsKey(u.Name))
                    .Select(u => ($"{u.Name}: no entry in {AccountDatabase.ShadowPath} ({AccountDatabase.PasswdPath}:{u.Line})", new Location(AccountDatabase.PasswdPath, u.Line))));
                problems.AddRange(db.Shadow.Where(s => !names.Contains(s.Name))
                    .Select(s => ($"{s.Name}: in {AccountDatabase.ShadowPath}:{s.Line} but not in {AccountDatabase.PasswdPath}", new Location(AccountDatabase.ShadowPath, s.Line))));
            }
            if (db.Groups.Count > 0)
            {
                var gids = db.Groups.Select(g => g.Gid).ToHashSet();
                problems.AddRange(db.Users.Where(u => !gids.Contains(u.Gid))
                    .Select(u => ($"{u.Name}: primary group {u.Gid} not in {AccountDatabase.GroupPath} ({AccountDatabase.PasswdPath}:{u.Line})", new Location(AccountDatabase.PasswdPath, u.Line))));
            }
            if (problems.Count == 0)
            {
                yield return AccountChecks.Consistency.Pass($"{AccountDatabase.PasswdPath}, {AccountDatabase.ShadowPath} and {AccountDatabase.GroupPath} agree");
            }
            foreach (var (evidence, location) in problems)
            {
                yield return AccountChecks.Consistency.Warn(evidence, location);
            }
        }
    }
}
