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
                return ForRpm(package, os);
            default:
                return null;
        }
        return Build(purlType, ns, package.Name, version, qualifiers);
    }

    /// <summary>
    /// Trivy's rpm purl: the OS family as namespace, "version-release" as version, and the qualifiers in Trivy's order
    /// (arch, epoch when not 0, distro, modularitylabel) rather than sorted, so the strings compare equal.
    /// </summary>
    private static string ForRpm(Package package, OsInfo? os)
    {
        var qualifiers = new List<KeyValuePair<string, string>>();
        if (!string.IsNullOrEmpty(package.Arch))
        {
            qualifiers.Add(new("arch", package.Arch!));
        }
        if (package.Epoch is { } epoch and not 0)
        {
            qualifiers.Add(new("epoch", epoch.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        if (os is not null)
        {
            qualifiers.Add(new("distro", $"{os.Family}-{os.Version}"));
        }
        if (!string.IsNullOrEmpty(package.ModularityLabel))
        {
            qualifiers.Add(new("modularitylabel", package.ModularityLabel!));
        }
        // Package.Version already is "version-release" for rpm.
        return BuildInOrder("rpm", os?.Family, package.Name, package.Version, qualifiers);
    }

    public static string Build(string type, string? ns, string name, string? version, IReadOnlyDictionary<string, string>? qualifiers = null) =>
        BuildInOrder(type, ns, name, version, qualifiers?.OrderBy(q => q.Key, StringComparer.Ordinal).ToList());

    /// <summary>Like <see cref="Build"/>, with the qualifiers in the order given.</summary>
    public static string BuildInOrder(string type, string? ns, string name, string? version, IReadOnlyList<KeyValuePair<string, string>>? qualifiers)
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
            sb.Append('?').AppendJoin('&', qualifiers.Where(q => q.Value.Length > 0).Select(q => q.Key + "=" + Escape(q.Value)));
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
