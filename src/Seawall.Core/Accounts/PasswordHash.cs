using System.Globalization;
using System.Text.RegularExpressions;
using Seawall.Core.Model;

namespace Seawall.Core.Accounts;

/// <summary>What a password field allows.</summary>
public enum PasswordKind
{
    /// <summary>Empty: login without a password.</summary>
    Empty,

    /// <summary>"!", "*", "!!", "!*", "!$6$...", "*LK*": no password login (the account may still use keys).</summary>
    Locked,

    /// <summary>A crypt(3) hash: the account has a password.</summary>
    Usable,

    /// <summary>Not a hash crypt(3) can produce, so no password matches it (effectively locked).</summary>
    Invalid,
}

/// <summary>
/// A password field classified without keeping it: kind, the crypt(3) scheme name and how strong it is. Evidence
/// names only the scheme ("md5crypt ($1$)"), never the hash. Schemes follow crypt(5) (libxcrypt); weak ones are the
/// ones Lynis AUTH-9229 lists (DES, bigcrypt, BSDi, md5crypt, NT, SunMD5, sha1crypt). The host audit and the image
/// checks both judge password fields with it.
/// </summary>
public sealed record PasswordHash(PasswordKind Kind, string? Scheme = null, FindingStatus Strength = FindingStatus.Pass, string? Note = null)
{
    private static readonly Regex DesHash = new("^[./0-9A-Za-z]{13}$", RegexOptions.CultureInvariant);
    private static readonly Regex Rounds = new(@"^\$[56]\$rounds=(\d+)\$", RegexOptions.CultureInvariant);

    /// <summary>The scheme's name without its prefix ("sha512crypt"), for prose; null unless usable.</summary>
    public string? Name { get; init; }

    public static PasswordHash Classify(string field)
    {
        if (field.Length == 0)
        {
            return new PasswordHash(PasswordKind.Empty);
        }
        // Only the first character locks (shadow(5): "!" by passwd -l, "*" for no password; "*LK*", "*LOCKED*" start
        // with it too). "LOCK" elsewhere is no marker: crypt(5)'s alphabet has those letters, so a real hash or a salt
        // chosen as "LOCKdown" may hold them and still log in.
        if (field[0] is '!' or '*')
        {
            return new PasswordHash(PasswordKind.Locked);
        }
        if (field.StartsWith("$1$", StringComparison.Ordinal))
        {
            return Weak("md5crypt", "$1$");
        }
        if (field.StartsWith("$3$", StringComparison.Ordinal))
        {
            return Weak("NT hash", "$3$");
        }
        if (field.StartsWith("$md5", StringComparison.Ordinal))
        {
            return Weak("SunMD5", "$md5$");
        }
        if (field.StartsWith("$sha1$", StringComparison.Ordinal))
        {
            return Weak("sha1crypt", "$sha1$");
        }
        if (field.StartsWith("$5$", StringComparison.Ordinal) || field.StartsWith("$6$", StringComparison.Ordinal))
        {
            var name = field[1] == '5' ? "sha256crypt" : "sha512crypt";
            var rounds = Rounds.Match(field);
            // 5000 rounds is the default; fewer were chosen on purpose (crypt(5) allows 1000).
            if (rounds.Success && long.TryParse(rounds.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n < 5000)
            {
                return Usable(name, field[..3], FindingStatus.Warn, $"{n} rounds (default 5000)");
            }
            return Usable(name, field[..3]);
        }
        if (field.StartsWith("$y$", StringComparison.Ordinal))
        {
            return Usable("yescrypt", "$y$");
        }
        if (field.StartsWith("$gy$", StringComparison.Ordinal))
        {
            return Usable("gost-yescrypt", "$gy$");
        }
        if (field.StartsWith("$7$", StringComparison.Ordinal))
        {
            return Usable("scrypt", "$7$");
        }
        if (field.Length > 4 && field[0] == '$' && field[1] == '2' && field[3] == '$' && field[2] is 'a' or 'b' or 'y' or 'x')
        {
            // $2x$ marks hashes made by the crypt_blowfish sign-extension bug (CVE-2011-2483).
            return field[2] == 'x'
                ? Usable("bcrypt", "$2x$", FindingStatus.Warn, "made by the crypt_blowfish bug CVE-2011-2483")
                : Usable("bcrypt", field[..4]);
        }
        if (field[0] == '_' && field.Length == 20)
        {
            return Weak("BSDi extended DES", "_");
        }
        if (DesHash.IsMatch(field))
        {
            return new PasswordHash(PasswordKind.Usable, "traditional DES", FindingStatus.Fail) { Name = "DES crypt" };
        }
        if (field.Length == 178 && !field.Contains('$', StringComparison.Ordinal))
        {
            return new PasswordHash(PasswordKind.Usable, "bigcrypt", FindingStatus.Fail) { Name = "bigcrypt" };
        }
        if (field[0] == '$')
        {
            var end = field.IndexOf('$', 1);
            // Only the id between the first two "$" is named: what follows may be the hash.
            return end > 0
                ? new PasswordHash(PasswordKind.Usable, $"unknown scheme ({field[..(end + 1)]})", FindingStatus.Info) { Name = field[..(end + 1)] }
                : new PasswordHash(PasswordKind.Usable, "unknown scheme", FindingStatus.Info) { Name = "unknown scheme" };
        }
        return new PasswordHash(PasswordKind.Invalid);
    }

    private static PasswordHash Usable(string name, string prefix, FindingStatus strength = FindingStatus.Pass, string? note = null) =>
        new(PasswordKind.Usable, $"{name} ({prefix})", strength, note) { Name = name };

    private static PasswordHash Weak(string name, string prefix) => Usable(name, prefix, FindingStatus.Fail);
}
