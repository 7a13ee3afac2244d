using System.Text;
using Seawall.Core.Model;
using Seawall.Inventory.Dpkg;

namespace Seawall.Inventory.Purl;

/// <summary>
/// Package URLs (github.com/package-url/purl-spec) for OS packages, in the form Trivy writes them, so
/// SBOMs from both tools line up: deb and rpm versions without the epoch, which goes in an "epoch" qualifier;
/// the distribution in a "distro" qualifier.
/// </summary>
public static class PurlBuilder
{
    public static string? ForOsPackage(string type, Package package, OsInfo? os)
    {
        var family = os?.Family ?? string.Empty;
        var qualifiers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(package.Arch))
        {
            qualifiers["arch"] = package.Arch!;
        }
        string purlType;
        string ns;
        string version;
        switch (type)
        {
            case "dpkg":
                purlType = "deb";
                ns = family.Length > 0 ? family : "debian";
                var deb = DebianVersion.Parse(package.Version);
                version = deb.WithoutEpoch;
                if (deb.Epoch > 0)
                {
                    qualifiers["epoch"] = deb.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                if (os is not null)
                {
                    qualifiers["distro"] = $"{family}-{os.Version}";
                }
                break;
            case "apk":
                purlType = "apk";
                ns = family.Length > 0 ? family : "alpine";
                version = package.Version;
                if (os is not null)
                {
                    qualifiers["distro"] = os.Version;
                }
                break;
            case "rpm":
                purlType = "rpm";
                ns = family.Length > 0 ? family : "redhat";
                version = package.Release is { Length: > 0 } release ? $"{package.Version}-{release}" : package.Version;
                if (package.Epoch is > 0)
                {
                    qualifiers["epoch"] = package.Epoch.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                if (os is not null)
                {
                    qualifiers["distro"] = $"{family}-{os.Version}";
                }
                break;
            default:
                return null;
        }
        return Build(purlType, ns, package.Name, version, qualifiers);
    }

    public static string Build(string type, string? ns, string name, string? version, IReadOnlyDictionary<string, string>? qualifiers = null)
    {
        var sb = new StringBuilder("pkg:").Append(type).Append('/');
        if (!string.IsNullOrEmpty(ns))
        {
            foreach (var segment in ns.Split('/'))
            {
                sb.Append(Escape(segment)).Append('/');
            }
        }
        sb.Append(Escape(name));
        if (!string.IsNullOrEmpty(version))
        {
            sb.Append('@').Append(Escape(version));
        }
        if (qualifiers is { Count: > 0 })
        {
            sb.Append('?').AppendJoin('&', qualifiers.Where(q => q.Value.Length > 0).OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => q.Key + "=" + Escape(q.Value)));
        }
        return sb.ToString();
    }

    /// <summary>Percent-encodes all but the purl spec's unreserved characters (':' is kept, as the spec allows it unencoded).</summary>
    private static string Escape(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '~' or ':' or '+')
            {
                sb.Append(c == '+' ? "%2B" : c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }
}
