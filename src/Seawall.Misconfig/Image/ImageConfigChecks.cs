using System.Text.RegularExpressions;
using Seawall.Core.Model;

namespace Seawall.Misconfig.Image;

/// <summary>
/// Judges an image config (user, health check, env, labels, volumes, build history, name) against the image-config
/// checks of <see cref="ImageCheckCatalog"/>. Every decided check gives one finding per offending item, or one pass.
/// </summary>
public static partial class ImageConfigChecks
{
    /// <summary>Longest history step or value quoted in evidence: a 1 MB RUN line is not worth repeating.</summary>
    private const int MaxEvidence = 160;

    public static IReadOnlyList<Finding> Run(ImageFacts image)
    {
        var findings = new List<Finding>();
        findings.AddRange(RootUser(image));
        findings.AddRange(Healthcheck(image));
        findings.AddRange(History(image, ImageCheckCatalog.UpdateAlone, UpdateAlone));
        findings.AddRange(History(image, ImageCheckCatalog.AddInstruction, AddsFiles));
        findings.AddRange(Secrets(image));
        findings.AddRange(History(image, ImageCheckCatalog.Sudo, step => SudoCommand().IsMatch(RunPart(step))));
        findings.AddRange(SensitiveVolumes(image));
        findings.AddRange(History(image, ImageCheckCatalog.DistUpgrade, step => DistUpgradeCommand().IsMatch(RunPart(step))));
        findings.AddRange(LatestTag(image));
        return findings;
    }

    private static IEnumerable<Finding> RootUser(ImageFacts image)
    {
        var check = ImageCheckCatalog.RootUser;
        var user = image.User?.Trim() ?? string.Empty;
        // USER takes "name", "uid", "name:group" or "uid:gid"; only the user part decides who runs.
        var name = user.Split(':', 2)[0];
        if (name.Length == 0)
        {
            yield return check.Fail("no USER is set: the container runs as root", new Location(JsonPath: "config.User"));
        }
        else if (name is "root" or "0")
        {
            yield return check.Fail($"USER is {user}", new Location(JsonPath: "config.User"));
        }
        else
        {
            yield return check.Pass($"USER is {user}", new Location(JsonPath: "config.User"));
        }
    }

    private static IEnumerable<Finding> Healthcheck(ImageFacts image)
    {
        var check = ImageCheckCatalog.NoHealthcheck;
        if (image.Healthcheck is not { Count: > 0 } test)
        {
            yield return check.Fail("no HEALTHCHECK in the image config", new Location(JsonPath: "config.Healthcheck"));
        }
        else if (test[0] == "NONE")
        {
            yield return check.Fail("HEALTHCHECK NONE disables the health check", new Location(JsonPath: "config.Healthcheck"));
        }
        else
        {
            yield return check.Pass("HEALTHCHECK " + Clip(string.Join(' ', test)), new Location(JsonPath: "config.Healthcheck"));
        }
    }

    /// <summary>One finding per history step the predicate picks, located at the step and its layer.</summary>
    private static IEnumerable<Finding> History(ImageFacts image, CheckInfo check, Func<string, bool> offends)
    {
        var any = false;
        for (var i = 0; i < image.History.Count; i++)
        {
            var (step, layer) = image.History[i];
            if (step is not null && offends(step))
            {
                any = true;
                yield return check.Fail(Clip(step), StepLocation(i, layer));
            }
        }
        if (!any)
        {
            yield return check.Pass($"none of {image.History.Count} build steps", new Location(JsonPath: "history"));
        }
    }

    private static Location StepLocation(int index, LayerRef? layer) => new(JsonPath: $"history[{index}]") { Layer = layer };

    /// <summary>
    /// The shell command of a RUN step: docker build writes "/bin/sh -c cmd" (metadata steps are "/bin/sh -c #(nop) ..."),
    /// BuildKit "RUN /bin/sh -c cmd # buildkit". Metadata steps (ENV, LABEL, ADD...) give the empty string.
    /// </summary>
    internal static string RunPart(string step)
    {
        var text = step.Trim();
        var isRun = text.StartsWith("RUN ", StringComparison.Ordinal);
        if (isRun)
        {
            text = text[4..].TrimStart();
        }
        if (text.StartsWith('|'))
        {
            // Build args first: "|2 A=1 B=2 /bin/sh -c ...".
            var shell = text.IndexOf("/bin/sh -c", StringComparison.Ordinal);
            if (shell < 0)
            {
                return isRun ? text : string.Empty;
            }
            text = text[shell..];
        }
        if (text.StartsWith("/bin/sh -c ", StringComparison.Ordinal))
        {
            text = text[11..].TrimStart();
            return text.StartsWith("#(nop)", StringComparison.Ordinal) ? string.Empty : text;
        }
        return isRun ? text : string.Empty;
    }

