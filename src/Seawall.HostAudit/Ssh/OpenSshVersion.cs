using System.Text;
using System.Text.RegularExpressions;

namespace Seawall.HostAudit.Ssh;

/// <summary>An OpenSSH release (9.2 for "1:9.2p1-2+deb12u6"); compiled-in defaults change between releases.</summary>
public readonly record struct OpenSshVersion(int Major, int Minor) : IComparable<OpenSshVersion>
{
    public int CompareTo(OpenSshVersion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(OpenSshVersion a, OpenSshVersion b) => a.CompareTo(b) < 0;

    public static bool operator >(OpenSshVersion a, OpenSshVersion b) => a.CompareTo(b) > 0;

    public static bool operator <=(OpenSshVersion a, OpenSshVersion b) => a.CompareTo(b) <= 0;

    public static bool operator >=(OpenSshVersion a, OpenSshVersion b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Major}.{Minor}";

    /// <summary>A package version ("1:9.2p1-2+deb12u6", "8.7p1", "9.9_p1-r2"); null when it names no release.</summary>
    public static OpenSshVersion? FromPackageVersion(string? version)
    {
        if (string.IsNullOrEmpty(version))
        {
            return null;
        }
        var colon = version.IndexOf(':', StringComparison.Ordinal);
        var match = Regex.Match(colon >= 0 ? version[(colon + 1)..] : version, @"^(\d+)\.(\d+)");
        return match.Success ? new OpenSshVersion(int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value)) : null;
    }

    /// <summary>The "OpenSSH_9.2p1" release banner compiled into a portable OpenSSH sshd binary; null when absent.</summary>
    public static OpenSshVersion? FromBinary(ReadOnlySpan<byte> binary)
    {
        var marker = "OpenSSH_"u8;
        var at = binary.IndexOf(marker);
        while (at >= 0)
        {
            var rest = binary[(at + marker.Length)..];
            var length = 0;
            while (length < rest.Length && length < 16 && (char.IsAsciiDigit((char)rest[length]) || rest[length] == '.'))
            {
                length++;
            }
            // The release banner is "OpenSSH_9.2p1"; compat.c's patterns ("OpenSSH_3.0*", "OpenSSH_7.4*") are no release.
            var isRelease = length + 1 < rest.Length && rest[length] == 'p' && char.IsAsciiDigit((char)rest[length + 1]);
            if (isRelease && FromPackageVersion(Encoding.ASCII.GetString(rest[..length])) is { } version)
            {
                return version;
            }
            var next = rest.IndexOf(marker);
            at = next < 0 ? -1 : at + marker.Length + next;
        }
        return null;
    }
}
