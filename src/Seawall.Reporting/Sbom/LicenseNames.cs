namespace Seawall.Reporting.Sbom;

/// <summary>
/// Maps the licence names packages declare (Debian's short names, apk/rpm free text) to SPDX ids where the
/// meaning is unambiguous. Anything else stays a name: guessing a licence is worse than saying we do not know.
/// </summary>
public static class LicenseNames
{
    private static readonly Dictionary<string, string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["GPL-1"] = "GPL-1.0-only", ["GPL-1+"] = "GPL-1.0-or-later",
        ["GPL-2"] = "GPL-2.0-only", ["GPL-2+"] = "GPL-2.0-or-later", ["GPL-2.0"] = "GPL-2.0-only", ["GPL-2.0+"] = "GPL-2.0-or-later",
        ["GPL-3"] = "GPL-3.0-only", ["GPL-3+"] = "GPL-3.0-or-later", ["GPL-3.0"] = "GPL-3.0-only", ["GPL-3.0+"] = "GPL-3.0-or-later",
        ["LGPL-2"] = "LGPL-2.0-only", ["LGPL-2+"] = "LGPL-2.0-or-later",
        ["LGPL-2.1"] = "LGPL-2.1-only", ["LGPL-2.1+"] = "LGPL-2.1-or-later",
        ["LGPL-3"] = "LGPL-3.0-only", ["LGPL-3+"] = "LGPL-3.0-or-later", ["LGPL-3.0"] = "LGPL-3.0-only", ["LGPL-3.0+"] = "LGPL-3.0-or-later",
        ["AGPL-3"] = "AGPL-3.0-only", ["AGPL-3+"] = "AGPL-3.0-or-later",
        ["Apache-2"] = "Apache-2.0", ["Apache-2.0"] = "Apache-2.0", ["Apache 2.0"] = "Apache-2.0",
        ["MIT"] = "MIT", ["Expat"] = "MIT",
        ["BSD-2-clause"] = "BSD-2-Clause", ["BSD-3-clause"] = "BSD-3-Clause", ["BSD-4-clause"] = "BSD-4-Clause",
        ["ISC"] = "ISC", ["Zlib"] = "Zlib", ["MPL-2.0"] = "MPL-2.0", ["MPL-1.1"] = "MPL-1.1",
        ["Artistic"] = "Artistic-1.0-Perl", ["Artistic-2.0"] = "Artistic-2.0",
        ["CC0-1.0"] = "CC0-1.0", ["CC0"] = "CC0-1.0", ["0BSD"] = "0BSD", ["Unlicense"] = "Unlicense",
        ["OpenSSL"] = "OpenSSL", ["curl"] = "curl", ["X11"] = "X11", ["BSL-1.0"] = "BSL-1.0",
        ["GFDL-1.2"] = "GFDL-1.2-only", ["GFDL-1.2+"] = "GFDL-1.2-or-later", ["GFDL-1.3"] = "GFDL-1.3-only", ["GFDL-1.3+"] = "GFDL-1.3-or-later",
        ["GPL-2.0-only"] = "GPL-2.0-only", ["GPL-2.0-or-later"] = "GPL-2.0-or-later", ["GPL-3.0-only"] = "GPL-3.0-only", ["GPL-3.0-or-later"] = "GPL-3.0-or-later",
        ["LGPL-2.1-only"] = "LGPL-2.1-only", ["LGPL-2.1-or-later"] = "LGPL-2.1-or-later", ["BSD-2-Clause"] = "BSD-2-Clause", ["BSD-3-Clause"] = "BSD-3-Clause",
        ["Python-2.0"] = "Python-2.0", ["PSF-2.0"] = "PSF-2.0", ["Ruby"] = "Ruby", ["PHP-3.01"] = "PHP-3.01", ["Vim"] = "Vim",
    };

    /// <summary>Every SPDX id the table maps to (tests check each against the SPDX licence list).</summary>
    internal static IEnumerable<string> MappedIds => Known.Values.Distinct(StringComparer.Ordinal);

    /// <summary>The SPDX id for a declared licence, or null when it is not one we can name with confidence.</summary>
    public static string? SpdxId(string declared) => Known.GetValueOrDefault(declared.Trim());
}