    /// <summary>The metadata instruction of a step (ADD, ENV, COPY...): "/bin/sh -c #(nop)  ADD ..." or BuildKit's "ADD ...".</summary>
    internal static string Instruction(string step)
    {
        var text = step.Trim();
        const string nop = "/bin/sh -c #(nop)";
        if (text.StartsWith(nop, StringComparison.Ordinal))
        {
            text = text[nop.Length..].TrimStart();
        }
        return text;
    }

    /// <summary>
    /// Dockle's CIS-DI-0007: an index update in a step that installs nothing. Judged per `&&`/`;` chain of one RUN,
    /// as the cache problem is one layer holding an index that no install in the same layer used.
    /// </summary>
    private static bool UpdateAlone(string step)
    {
        var run = RunPart(step);
        return UpdateCommand().IsMatch(run) && !InstallCommand().IsMatch(run);
    }

    /// <summary>
    /// ADD in a step, except unpacking a root file system tar into / (how base images are made: "ADD file:... in /",
    /// "ADD rootfs.tar.xz / # buildkit"), which COPY cannot do.
    /// </summary>
    private static bool AddsFiles(string step)
    {
        var text = Instruction(step);
        if (!text.StartsWith("ADD ", StringComparison.Ordinal))
        {
            return false;
        }
        return !BaseRootfsAdd().IsMatch(text);
    }

