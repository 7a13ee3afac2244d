using Seawall.Core.Errors;
using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Inventory.Rpm;

/// <summary>What one rpm database held: its format, the packages, and the headers that had to be skipped.</summary>
public sealed record RpmReadResult(RpmDatabaseFormat Format, IReadOnlyList<Package> Packages, IReadOnlyList<string> Warnings);

/// <summary>Turns an rpm database into packages: the three storage formats share one header parser.</summary>
public static class RpmPackageReader
{
    // Header tags (rpmtag.h).
    private const int TagName = 1000;
    private const int TagVersion = 1001;
    private const int TagRelease = 1002;
    private const int TagEpoch = 1003;
    private const int TagVendor = 1011;
    private const int TagLicense = 1014;
    private const int TagArch = 1022;
    private const int TagOldFileNames = 1027;
    private const int TagSourceRpm = 1044;
    private const int TagProvideName = 1047;
    private const int TagRequireName = 1049;
    private const int TagDirIndexes = 1116;
    private const int TagBaseNames = 1117;
    private const int TagDirNames = 1118;
    private const int TagModularityLabel = 5096;

    /// <summary>Every tag this reader looks at: the condensed form of a database keeps these and nothing else.</summary>
    internal static readonly IReadOnlyList<int> TagsRead =
    [
        TagName, TagVersion, TagRelease, TagEpoch, TagVendor, TagLicense, TagArch, TagOldFileNames, TagSourceRpm,
        TagProvideName, TagRequireName, TagDirIndexes, TagBaseNames, TagDirNames, TagModularityLabel,
    ];

    /// <summary>Warnings name at most this many bad headers, then a count: a hostile file must not flood the report.</summary>
    private const int MaxHeaderWarnings = 5;

    /// <summary>
    /// Reads every package. A database whose structure is broken throws <see cref="ScanException"/>; a single header
    /// that is broken is skipped with a warning, and the others are still read. gpg-pubkey entries (imported signing
    /// keys that rpm stores as pseudo-packages) are not packages and are left out.
    /// </summary>
    public static RpmReadResult Read(byte[] content)
    {
        var format = RpmDatabase.Detect(content);
        var blobs = RpmDatabase.ReadHeaderBlobs(content);
        var packages = new List<(Package Package, IReadOnlyList<string> Provides, IReadOnlyList<string> Requires)>(blobs.Count);
        var warnings = new List<string>();
        var bad = 0;
        for (var i = 0; i < blobs.Count; i++)
        {
            try
            {
                var header = RpmHeader.Parse(blobs[i]);
                var package = ToPackage(header);
                if (package is not null)
                {
                    packages.Add((package, header.GetStringArray(TagProvideName), header.GetStringArray(TagRequireName)));
                }
            }
            catch (ScanException ex)
            {
                if (++bad <= MaxHeaderWarnings)
                {
                    warnings.Add($"rpm header {i + 1} skipped: {ex.Message}");
                }
            }
        }
        if (bad > MaxHeaderWarnings)
        {
            warnings.Add($"{bad - MaxHeaderWarnings} more rpm headers skipped");
        }
        return new RpmReadResult(format, ResolveDependencies(packages), warnings);
    }

