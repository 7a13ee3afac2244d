using Seawall.Artifacts.Cache;
using Seawall.Artifacts.Engine;
using Seawall.Artifacts.Image;
using Seawall.Artifacts.Layers;
using Seawall.ContainerAudit;
using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Core.Model;
using Seawall.HostAudit;
using Seawall.HostAudit.Access;
using Seawall.HostAudit.Kernel;
using Seawall.Inventory;
using Seawall.Inventory.Purl;
using Seawall.Inventory.Sbom;
using Seawall.Secrets.Analysis;
using Seawall.Secrets.Config;
using Seawall.Secrets.Engine;
using Seawall.Misconfig.Checks;
using Seawall.Misconfig.Dockerfile;
using Seawall.Misconfig.Image;
using Seawall.Misconfig.Manifests;
using Seawall.Vulnerabilities.Matching;
using Seawall.Vulnerabilities.Store;

namespace Seawall.Scanning;

/// <summary>
/// The one entry point the CLI (and later a server) calls: source to tree, tree to analyzers, analyzers
/// to one report. No formatting and no console here.
/// </summary>
public sealed class ScanService(ScanOptions options, IProgress<LayerProgress>? progress = null)
{
    /// <summary>Result types whose packages come from a compiled binary: kept when an OS package owns the file.</summary>
    private static readonly HashSet<string> BinaryResultTypes = new(["gobinary", "rustbinary"], StringComparer.Ordinal);

    private SecretScanner? _secrets;

    /// <summary>The secret scanner when --scanners has secret (its config read once, a bad one failing the scan early).</summary>
    private SecretScanner? Secrets =>
        !options.EffectiveScanners.Contains(Scanner.Secret) ? null
        : _secrets ??= new SecretScanner(options.SecretConfig is { } path ? SecretConfig.Load(path) : SecretConfig.Default());

    /// <summary>The analyzers this kind of scan runs: installed metadata for images and roots, lockfiles for fs, unless told.</summary>
    private AnalyzerHost HostFor(ArtifactType type)
    {
        if (type == ArtifactType.Host)
        {
            // A host's inventory is its OS packages (the kernel, the runtimes); `seawall rootfs /` walks everything.
            return new AnalyzerHost(AnalyzerCatalog.OsPackages(), options.MaxConcurrency);
        }
        var wanted = options.SourcesFor(type);
        // Secrets or misconfig alone read no packages: only the OS's identity (one small file), for the report.
        IEnumerable<IAnalyzer> analyzers = (options.ReadsPackages ? AnalyzerCatalog.All() : AnalyzerCatalog.OsIdentity()).Where(a => (a.Sources & wanted) != 0);
        if (Secrets is { } secrets)
        {
            // The secret scan rides the same pass over the files (and the same layer cache) as the inventory.
            analyzers = analyzers.Append(new SecretAnalyzer(secrets));
        }
        if (LintsImage(type))
        {
            // The account checks read etc/passwd and etc/shadow in the same pass (and keep them in the layer cache).
            analyzers = analyzers.Append(new ImageAccountsAnalyzer());
        }
        return new AnalyzerHost([.. analyzers], options.MaxConcurrency);
    }

    /// <summary>The ids of the analyzers a scan of this artifact type runs, in order (what --scanners selected).</summary>
    public IReadOnlyList<string> AnalyzerIds(ArtifactType type) => [.. HostFor(type).Analyzers.Select(a => a.Id)];

    public async Task<ScanReport> ScanImageAsync(IImageSource image, CancellationToken cancellationToken)
    {
        var cache = options.CacheDir is null ? null : new LayerCache(options.CacheDir);
        var tree = await new ImageTreeBuilder(HostFor(ArtifactType.ContainerImage), cache, progress).BuildAsync(image, cancellationToken).ConfigureAwait(false);
        var artifact = new ArtifactInfo(image.Name, ArtifactType.ContainerImage, image.ConfigDigest)
        {
            Layers = image.Layers,
            RepoTags = image.RepoTags,
            RepoDigests = image.RepoDigests,
            Architecture = image.Config.Architecture,
            BaseImageLayers = image.Config.BaseLayerCount(),
        };
        var report = await AnalyzeAsync(tree, artifact, cancellationToken).ConfigureAwait(false);
        if (Secrets is { } secrets)
        {
            var config = ConfigSecrets.Scan(secrets, image.Config.Env, image.Config.Labels, image.Config.HistoryWithLayers());
            report = report with { Results = [.. report.Results.Concat(config).OrderBy(r => r.Class).ThenBy(r => r.Target, StringComparer.Ordinal)] };
        }
        if (LintsImage(ArtifactType.ContainerImage))
        {
            var config = image.Config;
            var facts = ImageLint.Facts(image.Name, image.RepoTags, config.User, config.Env, config.Labels, config.Healthcheck, config.Volumes, config.HistoryWithLayers());
            report = ImageLint.Apply(report, tree, facts, options.IncludePassed);
        }
        return report;
    }

