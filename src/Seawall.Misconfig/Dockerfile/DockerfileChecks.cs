using System.Globalization;
using Seawall.Core.Model;
using Seawall.Misconfig.Kubernetes;

namespace Seawall.Misconfig.Dockerfile;

/// <summary>
/// Checks on the build's stages and instructions: who the image runs as, what it is built from, where files come
/// from. Each keeps the meaning of the Hadolint rule it references (read from Hadolint's rule list) and the CIS Docker
/// Benchmark 4.x recommendation where one exists.
/// </summary>
internal static class DockerfileChecks
{
    private static readonly string[] ArchiveSuffixes = [".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tb2", ".tar.xz", ".txz", ".tar.lz", ".tlz", ".tar.zst", ".tar.z", ".tz", ".gz", ".bz2", ".xz"];

    public static IEnumerable<DockerfileCheck> All()
    {
        yield return Check("dockerfile-root-user", "Last stage should set a non-root USER", Severity.High,
            "The image a build produces runs as the last USER of its final stage (or of the stages it is built on); without one it runs as the base image's user, root unless the base says otherwise, and a process escaping as root owns more of the host.",
            "Create an unprivileged user and end the final stage with `USER <name or uid>` (not root or 0).",
            ["DL3002", "CIS-Docker-4.1", "NIST-800-190-4.1.2"], RootUser);
        yield return Check("dockerfile-image-untagged", "Base image should have an explicit tag", Severity.Medium,
            "FROM without a tag or digest means `latest`: the build takes whatever was pushed last.",
            "Write the tag (`FROM debian:12.7`), better a digest (`FROM debian:12.7@sha256:...`).",
            ["DL3006", "CIS-Docker-4.2", "NIST-800-190-4.1.1"], context => BaseImages(context, reference => reference.Tag is null && reference.Digest is null ? "has no tag" : null, "tagged"));
        yield return Check("dockerfile-image-latest", "Base image should not use the latest tag", Severity.Medium,
            "`latest` moves: two builds of the same Dockerfile get different bases, and an audit cannot tell which one shipped.",
            "Pin a version tag, better a digest.",
            ["DL3007", "CIS-Docker-4.2", "NIST-800-190-4.1.1"], context => BaseImages(context, reference => reference.Tag == "latest" && reference.Digest is null ? "uses the latest tag" : null, "not latest"));
        yield return Check("dockerfile-image-no-digest", "Base image should be pinned by digest", Severity.Low,
            "A tag can be re-pointed to other content; only a digest names exactly the image that was reviewed.",
            "Append the digest: `FROM image:tag@sha256:<digest>` (and let a bot such as Renovate update it).",
            ["CIS-Docker-4.2", "NIST-800-190-4.1.5"], context => BaseImages(context, reference => reference.Digest is null ? "is not pinned by digest" : null, "pinned by digest"));
        yield return Check("dockerfile-add-url", "ADD should not download from a URL without a checksum", Severity.Medium,
            "ADD of a URL or Git repository fetches remote content at build time with nothing verifying it.",
            "Download with RUN (curl, then verify a checksum or signature), or give ADD `--checksum=sha256:...`.",
            ["CIS-Docker-4.9", "NIST-800-190-4.1.5"], AddUrl);
        yield return Check("dockerfile-add-instead-of-copy", "COPY should be used instead of ADD for files and folders", Severity.Low,
            "ADD also fetches URLs and unpacks archives; for plain files that hidden behaviour is a surprise waiting to happen.",
            "Use COPY for local files and folders; keep ADD for local archives it should unpack.",
            ["DL3020", "CIS-Docker-4.9"], AddInsteadOfCopy);
        yield return Check("dockerfile-apt-no-install-recommends", "apt-get install should use --no-install-recommends", Severity.Low,
            "Recommended packages add size and attack surface nobody asked for.",
            "Add `--no-install-recommends` to apt-get install.",
            ["DL3015", "NIST-800-190-4.1.2"], context => OnPackages(context, ["apt-get", "apt"], "install",
                (invocation, _, _) => invocation.Has("--no-install-recommends") || invocation.Options.Any(o => o.Contains("Install-Recommends=false", StringComparison.OrdinalIgnoreCase) || o.Contains("Install-Recommends=0", StringComparison.Ordinal))
                    ? null : $"{invocation.Manager} install without --no-install-recommends"));
        yield return Check("dockerfile-apt-lists-not-removed", "apt lists should be removed after apt-get update", Severity.Low,
            "The package lists apt-get update downloads stay in the layer unless the same RUN removes them.",
            "End the RUN with `&& rm -rf /var/lib/apt/lists/*`, or use a cache mount (`--mount=type=cache,target=/var/lib/apt/lists`).",
            ["DL3009"], AptListsNotRemoved);
        yield return Check("dockerfile-apt-pin", "apt-get install should pin versions", Severity.Low,
            "Unpinned packages make builds unrepeatable: the same Dockerfile installs different versions tomorrow.",
            "Pin each package: `apt-get install foo=1.2.3-1`.",
            ["DL3008"], context => Unpinned(context, ["apt-get", "apt"], ["install"], IsAptPinned));
        yield return Check("dockerfile-apk-pin", "apk add should pin versions", Severity.Low,
            "Unpinned packages make builds unrepeatable.",
            "Pin each package: `apk add foo=1.2.3-r0`.",
            ["DL3018"], context => Unpinned(context, ["apk"], ["add"], package => package.IndexOfAny(['=', '~', '<', '>']) > 0));
        yield return Check("dockerfile-pip-pin", "pip install should pin versions", Severity.Low,
            "Unpinned Python packages make builds unrepeatable and take whatever a registry serves.",
            "Pin `pip install foo==1.2.3`, or install from a pinned requirements file (`-r requirements.txt`).",
            ["DL3013"], context => Unpinned(context, ["pip"], ["install"], IsPipPinned));
        yield return Check("dockerfile-npm-pin", "npm install should pin versions", Severity.Low,
            "Unpinned npm packages make builds unrepeatable.",
            "Pin `npm install foo@1.2.3`, or install from a lockfile (`npm ci`).",
            ["DL3016"], context => Unpinned(context, ["npm"], ["install", "i", "add", "isntall"], IsNpmPinned));
        yield return Check("dockerfile-gem-pin", "gem install should pin versions", Severity.Low,
            "Unpinned gems make builds unrepeatable.",
            "Pin `gem install foo:1.2.3` or `gem install foo -v 1.2.3`.",
            ["DL3028"], context => Unpinned(context, ["gem"], ["install", "i"], package => package.Contains(':', StringComparison.Ordinal), invocation => invocation.Has("-v", "--version")));
        yield return Check("dockerfile-apk-no-cache", "apk add should use --no-cache", Severity.Low,
            "Without --no-cache the package index and downloads stay in the layer.",
            "Use `apk add --no-cache ...` (or a cache mount on /var/cache/apk).",
            ["DL3019"], context => OnPackages(context, ["apk"], "add",
                (invocation, step, _) => invocation.Has("--no-cache") || HasCacheMount(step, "/var/cache/apk", "/etc/apk/cache") ? null : "apk add without --no-cache"));
        yield return Check("dockerfile-yum-clean", "yum and dnf install should be followed by a clean", Severity.Low,
            "yum and dnf keep their metadata and package cache in the layer unless the same RUN cleans it.",
            "End the RUN with `&& yum clean all` (`dnf clean all`), or use a cache mount.",
            ["DL3032", "DL3040", "DL3041"], YumClean);
        yield return Check("dockerfile-pip-no-cache-dir", "pip install should use --no-cache-dir", Severity.Low,
            "pip's download cache stays in the layer.",
            "Use `pip install --no-cache-dir`, set `ENV PIP_NO_CACHE_DIR=1`, or use a cache mount on /root/.cache/pip.",
            ["DL3042"], context => OnPackages(context, ["pip"], "install",
                (invocation, step, stage) => invocation.Has("--no-cache-dir") || HasCacheMount(step, "/root/.cache") || stage.Env.TryGetValue("PIP_NO_CACHE_DIR", out var off) && off is not ("" or "0" or "false" or "False")
                    ? null : "pip install without --no-cache-dir"));
        yield return Check("dockerfile-apt-get-yes", "apt-get install should use -y", Severity.Low,
            "Without -y apt-get waits for an answer a build never gives, and the build fails or hangs.",
            "Add `-y` (or `--yes`, `-qq`).",
            ["DL3014"], context => OnPackages(context, ["apt-get", "apt"], "install",
                (invocation, _, _) => invocation.Has("--yes", "--assume-yes", "-qq", "-q=2", "--quiet=2") || invocation.Options.Any(o => o.Length > 1 && o[0] == '-' && o[1] != '-' && o.Contains('y', StringComparison.Ordinal))
                    ? null : $"{invocation.Manager} install without -y"));
        yield return Check("dockerfile-apt-upgrade", "apt-get upgrade should not be run in a Dockerfile", Severity.Low,
            "Upgrading everything in a build makes the image depend on the day of the build; update the base image instead.",
            "Use a newer base image tag, or install the specific fixed packages.",
            ["DL3005"], context => OnPackages(context, ["apt-get", "apt"], null,
                (invocation, _, _) => invocation.Subcommand is "upgrade" or "dist-upgrade" or "full-upgrade" ? $"{invocation.Manager} {invocation.Subcommand}" : null,
                invocation => invocation.Subcommand is "upgrade" or "dist-upgrade" or "full-upgrade" or "install"));
        yield return Check("dockerfile-use-apt-get", "apt-get should be used instead of apt", Severity.Low,
            "apt's command line is for people and warns that it is not stable for scripts.",
            "Use apt-get (or apt-cache) in scripts.",
            ["DL3027"], context => OnPackages(context, ["apt"], null, (invocation, _, _) => $"apt {invocation.Subcommand}".TrimEnd()));
        yield return Check("dockerfile-curl-pipe-shell", "Scripts should not be piped from the network into a shell", Severity.High,
            "`curl ... | sh` runs whatever the server (or anyone in between) returns, unreviewed, as the build user.",
            "Download the script to a file, verify its checksum or signature, then run it.",
            ["NIST-800-190-4.1.5"], CurlPipeShell);
        yield return Check("dockerfile-sudo", "RUN should not use sudo", Severity.Medium,
            "Builds already run as the stage's USER; sudo in an image means sudo (and its setuid binary and sudoers) ships with it.",
            "Switch with `USER root` for the steps that need it, and back to the unprivileged user after.",
            ["DL3004", "NIST-800-190-4.1.2"], context => OnCommands(context, command => command.FirstWord == "sudo" ? $"sudo {string.Join(' ', command.Program.Take(3))}" : null, _ => true));
        yield return Check("dockerfile-secret-in-env-arg", "Secrets should not be set in ENV or ARG", Severity.High,
            "ENV values are in the image's config and every container's environment; ARG values passed with --build-arg are in the image history. Anyone who can pull the image reads them.",
            "Use build secrets (`RUN --mount=type=secret,id=...`) at build time and runtime secrets (files, a secret manager) at run time.",
            ["CIS-Docker-4.10", "NIST-800-190-4.1.4", "docker-build-check:SecretsUsedInArgOrEnv"], Secrets);
        yield return Check("dockerfile-no-healthcheck", "Final image should define a HEALTHCHECK", Severity.Low,
            "Without a HEALTHCHECK the runtime only knows whether the process exists, not whether it serves.",
            "Add `HEALTHCHECK CMD <command that fails when the service is unhealthy>` to the final stage.",
            ["DL3057", "CIS-Docker-4.6"], NoHealthcheck);
        yield return Check("dockerfile-multiple-healthcheck", "A stage should have only one HEALTHCHECK", Severity.Low,
            "Only the last HEALTHCHECK counts; the others mislead readers.",
            "Keep one HEALTHCHECK per stage.",
            ["DL3012"], context => Repeated(context, "HEALTHCHECK"));
        yield return Check("dockerfile-expose-ssh", "The image should not expose SSH (port 22)", Severity.Medium,
            "An SSH daemon in a container is a second way in with its own keys and users; use `docker exec` or `kubectl exec` instead.",
            "Remove EXPOSE 22 and the SSH server.",
            ["CIS-Docker-5.6", "NIST-800-190-4.1.2"], ExposeSsh);
        yield return Check("dockerfile-expose-invalid-port", "EXPOSE ports should be valid (0-65535)", Severity.Low,
            "A port outside 0-65535 fails the build or is silently meaningless.",
            "Fix the port number.",
            ["DL3011"], ExposeInvalid);
        yield return Check("dockerfile-chmod-world-writable", "Files should not be made world-writable (chmod 777)", Severity.Medium,
            "A world-writable file or folder in the image lets any user in the container change what others execute or read.",
            "Give write access to the owner only (`chmod 755`, `chmod 644`, `--chmod=755`); use ownership (`--chown`) rather than world write.",
            ["NIST-800-190-4.1.2"], WorldWritable);
        yield return Check("dockerfile-cd-in-run", "WORKDIR should be used instead of cd", Severity.Low,
            "`cd` in RUN only lasts for that RUN; later instructions silently run elsewhere.",
            "Use WORKDIR to change directory.",
            ["DL3003"], context => OnCommands(context, command => command.Name == "cd" ? $"cd {command.Program.ElementAtOrDefault(1)}".TrimEnd() : null, _ => true));
        yield return Check("dockerfile-workdir-relative", "WORKDIR should be an absolute path", Severity.Low,
            "A relative WORKDIR depends on the previous one and breaks when the base image changes its own.",
            "Use an absolute path: `WORKDIR /app`.",
            ["DL3000"], WorkdirRelative);
        yield return Check("dockerfile-maintainer", "MAINTAINER is deprecated", Severity.Low,
            "MAINTAINER is deprecated; the author belongs in a label.",
            "Use `LABEL org.opencontainers.image.authors=\"...\"`.",
            ["DL4000"], context => Decide(context.Build.Stages.SelectMany(stage => stage.Steps.Where(s => s.Keyword == "MAINTAINER")
                .Select(step => new DockerfileOutcome(true, stage, step, "MAINTAINER is deprecated")))));
        yield return Check("dockerfile-multiple-cmd", "A stage should have only one CMD", Severity.Low,
            "Only the last CMD takes effect.",
            "Keep one CMD per stage.",
            ["DL4003"], context => Repeated(context, "CMD"));
        yield return Check("dockerfile-multiple-entrypoint", "A stage should have only one ENTRYPOINT", Severity.Low,
            "Only the last ENTRYPOINT takes effect.",
            "Keep one ENTRYPOINT per stage.",
            ["DL4004"], context => Repeated(context, "ENTRYPOINT"));
        yield return Check("dockerfile-shell-form-cmd", "CMD and ENTRYPOINT should use the JSON (exec) form", Severity.Low,
            "The shell form runs the program under `/bin/sh -c`: it does not receive SIGTERM, so containers are killed rather than stopped, and an image needs a shell.",
            "Write `CMD [\"program\", \"arg\"]`.",
            ["DL3025"], ShellFormCmd);
        yield return Check("dockerfile-copy-from-unknown-stage", "COPY --from should name an earlier stage", Severity.Medium,
            "A --from that names no earlier stage is pulled as an image of that name from a registry, usually not what was meant.",
            "Name a stage defined above (`FROM ... AS build`), or give an image a full reference with a tag.",
            ["DL3022"], context => CopyFrom(context, own: false));
        yield return Check("dockerfile-copy-from-own-stage", "COPY --from should not name its own stage", Severity.Medium,
            "A stage cannot copy from itself; the build fails.",
            "Copy from an earlier stage.",
            ["DL3023"], context => CopyFrom(context, own: true));
        yield return Check("dockerfile-duplicate-stage-name", "Stage names should be unique", Severity.Medium,
            "Two stages with one name make `--from` and `--target` ambiguous; BuildKit refuses it.",
            "Rename one of the stages.",
            ["DL3024"], DuplicateStageNames);
        yield return Check("dockerfile-pipefail", "RUN with a pipe should set -o pipefail", Severity.Low,
            "A pipeline's status is its last command's: `curl ... | tar x` succeeds when curl fails, and the build goes on with nothing.",
            "Set `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before the RUN, or start it with `set -o pipefail &&`.",
            ["DL4006"], Pipefail);
    }

