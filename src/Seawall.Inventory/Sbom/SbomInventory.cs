using System.Globalization;
using Seawall.Core.Model;
using Seawall.Inventory.Dpkg;
using Seawall.Inventory.Os;
using Seawall.Inventory.Purl;
using Seawall.Inventory.Rpm;

namespace Seawall.Inventory.Sbom;

/// <summary>
/// Turns a parsed SBOM into the report a scan of the same artifact gives: packages named, versioned and grouped
/// as Seawall's analyzers do, so vulnerability matching treats them alike. Identity comes from each component's
/// purl; what the purl does not carry (source package, file, layer, result type) from the properties the
/// producer writes: Seawall's own (seawall:*), Trivy's (aquasecurity:trivy:*) and Syft's (syft:*).
/// </summary>
internal static class SbomInventory
{
    private const string Trivy = "aquasecurity:trivy:";

    /// <summary>How many names a summary warning lists before "and N more".</summary>
    private const int ExamplesPerWarning = 5;

    private sealed record Entry(string ComponentRef, ResultClass Class, string Type, string Target, Package Package);

    public static ScanReport ToReport(SbomDocument document, ArtifactInfo artifact)
    {
        var warnings = new List<string>(document.Warnings);
        var byRef = document.Components.ToDictionary(c => c.Ref, StringComparer.Ordinal);
        var applicationOf = ApplicationsByMember(document);
        var subjectLayers = SubjectLayers(document.Subject);
        var layerIndex = subjectLayers.Select((diffId, i) => (diffId, i)).GroupBy(x => x.diffId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        var os = document.Components.Where(c => c.Kind == ComponentKind.OperatingSystem && !string.IsNullOrEmpty(c.Name))
            .Select(c => new OsInfo(OsFamily(c.Name!), OsVersion(c.Version)))
            .FirstOrDefault();
        var distros = new List<OsInfo>();

        var entries = new List<Entry>();
        var withoutPurl = new List<string>();
        var invalidPurl = new List<string>();
        var unknownTypes = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var component in document.Components)
        {
            if (component.Kind == ComponentKind.OperatingSystem)
            {
                continue;
            }
            if (component.Purl is null)
            {
                // Applications without a purl are Trivy's lockfiles and binaries: structure, not packages.
                if (component.Kind == ComponentKind.Library)
                {
                    withoutPurl.Add(Describe(component));
                }
                continue;
            }
            if (!PackageUrl.TryParse(component.Purl, out var purl, out var error))
            {
                invalidPurl.Add($"{Describe(component)} ({Languages.LanguageResults.OneLine(error)})");
                continue;
            }
            var osType = PurlPackages.OsPackageTypeOf(purl.Type);
            var ecosystem = PurlPackages.EcosystemOf(purl.Type);
            // A container or file component with an image purl (pkg:oci) describes the artifact, not a package in it.
            if (component.Kind == ComponentKind.Other && osType is null && ecosystem is null)
            {
                continue;
            }
            var app = applicationOf.GetValueOrDefault(component.Ref) is { } appRef ? byRef.GetValueOrDefault(appRef) : null;
            var filePath = FilePath(component, app);
            var layer = Layer(component, layerIndex);
            if (osType is not null)
            {
                var (package, distro) = OsPackage(component, purl, osType);
                if (distro is not null)
                {
                    distros.Add(distro);
                }
                var type = component.Property("seawall:package:type") ?? osType;
                entries.Add(new Entry(component.Ref, ResultClass.OsPackages, type, filePath ?? string.Empty, package with { FilePath = filePath, Layer = layer }));
            }
            else if (ecosystem is not null)
            {
                var written = component.Group is { } group ? group + (ecosystem == "Maven" ? ":" : "/") + component.Name : component.Name;
                var package = new Package
                {
                    Name = PurlPackages.NameOf(purl, ecosystem, written),
                    Version = PurlPackages.VersionOf(ecosystem, purl.Version ?? component.Version),
                    Ecosystem = ecosystem,
                    Purl = component.Purl,
                    Licenses = component.Licenses,
                    FilePath = filePath,
                    Layer = layer,
                    Direct = component.Property("seawall:package:direct") switch { "true" => true, "false" => false, _ => null },
                    Dev = component.Property("seawall:package:dev") == "true",
                    OwnedBy = component.Property("seawall:package:ownedBy"),
                };
                var type = LanguageType(component, app, ecosystem, filePath);
                var target = app is not null ? ApplicationPath(app) : filePath is not null ? SbomResultTypes.TargetFor(type, filePath) : ecosystem;
                entries.Add(new Entry(component.Ref, ResultClass.LangPackages, type, target, package));
            }
            else
            {
                // No advisory database keys this type: keep the package listed, say it cannot be matched.
                (unknownTypes.TryGetValue(purl.Type, out var list) ? list : unknownTypes[purl.Type] = []).Add(Describe(component));
                var package = new Package
                {
                    Name = purl.Namespace is { } ns ? ns + "/" + purl.Name : purl.Name,
                    Version = purl.Version ?? component.Version ?? string.Empty,
                    Purl = component.Purl,
                    Licenses = component.Licenses,
                    FilePath = filePath,
                    Layer = layer,
                };
                entries.Add(new Entry(component.Ref, ResultClass.LangPackages, purl.Type, filePath ?? purl.Type, package));
            }
        }

        os ??= distros.GroupBy(d => d).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault();
        if (withoutPurl.Count > 0)
        {
            warnings.Add($"{Count(withoutPurl.Count, "component")} without a purl skipped (nothing to identify the package by): {Examples(withoutPurl)}");
        }
        if (invalidPurl.Count > 0)
        {
            warnings.Add($"{Count(invalidPurl.Count, "component")} with an invalid purl skipped: {Examples(invalidPurl)}");
        }
        foreach (var (type, names) in unknownTypes)
        {
            warnings.Add($"{Count(names.Count, "package")} of purl type '{type}' kept without an ecosystem (no advisory source for it): {Examples(names)}");
        }

        var osLabel = os is null ? null : $"{os.Family} {os.Version}".Trim();
        var results = entries
            .GroupBy(e => (e.Class, e.Type, Target: e.Class == ResultClass.OsPackages && e.Target.Length == 0 ? osLabel ?? e.Type : e.Target))
            .Select(g => new ScanResult
            {
                Target = g.Key.Target,
                Class = g.Key.Class,
                Type = g.Key.Type,
                Packages = WithDependencies([.. g], document.Dependencies),
            })
            .OrderBy(r => r.Class)
            .ThenBy(r => r.Target, StringComparer.Ordinal)
            .ThenBy(r => r.Type, StringComparer.Ordinal)
            .ToList();
        return new ScanReport
        {
            Artifact = artifact with
            {
                Digest = artifact.Digest ?? SubjectDigest(document.Subject),
                Layers = LayersWithSteps(subjectLayers, entries),
                RepoTags = document.Subject is { } s ? [.. s.PropertyValues("seawall:image:repoTag").Concat(s.PropertyValues(Trivy + "RepoTag")).Distinct(StringComparer.Ordinal)] : [],
            },
            Os = os,
            Results = results,
            Warnings = warnings,
        };
    }

