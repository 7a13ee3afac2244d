using Seawall.Misconfig.Checks;
using Seawall.Misconfig.Kubernetes;
using Seawall.Misconfig.Manifests;

namespace Seawall.Misconfig.Fixes;

/// <summary>
/// The YAML patch that fixes a failed workload check, for the checks whose fix is mechanical. The patch is a strategic
/// merge patch rooted at the object (apiVersion, kind, metadata.name and namespace, then the path to the pod spec);
/// containers are list items identified by name, the merge key `kubectl patch --type strategic` matches them by.
/// A check fails on its first failing container, but a patch fixing only that one would leave the check failing on the
/// next: every container the check would fail is patched. Probes, image pinning, hostPath and the like need a person's
/// judgement and get no patch.
/// </summary>
public static class WorkloadFixes
{
    private sealed record ContainerFix(Func<WorkloadContainer, bool> Needs, Action<WorkloadContainer, YamlPatch> Patch, bool MainAndInitOnly = false)
    {
        /// <summary>The values written are guesses the user must size (resources).</summary>
        public bool Placeholders { get; init; }
    }

    private sealed record PodFix(Func<Workload, YamlPatch?> Patch);

    private const string Placeholder = "resource values are placeholders (or copied from the request or limit already set): size them to the workload before applying";

    private static readonly Dictionary<string, object> Fixes = new(StringComparer.Ordinal)
    {
        ["k8s-privileged"] = new ContainerFix(c => c.SecurityContext?.Bool("privileged") == true, (_, p) => p.Map("securityContext").Set("privileged", false)),
        ["k8s-allow-privilege-escalation"] = new ContainerFix(c => c.SecurityContext?.Bool("allowPrivilegeEscalation") != false,
            (_, p) => p.Map("securityContext").Set("allowPrivilegeEscalation", false)),
        ["k8s-read-only-root-filesystem"] = new ContainerFix(c => c.SecurityContext?.Bool("readOnlyRootFilesystem") != true,
            (_, p) => p.Map("securityContext").Set("readOnlyRootFilesystem", true)),
        ["k8s-drop-all-capabilities"] = new ContainerFix(c => !Drops(c, "ALL"), (c, p) => p.Map("securityContext").Map("capabilities").Set("drop", WithDropped(c, "ALL"))),
        ["k8s-drop-net-raw"] = new ContainerFix(c => !Drops(c, "NET_RAW", "CAP_NET_RAW", "ALL"), (c, p) => p.Map("securityContext").Map("capabilities").Set("drop", WithDropped(c, "NET_RAW"))),
        ["k8s-cap-sys-admin"] = new ContainerFix(c => Added(c).Any(IsSysAdmin),
            // add is an atomic list in the API: the patch gives the whole list, without SYS_ADMIN.
            (c, p) => p.Map("securityContext").Map("capabilities").Set("add", Added(c).Where(a => !IsSysAdmin(a)).Cast<object?>().ToList())),
        ["k8s-image-pull-policy-always"] = new ContainerFix(NeedsPullAlways, (_, p) => p.Set("imagePullPolicy", "Always")),
        ["k8s-cpu-requests"] = Resource("requests", "cpu", "100m"),
        ["k8s-cpu-limits"] = Resource("limits", "cpu", "500m"),
        ["k8s-memory-requests"] = Resource("requests", "memory", "128Mi"),
        ["k8s-memory-limits"] = Resource("limits", "memory", "256Mi"),
        ["k8s-host-pid"] = new PodFix(_ => new YamlPatch().Set("hostPID", false)),
        ["k8s-host-ipc"] = new PodFix(_ => new YamlPatch().Set("hostIPC", false)),
        ["k8s-host-network"] = new PodFix(_ => new YamlPatch().Set("hostNetwork", false)),
        ["k8s-service-account-token"] = new PodFix(_ => new YamlPatch().Set("automountServiceAccountToken", false)),
        ["k8s-seccomp"] = new PodFix(SeccompRuntimeDefault),
        ["k8s-run-as-non-root"] = new PodFix(RunAsNonRoot),
        ["k8s-high-uid"] = new PodFix(HighUid),
    };

