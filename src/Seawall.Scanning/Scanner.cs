namespace Seawall.Scanning;

/// <summary>What a scan looks for (--scanners), as Trivy's names: vuln, secret, misconfig, license.</summary>
public enum Scanner
{
    Vuln,
    Secret,
    Misconfig,
    License,
}

public static class Scanners
{
    /// <summary>What image, rootfs and fs scans look for unless --scanners says otherwise.</summary>
    public static IReadOnlySet<Scanner> Default { get; } = new HashSet<Scanner> { Scanner.Vuln };

    /// <summary>Parses --scanners values: comma-separated or repeated names, any case; an empty value selects none (an SBOM only).</summary>
    /// <exception cref="FormatException">A name that is no scanner.</exception>
    public static IReadOnlySet<Scanner> Parse(IEnumerable<string> values)
    {
        var set = new HashSet<Scanner>();
        foreach (var name in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            set.Add(name.ToLowerInvariant() switch
            {
                "vuln" => Scanner.Vuln,
                "secret" => Scanner.Secret,
                "misconfig" => Scanner.Misconfig,
                "license" => Scanner.License,
                _ => throw new FormatException($"unknown scanner '{name}' (vuln, secret, misconfig, license)"),
            });
        }
        return set;
    }
}
