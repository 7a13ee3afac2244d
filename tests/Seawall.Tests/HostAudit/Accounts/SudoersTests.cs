using System.Text.Json;
using Seawall.Core.Model;
using Seawall.HostAudit.Access;
using Seawall.HostAudit.Accounts;
using Seawall.Tests.Inventory.Languages;

namespace Seawall.Tests.HostAudit.Accounts;

/// <summary>sudoers parsing (checked against sudo's own cvtsudoers where installed) and the sudo checks.</summary>
public sealed class SudoersTests
{
    // Debian 12's /etc/sudoers (sudo 1.9.13p3), comments dropped.
    private const string DebianSudoers =
        "Defaults\tenv_reset\nDefaults\tmail_badpass\nDefaults\tsecure_path=\"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"\n"
        + "Defaults\tuse_pty\n\n# User privilege specification\nroot\tALL=(ALL:ALL) ALL\n\n%sudo\tALL=(ALL:ALL) ALL\n\n@includedir /etc/sudoers.d\n";

    private const string Mixed =
        "User_Alias ADMINS = alice, bob, %ops\n"
        + "Cmnd_Alias SHELLS = /bin/sh, /bin/bash\n"
        + "Cmnd_Alias EVERYTHING = ALL\n"
        + "Defaults:ADMINS !lecture\n"
        + "deploy ALL=(ALL) NOPASSWD: ALL\n"
        + "ci, %builders build01 = (root) NOPASSWD: /usr/bin/docker, /usr/bin/systemctl restart app, PASSWD: /usr/bin/apt-get\n"
        + "ADMINS ALL = (ALL:ALL) ALL, !SHELLS\n"
        + "#1001 ALL=(ALL) EVERYTHING # a uid, then a comment\n"
        + "carol ALL=(ALL) NOEXEC: SETENV: /usr/bin/vim, \\\n    /usr/bin/less : dbhost = (postgres) NOPASSWD: /usr/bin/psql\n"
        + "dave ALL = sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef /usr/bin/id\n"
        + "erin ALL = (root) NOPASSWD: /usr/bin/rsync --server -logDtpre.iLsfxC . /srv/backup\n";

    private static Sudoers ParseText(string text)
    {
        using var root = new HostAuditRoot();
        using var files = HostFileTree.Open(root.Path);
        return Sudoers.Parse("etc/sudoers", text, files, _ => { });
    }

    [Fact]
    public void Parse_RulesTagsRunasAliasesAndContinuations()
    {
        var sudoers = ParseText(Mixed);
        Assert.Equal(7, sudoers.Rules.Count);
        var ci = sudoers.Rules[1];
        Assert.Equal(["ci", "%builders"], ci.Users);
        Assert.Equal(6, ci.Line);
        Assert.Equal(
            [new SudoCommand("/usr/bin/docker", false, true, "(root)"), new SudoCommand("/usr/bin/systemctl restart app", false, true, "(root)"), new SudoCommand("/usr/bin/apt-get", false, false, "(root)")],
            ci.Commands);
        var carol = sudoers.Rules[4];
        Assert.Equal(9, carol.Line);
        Assert.Equal(["/usr/bin/vim", "/usr/bin/less", "/usr/bin/psql"], carol.Commands.Select(c => c.Command));
        Assert.Equal([false, false, true], carol.Commands.Select(c => c.NoPasswd));
        Assert.Equal("(postgres)", carol.Commands[2].RunAs);
        Assert.True(sudoers.IsAll("EVERYTHING"));
        Assert.False(sudoers.IsAll("SHELLS"));
        Assert.Equal(["alice", "bob", "%ops"], sudoers.ExpandUser("ADMINS"));
        Assert.Equal("/usr/bin/id", sudoers.Rules[5].Commands.Single().Command);
        Assert.Equal("/usr/bin/rsync --server -logDtpre.iLsfxC . /srv/backup", sudoers.Rules[6].Commands.Single().Command);
    }

