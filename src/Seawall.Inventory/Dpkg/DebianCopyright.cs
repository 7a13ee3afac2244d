using System.Text;

namespace Seawall.Inventory.Dpkg;

/// <summary>
/// Licences from a Debian copyright file. Machine-readable files (DEP-5) name them on "License:" lines;
/// free-form files are not guessed at, as Trivy's and Syft's dpkg catalogers also only read DEP-5 headers
/// and the common-licenses references.
/// </summary>
public static class DebianCopyright
{
    public static IReadOnlyList<string> Licenses(string text)
    {
        var found = new List<string>();
        // Free-form files (no DEP-5 "Format:" header) sometimes hold a prose "License: the main library is ..." line:
        // there, only a single-token value is a licence name.
        var machineReadable = text.StartsWith("Format:", StringComparison.Ordinal) || text.StartsWith("Format-Specification:", StringComparison.Ordinal)
            || text.Contains("\nFormat:", StringComparison.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("License:", StringComparison.Ordinal))
            {
                var value = line[8..].Trim();
                if (value.Length > 0 && value.Length < 100 && (machineReadable || !value.Contains(' ', StringComparison.Ordinal)))
                {
                    foreach (var part in SplitExpression(value))
                    {
                        Add(found, part);
                    }
                }
            }
            else if (line.Contains("/usr/share/common-licenses/", StringComparison.Ordinal))
            {
                var start = line.IndexOf("/usr/share/common-licenses/", StringComparison.Ordinal) + 27;
                var end = start;
                while (end < line.Length && (char.IsAsciiLetterOrDigit(line[end]) || line[end] is '-' or '.' or '+'))
                {
                    end++;
                }
                Add(found, line[start..end].TrimEnd('.'));
            }
        }
        return found;
    }

    /// <summary>The licences of a copyright file as "License:" lines: parses to the same list as the whole file.</summary>
    public static byte[] Condense(byte[] content)
    {
        var licenses = Licenses(Encoding.UTF8.GetString(content));
        // The Format line keeps multi-word names ("GPL-3+ with autoconf exception") when the summary is read back.
        return licenses.Count == 0 ? [] : Encoding.UTF8.GetBytes("Format: seawall-condensed\n" + string.Concat(licenses.Select(l => "License: " + l + "\n")));
    }

    private static IEnumerable<string> SplitExpression(string value) =>
        value.Replace(" or ", "|", StringComparison.OrdinalIgnoreCase).Replace(" and ", "|", StringComparison.OrdinalIgnoreCase)
            .Replace(",", "|", StringComparison.Ordinal).Split('|').Select(s => s.Trim()).Where(s => s.Length > 0);

    private static void Add(List<string> found, string license)
    {
        if (license.Length > 0 && !found.Contains(license, StringComparer.Ordinal))
        {
            found.Add(license);
        }
    }
}