    private static DockerfileCheck Check(string id, string title, Severity severity, string description, string remediation, string[] references,
        Func<DockerfileContext, IEnumerable<DockerfileOutcome>> judge) =>
        new(new CheckInfo(id, title, severity) { Description = description, Remediation = remediation, References = references }, judge);

    /// <summary>Every failure, else the first pass: one finding per failing place, one pass per file.</summary>
    private static IEnumerable<DockerfileOutcome> Decide(IEnumerable<DockerfileOutcome> verdicts)
    {
        DockerfileOutcome? pass = null;
        var failed = false;
        foreach (var verdict in verdicts)
        {
            if (verdict.Failed)
            {
                failed = true;
                yield return verdict;
            }
            else
            {
                pass ??= verdict;
            }
        }
        if (!failed && pass is not null)
        {
            yield return pass;
        }
    }

    private static DockerfileOutcome Fail(BuildStage stage, BuildStep step, string evidence) => new(true, stage, step, evidence);

    private static DockerfileOutcome Pass(BuildStage stage, BuildStep step, string evidence) => new(false, stage, step, evidence);

    // ---- user, base image, files ----

    private static IEnumerable<DockerfileOutcome> RootUser(DockerfileContext context)
    {
        if (context.Build.Final is not { } final)
        {
            yield break;
        }
        foreach (var stage in final.Lineage())
        {
            if (stage.Steps.LastOrDefault(s => s.Keyword == "USER") is not { } user)
            {
                continue;
            }
            if (user.Unresolved || user.Words.Count == 0)
            {
                yield break; // USER $VAR without a value: not decidable from the file
            }
            var name = user.Words[0].Split(':')[0];
            yield return name is "root" or "0"
                ? Fail(final, user, $"final stage runs as {user.Words[0]}")
                : Pass(final, user, $"final stage runs as {user.Words[0]}");
            yield break;
        }
        yield return Fail(final, final.From, $"final stage sets no USER: it runs as the user of {(final.IsScratch ? "scratch (root)" : final.Image)}, root unless that image sets another");
    }