    /// <summary>The checks a failure of which comes with a patch.</summary>
    public static IReadOnlyCollection<string> CheckIds => Fixes.Keys;

    /// <summary>The patch for a failed result, or null (passed, not a workload, no mechanical fix, or nothing patchable).</summary>
    public static string? For(CheckResult result)
    {
        if (!result.Outcome.Failed || result.Resource.Workload is not { MalformedSpec: false } workload || result.Resource.Name is null
            || !Fixes.TryGetValue(result.Check.Info.Id, out var fix))
        {
            return null;
        }
        var podPatch = fix switch
        {
            ContainerFix c => ContainersPatch(workload, c),
            PodFix p => p.Patch(workload),
            _ => null,
        };
        if (podPatch is null || podPatch.Entries.Count == 0)
        {
            return null;
        }
        var root = new YamlPatch().Set("apiVersion", result.Resource.ApiVersion).Set("kind", result.Resource.Kind);
        var metadata = root.Map("metadata").Set("name", result.Resource.Name);
        if (result.Resource.Namespace is { } ns)
        {
            metadata.Set("namespace", ns);
        }
        var spec = root.Map("spec");
        spec = result.Resource.Kind switch
        {
            "Pod" => spec,
            "CronJob" => spec.Map("jobTemplate").Map("spec").Map("template").Map("spec"),
            _ => spec.Map("template").Map("spec"),
        };
        foreach (var (key, value) in podPatch.Entries)
        {
            spec.Set(key, value);
        }
        return root.ToYaml(fix is ContainerFix { Placeholders: true } ? [Placeholder] : null);
    }

    /// <summary>One list item per container the check fails, under containers or initContainers.</summary>
    private static YamlPatch? ContainersPatch(Workload workload, ContainerFix fix)
    {
        var patch = new YamlPatch();
        var lists = new Dictionary<ContainerKind, List<object?>>();
        foreach (var container in workload.Containers)
        {
            if ((fix.MainAndInitOnly && container.Kind == ContainerKind.Ephemeral) || !fix.Needs(container))
            {
                continue;
            }
            // Ephemeral containers change only through their own subresource, and a nameless container has no merge key.
            if (container.Kind == ContainerKind.Ephemeral || container.Node.Text("name") is not { } name)
            {
                return null;
            }
            var item = new YamlPatch().Set("name", name);
            fix.Patch(container, item);
            if (!lists.TryGetValue(container.Kind, out var list))
            {
                lists[container.Kind] = list = [];
            }
            list.Add(item);
        }
        foreach (var (kind, items) in lists.OrderBy(l => l.Key))
        {
            patch.Set(kind == ContainerKind.Init ? "initContainers" : "containers", items);
        }
        return patch;
    }

    /// <summary>
    /// A missing request or limit; when its counterpart is set, the same value (a limit below its request is rejected
    /// by the API server), else a placeholder.
    /// </summary>
    private static ContainerFix Resource(string bound, string resource, string placeholder) => new(
        c => c.Node["resources"] switch
        {
            null or YamlScalar { IsNull: true } => true,
            YamlMapping map => !(map.Has(bound) && map[bound] is not YamlMapping) && map.Map(bound)?.Has(resource) != true,
            _ => false, // written as something else: the check does not decide, neither does the fix
        },
        (c, p) =>
        {
            var other = bound == "limits" ? "requests" : "limits";
            var value = (c.Node.Map("resources")?.Map(other)?[resource] as YamlScalar)?.Value ?? placeholder;
            p.Map("resources").Map(bound).Set(resource, value);
        },
        MainAndInitOnly: true)
    {
        Placeholders = true,
    };

    private static IEnumerable<string> Added(WorkloadContainer c) =>
        c.SecurityContext?.Map("capabilities")?.Seq("add")?.Items.OfType<YamlScalar>().Select(s => s.Value) ?? [];

