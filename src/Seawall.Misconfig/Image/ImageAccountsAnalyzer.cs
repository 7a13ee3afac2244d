using System.Text;
using Seawall.Core.Analysis;
using Seawall.Core.Model;

namespace Seawall.Misconfig.Image;

/// <summary>
/// Reads etc/passwd and etc/shadow in the scan's one pass over the files and judges the accounts: empty passwords
/// (DKL-LI-0001), password hashes shipped in the image, duplicate UIDs (DKL-LI-0002). Its findings go out as an
/// image-files result, which ScanService merges with the checks on the tree's file modes.
/// </summary>
public sealed class ImageAccountsAnalyzer : IAnalyzer
{
    /// <summary>Result type of every image file check finding.</summary>
    public const string ResultType = "image-files";

    public string Id => "image-accounts";

    public int Version => 1;

    /// <summary>A real passwd or shadow file is a few KB; anything near this is hostile.</summary>
    public long MaxFileSize => 4L * 1024 * 1024;

    public bool IsApplicable(string path) => path is "etc/passwd" or "etc/shadow";

    public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        var passwd = input.Files.FirstOrDefault(f => f.Path == "etc/passwd");
        var shadow = input.Files.FirstOrDefault(f => f.Path == "etc/shadow");
        var findings = Judge(passwd?.Content, passwd?.Node.Layer, shadow?.Content, shadow?.Node.Layer);
        if (findings.Count > 0)
        {
            sink.AddResult(new ScanResult { Target = "etc/passwd", Class = ResultClass.Config, Type = ResultType, Findings = findings });
        }
        return Task.CompletedTask;
    }

    /// <summary>The account checks on the two files' contents (either may be missing).</summary>
    public static IReadOnlyList<Finding> Judge(byte[]? passwd, LayerRef? passwdLayer, byte[]? shadow, LayerRef? shadowLayer)
    {
        var findings = new List<Finding>();
        var users = passwd is null ? [] : Parse(passwd);
        var shells = users.GroupBy(u => u.Fields[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Field(6), StringComparer.Ordinal);
        if (shadow is not null)
        {
            var entries = Parse(shadow);
            var empty = false;
            var hashes = false;
            foreach (var entry in entries)
            {
                var name = entry.Fields[0];
                var password = entry.Field(1);
                var location = new Location("etc/shadow", entry.Line) { Layer = shadowLayer };
                var shell = shells.GetValueOrDefault(name);
                if (password.Length == 0)
                {
                    empty = true;
                    findings.Add(ImageCheckCatalog.EmptyPassword.Fail($"{name} has an empty password{ShellNote(shell)}", location));
                }
                else if (IsUsableHash(password))
                {
                    hashes = true;
                    findings.Add(ImageCheckCatalog.PasswordHash.Fail($"{name} has a {HashKind(password)} password hash{ShellNote(shell)}", location));
                }
            }
            if (!empty)
            {
                findings.Add(ImageCheckCatalog.EmptyPassword.Pass($"{entries.Count} shadow entries, none empty", new Location("etc/shadow") { Layer = shadowLayer }));
            }
            if (!hashes)
            {
                findings.Add(ImageCheckCatalog.PasswordHash.Pass($"{entries.Count} shadow entries, all locked", new Location("etc/shadow") { Layer = shadowLayer }));
            }
        }
        else if (passwd is not null)
        {
            // No shadow file: the password lives in passwd's second field ("x" means "see shadow").
            var empty = users.Where(u => u.Field(1).Length == 0).ToList();
            foreach (var user in empty)
            {
                findings.Add(ImageCheckCatalog.EmptyPassword.Fail($"{user.Fields[0]} has an empty password in etc/passwd and there is no etc/shadow{ShellNote(user.Field(6))}",
                    new Location("etc/passwd", user.Line) { Layer = passwdLayer }));
            }
            if (empty.Count == 0)
            {
                findings.Add(ImageCheckCatalog.EmptyPassword.Pass($"{users.Count} accounts, none with an empty password", new Location("etc/passwd") { Layer = passwdLayer }));
            }
        }
        if (passwd is not null)
        {
            var duplicates = users.Where(u => u.Field(2).Length > 0).GroupBy(u => u.Field(2), StringComparer.Ordinal).Where(g => g.Count() > 1).ToList();
            foreach (var group in duplicates.OrderBy(g => g.First().Line))
            {
                findings.Add(ImageCheckCatalog.DuplicateUid.Fail($"UID {group.Key} is shared by {string.Join(", ", group.Select(u => u.Fields[0]))}",
                    new Location("etc/passwd", group.Skip(1).First().Line) { Layer = passwdLayer }));
            }
            if (duplicates.Count == 0)
            {
                findings.Add(ImageCheckCatalog.DuplicateUid.Pass($"{users.Count} accounts, UIDs unique", new Location("etc/passwd") { Layer = passwdLayer }));
            }
        }
        return findings;
    }

    private static string ShellNote(string? shell) => string.IsNullOrEmpty(shell) ? string.Empty
        : IsLoginShell(shell) ? $" (login shell {shell})" : $" (shell {shell}: no login)";

    /// <summary>nologin and false refuse a login; anything else is a shell a password would open.</summary>
    internal static bool IsLoginShell(string shell) =>
        !(shell.EndsWith("/nologin", StringComparison.Ordinal) || shell.EndsWith("/false", StringComparison.Ordinal) || shell == "/bin/sync");

    /// <summary>
    /// A hash that logs in: crypt's "$id$..." forms and 13-character DES. "!" or "*" first (locked, or no password),
    /// and single-character placeholders ("x", "*", "!") are not.
    /// </summary>
    internal static bool IsUsableHash(string field) =>
        field[0] is not ('!' or '*') && (field[0] == '$' || (field.Length == 13 && field.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '/')));

    private static string HashKind(string hash) => hash.Split('$') is [_, var id, ..] ? id switch
    {
        "1" => "md5crypt",
        "2a" or "2b" or "2y" => "bcrypt",
        "5" => "sha256crypt",
        "6" => "sha512crypt",
        "y" => "yescrypt",
        "7" => "scrypt",
        _ => "$" + id + "$",
    } : "DES crypt";

    private sealed record Entry(int Line, string[] Fields)
    {
        public string Field(int index) => index < Fields.Length ? Fields[index] : string.Empty;
    }

    /// <summary>colon-separated lines; blank, comment and NIS ("+", "-") lines skipped. Invalid UTF-8 reads as U+FFFD.</summary>
    private static List<Entry> Parse(byte[] content)
    {
        var entries = new List<Entry>();
        var lineNumber = 0;
        foreach (var line in Encoding.UTF8.GetString(content).Split('\n'))
        {
            lineNumber++;
            var text = line.TrimEnd('\r');
            if (text.Length == 0 || text[0] is '#' or '+' or '-')
            {
                continue;
            }
            var fields = text.Split(':');
            if (fields[0].Length > 0 && fields.Length >= 2)
            {
                entries.Add(new Entry(lineNumber, fields));
            }
        }
        return entries;
    }
}
