using System.Text.RegularExpressions;
using Seawall.Core.Model;

namespace Seawall.Secrets.Rules;

/// <summary>
/// One kind of secret: the keywords that must appear near it (the prefilter), the pattern that finds it, and the
/// checks a candidate must pass. Rules are data: built-in ones live in <see cref="BuiltinRules"/>, custom ones come
/// from the YAML config.
/// </summary>
public sealed record SecretRule
{
    /// <summary>Stable id, for example aws-access-key-id: what reports, configs and allow rules name.</summary>
    public required string Id { get; init; }

    public required string Category { get; init; }

    public required Severity Severity { get; init; }

    public required string Title { get; init; }

    /// <summary>Literal strings one of which is in (or just before) every match; matched without case unless <see cref="CaseSensitiveKeywords"/>.</summary>
    public required IReadOnlyList<string> Keywords { get; init; }

    /// <summary>
    /// Keywords short or common enough that ignoring case would hit half of all text ("SK", "eyJ"): matched exactly.
    /// </summary>
    public bool CaseSensitiveKeywords { get; init; }

    public required Regex Pattern { get; init; }

    /// <summary>The named group that holds the secret itself; null: the whole match is the secret.</summary>
    public string? SecretGroup { get; init; }

    /// <summary>Shannon entropy (bits per character) the secret must reach: generic assignments are often placeholders.</summary>
    public double MinEntropy { get; init; }

    /// <summary>Matches span lines (PEM blocks, JSON objects): the regex sees up to 64 KB after the keyword, not just its line.</summary>
    public bool Multiline { get; init; }

    /// <summary>Only files whose path matches (the service-account token file); null: any file.</summary>
    public Regex? Path { get; init; }

    /// <summary>A last structural check on the secret (a JWT's header decodes to JSON); null: none.</summary>
    public Func<string, bool>? Validate { get; init; }

    /// <summary>
    /// A generic rule (a password or key assignment) gives way to a specific rule that matched the same secret: one
    /// secret, one finding, under its most precise name.
    /// </summary>
    public bool Generic { get; init; }

    /// <summary>Matches (of the whole match) that are not secrets: a rule's own look-alikes.</summary>
    public Regex? Allow { get; init; }
}