    /// <summary>--scanners misconfig on an image or a root file system: image config and file checks, and the attack surface.</summary>
    private bool LintsImage(ArtifactType type) =>
        options.EffectiveScanners.Contains(Scanner.Misconfig) && type is ArtifactType.ContainerImage or ArtifactType.Rootfs;

    public async Task<ScanReport> ScanDirectoryAsync(string path, ArtifactType type, CancellationToken cancellationToken)
    {
        // A rootfs is a whole system; skip the kernel's pseudo file systems if a live root is given.
        var tree = DirectoryFileTree.Walk(path, type == ArtifactType.Filesystem ? null : rel => rel is "proc" or "sys" or "dev");
        var artifact = new ArtifactInfo(Path.GetFullPath(path), type);
        var report = await AnalyzeAsync(tree, artifact, cancellationToken).ConfigureAwait(false);
        return LintsImage(type) ? ImageLint.Apply(report, tree, image: null, options.IncludePassed) : report;
    }

    /// <summary>
    /// The host audit: the host's OS and OS packages (matched against the advisory database when there is one), then
    /// every host check group on the files under root, read-only and confined to root.
    /// </summary>
    public async Task<ScanReport> ScanHostAsync(string root, CancellationToken cancellationToken) =>
        await ScanHostAsync(root, containers: null, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The host audit, and with <paramref name="containers"/> the running containers too (`seawall host --containers`).
    /// No reachable daemon is then a warning and the rest of the audit: a host without Docker is still a host.
    /// </summary>
    public async Task<ScanReport> ScanHostAsync(string root, DockerHost? containers, CancellationToken cancellationToken)
    {
        using var files = HostFileTree.Open(root);
        var name = HostName(files) ?? files.Root;
        var packages = await InventoryAsync(files, new ArtifactInfo(name, ArtifactType.Host), cancellationToken).ConfigureAwait(false);
        // The booted kernel's image comes from a signed wrapper source its advisories do not name (see SignedKernelSources).
        var inventory = WithVulnerabilities(packages, out var matched, p => SignedKernelSources.AdvisoryView(p, packages.Os));
        var context = new HostContext(
            files,
            inventory.Os,
            [.. inventory.Results.Where(r => r.Class == ResultClass.OsPackages).SelectMany(r => r.Packages)],
            matched ? [.. inventory.Results.SelectMany(r => r.Vulnerabilities)] : null);
        var findings = new HostAuditor(HostCheckCatalog.All()).Run(context, cancellationToken)
            .Where(f => options.IncludePassed || f.Status is FindingStatus.Fail or FindingStatus.Warn)
            .ToList();
        var audit = new ScanResult { Target = name, Class = ResultClass.Host, Type = "host", Findings = findings };
        ContainersAudit? running = null;
        var containerWarnings = new List<string>();
        if (containers is not null)
        {
            try
            {
                running = await AuditContainersAsync(containers, files, context.Processes, cancellationToken).ConfigureAwait(false);
            }
            catch (EngineUnavailableException ex)
            {
                containerWarnings.Add("containers not audited: " + ex.Message);
            }
        }
        return inventory with
        {
            Results = [audit, .. running?.Results ?? [], .. inventory.Results.Select(WithoutDpkgFileLists)],
            Containers = running?.Overview,
            Warnings = [.. inventory.Warnings.Concat(context.Warnings).Concat(files.Warnings).Concat(running?.Warnings ?? []).Concat(containerWarnings)
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
        };
    }

    /// <summary>
    /// `seawall config PATHS...`: Kubernetes manifests in files and directories, judged by the manifest check
    /// catalog, and Dockerfiles, judged by the Dockerfile catalog. One result per file; a file that cannot be read is a
    /// warning and the others are still scanned.
    /// </summary>
    public Task<ScanReport> ScanConfigAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken, Seawall.Misconfig.Rbac.RbacQuery? rbacQuery = null)
    {
        var set = ManifestLoader.Load(paths, cancellationToken);
        // A failure the manifest waives by annotation goes to suppressedFindings; a waived pass hides nothing and stays a pass.
        var results = ManifestScanner.Run(set.Resources, ManifestCheckCatalog.All)
            .Where(r => options.IncludePassed || r.Outcome.Failed)
            .GroupBy(r => r.Resource.File, StringComparer.Ordinal)
            .Select(g => new ScanResult
            {
                Target = g.Key,
                Class = ResultClass.Config,
                Type = "kubernetes",
                Findings = [.. g.Where(r => r.Suppression is null || !r.Outcome.Failed).Select(r => r.ToFinding())],
                SuppressedFindings = [.. g.Where(r => r.Suppression is not null && r.Outcome.Failed)
                    .Select(r => new SuppressedFinding(r.ToFinding(), r.Suppression!.Source, r.Suppression.Statement))],
            })
            .ToList();
        var dockerfiles = DockerfileLoader.Load(paths, cancellationToken);
        results.AddRange(DockerfileScanner.Run(dockerfiles.Files, DockerfileCheckCatalog.All)
            .Select(r => r.ToFinding())
            .Where(f => options.IncludePassed || f.Status is FindingStatus.Fail or FindingStatus.Warn)
            .GroupBy(f => f.Location!.Path!, StringComparer.Ordinal)
            .Select(g => new ScanResult { Target = g.Key, Class = ResultClass.Config, Type = "dockerfile", Findings = [.. g] }));
        var reachability = Seawall.Misconfig.NetworkPolicy.ReachabilityReport.For(set.Resources, out var reachabilitySkipped);
        var malformedCidrs = Seawall.Misconfig.NetworkPolicy.NetworkModel.CidrWarnings(set.Resources);
        return Task.FromResult(new ScanReport
        {
            Artifact = new ArtifactInfo(string.Join(' ', paths), ArtifactType.Config),
            Results = results,
            Warnings = [.. set.Warnings, .. dockerfiles.Warnings, .. reachabilitySkipped is null ? Array.Empty<string>() : [reachabilitySkipped], .. malformedCidrs],
            Reachability = reachability,
            Rbac = Seawall.Misconfig.Rbac.RbacReport.Summarize(set.Resources, rbacQuery),
        });
    }

    /// <summary>
    /// `seawall containers`: every running container as the runtime reports it and as the kernel shows it under
    /// root's proc/. No reachable daemon is an <see cref="EngineUnavailableException"/> (exit 3).
    /// </summary>
    public async Task<ScanReport> ScanContainersAsync(DockerHost daemon, string root, CancellationToken cancellationToken)
    {
        using var files = HostFileTree.Open(root);
        var running = await AuditContainersAsync(daemon, files, null, cancellationToken).ConfigureAwait(false);
        return new ScanReport
        {
            Artifact = new ArtifactInfo(daemon.ToString(), ArtifactType.Containers),
            Results = running.Results,
            Containers = running.Overview,
            Warnings = [.. running.Warnings.Concat(files.Warnings).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
        };
    }

    private async Task<ContainersAudit> AuditContainersAsync(DockerHost daemon, HostFileTree files, ProcessTable? processes, CancellationToken cancellationToken)
    {
        using var engine = await EngineClient.ConnectAsync(daemon, cancellationToken).ConfigureAwait(false);
        var audit = await ContainerAuditor.AuditAsync(engine, files, processes, cancellationToken).ConfigureAwait(false);
        return options.IncludePassed ? audit : audit with
        {
            Results = [.. audit.Results.Select(r => r with { Findings = [.. r.Findings.Where(f => f.Status is FindingStatus.Fail or FindingStatus.Warn)] })],
        };
    }

    /// <summary>
    /// A host's dpkg file lists (var/lib/dpkg/info/*.list, 160,000 paths on a small Debian host) serve the checks (who
    /// owns a runtime binary); the report lists the packages without them, as it always has.
    /// </summary>
    private static ScanResult WithoutDpkgFileLists(ScanResult result) => result.Type != "dpkg" ? result : result with
    {
        Packages = [.. result.Packages.Select(p => p with { InstalledFiles = [] })],
    };

    /// <summary>The audited system's name: its etc/hostname, else the kernel's (a live root), else null.</summary>
    private static string? HostName(HostFileTree files) =>
        new[] { files.ReadText("etc/hostname", 4096), files.Root == "/" ? files.ReadText("proc/sys/kernel/hostname", 4096) : null }
            .Select(text => text?.Trim())
            .FirstOrDefault(text => !string.IsNullOrEmpty(text));

    /// <summary>
    /// An SBOM (CycloneDX or SPDX) read in place of the artifact it describes: its packages, grouped and named as a
    /// scan of that artifact would give them.
    /// </summary>
    public async Task<ScanReport> ScanSbomAsync(string path, CancellationToken cancellationToken) =>
        WithVulnerabilities(await SbomReader.ReadAsync(path, cancellationToken).ConfigureAwait(false));

    private ScanReport WithVulnerabilities(ScanReport report) => WithVulnerabilities(report, out _);

    /// <summary>
    /// Matches the report's packages against the advisory database when the vulnerability scanner runs. No database
    /// is a warning, not a failure: the inventory is still worth having, and the warning says how to get one.
    /// </summary>
    /// <param name="matched">Whether a database was there to match with (the report's vulnerability lists are its answer).</param>
    /// <param name="advisoryView">
    /// How a package is shown to the advisory database (its source name and version), where that differs from what the
    /// report says of it; the report keeps the packages as they were read.
    /// </param>
    private ScanReport WithVulnerabilities(ScanReport report, out bool matched, Func<Package, Package>? advisoryView = null)
    {
        matched = false;
        if (!options.EffectiveScanners.Contains(Scanner.Vuln) || options.AdvisoryDatabase is not { } path)
        {
            return report;
        }
        if (!File.Exists(path))
        {
            return report with
            {
                // No path here: two scans of one image with different --cache-dir give the same report; `seawall db info` shows it.
                Warnings = [.. report.Warnings, "vulnerabilities not scanned: no advisory database; run `seawall db update` (online) or `seawall db import <OSV zip|dir, Debian tracker JSON, Alpine secdb>` (`seawall db info` shows where it lives)"],
            };
        }
        using var store = AdvisoryStore.Open(path);
        var asked = advisoryView is null ? report : report with
        {
            Results = [.. report.Results.Select(r => r.Class == ResultClass.OsPackages ? r with { Packages = [.. r.Packages.Select(advisoryView)] } : r)],
        };
        var found = new VulnerabilityMatcher(store).Match(asked);
        matched = true;
        if (advisoryView is not null)
        {
            // The matcher keeps the results in order and only fills their vulnerabilities.
            found = found with { Results = [.. found.Results.Select((r, i) => r with { Packages = report.Results[i].Packages })] };
        }
        var stale = store.Info().AgeWarnings(options.DatabaseMaxAge, options.Time.GetUtcNow());
        return stale.Count == 0 ? found : found with { Warnings = [.. found.Warnings, .. stale] };
    }

    public async Task<ScanReport> AnalyzeAsync(IFileTree tree, ArtifactInfo artifact, CancellationToken cancellationToken) =>
        WithVulnerabilities(await InventoryAsync(tree, artifact, cancellationToken).ConfigureAwait(false));

    /// <summary>The tree's packages and OS, not yet matched against the advisory database.</summary>
    private async Task<ScanReport> InventoryAsync(IFileTree tree, ArtifactInfo artifact, CancellationToken cancellationToken)
    {
        var sink = await HostFor(artifact.Type).RunAsync(tree, cancellationToken).ConfigureAwait(false);
        var os = sink.BestOs();
        var results = WithoutOsOwnedFiles(sink.Results, options.IncludeOsOwnedBinaries)
            .Select(r => r with
            {
                Packages = [.. r.Packages.Select(p => p.Purl is not null ? p : p with
                {
                    Purl = p.Ecosystem is { } ecosystem ? LanguagePurls.For(ecosystem, p.Name, p.Version) : PurlBuilder.ForOsPackage(r.Type, p, os),
                })],
            })
            .OrderBy(r => r.Class)
            .ThenBy(r => r.Target, StringComparer.Ordinal)
            .ToList();
        if (os is not null && !os.Distroless && results.Any(r => r.Target.StartsWith("var/lib/dpkg/status.d", StringComparison.Ordinal)) && !results.Any(r => r.Target == "var/lib/dpkg/status"))
        {
            os = os with { Distroless = true };
        }
        return new ScanReport
        {
            Artifact = artifact,
            Os = os,
            Results = results,
            Warnings = [.. sink.Warnings.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
        };
    }

    /// <summary>
    /// Language packages read from a file an OS package installed are dropped: the distribution's advisories cover
    /// them (a Debian python3-requests' dist-info). Compiled binaries are the exception, kept with their owner named,
    /// unless <paramref name="keepBinaries"/> is off: the modules linked into them are not in those advisories.
    /// </summary>
    /// <summary>
    /// rpm vendors whose packages are the distribution's own (Trivy keeps the same list): a third-party rpm (a vendor's
    /// agent bundling its Python) is not covered by the distribution's advisories, so its files stay scannable.
    /// </summary>
    private static readonly string[] DistributionVendors =
    [
        "Red Hat", "CentOS", "Fedora Project", "Rocky Enterprise Software Foundation", "AlmaLinux", "CloudLinux",
        "Oracle America", "Amazon Linux", "Amazon.com", "SUSE", "openSUSE", "VMware", "Microsoft Corporation", "Wolfi", "Chainguard",
    ];

    private static bool FromDistributionVendor(Package package) =>
        string.IsNullOrEmpty(package.Maintainer) || DistributionVendors.Any(v => package.Maintainer.StartsWith(v, StringComparison.Ordinal));

    internal static IReadOnlyList<ScanResult> WithoutOsOwnedFiles(IReadOnlyList<ScanResult> results, bool keepBinaries)
    {
        // Only the files language packages were read from can matter: look those up in the OS packages' file lists
        // rather than indexing every installed file (100,000 on a Debian image) on every scan.
        var asked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var result in results.Where(r => r.Class == ResultClass.LangPackages))
        {
            asked.Add(result.Target);
            foreach (var package in result.Packages)
            {
                if (package.FilePath is { } path)
                {
                    asked.Add(path);
                }
            }
        }
        if (asked.Count == 0)
        {
            return results;
        }
        var askedSpans = asked.GetAlternateLookup<ReadOnlySpan<char>>();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (type, package) in results.Where(r => r.Class == ResultClass.OsPackages).SelectMany(r => r.Packages.Select(p => (r.Type, p))))
        {
            if (type == "rpm" && !FromDistributionVendor(package))
            {
                continue;
            }
            // The first package listing a file owns it.
            if (package.InstalledFiles is InstalledFileList list)
            {
                // Lines are matched as spans of the package's list text: no string per owned path.
                foreach (var file in list.Paths)
                {
                    if (askedSpans.TryGetValue(file, out var path))
                    {
                        owners.TryAdd(path, package.Name);
                    }
                }
                continue;
            }
            foreach (var file in package.InstalledFiles)
            {
                if (asked.Contains(file))
                {
                    owners.TryAdd(file, package.Name);
                }
            }
        }
        if (owners.Count == 0)
        {
            return results;
        }
        var kept = new List<ScanResult>(results.Count);
        foreach (var result in results)
        {
            if (result.Class != ResultClass.LangPackages)
            {
                kept.Add(result);
                continue;
            }
            var binary = BinaryResultTypes.Contains(result.Type);
            var packages = new List<Package>(result.Packages.Count);
            foreach (var package in result.Packages)
            {
                var owner = package.FilePath is { } path ? owners.GetValueOrDefault(path) : null;
                // A package read from an archive nested in the result's file (a war's WEB-INF/lib jar) belongs with that file.
                if (owner is null && package.FilePath is { } nested && nested.StartsWith(result.Target + "/", StringComparison.Ordinal))
                {
                    owner = owners.GetValueOrDefault(result.Target);
                }
                if (owner is null)
                {
                    packages.Add(package);
                }
                else if (binary && keepBinaries)
                {
                    packages.Add(package with { OwnedBy = owner });
                }
            }
            if (packages.Count > 0)
            {
                kept.Add(result with { Packages = packages });
            }
        }
        return kept;
    }
}