    [Fact]
    public void Parse_OptionSpecsBeforeTags_AreSkipped()
    {
        // (cvtsudoers 1.9.13 prints CWD= as invalid JSON, so this one is checked by hand.)
        var rule = Assert.Single(ParseText("erin ALL = (root) CWD=/srv TIMEOUT=5m NOPASSWD: /usr/bin/rsync --server . /srv/backup, /usr/bin/true\n").Rules);
        Assert.Equal(
            [new SudoCommand("/usr/bin/rsync --server . /srv/backup", false, true, "(root)"), new SudoCommand("/usr/bin/true", false, true, "(root)")],
            rule.Commands);
    }

    public static TheoryData<string> OracleSamples => new() { DebianSudoers.Replace("@includedir /etc/sudoers.d\n", string.Empty, StringComparison.Ordinal), Mixed };

    [Theory]
    [MemberData(nameof(OracleSamples))]
    public void Parse_AgreesWithCvtsudoers(string text)
    {
        var cvtsudoers = ExternalTool.Find("cvtsudoers");
        Assert.SkipWhen(cvtsudoers is null, "sudo's cvtsudoers is not installed (apt-get install sudo); it is the oracle");
        using var root = new HostAuditRoot().Write("sudoers", text);
        var json = JsonDocument.Parse(ExternalTool.Run(cvtsudoers!, root.Path, null, "-f", "json", Path.Combine(root.Path, "sudoers")));
        var expected = new List<string>();
        foreach (var spec in json.RootElement.GetProperty("User_Specs").EnumerateArray())
        {
            var users = string.Join(",", spec.GetProperty("User_List").EnumerateArray().Select(UserName));
            foreach (var cmnd in spec.GetProperty("Cmnd_Specs").EnumerateArray())
            {
                var noPasswd = cmnd.TryGetProperty("Options", out var options) &&
                    options.EnumerateArray().Any(o => o.TryGetProperty("authenticate", out var a) && a.ValueKind == JsonValueKind.False);
                var runAs = cmnd.TryGetProperty("runasusers", out var r) ? string.Join(",", r.EnumerateArray().Select(UserName)) : string.Empty;
                foreach (var command in cmnd.GetProperty("Commands").EnumerateArray())
                {
                    var name = command.TryGetProperty("command", out var c) ? c.GetString() : command.GetProperty("cmndalias").GetString();
                    var negated = command.TryGetProperty("negated", out var n) && n.GetBoolean();
                    expected.Add($"{users} | {runAs} | {(negated ? "!" : string.Empty)}{name} | nopasswd={noPasswd}");
                }
            }
        }
        var sudoers = ParseText(text);
        var actual = sudoers.Rules.SelectMany(rule => rule.Commands.Select(c =>
            $"{string.Join(",", rule.Users)} | {RunAsUsers(c.RunAs)} | {(c.Negated ? "!" : string.Empty)}{c.Command} | nopasswd={c.NoPasswd}")).ToList();
        Assert.Equal(expected, actual);
    }

    private static string UserName(JsonElement user)
    {
        var property = user.EnumerateObject().First(p => p.Name != "negated");
        var prefix = property.Name switch
        {
            "usergroup" => "%",
            "userid" => "#",
            "netgroup" => "+",
            "nonunixgroup" => "%:",
            _ => string.Empty,
        };
        return prefix + (property.Value.ValueKind == JsonValueKind.Number ? property.Value.GetRawText() : property.Value.GetString());
    }

    private static string RunAsUsers(string? runAs)
    {
        if (runAs is null)
        {
            return string.Empty;
        }
        var inner = runAs.Trim('(', ')');
        var users = inner.Split(':')[0];
        return string.Join(",", users.Split(',').Select(u => u.Trim()).Where(u => u.Length > 0));
    }

