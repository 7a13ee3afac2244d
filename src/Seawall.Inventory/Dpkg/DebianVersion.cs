namespace Seawall.Inventory.Dpkg;

/// <summary>A dpkg version split into [epoch:]upstream[-revision] (deb-version(7)).</summary>
public readonly record struct DebianVersion(int Epoch, string Upstream, string Revision)
{
    public static DebianVersion Parse(string version)
    {
        var epoch = 0;
        var colon = version.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && int.TryParse(version.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var e))
        {
            epoch = e;
            version = version[(colon + 1)..];
        }
        var dash = version.LastIndexOf('-');
        return dash > 0 ? new DebianVersion(epoch, version[..dash], version[(dash + 1)..]) : new DebianVersion(epoch, version, string.Empty);
    }

    /// <summary>The version without its epoch: what Trivy and most SBOM tools put in a deb purl.</summary>
    public string WithoutEpoch => Revision.Length == 0 ? Upstream : Upstream + "-" + Revision;
}
