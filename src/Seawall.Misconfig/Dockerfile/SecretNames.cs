using System.Text.RegularExpressions;

namespace Seawall.Misconfig.Dockerfile;

/// <summary>
/// Whether an ENV or ARG carries a secret: by its name (words such as PASSWORD, TOKEN, SECRET, API_KEY; not when the
/// name says it holds a path, URL or public part) or by a value with a known credential shape (cloud and forge
/// tokens, private keys, passwords in URLs). The reason never repeats the value.
/// </summary>
internal static partial class SecretNames
{
    private static readonly HashSet<string> SecretWords = new(StringComparer.Ordinal)
    {
        "password", "passwd", "pwd", "pword", "pass", "passphrase", "secret", "secrets", "token", "apikey", "credential", "credentials", "privatekey",
    };

    /// <summary>Second words that make a "key" a secret (API_KEY, PRIVATE_KEY); GPG_KEY or KEY_SERVER are not.</summary>
    private static readonly HashSet<string> KeyQualifiers = new(StringComparer.Ordinal) { "api", "private", "access", "secret", "encryption", "signing", "master", "client", "service" };

    /// <summary>A name that says the value is where the secret is, or its public half, or a setting about it.</summary>
    private static readonly HashSet<string> NotSecretWords = new(StringComparer.Ordinal)
    {
        "file", "path", "dir", "directory", "url", "uri", "endpoint", "host", "length", "size", "version", "public", "pub", "name", "type", "id",
        "enabled", "enable", "disable", "mode", "header", "ttl", "expiry", "policy", "timeout", "env", "count", "min", "max", "prefix", "location",
    };

    public static string? Why(string name, string? value, bool isArg)
    {
        if (value is { Length: > 0 and <= 8192 } && CredentialShape().Match(value) is { Success: true } match)
        {
            return $"value has the shape of a credential ({Describe(match)})";
        }
        var words = Words().Split(name.ToLowerInvariant()).Where(w => w.Length > 0).ToList();
        if (words.Any(NotSecretWords.Contains))
        {
            return null;
        }
        var secretWord = words.FirstOrDefault(SecretWords.Contains)
            ?? (words.Contains("key") && words.Any(KeyQualifiers.Contains) ? "key" : null);
        if (secretWord is null)
        {
            return null;
        }
        if (isArg)
        {
            return "name says it holds a secret; a value passed with --build-arg is kept in the image history";
        }
        return string.IsNullOrEmpty(value) ? null : "name says it holds a secret and a value is set in the image config";
    }

    private static string Describe(Match match) => match.Groups switch
    {
        var g when g["aws"].Success => "AWS access key id",
        var g when g["github"].Success => "GitHub token",
        var g when g["gitlab"].Success => "GitLab token",
        var g when g["slack"].Success => "Slack token",
        var g when g["stripe"].Success => "Stripe secret key",
        var g when g["pem"].Success => "private key",
        _ => "password in a URL",
    };

    [GeneratedRegex(@"[^a-z0-9]+")]
    private static partial Regex Words();

    [GeneratedRegex(@"(?<aws>\b(?:AKIA|ASIA)[0-9A-Z]{16}\b)|(?<github>\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,}))|(?<gitlab>\bglpat-[A-Za-z0-9_-]{20})|(?<slack>\bxox[abprs]-[A-Za-z0-9-]{10,})|(?<stripe>\bsk_live_[A-Za-z0-9]{16,})|(?<pem>-----BEGIN [A-Z ]*PRIVATE KEY-----)|(?<url>[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@$]+@)", RegexOptions.None, 1000)]
    private static partial Regex CredentialShape();
}