    private static IEnumerable<DockerfileOutcome> BaseImages(DockerfileContext context, Func<ImageReference, string?> problem, string passEvidence) =>
        Decide(context.Build.Stages
            .Where(stage => stage.Parent is null && !stage.IsScratch && !stage.ImageUnresolved)
            .Select(stage => ImageReference.Parse(stage.Image) is { } reference && problem(reference) is { } what
                ? Fail(stage, stage.From, $"base image {stage.Image} {what}")
                : Pass(stage, stage.From, $"base image {stage.Image} {passEvidence}")));

    private static bool IsUrl(string source) =>
        source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ||
        source.StartsWith("git@", StringComparison.Ordinal) || source.StartsWith("git://", StringComparison.OrdinalIgnoreCase);

    /// <summary>ADD's sources: every word but the destination (exec form included); heredocs are not sources.</summary>
    private static IEnumerable<string> Sources(BuildStep step) =>
        step.Words.Count > 1 ? step.Words.Take(step.Words.Count - 1).Where(w => !w.StartsWith("<<", StringComparison.Ordinal)) : [];

    private static IEnumerable<DockerfileOutcome> AddUrl(DockerfileContext context) =>
        Decide(context.Steps("ADD").Where(x => !x.Step.Instruction.Oversized).Select(x =>
        {
            var urls = Sources(x.Step).Where(IsUrl).ToList();
            if (urls.Count == 0)
            {
                return Pass(x.Stage, x.Step, "ADD of local files");
            }
            return x.Step.Instruction.HasFlag("checksum") && urls.All(u => u.StartsWith("http", StringComparison.OrdinalIgnoreCase))
                ? Pass(x.Stage, x.Step, $"ADD {urls[0]} with --checksum")
                : Fail(x.Stage, x.Step, $"ADD {urls[0]} without a checksum");
        }));

