namespace Seawall.Inventory.Languages.Npm;

/// <summary>
/// The git commit a JavaScript lockfile pins for a dependency taken from a repository. npm, yarn and pnpm write it in
/// the resolved URL in several shapes: "git+ssh://host/repo.git#sha", "github:owner/repo#sha", yarn berry's
/// "name@https://host/repo.git#commit=sha", codeload tarballs ".../tar.gz/sha" and GitLab archives "?ref=sha".
/// </summary>
internal static class NpmCommit
{
    private static readonly string[] GitHosts = ["github.com", "gitlab.com", "bitbucket.org"];

    /// <summary>The commit, or null when the string does not name a git source (registry tarballs carry a sha1 fragment too).</summary>
    public static string? From(string? resolved)
    {
        if (string.IsNullOrEmpty(resolved))
        {
            return null;
        }
        const string Codeload = "codeload.github.com/";
        var codeload = resolved.IndexOf(Codeload, StringComparison.Ordinal);
        if (codeload >= 0)
        {
            // https://codeload.github.com/<owner>/<repo>/tar.gz/<sha>
            var tail = resolved[(codeload + Codeload.Length)..].Split('/');
            if (tail.Length == 4 && tail[2] == "tar.gz" && IsCommit(tail[3]))
            {
                return tail[3];
            }
        }
        var hash = resolved.LastIndexOf('#');
        var url = hash >= 0 ? resolved[..hash] : resolved;
        if (hash >= 0)
        {
            var fragment = resolved[(hash + 1)..];
            // yarn berry names the commit explicitly; then any source is a git one.
            if (fragment.StartsWith("commit=", StringComparison.Ordinal) || fragment.StartsWith("commit:", StringComparison.Ordinal))
            {
                fragment = fragment["commit=".Length..];
                return IsCommit(fragment) ? fragment : null;
            }
            if (IsGitSource(url) && IsCommit(fragment))
            {
                return fragment;
            }
        }
        var query = url.IndexOf("?ref=", StringComparison.Ordinal);
        if (query < 0)
        {
            query = url.IndexOf("&ref=", StringComparison.Ordinal);
        }
        if (query >= 0 && OnGitHost(url))
        {
            var value = url[(query + "?ref=".Length)..];
            var end = value.IndexOf('&', StringComparison.Ordinal);
            value = end >= 0 ? value[..end] : value;
            return IsCommit(value) ? value : null;
        }
        return null;
    }

    private static bool IsGitSource(string url) =>
        url.Contains("git://", StringComparison.Ordinal)
        || url.Contains("git+", StringComparison.Ordinal)
        || url.Contains("ssh://", StringComparison.Ordinal)
        || url.EndsWith(".git", StringComparison.Ordinal)
        || url.StartsWith("github:", StringComparison.Ordinal)
        || url.StartsWith("gitlab:", StringComparison.Ordinal)
        || url.StartsWith("bitbucket:", StringComparison.Ordinal)
        || OnGitHost(url);

    private static bool OnGitHost(string url)
    {
        foreach (var host in GitHosts)
        {
            var at = url.IndexOf(host, StringComparison.Ordinal);
            // The host, not a path or package name that contains it: preceded by "//", "@" and followed by "/" or ":".
            if (at > 0 && url[at - 1] is '/' or '@' && at + host.Length < url.Length && url[at + host.Length] is '/' or ':')
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>An abbreviated or full hexadecimal object name; branch and tag names are not commits.</summary>
    private static bool IsCommit(string value)
    {
        if (value.Length is < 7 or > 64)
        {
            return false;
        }
        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