    [Fact]
    public void Read_IncludeDirSkipsBackupsAndDottedNames_RelativeIncludeFromIncluder()
    {
        using var root = new HostAuditRoot()
            .Write("etc/sudoers", DebianSudoers + "#include /etc/sudoers.extra\n")
            .Write("etc/sudoers.d/README", "# comments only\n")
            .Write("etc/sudoers.d/90-cloud-init-users", "# Created by cloud-init\nubuntu ALL=(ALL) NOPASSWD:ALL\n@include ../sudoers.local\n")
            .Write("etc/sudoers.d/ops~", "ops ALL=(ALL) NOPASSWD: ALL\n")
            .Write("etc/sudoers.d/ops.dpkg-old", "ops ALL=(ALL) NOPASSWD: ALL\n")
            .Write("etc/sudoers.local", "local ALL=(ALL) ALL\n")
            .Write("etc/sudoers.extra", "extra ALL=/usr/bin/true\n");
        using var files = HostFileTree.Open(root.Path);
        var warnings = new List<string>();
        var sudoers = Sudoers.Read(files, warnings.Add)!;
        Assert.Empty(warnings);
        Assert.Equal(["etc/sudoers", "etc/sudoers.d/90-cloud-init-users", "etc/sudoers.local", "etc/sudoers.d/README", "etc/sudoers.extra"], sudoers.Files);
        Assert.Equal(["root", "%sudo", "ubuntu", "local", "extra"], sudoers.Rules.Select(r => r.Users[0]));
        Assert.Equal(("etc/sudoers.d/90-cloud-init-users", 2), (sudoers.Rules[2].Path, sudoers.Rules[2].Line));
    }

    [Fact]
    public void Read_IncludeLoop_Warns()
    {
        using var root = new HostAuditRoot()
            .Write("etc/sudoers", "@include sudoers.a\nroot ALL=(ALL) ALL\n")
            .Write("etc/sudoers.a", "@include sudoers\n");
        using var files = HostFileTree.Open(root.Path);
        var warnings = new List<string>();
        var sudoers = Sudoers.Read(files, warnings.Add)!;
        Assert.Single(sudoers.Rules);
        Assert.Contains(warnings, w => w.Contains("include loop", StringComparison.Ordinal));
    }

    private static List<Finding> Checks(HostAuditRoot root) =>
        [.. root.Run(new AccountsCheckGroup()).Findings.Where(f => f.CheckId.StartsWith("host-accounts-sudo", StringComparison.Ordinal))];

    [Fact]
    public void Checks_DebianDefault_Pass()
    {
        using var root = new HostAuditRoot().Write("etc/sudoers", DebianSudoers).Write("etc/sudoers.d/README", "#\n");
        var findings = Checks(root);
        Assert.Equal(FindingStatus.Pass, findings.Single(f => f.CheckId == "host-accounts-sudo-nopasswd").Status);
        Assert.Equal(FindingStatus.Pass, findings.Single(f => f.CheckId == "host-accounts-sudo-all").Status);
    }