    private static IEnumerable<DockerfileOutcome> AddInsteadOfCopy(DockerfileContext context) =>
        Decide(context.Steps("ADD").Where(x => !x.Step.Instruction.Oversized).Select(x =>
        {
            var sources = Sources(x.Step).ToList();
            if (sources.Any(IsUrl))
            {
                return Pass(x.Stage, x.Step, "ADD of a URL (judged by dockerfile-add-url)");
            }
            if (sources.Count > 0 && sources.All(s => s.Contains('$', StringComparison.Ordinal) || ArchiveSuffixes.Any(a => s.EndsWith(a, StringComparison.OrdinalIgnoreCase))))
            {
                return Pass(x.Stage, x.Step, $"ADD unpacks {sources[0]}");
            }
            var what = sources.Count > 0 ? sources[0] : "a heredoc";
            return Fail(x.Stage, x.Step, $"ADD of {what}, which is neither a URL nor an archive: COPY does the same");
        }));

    // ---- package managers ----

    /// <summary>
    /// A check on package-manager invocations of RUN: <paramref name="problem"/> returns why one fails or null; a RUN
    /// fails on its first failing invocation, and the check applies when some invocation matched
    /// <paramref name="subcommand"/> (or <paramref name="applies"/>).
    /// </summary>
    private static IEnumerable<DockerfileOutcome> OnPackages(DockerfileContext context, string[] managers, string? subcommand,
        Func<PackageInvocation, BuildStep, BuildStage, string?> problem, Func<PackageInvocation, bool>? applies = null)
    {
        applies ??= invocation => subcommand is null || invocation.Subcommand == subcommand;
        return Decide(context.Steps("RUN").SelectMany(x =>
        {
            string? failure = null;
            var matched = false;
            foreach (var command in context.Commands(x.Step))
            {
                if (command.Package is not { } invocation || !managers.Contains(invocation.Manager) || !applies(invocation))
                {
                    continue;
                }
                matched = true;
                failure ??= problem(invocation, x.Step, x.Stage);
            }
            return matched ? [failure is null ? Pass(x.Stage, x.Step, "every package-manager call complies") : Fail(x.Stage, x.Step, failure)] : Array.Empty<DockerfileOutcome>();
        }));
    }