    private static bool IsSysAdmin(string capability) => capability.ToUpperInvariant() is "SYS_ADMIN" or "CAP_SYS_ADMIN";

    private static bool Drops(WorkloadContainer c, params string[] names) =>
        c.SecurityContext?.Map("capabilities")?.Seq("drop")?.Items.OfType<YamlScalar>().Any(s => names.Contains(s.Value.ToUpperInvariant(), StringComparer.Ordinal)) == true;

    /// <summary>drop is an atomic list in the API: the patch keeps what was dropped and adds the capability.</summary>
    private static List<object?> WithDropped(WorkloadContainer c, string capability) =>
        [.. (c.SecurityContext?.Map("capabilities")?.Seq("drop")?.Items.OfType<YamlScalar>().Select(s => s.Value) ?? []).Append(capability).Distinct(StringComparer.Ordinal)];

    /// <summary>As the check: an explicit policy other than Always, or an unset one that defaults to IfNotPresent.</summary>
    private static bool NeedsPullAlways(WorkloadContainer c)
    {
        if (c.Node.Text("imagePullPolicy") is { } policy)
        {
            return policy != "Always";
        }
        return c.Reference is not ({ Digest: not null } or { Tag: null or "latest" });
    }

    private static YamlPatch SeccompRuntimeDefault(Workload w)
    {
        var profile = new YamlPatch().Set("type", "RuntimeDefault");
        if (w.PodSecurityContext?.Map("seccompProfile")?.Has("localhostProfile") == true)
        {
            profile.Set("localhostProfile", null); // only valid with type Localhost
        }
        var patch = new YamlPatch();
        patch.Map("securityContext").Set("seccompProfile", profile);
        return patch;
    }

    /// <summary>runAsNonRoot: true on the pod, and on every container whose own context asks for root (runAsUser 0 is removed).</summary>
    private static YamlPatch? RunAsNonRoot(Workload w)
    {
        var patch = new YamlPatch();
        var pod = patch.Map("securityContext").Set("runAsNonRoot", true);
        if (w.PodSecurityContext?.Integer("runAsUser") == 0)
        {
            pod.Set("runAsUser", null);
        }
        var fix = new ContainerFix(
            c => c.Kind != ContainerKind.Ephemeral && (c.SecurityContext?.Integer("runAsUser") == 0 || c.SecurityContext?.Bool("runAsNonRoot") == false),
            (c, p) =>
            {
                var context = p.Map("securityContext").Set("runAsNonRoot", true);
                if (c.SecurityContext?.Integer("runAsUser") == 0)
                {
                    context.Set("runAsUser", null);
                }
            },
            MainAndInitOnly: true);
        return Merge(patch, ContainersPatch(w, fix));
    }

    private const long HighUidValue = 10000;

    /// <summary>runAsUser 10000 on the pod when its own is lower or unset, and on every container that sets a lower one.</summary>
    private static YamlPatch? HighUid(Workload w)
    {
        var patch = new YamlPatch();
        if (w.PodSecurityContext?.Integer("runAsUser") is not >= HighUidValue)
        {
            patch.Map("securityContext").Set("runAsUser", HighUidValue);
        }
        var fix = new ContainerFix(
            c => c.Kind != ContainerKind.Ephemeral && c.SecurityContext?.Integer("runAsUser") is < HighUidValue,
            (_, p) => p.Map("securityContext").Set("runAsUser", HighUidValue),
            MainAndInitOnly: true);
        return Merge(patch, ContainersPatch(w, fix));
    }

    /// <summary>The pod's patch with the containers' lists; null when a container needing the fix cannot be patched.</summary>
    private static YamlPatch? Merge(YamlPatch pod, YamlPatch? containers)
    {
        if (containers is null)
        {
            return null;
        }
        foreach (var (key, value) in containers.Entries)
        {
            pod.Set(key, value);
        }
        return pod;
    }
}
