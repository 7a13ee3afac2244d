using System.Diagnostics.CodeAnalysis;

namespace Seawall.Vulnerabilities.Versions;

/// <summary>
/// A version parsed once by its scheme's <see cref="IVersionComparer"/>. Compare it with other versions of the same
/// scheme as often as needed: the parse work (splitting, normalising, reading numbers) is never repeated.
/// </summary>
[SuppressMessage("Design", "CA1036", Justification = "Equal order is not equality (1.0 and 1.0.0 sort together but are different texts); Equals and == stay reference-based, use CompareTo.")]
public abstract class ParsedVersion : IComparable<ParsedVersion>
{
    private protected ParsedVersion(string text) => Text = text;

    /// <summary>The version exactly as it was given.</summary>
    public string Text { get; }

    /// <summary>The scheme that parsed it ("dpkg", "rpm", "semver", ...).</summary>
    public abstract string Scheme { get; }

    /// <summary>-1, 0 or 1. Throws <see cref="ArgumentException"/> for a version of another scheme.</summary>
    public int CompareTo(ParsedVersion? other)
    {
        if (other is null)
        {
            return 1;
        }
        if (ReferenceEquals(this, other))
        {
            return 0;
        }
        if (other.GetType() != GetType())
        {
            throw new ArgumentException($"cannot compare {Scheme} version '{Text}' with {other.Scheme} version '{other.Text}'", nameof(other));
        }
        return Math.Sign(CompareSameScheme(other));
    }

    /// <summary>Any negative, zero or positive number; <paramref name="other"/> has this instance's type.</summary>
    private protected abstract int CompareSameScheme(ParsedVersion other);

    public override string ToString() => Text;

    public static bool operator <(ParsedVersion left, ParsedVersion right) => left.CompareTo(right) < 0;

    public static bool operator <=(ParsedVersion left, ParsedVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >(ParsedVersion left, ParsedVersion right) => left.CompareTo(right) > 0;

    public static bool operator >=(ParsedVersion left, ParsedVersion right) => left.CompareTo(right) >= 0;
}