    /// <summary>The package a header describes, or null for a gpg-pubkey entry. Throws <see cref="ScanException"/> when a required tag is missing or broken.</summary>
    internal static Package? ToPackage(RpmHeader header)
    {
        var name = header.GetString(TagName);
        var version = header.GetString(TagVersion);
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(version))
        {
            throw new ScanException("header has no NAME or VERSION");
        }
        if (name == "gpg-pubkey")
        {
            return null;
        }
        var release = NullIfNone(header.GetString(TagRelease));
        var source = SplitSourceRpm(NullIfNone(header.GetString(TagSourceRpm)));
        var license = NullIfNone(header.GetString(TagLicense));
        return new Package
        {
            Name = name,
            // Package.Version is rpm's "version-release"; the epoch stays apart, as `rpm -q` prints it.
            Version = release is null ? version : $"{version}-{release}",
            Epoch = header.GetInt32(TagEpoch),
            Release = release,
            Arch = NullIfNone(header.GetString(TagArch)),
            SourceName = source?.Name,
            SourceVersion = source is { } s ? $"{s.Version}-{s.Release}" : null,
            Licenses = license is null ? [] : [license],
            Maintainer = NullIfNone(header.GetString(TagVendor)),
            InstalledFiles = InstalledFiles(header),
            ModularityLabel = NullIfNone(header.GetString(TagModularityLabel)),
        };
    }

    /// <summary>
    /// Splits a SOURCERPM file name, "name-version-release.src.rpm", from the right: names may hold hyphens, versions and
    /// releases may not. Null when the name does not have that shape.
    /// </summary>
    public static (string Name, string Version, string Release)? SplitSourceRpm(string? fileName)
    {
        if (string.IsNullOrEmpty(fileName))
        {
            return null;
        }
        var stem = fileName.EndsWith(".rpm", StringComparison.Ordinal) ? fileName[..^4] : fileName;
        var archDot = stem.LastIndexOf('.');
        if (archDot <= 0)
        {
            return null;
        }
        var releaseDash = stem.LastIndexOf('-', archDot - 1);
        if (releaseDash <= 0)
        {
            return null;
        }
        var versionDash = stem.LastIndexOf('-', releaseDash - 1);
        if (versionDash <= 0)
        {
            return null;
        }
        var version = stem[(versionDash + 1)..releaseDash];
        var release = stem[(releaseDash + 1)..archDot];
        return version.Length == 0 || release.Length == 0 ? null : (stem[..versionDash], version, release);
    }

    /// <summary>Owned paths: DIRNAMES[DIRINDEXES[i]] + BASENAMES[i] (rpm 4.x), or OLDFILENAMES in headers from rpm 3.</summary>
    private static IReadOnlyList<string> InstalledFiles(RpmHeader header)
    {
        var baseNames = header.GetStringArray(TagBaseNames);
        IEnumerable<string> paths;
        if (baseNames.Count > 0)
        {
            var dirIndexes = header.GetInt32Array(TagDirIndexes);
            var dirNames = header.GetStringArray(TagDirNames);
            if (dirIndexes.Count != baseNames.Count)
            {
                throw new ScanException($"header has {baseNames.Count} BASENAMES but {dirIndexes.Count} DIRINDEXES");
            }
            var list = new string[baseNames.Count];
            for (var i = 0; i < list.Length; i++)
            {
                var dir = dirIndexes[i];
                if (dir < 0 || dir >= dirNames.Count)
                {
                    throw new ScanException($"header DIRINDEXES[{i}] = {dir} is outside the {dirNames.Count} DIRNAMES");
                }
                list[i] = dirNames[dir] + baseNames[i];
            }
            paths = list;
        }
        else
        {
            paths = header.GetStringArray(TagOldFileNames);
        }
        var result = new List<string>();
        foreach (var path in paths)
        {
            if (TreePath.Normalize(path) is { Length: > 0 } normalized)
            {
                result.Add(normalized);
            }
        }
        return result;
    }

    /// <summary>
    /// DependsOn names the packages whose PROVIDENAME satisfies one of a package's REQUIRENAME entries (the way Trivy
    /// resolves rpm dependencies); requirements nothing installed provides, and a package's own provides, are dropped.
    /// </summary>
    private static List<Package> ResolveDependencies(List<(Package Package, IReadOnlyList<string> Provides, IReadOnlyList<string> Requires)> packages)
    {
        var providers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (package, provides, _) in packages)
        {
            foreach (var provide in provides)
            {
                providers[provide] = package.Name;
            }
        }
        var result = new List<Package>(packages.Count);
        foreach (var (package, _, requires) in packages)
        {
            var depends = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var require in requires)
            {
                if (providers.TryGetValue(require, out var provider) && provider != package.Name)
                {
                    depends.Add(provider);
                }
            }
            result.Add(depends.Count == 0 ? package : package with { DependsOn = [.. depends] });
        }
        return result;
    }

    /// <summary>rpm writes the literal "(none)" for an unset SOURCERPM, LICENSE or VENDOR in some headers.</summary>
    private static string? NullIfNone(string? value) => string.IsNullOrEmpty(value) || value == "(none)" ? null : value;
}