    private static IEnumerable<DockerfileOutcome> Unpinned(DockerfileContext context, string[] managers, string[] subcommands, Func<string, bool> pinned,
        Func<PackageInvocation, bool>? allPinned = null) =>
        OnPackages(context, managers, null, (invocation, _, _) =>
        {
            if (allPinned?.Invoke(invocation) == true)
            {
                return null;
            }
            var loose = invocation.Operands.Where(p => !p.Contains('$', StringComparison.Ordinal) && !pinned(p)).ToList();
            return loose.Count == 0 ? null : $"{invocation.Manager} {invocation.Subcommand} without a version: {string.Join(' ', loose.Take(5))}{(loose.Count > 5 ? " ..." : string.Empty)}";
        }, invocation => invocation.Subcommand is { } sub && subcommands.Contains(sub));

    private static bool IsAptPinned(string package) =>
        package.Contains('=', StringComparison.Ordinal) || package.EndsWith(".deb", StringComparison.Ordinal) || package.StartsWith('/') || package.StartsWith("./", StringComparison.Ordinal);

    private static bool IsPipPinned(string package) =>
        package.Contains("==", StringComparison.Ordinal) || package.IndexOfAny(['>', '<', '~', '!', '@']) > 0 ||
        package.StartsWith('.') || package.StartsWith('/') || package.Contains("://", StringComparison.Ordinal) || package.StartsWith("git+", StringComparison.Ordinal) ||
        package.EndsWith(".whl", StringComparison.Ordinal) || package.EndsWith(".tar.gz", StringComparison.Ordinal) || package.EndsWith(".zip", StringComparison.Ordinal);

    private static bool IsNpmPinned(string package)
    {
        if (package.StartsWith('.') || package.StartsWith('/') || package.Contains("://", StringComparison.Ordinal) || package.Contains(':', StringComparison.Ordinal) || package.EndsWith(".tgz", StringComparison.Ordinal))
        {
            return true; // paths, URLs, git and tarballs name exact content
        }
        var at = package.LastIndexOf('@');
        return at > 0 && package[(at + 1)..] is { Length: > 0 } version && version != "latest";
    }

