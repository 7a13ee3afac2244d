using System.IO.Compression;
using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Java;

/// <summary>
/// Walks a Java archive and the archives nested in it (WEB-INF/lib, BOOT-INF/lib, EAR modules), in memory and within
/// <see cref="ArchiveLimits"/>. One walk both finds the packages and, when asked, writes the condensed archive: only the
/// entries it reads (pom.properties, the manifest's main section, nested archives condensed the same way). Because
/// both come from the same decisions, a condensed archive reads exactly as the original, warnings included: where the
/// walk skips something, the condensed archive keeps an empty entry (or archive) whose comment carries the reason.
/// </summary>
internal sealed class JarWalker
{
    private const string SkipMarker = "seawall-skipped: ";
    private static readonly DateTimeOffset FixedTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly bool _condense;
    private readonly List<Package> _packages = [];
    private readonly List<string> _warnings = [];
    private long _expanded;

    private JarWalker(bool condense) => _condense = condense;

    /// <summary>The Maven packages in the archive at <paramref name="path"/>, with a warning for everything skipped.</summary>
    public static (IReadOnlyList<Package> Packages, IReadOnlyList<string> Warnings) Scan(string path, byte[] content)
    {
        var walker = new JarWalker(condense: false);
        walker.Walk(path, content, depth: 0);
        return (Deduplicate(walker._packages), walker._warnings);
    }

    /// <summary>The archive reduced to the entries <see cref="Scan"/> reads; idempotent.</summary>
    public static byte[] Condense(string path, byte[] content) => new JarWalker(condense: true).Walk(path, content, depth: 0)!;

    /// <returns>The condensed archive when condensing, else null.</returns>
    private byte[]? Walk(string path, byte[] content, int depth)
    {
        var count = ZipDirectory.DeclaredEntryCount(content);
        if (count is null)
        {
            return SkipArchive(path, "is not a zip archive");
        }
        if (count > ArchiveLimits.MaxEntries)
        {
            return SkipArchive(path, $"lists {count} entries, over the cap of {ArchiveLimits.MaxEntries}");
        }
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or ArgumentException or NotSupportedException)
        {
            return SkipArchive(path, "is not a readable zip archive");
        }
        using (archive)
        {
            if (archive.Entries.Count == 0 && archive.Comment.StartsWith(SkipMarker, StringComparison.Ordinal))
            {
                // A condensed archive standing for one that was skipped: repeat why.
                return SkipArchive(path, archive.Comment[SkipMarker.Length..]);
            }
            var output = _condense ? new MemoryStream() : null;
            using (var condensed = output is null ? null : new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            {
                WalkEntries(path, archive, depth, condensed);
            }
            return output?.ToArray();
        }
    }

    private void WalkEntries(string path, ZipArchive archive, int depth, ZipArchive? condensed)
    {
        var fileName = PomProperties.FromFileName(TreePath.FileName(path));
        var describesItself = false;
        var propertiesFound = 0;
        JarManifest? manifest = null;
        foreach (var entry in archive.Entries)
        {
            var kind = Classify(entry.FullName);
            if (kind == EntryKind.Other)
            {
                continue;
            }
            if (entry.Length == 0 && entry.Comment.StartsWith(SkipMarker, StringComparison.Ordinal))
            {
                SkipEntry(path, entry.FullName, entry.Comment[SkipMarker.Length..], condensed);
                continue;
            }
            switch (kind)
            {
                case EntryKind.PomProperties:
                    if (Read(path, entry, ArchiveLimits.MaxPropertiesBytes, prefixOnly: false, condensed) is { } properties)
                    {
                        if (PomProperties.Parse(properties) is var (group, artifact, version))
                        {
                            _packages.Add(MavenPackage(group, artifact, version, path));
                            propertiesFound++;
                            // Trivy's test: the properties name the jar itself when artifactId and version match its file name.
                            describesItself |= fileName is { } f && f.ArtifactId == artifact && f.Version == version;
                        }
                        Write(condensed, entry.FullName, properties);
                    }
                    break;
                case EntryKind.Manifest:
                    if (Read(path, entry, ArchiveLimits.MaxManifestBytes, prefixOnly: true, condensed) is { } bytes)
                    {
                        manifest = JarManifest.Parse(bytes);
                        Write(condensed, entry.FullName, bytes.AsSpan(0, manifest.MainSectionLength));
                    }
                    break;
                case EntryKind.Archive:
                    WalkNested(path, entry, depth, condensed);
                    break;
            }
        }
        // A file name without a version ("cdi-api.jar", as Debian installs jars) cannot tell; then a lone pom.properties is
        // taken to be the jar's own. Trivy would ask its Java DB whether the manifest's coordinates exist and drop them.
        describesItself |= fileName is null && propertiesFound == 1;
        // Without a pom.properties of its own, the jar is named by its manifest (offline Trivy does the same; online it
        // would also ask Maven Central by SHA-1 or file name, which an offline scanner cannot).
        if (!describesItself && manifest?.Artifact() is var (g, a, v))
        {
            _packages.Add(MavenPackage(g, a, v, path));
        }
    }