    [Fact]
    public void Checks_CloudInitNoPasswdAll_FailsWithFileAndLine()
    {
        using var root = new HostAuditRoot()
            .Write("etc/sudoers", DebianSudoers)
            .Write("etc/sudoers.d/90-cloud-init-users", "# Created by cloud-init v. 23.1\n\n# User rules for ubuntu\nubuntu ALL=(ALL) NOPASSWD:ALL\n");
        var findings = Checks(root);
        var noPasswd = findings.Single(f => f.CheckId == "host-accounts-sudo-nopasswd");
        Assert.Equal(FindingStatus.Fail, noPasswd.Status);
        Assert.Equal(new Location("etc/sudoers.d/90-cloud-init-users", 4), noPasswd.Location);
        Assert.Equal("NOPASSWD for every command: ubuntu ALL=(ALL) NOPASSWD:ALL (etc/sudoers.d/90-cloud-init-users:4)", noPasswd.Evidence);
        var all = findings.Single(f => f.CheckId == "host-accounts-sudo-all");
        Assert.Equal(FindingStatus.Warn, all.Status);
        Assert.StartsWith("every command for ubuntu:", all.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Checks_NoPasswdForNamedCommands_Warns_AliasOfAllFails()
    {
        using var root = new HostAuditRoot().Write("etc/sudoers",
            "Cmnd_Alias EVERYTHING = ALL\nci ALL=(root) NOPASSWD: /usr/bin/docker\n%admin ALL=(ALL) NOPASSWD: EVERYTHING\n");
        var findings = Checks(root).Where(f => f.CheckId == "host-accounts-sudo-nopasswd").ToList();
        Assert.Equal(FindingStatus.Warn, findings.Single(f => f.Location!.Line == 2).Status);
        Assert.Equal(FindingStatus.Fail, findings.Single(f => f.Location!.Line == 3).Status);
    }

    [Fact]
    public void Checks_AllUsersOrAliasWithOutsiders_AllGrant()
    {
        using var root = new HostAuditRoot().Write("etc/sudoers",
            "User_Alias ADMINS = root, %wheel, mallory\nALL ALL=(ALL) ALL\nADMINS ALL=(ALL) ALL\n%wheel ALL=(ALL) ALL\n");
        var findings = Checks(root).Where(f => f.CheckId == "host-accounts-sudo-all").ToList();
        Assert.Equal(2, findings.Count);
        Assert.Equal(FindingStatus.Fail, findings.Single(f => f.Location!.Line == 2).Status);
        var alias = findings.Single(f => f.Location!.Line == 3);
        Assert.Equal(FindingStatus.Warn, alias.Status);
        Assert.StartsWith("every command for mallory (ADMINS = root, %wheel, mallory):", alias.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Checks_SudoersModes()
    {
        using var root = new HostAuditRoot()
            .Write("etc/sudoers", "root ALL=(ALL) ALL\n@includedir /etc/sudoers.d\n")
            .Write("etc/sudoers.d/open", "root ALL=(ALL) ALL\n")
            .Write("etc/sudoers.d/readable", "root ALL=(ALL) ALL\n");
        Assert.SkipWhen(OperatingSystem.IsWindows(), "file modes are Unix's");
        void Mode(string path, UnixFileMode mode)
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path.Combine(root.Path, path), mode);
            }
        }
        Mode("etc/sudoers", UnixFileMode.UserRead | UnixFileMode.GroupRead);
        Mode("etc/sudoers.d/open", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite | UnixFileMode.OtherRead);
        Mode("etc/sudoers.d/readable", UnixFileMode.UserRead | UnixFileMode.OtherRead);
        Mode("etc/sudoers.d", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var findings = root.Run(new AccountsCheckGroup()).Findings.Where(f => f.CheckId == "host-accounts-sudoers-perms").ToList();
        var owner = Environment.UserName == "root" ? FindingStatus.Pass : FindingStatus.Fail;
        Assert.Equal(owner, findings.Single(f => f.Location!.Path == "etc/sudoers").Status);
        Assert.Equal(FindingStatus.Fail, findings.Single(f => f.Location!.Path == "etc/sudoers.d/open").Status);
        Assert.StartsWith("etc/sudoers.d/open: mode 0606", findings.Single(f => f.Location!.Path == "etc/sudoers.d/open").Evidence, StringComparison.Ordinal);
        var readable = Environment.UserName == "root" ? FindingStatus.Warn : FindingStatus.Fail;
        Assert.Equal(readable, findings.Single(f => f.Location!.Path == "etc/sudoers.d/readable").Status);
        // The include directory too (Debian's 0755 warns, as in Lynis AUTH-9252).
        Assert.Equal(readable, findings.Single(f => f.Location!.Path == "etc/sudoers.d").Status);
    }

    [Fact]
    public void RealSudoers_ParsesLikeCvtsudoersWithoutWarnings()
    {
        Assert.SkipUnless(File.Exists("/etc/sudoers") && Environment.UserName == "root", "needs /etc/sudoers (apt-get install sudo) and root to read it");
        using var files = HostFileTree.Open("/");
        var warnings = new List<string>();
        var sudoers = Sudoers.Read(files, warnings.Add)!;
        Assert.Empty(warnings);
        Assert.Equal("etc/sudoers", sudoers.Files[0]);
        var cvtsudoers = ExternalTool.Find("cvtsudoers");
        Assert.SkipWhen(cvtsudoers is null, "cvtsudoers is not installed");
        var json = JsonDocument.Parse(ExternalTool.Run(cvtsudoers!, "/", null, "-f", "json", "/etc/sudoers"));
        var specs = json.RootElement.TryGetProperty("User_Specs", out var s) ? s.GetArrayLength() : 0;
        // cvtsudoers splits "a : b" host groups into separate specs; the real files have none.
        Assert.Equal(specs, sudoers.Rules.Count);
    }
}
