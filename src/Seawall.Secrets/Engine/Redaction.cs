using System.Text;

namespace Seawall.Secrets.Engine;

/// <summary>
/// How a secret is shown: never whole. A long secret keeps its first four characters (the kind of token: AKIA,
/// ghp_, eyJh) and masks the rest; a short one (a password) is masked entirely; a PEM block keeps its header line.
/// </summary>
public static class Redaction
{
    /// <summary>Secrets shorter than this are masked entirely: four characters of a password are too many.</summary>
    private const int ShowPrefixFrom = 20;

    /// <summary>Masks are capped so a 3 KB private key does not print 3 KB of stars.</summary>
    private const int MaxStars = 32;

    /// <param name="keepPrefix">False for passwords (generic assignments, URLs, hashes): their first characters tell nothing but a part of them.</param>
    public static string Mask(string secret, bool keepPrefix = true)
    {
        var firstLine = secret.AsSpan();
        var newline = firstLine.IndexOfAny('\r', '\n');
        if (newline >= 0)
        {
            var head = firstLine[..newline].Trim();
            if (head.StartsWith("-----BEGIN", StringComparison.Ordinal) || head.StartsWith("PuTTY-User-Key-File", StringComparison.Ordinal))
            {
                return head.ToString() + " " + new string('*', 16);
            }
        }
        var shown = keepPrefix && secret.Length >= ShowPrefixFrom ? 4 : 0;
        var sb = new StringBuilder();
        sb.Append(secret.AsSpan(0, shown));
        sb.Append('*', Math.Min(MaxStars, secret.Length - shown));
        return sb.ToString();
    }

    /// <summary>A line for display: control characters (and what an invalid UTF-8 sequence became) made visible as '?'.</summary>
    public static string Printable(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(char.IsControl(c) && c != '\t' ? '?' : c == '\t' ? ' ' : c);
        }
        return sb.ToString();
    }
}
