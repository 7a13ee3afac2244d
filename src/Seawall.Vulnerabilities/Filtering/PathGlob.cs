namespace Seawall.Vulnerabilities.Filtering;

/// <summary>
/// Glob patterns for ignore-file paths, as Trivy's (doublestar): <c>*</c> and <c>?</c> stay within one path segment,
/// <c>**</c> spans any number of segments. Paths compare without a leading slash, so "/usr/bin/x" and "usr/bin/x" agree.
/// </summary>
public static class PathGlob
{
    public static bool IsMatch(string pattern, string path) =>
        Match(pattern.TrimStart('/').AsSpan(), path.TrimStart('/').AsSpan());

    private static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> path)
    {
        while (pattern.Length > 0)
        {
            if (pattern.StartsWith("**"))
            {
                var rest = pattern[2..];
                // "**/" may also match nothing, so "a/**/b" matches "a/b".
                if (rest.StartsWith("/") && Match(rest[1..], path))
                {
                    return true;
                }
                for (var i = 0; i <= path.Length; i++)
                {
                    if (Match(rest, path[i..]))
                    {
                        return true;
                    }
                }
                return false;
            }
            var c = pattern[0];
            if (c == '*')
            {
                var rest = pattern[1..];
                for (var i = 0; i <= path.Length; i++)
                {
                    if (Match(rest, path[i..]))
                    {
                        return true;
                    }
                    if (i < path.Length && path[i] == '/')
                    {
                        return false;
                    }
                }
                return false;
            }
            if (path.Length == 0 || (c == '?' ? path[0] == '/' : c != path[0]))
            {
                return false;
            }
            pattern = pattern[1..];
            path = path[1..];
        }
        return path.Length == 0;
    }
}
