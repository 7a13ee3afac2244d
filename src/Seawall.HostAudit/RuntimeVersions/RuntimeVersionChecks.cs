using Seawall.Core.Model;
using Seawall.HostAudit.Checks;
using Seawall.Inventory.Languages.Go;

namespace Seawall.HostAudit.RuntimeVersions;

/// <summary>
/// Container runtimes with known container escapes: runc, containerd, Docker Engine and crun. The version comes
/// from the OS package that installed the runtime, or, for a binary no such package owns (a static release dropped
/// in /usr/local/bin, or runc shipped inside containerd.io), from the binary's Go build info.
/// <para>
/// Distributions backport fixes without changing the upstream version, so a package is judged by the advisory
/// database when there is one (the distribution's own verdict, the escape CVEs only). Without a database the
/// built-in table compares the upstream part of the package version, and says so: a warning, not a failure. A
/// binary no package owns has no backports: it fails on the table.
/// </para>
/// </summary>
public sealed class RuntimeVersionChecks : IHostCheckGroup
{
    public static readonly CheckInfo Found = new("host-runtime-versions-found", "Container runtime versions", Severity.Low)
    {
        Description = "The runtimes found, with their versions and where each version was read.",
        Remediation = "Keep the runtimes on a supported release with current security fixes (apt-get install --only-upgrade runc containerd docker.io, or the vendor's repository).",
        References = ["CIS-Docker-1.2.2", "docker-bench:1.2.2", "NIST-800-190-4.4.1"],
    };

    public static readonly CheckInfo Unknown = new("host-runtime-versions-unknown", "Container runtime version could be read", Severity.Low)
    {
        Description = "A runtime binary that no OS package owns and whose version is not stamped in its Go build info cannot be checked for known escapes.",
        Remediation = "Install the runtime from the distribution or the vendor's package repository, or check its version by hand (runc --version, containerd --version, dockerd --version).",
        References = ["CIS-Docker-1.2.2", "NIST-800-190-4.4.1"],
    };

    public string Name => "runtime-versions";

    public IReadOnlyList<CheckInfo> Checks { get; } = [Found, Unknown, .. EscapeAdvisories.All.Select(a => a.Check)];

    public IEnumerable<Finding> Run(HostContext context)
    {
        var findings = new List<Finding>();
        var found = new List<string>();
        var runtimePackages = context.Packages.Where(p => EscapeAdvisories.Components.Any(c => c.Packages.Contains(p.Name))).ToList();
        var owned = runtimePackages.ToDictionary(p => p, p => OwnedFiles(p));
        foreach (var component in EscapeAdvisories.Components)
        {
            var advisories = EscapeAdvisories.All.Where(a => a.Component == component.Name).ToList();
            foreach (var package in runtimePackages.Where(p => component.Packages.Contains(p.Name)))
            {
                found.Add($"{component.Name} {package.Version} (package {package.Name})");
                findings.AddRange(FromPackage(context, component, package, advisories));
            }
            foreach (var binary in Binaries(context, component))
            {
                var owner = runtimePackages.FirstOrDefault(p => owned[p].Contains(binary));
                if (owner is not null && component.Packages.Contains(owner.Name))
                {
                    continue; // the package's version is this binary's version
                }
                var (version, how) = BinaryVersion(context, component, binary);
                var origin = owner is null ? "not from an OS package" : $"shipped in package {owner.Name}, whose version is not {component.Name}'s";
                if (version is null)
                {
                    findings.Add(Unknown.Warn($"/{binary} ({origin}): {how}", new Location(Path: binary)) with { Target = "/" + binary });
                    continue;
                }
                found.Add($"{component.Name} {version} (/{binary}, {how})");
                foreach (var advisory in advisories)
                {
                    var fix = advisory.FixFor(version);
                    var evidence = $"/{binary} ({origin}) is {component.Name} {version} ({how})";
                    findings.Add((fix is null
                        ? advisory.Check.Pass(evidence + $"; not in the affected ranges")
                        : advisory.Check.Fail(evidence + $"; {advisory.Cve} is fixed in {fix}")) with { Target = "/" + binary, Location = new Location(Path: binary) });
                }
            }
        }
        if (found.Count > 0)
        {
            findings.Insert(0, Found.Info(string.Join("; ", found)));
        }
        return findings;
    }