    private void WalkNested(string path, ZipArchiveEntry entry, int depth, ZipArchive? condensed)
    {
        var name = entry.FullName;
        if (TreePath.Normalize(name) is not { Length: > 0 } inner)
        {
            SkipEntry(path, name, "climbs out of the archive", condensed);
            return;
        }
        if (depth + 1 > ArchiveLimits.MaxNestingDepth)
        {
            SkipEntry(path, name, $"is nested more than {ArchiveLimits.MaxNestingDepth} archives deep", condensed);
            return;
        }
        if (entry.Length > ArchiveLimits.MaxNestedArchiveBytes)
        {
            SkipEntry(path, name, $"expands to {entry.Length} bytes, over the cap of {ArchiveLimits.MaxNestedArchiveBytes}", condensed);
            return;
        }
        if (entry.Length > ArchiveLimits.RatioCheckFloorBytes && entry.Length > entry.CompressedLength * ArchiveLimits.MaxNestedExpansionRatio)
        {
            SkipEntry(path, name, $"expands {entry.Length / Math.Max(1, entry.CompressedLength)} times (a zip bomb?)", condensed);
            return;
        }
        if (_expanded + entry.Length > ArchiveLimits.MaxTotalExpandedBytes)
        {
            SkipEntry(path, name, $"would take the archive's expanded size over {ArchiveLimits.MaxTotalExpandedBytes} bytes", condensed);
            return;
        }
        if (Read(path, entry, ArchiveLimits.MaxNestedArchiveBytes, prefixOnly: false, condensed) is not { } content)
        {
            return;
        }
        _expanded += content.Length;
        var nested = Walk(path + "/" + inner, content, depth + 1);
        if (nested is not null)
        {
            Write(condensed, name, nested);
        }
    }

    /// <summary>
    /// The entry's bytes, at most <paramref name="cap"/>: the declared size is not trusted, the stream is cut at the cap.
    /// With <paramref name="prefixOnly"/> a longer entry yields its first <paramref name="cap"/> bytes; otherwise it is skipped.
    /// </summary>
    private byte[]? Read(string path, ZipArchiveEntry entry, int cap, bool prefixOnly, ZipArchive? condensed)
    {
        if (!prefixOnly && entry.Length > cap)
        {
            SkipEntry(path, entry.FullName, $"expands to {entry.Length} bytes, over the cap of {cap}", condensed);
            return null;
        }
        try
        {
            using var stream = entry.Open();
            var buffer = new byte[(int)Math.Min(cap + 1L, Math.Max(entry.Length + 1, 4096))];
            var total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (buffer.Length > cap)
                    {
                        break;
                    }
                    Array.Resize(ref buffer, (int)Math.Min(cap + 1L, buffer.Length * 2L));
                }
                var n = stream.Read(buffer, total, buffer.Length - total);
                if (n == 0)
                {
                    break;
                }
                total += n;
            }
            if (total > cap)
            {
                if (!prefixOnly)
                {
                    SkipEntry(path, entry.FullName, $"expands past the cap of {cap} bytes", condensed);
                    return null;
                }
                total = cap;
            }
            return buffer.AsSpan(0, total).ToArray();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or NotSupportedException)
        {
            SkipEntry(path, entry.FullName, "cannot be decompressed", condensed);
            return null;
        }
    }

    private byte[]? SkipArchive(string path, string reason)
    {
        _warnings.Add($"{path}: {reason}; not read");
        if (!_condense)
        {
            return null;
        }
        var output = new MemoryStream();
        using (var marker = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            marker.Comment = SkipMarker + reason;
        }
        return output.ToArray();
    }

    private void SkipEntry(string path, string entryName, string reason, ZipArchive? condensed)
    {
        _warnings.Add($"{path}: entry '{entryName}' {reason}; not read");
        if (condensed is not null)
        {
            var marker = condensed.CreateEntry(entryName, CompressionLevel.NoCompression);
            marker.LastWriteTime = FixedTime;
            marker.Comment = SkipMarker + reason;
        }
    }

    private static void Write(ZipArchive? condensed, string entryName, ReadOnlySpan<byte> content)
    {
        if (condensed is null)
        {
            return;
        }
        // Stored and with a fixed time, so condensing the same input always gives the same bytes.
        var entry = condensed.CreateEntry(entryName, CompressionLevel.NoCompression);
        entry.LastWriteTime = FixedTime;
        using var stream = entry.Open();
        stream.Write(content);
    }

    private enum EntryKind
    {
        Other,
        PomProperties,
        Manifest,
        Archive,
    }

    private static EntryKind Classify(string name)
    {
        var fileName = name[(name.LastIndexOf('/') + 1)..];
        if (fileName == "pom.properties")
        {
            return EntryKind.PomProperties;
        }
        if (name.Equals("META-INF/MANIFEST.MF", StringComparison.OrdinalIgnoreCase))
        {
            return EntryKind.Manifest;
        }
        return IsNestedArchive(fileName) ? EntryKind.Archive : EntryKind.Other;
    }

    /// <summary>Nested archives Trivy opens: jar, war and ear (a .par is only read at the top).</summary>
    private static bool IsNestedArchive(string fileName) =>
        fileName.EndsWith(".jar", StringComparison.OrdinalIgnoreCase)
        || fileName.EndsWith(".war", StringComparison.OrdinalIgnoreCase)
        || fileName.EndsWith(".ear", StringComparison.OrdinalIgnoreCase);

    private static Package MavenPackage(string group, string artifact, string version, string path) => new()
    {
        Name = group + ":" + artifact,
        Version = version,
        Ecosystem = "Maven",
        FilePath = path,
    };

    /// <summary>
    /// One package per name, archive and version; "2.17" and "2.17.0" are the same version (Maven pads with zeros),
    /// as in Trivy's removePackageDuplicates. The first spelling is kept.
    /// </summary>
    private static List<Package> Deduplicate(List<Package> packages) =>
        [.. packages.DistinctBy(p => (p.Name, p.FilePath, WithoutTrailingZeros(p.Version)))];

    private static string WithoutTrailingZeros(string version)
    {
        var trimmed = version;
        while (trimmed.EndsWith(".0", StringComparison.Ordinal))
        {
            trimmed = trimmed[..^2];
        }
        return trimmed;
    }
}