    private static IEnumerable<Finding> Secrets(ImageFacts image)
    {
        var check = ImageCheckCatalog.SecretInConfig;
        var any = false;
        foreach (var entry in image.Env)
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && IsCredential(entry[..eq], entry[(eq + 1)..]))
            {
                any = true;
                yield return check.Fail($"ENV {entry[..eq]} has a value", new Location(JsonPath: "config.Env"));
            }
        }
        foreach (var (key, value) in image.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            if (IsCredential(LabelName(key), value))
            {
                any = true;
                yield return check.Fail($"LABEL {Clip(key)} has a value", new Location(JsonPath: "config.Labels"));
            }
        }
        for (var i = 0; i < image.History.Count; i++)
        {
            var (step, layer) = image.History[i];
            if (step is null)
            {
                continue;
            }
            foreach (Match match in Assignment().Matches(step))
            {
                var name = match.Groups["name"].Value;
                if (IsCredential(name, match.Groups["value"].Value))
                {
                    any = true;
                    // The value is never quoted: the finding must not become the leak.
                    yield return check.Fail($"build step assigns {name}", StepLocation(i, layer));
                    break;
                }
            }
        }
        if (!any)
        {
            yield return check.Pass($"{image.Env.Count} env vars, {image.Labels.Count} labels, {image.History.Count} build steps", new Location(JsonPath: "config"));
        }
    }

    /// <summary>A label key's last dotted part: "com.example.db-password" is judged as "db-password".</summary>
    private static string LabelName(string key) => key[(key.LastIndexOf('.') + 1)..];

    /// <summary>
    /// Names that hold a credential (as Dockle's suspicious env keys: PASSWORD, PASSWD, SECRET, TOKEN, API_KEY,
    /// ACCESS_KEY, PRIVATE_KEY, CREDENTIAL), with a literal value. Names that point at a secret rather than hold it
    /// (_FILE, _PATH, _DIR...), GPG key ids (public by design, set by official images) and empty or ${...} values are not.
    /// </summary>
    internal static bool IsCredential(string name, string value)
    {
        var upper = name.ToUpperInvariant().Replace('-', '_');
        if (!CredentialName().IsMatch(upper) || PointerName().IsMatch(upper) || upper is "GPG_KEY" or "GPG_KEYS")
        {
            return false;
        }
        var v = value.Trim().Trim('"', '\'');
        return v.Length > 0 && !v.StartsWith('$') && !v.StartsWith("/run/secrets", StringComparison.Ordinal);
    }

    private static readonly string[] SensitivePaths = ["/", "/sys", "/proc", "/dev", "/boot", "/etc", "/lib/modules", "/var/run/docker.sock", "/run/docker.sock", "/var/lib/docker", "/root"];

    private static IEnumerable<Finding> SensitiveVolumes(ImageFacts image)
    {
        var check = ImageCheckCatalog.SensitiveVolume;
        var any = false;
        foreach (var volume in image.Volumes.Order(StringComparer.Ordinal))
        {
            var path = volume.Length > 1 ? volume.TrimEnd('/') : volume;
            if (SensitivePaths.Any(p => path == p || (p != "/" && path.StartsWith(p + "/", StringComparison.Ordinal) && p is "/sys" or "/proc" or "/dev" or "/boot")))
            {
                any = true;
                yield return check.Fail($"VOLUME {Clip(volume)}", new Location(JsonPath: "config.Volumes"));
            }
        }
        if (!any)
        {
            yield return check.Pass($"{image.Volumes.Count} volumes", new Location(JsonPath: "config.Volumes"));
        }
    }

    /// <summary>
    /// Dockle's DKL-DI-0006 judges the name the image is known by: the reference given, else its tags. A digest
    /// reference pins it; no tag means latest.
    /// </summary>
    private static IEnumerable<Finding> LatestTag(ImageFacts image)
    {
        var check = ImageCheckCatalog.LatestTag;
        var names = ReferenceNames(image).ToList();
        if (names.Count == 0)
        {
            yield break; // an archive without a tag: nothing names it, nothing to judge
        }
        var latest = names.Where(n => TagOf(n) is null or "latest").ToList();
        if (latest.Count > 0 && !names.Any(n => n.Contains('@', StringComparison.Ordinal)))
        {
            foreach (var name in latest)
            {
                yield return check.Fail($"{name} is {(TagOf(name) is null ? "untagged (latest)" : "tagged latest")}", new Location(Document: name));
            }
        }
        else
        {
            yield return check.Pass(string.Join(", ", names), new Location(Document: names[0]));
        }
    }

    /// <summary>The given name when it is a registry reference, else the archive's tags; never a file path.</summary>
    private static IEnumerable<string> ReferenceNames(ImageFacts image)
    {
        if (LooksLikeReference(image.Name))
        {
            yield return image.Name;
            yield break;
        }
        foreach (var tag in image.RepoTags.Where(LooksLikeReference).Order(StringComparer.Ordinal))
        {
            yield return tag;
        }
    }

    private static bool LooksLikeReference(string name)
    {
        if (name.Length == 0 || name.Contains(' ', StringComparison.Ordinal) || name.StartsWith('/') || name.StartsWith('.')
            || name.EndsWith(".tar", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        // A bare image id ("sha256:...") is no name; "repo@sha256:..." is.
        return !name.StartsWith("sha256:", StringComparison.Ordinal);
    }

    /// <summary>The tag of "registry:5000/repo:tag" (the part after the last colon past the last slash), null when untagged or pinned by digest.</summary>
    internal static string? TagOf(string reference)
    {
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        var name = at >= 0 ? reference[..at] : reference;
        var slash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        return colon > slash ? name[(colon + 1)..] : null;
    }

    private static string Clip(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= MaxEvidence ? line : line[..MaxEvidence] + "...";
    }

    [GeneratedRegex(@"(^|[\s;&|(])(apt-get|apt|apk|yum|dnf|microdnf|zypper)\s+(-\S+\s+)*(update|makecache)\b")]
    private static partial Regex UpdateCommand();

    [GeneratedRegex(@"(^|[\s;&|(])(apt-get|apt|apk|yum|dnf|microdnf|zypper)\s+(-\S+\s+)*(install|add|upgrade|dist-upgrade|in)\b")]
    private static partial Regex InstallCommand();

    [GeneratedRegex(@"^ADD\s+(file:[0-9a-f]+\s+in\s+/\s*$|\S+\.(tar|tar\.gz|tgz|tar\.xz|txz|tar\.bz2|tar\.zst)\s+/(\s+#\s*buildkit)?\s*$)")]
    private static partial Regex BaseRootfsAdd();

    /// <summary>sudo in command position (start, after a separator or a shell keyword), not as an argument ("apt-get install sudo").</summary>
    [GeneratedRegex(@"(^|[;&|(`]|\bthen|\bdo|\belse)\s*sudo(\s|$)")]
    private static partial Regex SudoCommand();

    [GeneratedRegex(@"(^|[\s;&|(])apt(-get)?\s+(-\S+\s+)*dist-upgrade\b")]
    private static partial Regex DistUpgradeCommand();

    /// <summary>NAME=value in a history step (ENV, ARG, export, an inline assignment).</summary>
    [GeneratedRegex(@"(?<![\w$])(?<name>[A-Za-z_][A-Za-z0-9_.-]{0,100})=(?<value>""[^""]*""|'[^']*'|[^\s;&|]*)")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL")]
    private static partial Regex CredentialName();

    [GeneratedRegex(@"(_FILE|_PATH|_DIR|_URL_FILE|_LOCATION|_NAME)$")]
    private static partial Regex PointerName();
}