    private static IEnumerable<Finding> FromPackage(HostContext context, RuntimeComponent component, Package package, List<EscapeAdvisory> advisories)
    {
        var target = $"{package.Name} {package.Version}";
        var location = new Location(Path: package.FilePath);
        if (context.Vulnerabilities is { } database)
        {
            var known = database.Where(v => v.PackageName == package.Name && v.InstalledVersion == package.Version).ToList();
            foreach (var advisory in advisories)
            {
                var match = known.FirstOrDefault(v => v.Id == advisory.Cve || v.Aliases.Contains(advisory.Cve));
                if (match is null)
                {
                    yield return advisory.Check.Pass($"package {package.Name} {package.Version}: the advisory database lists no {advisory.Cve} for it", location) with { Target = target };
                    continue;
                }
                var fixedIn = match.FixedVersions.Count > 0 ? "fixed in " + string.Join(", ", match.FixedVersions) : "no fixed version yet";
                var verdict = match.Status switch
                {
                    VulnerabilityStatus.WillNotFix => "the distribution will not fix it",
                    VulnerabilityStatus.EndOfLife => "the distribution release is end of life",
                    _ => fixedIn,
                };
                yield return advisory.Check.Fail($"package {package.Name} {package.Version} is affected per the advisory database ({match.DataSource ?? match.SeveritySource ?? "advisory"}): {verdict}", location) with { Target = target };
            }
            yield break;
        }
        var upstream = UpstreamVersion.Of(package.Version);
        if (upstream is null)
        {
            yield return Unknown.Warn($"package {package.Name} {package.Version}: no upstream release number in its version", location) with { Target = target };
            yield break;
        }
        foreach (var advisory in advisories)
        {
            var fix = advisory.FixFor(upstream);
            if (fix is null)
            {
                yield return advisory.Check.Pass($"package {package.Name} {package.Version} is upstream {upstream}, outside the affected ranges", location) with { Target = target };
                continue;
            }
            yield return advisory.Check.Warn(
                $"package {package.Name} {package.Version} is upstream {upstream}, before {fix}; a distribution may have backported the fix without changing the upstream version: "
                + $"check the package changelog (apt changelog {package.Name}, rpm -q --changelog {package.Name}) or scan with an advisory database (seawall db)",
                location) with { Target = target };
        }
    }

    /// <summary>The component's binaries at their usual places and those its running processes were started from.</summary>
    private static IEnumerable<string> Binaries(HostContext context, RuntimeComponent component)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var candidates = component.Binaries.Concat(context.Processes.All
            .Where(p => component.Processes.Contains(p.Name) && p.Exe is not null)
            .Select(p => p.Exe!.Trim('/')));
        foreach (var path in candidates)
        {
            // /usr/bin/runc -> ../sbin/runc is one binary: report it once, by the path the link leads to.
            var real = Resolve(context, path);
            if (real is not null && seen.Add(real) && context.Files.Stat(real, followLinks: false) is { Kind: Core.FileTree.FileKind.Regular })
            {
                yield return real;
            }
        }
    }

    /// <summary>A path with its symlinks followed (a few hops, confined to the root); null when it leads nowhere.</summary>
    private static string? Resolve(HostContext context, string path)
    {
        for (var hop = 0; hop < 8; hop++)
        {
            if (context.Files.Stat(path, followLinks: false) is not { } node)
            {
                return null;
            }
            if (node.Kind != Core.FileTree.FileKind.Symlink || node.LinkTarget is not { } target)
            {
                return path;
            }
            var slash = path.LastIndexOf('/');
            var joined = target.StartsWith('/') ? target : (slash < 0 ? string.Empty : path[..slash] + "/") + target;
            var parts = new List<string>();
            foreach (var part in joined.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (part == "..")
                {
                    if (parts.Count > 0)
                    {
                        parts.RemoveAt(parts.Count - 1);
                    }
                }
                else if (part != ".")
                {
                    parts.Add(part);
                }
            }
            path = string.Join('/', parts);
        }
        return null;
    }

    /// <summary>The files a package installed (dpkg's info/NAME.list, rpm's and apk's databases), root-relative.</summary>
    private static HashSet<string> OwnedFiles(Package package)
    {
        var files = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in package.InstalledFiles)
        {
            var clean = path.Trim().Trim('/');
            if (clean.Length > 0)
            {
                files.Add(clean);
            }
        }
        return files;
    }

    /// <summary>The version a release build stamped (-X variable), else the main module's (a tagged `go install`); with how it was read.</summary>
    private static (string? Version, string How) BinaryVersion(HostContext context, RuntimeComponent component, string binary)
    {
        if (component.GoPaths.Length == 0)
        {
            return (null, $"not a Go program: its version is not recorded in a readable form (run {component.Name} --version)");
        }
        using var stream = context.Files.OpenRead(binary);
        var info = stream is null ? null : GoBinaryBuild.Read(stream);
        if (info is null)
        {
            return (null, "no Go build info (not a Go binary, or one whose build info does not read)");
        }
        if (info.Path is null || !component.GoPaths.Any(p => info.Path.StartsWith(p, StringComparison.Ordinal)))
        {
            return (null, $"its Go build info names {info.Path ?? "no main package"}, not {component.Name}");
        }
        foreach (var variable in component.VersionVariables)
        {
            if (info.LinkerVariable(variable) is { } stamped && UpstreamVersion.Of(stamped) is { } version)
            {
                return (version, $"Go build info: -X {variable}={stamped}");
            }
        }
        if (info.ModuleVersion is { } module && module != "(devel)" && UpstreamVersion.Of(module) is { } moduleVersion && !module.StartsWith("v0.0.0-", StringComparison.Ordinal))
        {
            return (moduleVersion, $"Go build info: module {info.Path} {module}");
        }
        return (null, $"its Go build info ({info.GoVersion}, {info.Path}) carries no version stamp");
    }
}
