namespace Seawall.Core.Model;

/// <summary>
/// A secret found in a file or in the image config. Never holds the secret itself: <see cref="Match"/> is the line
/// with the secret masked, so a report (or a cached layer) can be shared without leaking what it warns about.
/// </summary>
public sealed record SecretFinding
{
    /// <summary>Stable rule id, for example aws-access-key-id.</summary>
    public required string RuleId { get; init; }

    /// <summary>Who issued the secret: AWS, GitHub, Stripe, PrivateKey, Generic...</summary>
    public required string Category { get; init; }

    public required Severity Severity { get; init; }

    public required string Title { get; init; }

    /// <summary>The file (tree path) or image config field (config:env, config:label, config:history) it was found in.</summary>
    public required string Path { get; init; }

    /// <summary>1-based line of the match's start (for config sources: the entry's position).</summary>
    public int Line { get; init; }

    /// <summary>1-based column (characters, not bytes) of the secret's start on that line.</summary>
    public int Column { get; init; }

    /// <summary>The matched text (or its line, trimmed) with the secret masked: never the secret whole.</summary>
    public required string Match { get; init; }

    /// <summary>The layer that holds the file (diffID and the build step), null outside images.</summary>
    public LayerRef? Layer { get; init; }

    /// <summary>A later layer deleted or replaced the file: the secret is still in the image, in <see cref="Layer"/>.</summary>
    public bool Deleted { get; init; }

    /// <summary>The layer whose whiteout or rewrite hid the file, when <see cref="Deleted"/>.</summary>
    public LayerRef? DeletedBy { get; init; }
}
