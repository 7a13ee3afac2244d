using System.Diagnostics.CodeAnalysis;

namespace Seawall.Vulnerabilities.Versions;

/// <summary>
/// The ordering rules of one version scheme. Parse a version once with <see cref="TryParse"/> and compare the
/// <see cref="ParsedVersion"/>s (<see cref="ParsedVersion.CompareTo"/>); <see cref="Compare"/> on strings is for one-off use.
/// Get one with <see cref="VersionSchemes.ForEcosystem"/>. Implementations are stateless and thread-safe.
/// </summary>
public interface IVersionComparer
{
    /// <summary>Short scheme name: dpkg, apk, rpm, semver, pub, pep440, maven, nuget, rubygems, composer, cran, hackage.</summary>
    string Scheme { get; }

    /// <summary>False, without throwing, for text that is not a version of this scheme (empty, spaces, control characters, too long, or the scheme's own rules).</summary>
    bool TryParse(string? text, [NotNullWhen(true)] out ParsedVersion? version);

    /// <summary>Parses or throws <see cref="InvalidVersionException"/> naming the text and the scheme.</summary>
    ParsedVersion Parse(string text);

    /// <summary>-1, 0 or 1; throws <see cref="InvalidVersionException"/> when either side does not parse.</summary>
    int Compare(string a, string b);
}