    private static bool HasCacheMount(BuildStep step, params string[] targets) =>
        step.Instruction.FlagValues("mount").Any(mount =>
        {
            var fields = mount.Split(',').Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0].Trim(), f => f[1].Trim(), StringComparer.Ordinal);
            var target = fields.GetValueOrDefault("target") ?? fields.GetValueOrDefault("dst") ?? fields.GetValueOrDefault("destination");
            return fields.GetValueOrDefault("type") is "cache" or "tmpfs" && target is not null && targets.Any(t => target.TrimEnd('/').StartsWith(t, StringComparison.Ordinal) || t.StartsWith(target.TrimEnd('/'), StringComparison.Ordinal));
        });

    private static bool Removes(DockerfileContext context, BuildStep step, string prefix) =>
        context.Commands(step).Any(c => c.Name == "rm" && c.Program.Skip(1).Any(w => w.StartsWith(prefix, StringComparison.Ordinal)));

    private static IEnumerable<DockerfileOutcome> AptListsNotRemoved(DockerfileContext context)
    {
        // Only what reaches the final image matters: a build stage's lists are left behind with it.
        var shipped = context.Build.Final?.Lineage().ToHashSet() ?? [];
        return OnPackages(context, ["apt-get", "apt"], "update", (_, step, stage) =>
            !shipped.Contains(stage) || Removes(context, step, "/var/lib/apt/lists") || HasCacheMount(step, "/var/lib/apt/lists", "/var/lib/apt")
                ? null : "apt-get update without rm -rf /var/lib/apt/lists/* in the same RUN");
    }

    private static IEnumerable<DockerfileOutcome> YumClean(DockerfileContext context) =>
        OnPackages(context, ["yum", "dnf", "microdnf"], "install", (invocation, step, _) =>
            context.Commands(step).Any(c => c.Package is { Subcommand: "clean" } clean && clean.Manager == invocation.Manager) ||
            Removes(context, step, "/var/cache/yum") || Removes(context, step, "/var/cache/dnf") || HasCacheMount(step, "/var/cache/yum", "/var/cache/dnf")
                ? null : $"{invocation.Manager} install without {invocation.Manager} clean all in the same RUN");

    // ---- commands ----

    /// <summary>A check on every simple command of every RUN: a RUN fails on its first failing command.</summary>
    private static IEnumerable<DockerfileOutcome> OnCommands(DockerfileContext context, Func<ShellCommand, string?> problem, Func<ShellCommand, bool> applies) =>
        Decide(context.Steps("RUN").Where(x => !x.Step.Instruction.Oversized).Select(x =>
        {
            var failure = context.Commands(x.Step).Where(applies).Select(problem).FirstOrDefault(p => p is not null);
            return failure is null ? Pass(x.Stage, x.Step, "no offending command") : Fail(x.Stage, x.Step, failure);
        }));

    private static readonly HashSet<string> Fetchers = new(StringComparer.Ordinal) { "curl", "wget", "fetch" };
    private static readonly HashSet<string> Interpreters = new(StringComparer.Ordinal) { "sh", "bash", "ash", "dash", "zsh", "ksh", "python", "python3", "perl", "ruby", "node", "php" };

    private static IEnumerable<DockerfileOutcome> CurlPipeShell(DockerfileContext context) =>
        Decide(context.Steps("RUN").Where(x => !x.Step.Instruction.Oversized).Select(x =>
        {
            var commands = context.Commands(x.Step);
            for (var i = 0; i < commands.Count; i++)
            {
                var command = commands[i];
                if (Interpreters.Contains(command.Name) && command.Program.Skip(1).Any(w =>
                        Fetchers.Any(f => w.Contains("$(" + f + " ", StringComparison.Ordinal) || w.Contains("`" + f + " ", StringComparison.Ordinal) || w.Contains("<(" + f + " ", StringComparison.Ordinal))))
                {
                    return Fail(x.Stage, x.Step, $"{command.Name} runs a script fetched by command substitution");
                }
                if (!Fetchers.Contains(command.Name) || !command.PipesOut)
                {
                    continue;
                }
                for (var j = i + 1; j < commands.Count && commands[j].Pipeline == command.Pipeline; j++)
                {
                    if (Interpreters.Contains(commands[j].Name))
                    {
                        return Fail(x.Stage, x.Step, $"{command.Name} output piped into {commands[j].Name}");
                    }
                }
            }
            return Pass(x.Stage, x.Step, "no download piped into a shell");
        }));

    private static IEnumerable<DockerfileOutcome> WorldWritable(DockerfileContext context)
    {
        var verdicts = new List<DockerfileOutcome>();
        foreach (var stage in context.Build.Stages)
        {
            foreach (var step in stage.Steps)
            {
                if (step.Keyword is "COPY" or "ADD" && step.Instruction.Flag("chmod") is { } mode)
                {
                    verdicts.Add(IsWorldWritable(mode) ? Fail(stage, step, $"{step.Keyword} --chmod={mode}") : Pass(stage, step, $"{step.Keyword} --chmod={mode}"));
                }
                else if (step.Keyword == "RUN" && !step.Instruction.Oversized)
                {
                    var chmods = context.Commands(step).Where(c => c.Name == "chmod").ToList();
                    if (chmods.Count == 0)
                    {
                        continue;
                    }
                    var bad = chmods.Select(c => c.Program.Skip(1).FirstOrDefault(w => !w.StartsWith('-') || w.Length > 1 && char.IsAsciiDigit(w[1])))
                        .FirstOrDefault(m => m is not null && IsWorldWritable(m));
                    verdicts.Add(bad is null ? Pass(stage, step, "chmod without world write") : Fail(stage, step, $"chmod {bad}"));
                }
            }
        }
        return Decide(verdicts);
    }

    /// <summary>Octal modes with the others-write bit (sticky directories such as 1777 /tmp excepted) and symbolic o+w, a+w, a=rwx.</summary>
    internal static bool IsWorldWritable(string mode)
    {
        if (mode.Length is >= 3 and <= 4 && mode.All(c => c is >= '0' and <= '7'))
        {
            var others = mode[^1] - '0';
            var sticky = mode.Length == 4 && ((mode[0] - '0') & 1) == 1;
            return (others & 2) != 0 && !sticky;
        }
        foreach (var clause in mode.Split(','))
        {
            var op = clause.IndexOfAny(['+', '=']);
            if (op < 0)
            {
                continue;
            }
            var who = clause[..op];
            var perms = clause[(op + 1)..];
            if ((who.Contains('o', StringComparison.Ordinal) || who.Contains('a', StringComparison.Ordinal)) && perms.Contains('w', StringComparison.Ordinal) && !perms.Contains('t', StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private static IEnumerable<DockerfileOutcome> Pipefail(DockerfileContext context) =>
        Decide(context.Steps("RUN").Where(x => x.Step.Instruction.ExecForm is null && !x.Step.Instruction.Oversized).SelectMany(x =>
        {
            var commands = context.Commands(x.Step);
            var pipe = commands.FindIndex(c => c.PipesOut);
            if (pipe < 0)
            {
                return Array.Empty<DockerfileOutcome>();
            }
            var shell = ShellBefore(x.Stage, x.Step);
            if (shell is { Count: > 0 } && Path.GetFileName(shell[0]).ToLowerInvariant() is "pwsh" or "powershell" or "powershell.exe" or "cmd" or "cmd.exe")
            {
                return [];
            }
            var shellSets = shell?.Any(a => a.Contains("pipefail", StringComparison.Ordinal)) == true;
            var scriptSets = commands.Take(pipe).Any(c => c.Name == "set" && c.Program.Contains("pipefail"));
            return [shellSets || scriptSets ? Pass(x.Stage, x.Step, "pipefail set") : Fail(x.Stage, x.Step, $"pipe into {commands.Skip(pipe + 1).FirstOrDefault()?.Name} without -o pipefail")];
        }));

    /// <summary>The SHELL in force at a step: the last SHELL before it in its stage, else in the stages it is built on.</summary>
    private static IReadOnlyList<string>? ShellBefore(BuildStage stage, BuildStep step)
    {
        var own = stage.Steps.TakeWhile(s => !ReferenceEquals(s, step)).LastOrDefault(s => s.Keyword == "SHELL");
        if (own is not null)
        {
            return own.Words;
        }
        return stage.Parent?.Lineage().Select(s => s.Steps.LastOrDefault(x => x.Keyword == "SHELL")).FirstOrDefault(s => s is not null)?.Words;
    }

    // ---- secrets, ports, metadata ----

    private static IEnumerable<DockerfileOutcome> Secrets(DockerfileContext context)
    {
        var verdicts = new List<DockerfileOutcome>();
        var build = context.Build;
        var places = build.GlobalArgs.Select(step => (Stage: build.Stages.FirstOrDefault(), Step: step))
            .Concat(build.Stages.SelectMany(stage => stage.Steps.Where(s => s.Keyword is "ENV" or "ARG").Select(step => (Stage: (BuildStage?)stage, Step: step))));
        foreach (var (stage, step) in places)
        {
            foreach (var pair in step.Pairs)
            {
                var why = SecretNames.Why(pair.Key, pair.Value, step.Keyword == "ARG");
                verdicts.Add(new DockerfileOutcome(why is not null, stage, step, why is null ? $"{step.Keyword} {pair.Key}" : $"{step.Keyword} {pair.Key}: {why}"));
            }
        }
        return Decide(verdicts);
    }

    private static IEnumerable<DockerfileOutcome> NoHealthcheck(DockerfileContext context)
    {
        if (context.Build.Final is not { } final)
        {
            yield break;
        }
        var healthcheck = final.Lineage().Select(s => s.Steps.LastOrDefault(x => x.Keyword == "HEALTHCHECK")).FirstOrDefault(s => s is not null);
        if (healthcheck is null)
        {
            yield return Fail(final, final.From, "final stage has no HEALTHCHECK");
        }
        else if (healthcheck.Instruction.Arguments.Trim().Equals("NONE", StringComparison.OrdinalIgnoreCase))
        {
            yield return Fail(final, healthcheck, "HEALTHCHECK NONE disables the base image's check");
        }
        else
        {
            yield return Pass(final, healthcheck, "HEALTHCHECK set");
        }
    }

    private static IEnumerable<DockerfileOutcome> Repeated(DockerfileContext context, string keyword) =>
        Decide(context.Build.Stages.SelectMany(stage =>
        {
            var steps = stage.Steps.Where(s => s.Keyword == keyword).ToList();
            return steps.Count switch
            {
                0 => [],
                1 => [Pass(stage, steps[0], $"one {keyword}")],
                _ => steps.Skip(1).Select(step => Fail(stage, step, $"{keyword} {steps.Count} times in {stage.Label}; only the last takes effect")),
            };
        }));

    /// <summary>EXPOSE words as (low, high) port ranges; null where a word is not a port.</summary>
    private static IEnumerable<(string Word, int Low, int High)?> Ports(BuildStep step) =>
        step.Words.Select(word =>
        {
            var port = word.Split('/')[0];
            var dash = port.IndexOf('-', StringComparison.Ordinal);
            var (lowText, highText) = dash < 0 ? (port, port) : (port[..dash], port[(dash + 1)..]);
            return int.TryParse(lowText, NumberStyles.None, CultureInfo.InvariantCulture, out var low) && int.TryParse(highText, NumberStyles.None, CultureInfo.InvariantCulture, out var high)
                ? ((string, int, int)?)(word, low, high)
                : (word, -1, -1);
        });

    private static IEnumerable<DockerfileOutcome> ExposeSsh(DockerfileContext context)
    {
        if (context.Build.Final is not { } final)
        {
            return [];
        }
        return Decide(final.Lineage().SelectMany(stage => stage.Steps.Where(s => s.Keyword == "EXPOSE" && !s.Unresolved)).Select(step =>
        {
            var ssh = Ports(step).FirstOrDefault(p => p is { Low: >= 0 } range && range.Low <= 22 && 22 <= range.High);
            return ssh is { } hit ? Fail(final, step, $"EXPOSE {hit.Word}") : Pass(final, step, $"EXPOSE {string.Join(' ', step.Words)}");
        }));
    }

    private static IEnumerable<DockerfileOutcome> ExposeInvalid(DockerfileContext context) =>
        Decide(context.Steps("EXPOSE").Where(x => !x.Step.Unresolved).Select(x =>
        {
            var bad = Ports(x.Step).FirstOrDefault(p => p is { } range && (range.Low < 0 || range.High > 65535 || range.Low > range.High));
            return bad is { } hit ? Fail(x.Stage, x.Step, $"EXPOSE {hit.Word} is not a port or range in 0-65535") : Pass(x.Stage, x.Step, "valid ports");
        }));

    private static IEnumerable<DockerfileOutcome> WorkdirRelative(DockerfileContext context) =>
        Decide(context.Steps("WORKDIR").Where(x => !x.Step.Unresolved && x.Step.Words.Count > 0).Select(x =>
        {
            var path = x.Step.Words[0];
            var absolute = path.StartsWith('/') || (path.Length >= 3 && char.IsAsciiLetter(path[0]) && path[1] == ':' && path[2] is '\\' or '/');
            return absolute ? Pass(x.Stage, x.Step, $"WORKDIR {path}") : Fail(x.Stage, x.Step, $"WORKDIR {path} is relative");
        }));

    private static IEnumerable<DockerfileOutcome> ShellFormCmd(DockerfileContext context) =>
        Decide(context.Build.Stages.SelectMany(stage => stage.Steps.Where(s => s.Keyword is "CMD" or "ENTRYPOINT" && !s.Instruction.Oversized).Select(step =>
            step.Instruction.ExecForm is null
                ? Fail(stage, step, $"{step.Keyword} {Shorten(step.Instruction.Arguments)} is in shell form")
                : Pass(stage, step, $"{step.Keyword} in exec form"))));

    private static IEnumerable<DockerfileOutcome> CopyFrom(DockerfileContext context, bool own) =>
        Decide(context.Steps("COPY").Where(x => x.Step.Instruction.Flag("from") is { Length: > 0 } from && !from.Contains('$', StringComparison.Ordinal)).Select(x =>
        {
            var from = x.Step.Instruction.Flag("from")!.ToLowerInvariant();
            var isOwn = from == x.Stage.Name || (int.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out var self) && self == x.Stage.Index);
            if (own)
            {
                return isOwn ? Fail(x.Stage, x.Step, $"COPY --from={from} names its own stage") : Pass(x.Stage, x.Step, $"COPY --from={from}");
            }
            var known = isOwn // judged by the own-stage check
                || from.IndexOfAny([':', '/', '@']) >= 0 // an image reference
                || (int.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < x.Stage.Index)
                || context.Build.Stages.Any(s => s.Index < x.Stage.Index && s.Name == from);
            return known ? Pass(x.Stage, x.Step, $"COPY --from={from}") : Fail(x.Stage, x.Step, $"COPY --from={from} names no earlier stage");
        }));

    private static IEnumerable<DockerfileOutcome> DuplicateStageNames(DockerfileContext context)
    {
        var named = context.Build.Stages.Where(s => s.Name is not null).ToList();
        if (named.Count == 0)
        {
            return [];
        }
        return Decide(named.Select(stage => named.Any(other => other.Index < stage.Index && other.Name == stage.Name)
            ? Fail(stage, stage.From, $"stage name {stage.Name} is used twice")
            : Pass(stage, stage.From, $"stage {stage.Name}")));
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