    /// <summary>
    /// Members of each application component without a purl (Trivy's lockfiles and binaries): nested in it, contained
    /// by it (SPDX), or listed in its dependencies (Trivy's CycloneDX).
    /// </summary>
    private static Dictionary<string, string> ApplicationsByMember(SbomDocument document)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var component in document.Components)
        {
            if (component.ParentRef is { } parent)
            {
                map[component.Ref] = parent;
            }
        }
        // Trivy's application lists its direct dependencies only; the transitive ones are reached through them.
        var apps = document.Components.Where(c => c.Kind == ComponentKind.Application && c.Purl is null).Select(c => c.Ref).ToHashSet(StringComparer.Ordinal);
        foreach (var app in apps)
        {
            var queue = new Queue<string>(document.Dependencies.GetValueOrDefault(app) ?? []);
            while (queue.TryDequeue(out var member))
            {
                if (apps.Contains(member) || !map.TryAdd(member, app))
                {
                    continue;
                }
                foreach (var next in document.Dependencies.GetValueOrDefault(member) ?? [])
                {
                    queue.Enqueue(next);
                }
            }
        }
        return map;
    }

    private static string ApplicationPath(SbomComponent app) => (app.FilePath ?? app.Name ?? app.Ref).TrimStart('/');

    /// <summary>The file the package was read from, as each producer records it; rooted paths lose their leading slash, as in Seawall's reports.</summary>
    private static string? FilePath(SbomComponent component, SbomComponent? app)
    {
        var path = component.Property("seawall:package:filePath")
            ?? component.Property(Trivy + "FilePath")
            ?? component.Property("syft:location:0:path")
            ?? component.FilePath
            ?? (app is null ? null : ApplicationPath(app));
        return string.IsNullOrEmpty(path) ? null : path.TrimStart('/');
    }

    private static string LanguageType(SbomComponent component, SbomComponent? app, string ecosystem, string? filePath) =>
        component.Property("seawall:package:type")
        ?? app?.Property(Trivy + "Type")
        ?? component.Property(Trivy + "PkgType")
        ?? (filePath is null ? null : SbomResultTypes.FromPath(ecosystem, filePath))
        ?? SbomResultTypes.ForEcosystem(ecosystem);

    /// <summary>The layer that brought the package in: Seawall's own properties, else Trivy's or Syft's diffID placed in the subject's layer list.</summary>
    private static LayerRef? Layer(SbomComponent component, Dictionary<string, int> layerIndex)
    {
        if (component.Property("seawall:layer:diffId") is { } diffId
            && int.TryParse(component.Property("seawall:layer:index"), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return new LayerRef(index, diffId, component.Property("seawall:layer:createdBy"));
        }
        var other = component.Property(Trivy + "LayerDiffID") ?? component.Property("syft:location:0:layerID");
        return other is not null && layerIndex.TryGetValue(other, out var position) ? new LayerRef(position, other, null) : null;
    }

    /// <summary>
    /// The image's layer diffIDs in order, as the subject lists them: one property each (Seawall, Trivy's SPDX) or
    /// one comma-separated property (Trivy's CycloneDX).
    /// </summary>
    private static List<string> SubjectLayers(SbomComponent? subject) =>
        subject is null ? [] : [.. subject.PropertyValues("seawall:image:diffId").Concat(subject.PropertyValues(Trivy + "DiffID"))
            .SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    private static IReadOnlyList<LayerRef> LayersWithSteps(List<string> diffIds, List<Entry> entries)
    {
        var steps = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var layer in entries.Select(e => e.Package.Layer).OfType<LayerRef>())
        {
            if (layer.CreatedBy is { } step)
            {
                steps.TryAdd(layer.DiffId, step);
            }
        }
        return [.. diffIds.Select((d, i) => new LayerRef(i, d, steps.GetValueOrDefault(d)))];
    }

    private static string? SubjectDigest(SbomComponent? subject)
    {
        var id = subject?.Property("seawall:image:id") ?? subject?.Property(Trivy + "ImageID");
        return id is not null && id.Length == 71 && id.StartsWith("sha256:", StringComparison.Ordinal) && id[7..].All(char.IsAsciiHexDigitLower) ? id : null;
    }

    /// <summary>A deb, apk or rpm package as Seawall's dpkg, apk and rpm analyzers give it, and the distribution its purl names.</summary>
    private static (Package Package, OsInfo? Distro) OsPackage(SbomComponent component, PackageUrl purl, string type)
    {
        var raw = purl.Version ?? component.Version ?? string.Empty;
        int? epoch = int.TryParse(purl.Qualifier("epoch"), NumberStyles.None, CultureInfo.InvariantCulture, out var e) ? e : null;
        // Syft writes the epoch into the version ("1:2.38.1-5"); Trivy and Seawall into a qualifier.
        var colon = raw.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && int.TryParse(raw.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var inVersion))
        {
            epoch ??= inVersion;
            raw = raw[(colon + 1)..];
        }
        var (sourceName, sourceVersion) = Source(component, purl, type);
        var package = new Package
        {
            Name = purl.Name,
            Version = raw,
            Arch = purl.Qualifier("arch"),
            Purl = component.Purl,
            Licenses = component.Licenses,
            Maintainer = component.Supplier,
            ModularityLabel = purl.Qualifier("modularitylabel"),
        };
        switch (type)
        {
            case "dpkg":
                // Package.Version is dpkg's "epoch:upstream-revision"; without a Source field the source is the package itself.
                var deb = DebianVersion.Parse(raw);
                var full = epoch is > 0 ? $"{epoch.Value.ToString(CultureInfo.InvariantCulture)}:{deb.WithoutEpoch}" : deb.WithoutEpoch;
                package = package with
                {
                    Version = full,
                    Epoch = epoch is > 0 ? epoch : null,
                    Release = deb.Revision.Length == 0 ? null : deb.Revision,
                    SourceName = sourceName ?? purl.Name,
                    SourceVersion = sourceVersion ?? full,
                };
                break;
            case "apk":
                package = package with { SourceName = sourceName ?? purl.Name, SourceVersion = sourceVersion ?? raw };
                break;
            default:
                // rpm: "version-release", the epoch apart, as rpm -q prints it; the source's too (Trivy's SPDX writes
                // "1:1.19-2" in sourceInfo, Seawall's rpm reader gives SOURCERPM's "1.19-2").
                var dash = raw.LastIndexOf('-');
                if (sourceVersion is not null && sourceVersion.IndexOf(':', StringComparison.Ordinal) is var sourceColon and > 0
                    && sourceVersion[..sourceColon].All(char.IsAsciiDigit))
                {
                    sourceVersion = sourceVersion[(sourceColon + 1)..];
                }
                package = package with
                {
                    Epoch = epoch,
                    Release = dash > 0 ? raw[(dash + 1)..] : null,
                    SourceName = sourceName,
                    SourceVersion = sourceVersion,
                };
                break;
        }
        return (package, Distro(purl));
    }

    /// <summary>The source package: Seawall's properties, Trivy's SrcName/SrcVersion/SrcRelease/SrcEpoch, SPDX sourceInfo, Syft's metadata, or the purl's upstream qualifier.</summary>
    private static (string? Name, string? Version) Source(SbomComponent component, PackageUrl purl, string type)
    {
        if (component.Property("seawall:package:sourceName") is { } seawallName)
        {
            return (seawallName, component.Property("seawall:package:sourceVersion"));
        }
        if (component.Property(Trivy + "SrcName") is { } trivyName)
        {
            var version = component.Property(Trivy + "SrcVersion");
            if (version is not null && component.Property(Trivy + "SrcRelease") is { Length: > 0 } release)
            {
                version += "-" + release;
            }
            // rpm source versions are "version-release" without the epoch, as Seawall's rpm reader gives them.
            if (version is not null && type == "dpkg" && component.Property(Trivy + "SrcEpoch") is { } srcEpoch && srcEpoch != "0")
            {
                version = srcEpoch + ":" + version;
            }
            return (trivyName, version);
        }
        if (component.SourceName is { } spdxName)
        {
            return (spdxName, component.SourceVersion);
        }
        var syftSource = component.Property("syft:metadata:source") ?? component.Property("syft:metadata:originPackage");
        if (!string.IsNullOrEmpty(syftSource))
        {
            return (syftSource, NullIfEmpty(component.Property("syft:metadata:sourceVersion")));
        }
        if (component.Property("syft:metadata:sourceRpm") is { } sourceRpm && RpmPackageReader.SplitSourceRpm(sourceRpm) is { } fromSyft)
        {
            return (fromSyft.Name, $"{fromSyft.Version}-{fromSyft.Release}");
        }
        if (purl.Qualifier("upstream") is { } upstream)
        {
            if (type == "rpm")
            {
                return RpmPackageReader.SplitSourceRpm(upstream) is { } rpm ? (rpm.Name, $"{rpm.Version}-{rpm.Release}") : (upstream, null);
            }
            // "name" or "name@version" (Syft); a version may hold ':' but never '@'.
            var at = upstream.IndexOf('@', StringComparison.Ordinal);
            return at > 0 ? (upstream[..at], upstream[(at + 1)..]) : (upstream, null);
        }
        return (null, null);
    }

    /// <summary>
    /// The distro qualifier: "debian-12.5", "redhat-9.3", "opensuse-leap-15.5", or a bare "3.18.0" (apk, Trivy and
    /// Seawall) whose family is the purl namespace. Anything after a space ("amazon-2023 (Amazon Linux)") is dropped.
    /// </summary>
    private static OsInfo? Distro(PackageUrl purl)
    {
        var distro = purl.Qualifier("distro");
        if (string.IsNullOrEmpty(distro))
        {
            return null;
        }
        var space = distro.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0)
        {
            distro = distro[..space];
        }
        for (var i = 1; i < distro.Length - 1; i++)
        {
            if (distro[i] == '-' && char.IsAsciiDigit(distro[i + 1]))
            {
                return new OsInfo(OsFamily(distro[..i]), distro[(i + 1)..]);
            }
        }
        return char.IsAsciiDigit(distro[0]) && purl.Namespace is { } ns ? new OsInfo(OsFamily(ns), distro) : null;
    }

    /// <summary>An OS version as os-release's VERSION_ID gives it: Trivy's Amazon Linux "2023 (Amazon Linux)" is 2023.</summary>
    private static string OsVersion(string? version)
    {
        var text = (version ?? string.Empty).Trim();
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 ? text[..space] : text;
    }

    /// <summary>Family names as Seawall's os-release reader gives them, from os-release ids (Syft) or Trivy's family names.</summary>
    internal static string OsFamily(string name)
    {
        var id = name.Trim().ToLowerInvariant();
        return id switch
        {
            "opensuse.leap" => "opensuse-leap",
            "opensuse.tumbleweed" => "opensuse-tumbleweed",
            "suse linux enterprise server" or "suse linux enterprise desktop" => "sles",
            _ => OsReleaseAnalyzer.FamilyOf(id, null),
        };
    }

    /// <summary>
    /// The result's packages sorted as the analyzers sort theirs, each with its dependencies in the result as
    /// "name@version" (what the SBOM writers resolve); a package listed twice in the document is kept once.
    /// </summary>
    private static List<Package> WithDependencies(List<Entry> members, IReadOnlyDictionary<string, IReadOnlyList<string>> dependencies)
    {
        var keyByRef = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            keyByRef.TryAdd(member.ComponentRef, member.Package.Name + "@" + member.Package.Version);
        }
        return [.. members
            .Select(m => m.Package with
            {
                DependsOn = dependencies.TryGetValue(m.ComponentRef, out var on)
                    ? [.. on.Select(r => keyByRef.GetValueOrDefault(r)).OfType<string>().Where(k => k != keyByRef[m.ComponentRef]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]
                    : [],
            })
            .DistinctBy(p => (p.Purl, p.Name, p.Version, p.FilePath))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Version, StringComparer.Ordinal)
            .ThenBy(p => p.Arch, StringComparer.Ordinal)
            .ThenBy(p => p.FilePath, StringComparer.Ordinal)];
    }

    /// <summary>A component for a warning: one line whatever the document holds.</summary>
    private static string Describe(SbomComponent component) => Languages.LanguageResults.OneLine(
        component.Name is { Length: > 0 } name ? (component.Version is { } v ? $"{name}@{v}" : name) : component.Ref);

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n.ToString(CultureInfo.InvariantCulture)} {noun}s";

    private static string Examples(List<string> items) =>
        string.Join(", ", items.Take(ExamplesPerWarning)) + (items.Count > ExamplesPerWarning ? $" and {(items.Count - ExamplesPerWarning).ToString(CultureInfo.InvariantCulture)} more" : string.Empty);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
