namespace Seawall.Vulnerabilities.Filtering;

/// <summary>
/// One entry of an ignore file: a vulnerability id (or one of its aliases), optionally only for some packages
/// (<see cref="Purls"/>, any of them) or files (<see cref="Paths"/>, globs, any of them), until a date.
/// </summary>
/// <param name="Source">"file:line" for a text file, "file" and the entry's position for YAML: where a user finds it again.</param>
public sealed record IgnoreRule(string Id, string Source)
{
    public IReadOnlyList<PurlPattern> Purls { get; init; } = [];
    public IReadOnlyList<string> Paths { get; init; } = [];
    /// <summary>The entry stops applying at 00:00 UTC on this day (Trivy's exp: semantics).</summary>
    public DateOnly? ExpiresOn { get; init; }
    /// <summary>Why it is ignored: the line's trailing comment, or the YAML statement.</summary>
    public string? Statement { get; init; }

    public bool IsExpired(DateTimeOffset now) =>
        ExpiresOn is { } date && now >= new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>Whether this entry covers a finding with these ids, package purl and paths (the package's file, the result's target).</summary>
    public bool Matches(IEnumerable<string> ids, string? purl, IEnumerable<string?> paths)
    {
        if (!ids.Contains(Id, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }
        if (Purls.Count > 0 && !(PurlPattern.TryParse(purl, out var package) && Purls.Any(p => p.Matches(package))))
        {
            return false;
        }
        return Paths.Count == 0 || paths.OfType<string>().Any(path => Paths.Any(glob => PathGlob.IsMatch(glob, path)));
    }
}
