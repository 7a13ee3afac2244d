using System.Globalization;
using System.Text;
using Seawall.Core.Accounts;
using Seawall.Core.Analysis;
using Seawall.Core.Model;

namespace Seawall.Misconfig.Image;

/// <summary>
/// Reads etc/passwd and etc/shadow in the scan's one pass over the files and judges the accounts: empty passwords
/// (DKL-LI-0001), password hashes shipped in the image, duplicate UIDs (DKL-LI-0002). Its findings go out as an
/// image-files result, which ScanService merges with the checks on the tree's file modes. The files are parsed and the
/// password fields classified as the host audit does (<see cref="AccountFiles"/>, <see cref="PasswordHash"/>).
/// </summary>
public sealed class ImageAccountsAnalyzer : IAnalyzer
{
    /// <summary>Result type of every image file check finding.</summary>
    public const string ResultType = "image-files";

    public string Id => "image-accounts";

    public int Version => 1;

    /// <summary>A real passwd or shadow file is a few KB; anything near this is hostile.</summary>
    public long MaxFileSize => 4L * 1024 * 1024;

    public bool IsApplicable(string path) => path is AccountFiles.PasswdPath or AccountFiles.ShadowPath;

    public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        var passwd = input.Files.FirstOrDefault(f => f.Path == AccountFiles.PasswdPath);
        var shadow = input.Files.FirstOrDefault(f => f.Path == AccountFiles.ShadowPath);
        var findings = Judge(passwd?.Content, passwd?.Node.Layer, shadow?.Content, shadow?.Node.Layer);
        if (findings.Count > 0)
        {
            sink.AddResult(new ScanResult { Target = AccountFiles.PasswdPath, Class = ResultClass.Config, Type = ResultType, Findings = findings });
        }
        return Task.CompletedTask;
    }

    /// <summary>The account checks on the two files' contents (either may be missing).</summary>
    public static IReadOnlyList<Finding> Judge(byte[]? passwd, LayerRef? passwdLayer, byte[]? shadow, LayerRef? shadowLayer)
    {
        var findings = new List<Finding>();
        // Lines without all their fields are neither read by musl nor accepted by pwck: no account, nothing to judge.
        // Reporting them is the host audit's consistency check, not an image check.
        var malformed = new List<MalformedLine>();
        var users = passwd is null ? [] : AccountFiles.ParsePasswd(Text(passwd), malformed);
        var shells = users.GroupBy(u => u.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Shell, StringComparer.Ordinal);
        var empty = false;
        var hashes = false;
        List<ShadowEntry>? entries = null;
        if (shadow is not null)
        {
            entries = AccountFiles.ParseShadow(Text(shadow), malformed);
            foreach (var entry in entries)
            {
                var location = new Location(AccountFiles.ShadowPath, entry.Line) { Layer = shadowLayer };
                var shell = shells.GetValueOrDefault(entry.Name);
                var hash = PasswordHash.Classify(entry.Hash);
                if (hash.Kind == PasswordKind.Empty)
                {
                    empty = true;
                    findings.Add(ImageCheckCatalog.EmptyPassword.Fail($"{entry.Name} has an empty password{ShellNote(shell)}", location));
                }
                else if (hash.Kind == PasswordKind.Usable)
                {
                    hashes = true;
                    findings.Add(ImageCheckCatalog.PasswordHash.Fail($"{entry.Name} has a {hash.Name} password hash{ShellNote(shell)}", location));
                }
            }
        }
        // passwd's own field is the password unless it is "x" ("see shadow"), shadow file or not: passwd(5), and
        // pam_unix looks in shadow only for "x". So an empty field or a hash there logs in next to a locked shadow line.
        foreach (var user in users.Where(u => u.Password != "x"))
        {
            var location = new Location(AccountFiles.PasswdPath, user.Line) { Layer = passwdLayer };
            var hash = PasswordHash.Classify(user.Password);
            if (hash.Kind == PasswordKind.Empty)
            {
                empty = true;
                var noShadow = shadow is null ? " and there is no etc/shadow" : string.Empty;
                findings.Add(ImageCheckCatalog.EmptyPassword.Fail($"{user.Name} has an empty password in etc/passwd{noShadow}{ShellNote(user.Shell)}", location));
            }
            else if (hash.Kind == PasswordKind.Usable)
            {
                hashes = true;
                findings.Add(ImageCheckCatalog.PasswordHash.Fail($"{user.Name} has a {hash.Name} password hash in etc/passwd{ShellNote(user.Shell)}", location));
            }
        }
        if (entries is not null)
        {
            var at = new Location(AccountFiles.ShadowPath) { Layer = shadowLayer };
            if (!empty)
            {
                findings.Add(ImageCheckCatalog.EmptyPassword.Pass($"{entries.Count} shadow entries, none empty", at));
            }
            if (!hashes)
            {
                findings.Add(ImageCheckCatalog.PasswordHash.Pass($"{entries.Count} shadow entries, all locked", at));
            }
        }
        else if (passwd is not null)
        {
            var at = new Location(AccountFiles.PasswdPath) { Layer = passwdLayer };
            if (!empty)
            {
                findings.Add(ImageCheckCatalog.EmptyPassword.Pass($"{users.Count} accounts, none with an empty password", at));
            }
            if (!hashes)
            {
                findings.Add(ImageCheckCatalog.PasswordHash.Pass($"{users.Count} accounts, no password hash in etc/passwd", at));
            }
        }
        if (passwd is not null)
        {
            // By number, as getpwuid compares them: "00" is UID 0.
            var duplicates = users.GroupBy(u => u.Uid).Where(g => g.Count() > 1).ToList();
            foreach (var group in duplicates.OrderBy(g => g.First().Line))
            {
                findings.Add(ImageCheckCatalog.DuplicateUid.Fail($"UID {group.Key.ToString(CultureInfo.InvariantCulture)} is shared by {string.Join(", ", group.Select(u => u.Name))}",
                    new Location(AccountFiles.PasswdPath, group.Skip(1).First().Line) { Layer = passwdLayer }));
            }
            if (duplicates.Count == 0)
            {
                findings.Add(ImageCheckCatalog.DuplicateUid.Pass($"{users.Count} accounts, UIDs unique", new Location(AccountFiles.PasswdPath) { Layer = passwdLayer }));
            }
        }
        return findings;
    }

    /// <summary>Invalid UTF-8 reads as U+FFFD.</summary>
    private static string Text(byte[] content) => Encoding.UTF8.GetString(content);

    private static string ShellNote(string? shell) => string.IsNullOrEmpty(shell) ? string.Empty
        : IsLoginShell(shell) ? $" (login shell {shell})" : $" (shell {shell}: no login)";

    /// <summary>nologin and false refuse a login; anything else is a shell a password would open.</summary>
    internal static bool IsLoginShell(string shell) =>
        !(shell.EndsWith("/nologin", StringComparison.Ordinal) || shell.EndsWith("/false", StringComparison.Ordinal) || shell == "/bin/sync");
}
