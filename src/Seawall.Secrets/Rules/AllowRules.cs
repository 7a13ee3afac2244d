using System.Text.RegularExpressions;

namespace Seawall.Secrets.Rules;

/// <summary>
/// What is never a secret, whatever rule matched: files that hold only vendor text (system docs, locales, test and
/// example trees, as Trivy's built-in allow rules skip) and values that only look like one (documentation keys,
/// placeholders, template variables, one repeated character).
/// </summary>
public static partial class AllowRules
{
    /// <summary>Keys published in vendors' documentation: they fire every rule and are no one's secret.</summary>
    private static readonly HashSet<string> DocumentationKeys = new(StringComparer.Ordinal)
    {
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "pk_test_TYooMQauvdEDq54NiTphI7jx",
        "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
        "pk_test_6pRNASCoBOKtIshFeQd4XMUh",
        "xoxb-not-a-real-token-this-will-not-work",
    };

    /// <summary>Built-in allow paths, with an id each so a config can name (and disable) one.</summary>
    public static IReadOnlyList<(string Id, Regex Path)> BuiltinPaths { get; } =
    [
        ("usr-dirs", UsrDirs()),
        ("locale-dir", LocaleDir()),
        ("markdown", Markdown()),
        ("tests", Tests()),
        ("examples", Examples()),
        ("vendor", Vendor()),
        ("language-runtimes", LanguageRuntimes()),
        ("package-manager-metadata", PackageMetadata()),
        ("git-objects", GitObjects()),
    ];

    /// <summary>Vendor files of the system: documentation, headers, libraries (Trivy skips the same).</summary>
    [GeneratedRegex(@"^usr/(?:share|include|lib|lib32|lib64|libexec)/", RegexOptions.CultureInvariant)]
    private static partial Regex UsrDirs();

    [GeneratedRegex(@"(?:^|/)locales?/", RegexOptions.CultureInvariant)]
    private static partial Regex LocaleDir();

    [GeneratedRegex(@"\.md$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Markdown();

    /// <summary>Test fixtures carry fake keys by design.</summary>
    [GeneratedRegex(@"(?:^|/)(?:tests?|testdata|__tests__|spec|fixtures)/|(?:^|/)test_[^/]*$|[._-]test\.[a-z]+$|_test\.go$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Tests();

    [GeneratedRegex(@"(?:^|/)examples?/|\.example$|\.sample$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Examples();

    [GeneratedRegex(@"(?:^|/)vendor/", RegexOptions.CultureInvariant)]
    private static partial Regex Vendor();

    /// <summary>Language runtimes unpacked by official images: their stdlib and tests, not the user's code.</summary>
    [GeneratedRegex(@"^usr/local/go/|^usr/local/lib/python[\d.]+/|^opt/yarn-v[\d.]+/|^usr/src/wordpress/|^var/log/anaconda/", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageRuntimes();

    /// <summary>Package-manager state: file lists and checksums, never credentials.</summary>
    [GeneratedRegex(@"^var/lib/(?:dpkg|apt/lists|rpm|yum|dnf)/|^lib/apk/db/|^var/cache/(?:apt|debconf)/", RegexOptions.CultureInvariant)]
    private static partial Regex PackageMetadata();

    [GeneratedRegex(@"(?:^|/)\.git/(?:objects|refs|logs)/", RegexOptions.CultureInvariant)]
    private static partial Regex GitObjects();

    /// <summary>Words that mark a value as a stand-in for a secret rather than one.</summary>
    [GeneratedRegex(@"(?i)example|placeholder|changeme|change_me|change-me|replace[_-]?me|dummy|sample|redacted|insert[_-]?your|your[_-]|xxxxxx|\*\*\*\*|fake[_-]|notreal|not[_-]a[_-]real|lorem|ipsum|<[^>]*>|\{\{|\}\}|\$\{|%\(", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderWords();

    /// <summary>A template or environment variable standing where the value will be: $VAR, %VAR%, @VAR@.</summary>
    [GeneratedRegex(@"^(?:\$[A-Za-z_{(]|%[A-Za-z_]+%$|@[A-Za-z_]+@$)", RegexOptions.CultureInvariant)]
    private static partial Regex VariableReference();

    /// <summary>A value that only names another (self.password, config.db_pass, os.environ): code, not a literal.</summary>
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$|^[a-z]+(?:_[a-z]+)+$|^[A-Z]+(?:_[A-Z]+)+$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierLike();

    /// <summary>Words that stand where a credential would: a URL's "user:password@", a config's "password: secret".</summary>
    [GeneratedRegex(@"^(?i:password|passwd|pass|secret|admin|root|user|username|test|testing|none|null|nil|true|false|undefined|string|required|optional|default|empty|token|apikey|api_key|key|value|foo|bar|baz|qwerty|letmein|hunter2)$", RegexOptions.CultureInvariant)]
    private static partial Regex StandInWords();

    /// <summary>Whether a built-in allow path covers this file (unless a config disabled that allow rule).</summary>
    public static bool IsAllowedPath(string path, IReadOnlySet<string> disabled)
    {
        foreach (var (id, pattern) in BuiltinPaths)
        {
            if (!disabled.Contains(id) && pattern.IsMatch(path))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Values no rule should report: documentation keys, placeholders, variables, one character repeated.</summary>
    public static bool IsAllowedValue(string secret, bool generic)
    {
        if (DocumentationKeys.Contains(secret) || PlaceholderWords().IsMatch(secret) || VariableReference().IsMatch(secret) || StandInWords().IsMatch(secret))
        {
            return true;
        }
        if (secret.AsSpan().IndexOfAnyExcept(secret[0]) < 0)
        {
            return true;
        }
        // Generic assignments also see code: a value that names a variable or a setting is not a literal secret.
        return generic && IdentifierLike().IsMatch(secret);
    }
}
