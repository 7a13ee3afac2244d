using System.Text.RegularExpressions;
using Seawall.Core.Model;
using Seawall.Misconfig.Kubernetes;
using Seawall.Misconfig.Manifests;
using static Seawall.Misconfig.Checks.HostAndConfinementChecks;
using static Seawall.Misconfig.Checks.ManifestCheck;
using static Seawall.Misconfig.Checks.WorkloadChecks;

namespace Seawall.Misconfig.Checks;

/// <summary>
/// kube-linter's built-in workload and Service checks that neither checkov's set nor the host checks cover, with its
/// semantics (read from its check definitions and e2e fixtures): one failure per offending container, port or
/// variable, where kube-linter reports each.
/// </summary>
internal static partial class KubeLinterChecks
{
    /// <summary>API versions the API server no longer serves, and the release that removed them.</summary>
    private static readonly Dictionary<string, string> RemovedApis = new(StringComparer.Ordinal)
    {
        ["extensions/v1beta1"] = "1.22 (1.16 for workloads)",
        ["apps/v1beta1"] = "1.16",
        ["apps/v1beta2"] = "1.16",
        ["networking.k8s.io/v1beta1"] = "1.22",
        ["rbac.authorization.k8s.io/v1beta1"] = "1.22",
        ["rbac.authorization.k8s.io/v1alpha1"] = "1.22",
        ["admissionregistration.k8s.io/v1beta1"] = "1.22",
        ["apiextensions.k8s.io/v1beta1"] = "1.22",
        ["apiregistration.k8s.io/v1beta1"] = "1.22",
        ["certificates.k8s.io/v1beta1"] = "1.22",
        ["coordination.k8s.io/v1beta1"] = "1.22",
        ["batch/v1beta1"] = "1.25",
        ["policy/v1beta1"] = "1.25",
        ["discovery.k8s.io/v1beta1"] = "1.25",
        ["events.k8s.io/v1beta1"] = "1.25",
        ["node.k8s.io/v1beta1"] = "1.25",
        ["autoscaling/v2beta1"] = "1.25",
        ["autoscaling/v2beta2"] = "1.26",
        ["flowcontrol.apiserver.k8s.io/v1beta1"] = "1.26",
        ["flowcontrol.apiserver.k8s.io/v1beta2"] = "1.29",
    };

    public static IEnumerable<ManifestCheck> All()
    {
        yield return Spots(Info("k8s-run-as-root-group", "Containers should not run with group ID 0", Severity.Medium,
            "With runAsGroup 0 the process belongs to root's group, which owns many files a non-root user could otherwise not touch.",
            "Set runAsGroup to a non-zero group in the pod or container securityContext.",
            ["kube-linter:run-as-non-root", "NSA/CISA:non-root-containers", "NIST-800-190-4.4.3"]),
            null, RootGroup,
            "no container runs as group 0");
        yield return Spots(Info("k8s-deprecated-service-account-field", "Use serviceAccountName, not the deprecated serviceAccount", Severity.Low,
            "spec.serviceAccount is a deprecated alias; tools that read only serviceAccountName misjudge which account the pod runs as.",
            "Rename spec.serviceAccount to spec.serviceAccountName.",
            ["kube-linter:deprecated-service-account-field"]),
            null, r => r.Workload is not { } w ? null
                : w.PodSpec.Text("serviceAccount") is { } account ? [Fail(w.PodSpec["serviceAccount"], $"serviceAccount: {account} is deprecated")] : [],
            "serviceAccount not used");
        yield return Spots(Info("k8s-ssh-port", "Containers should not expose SSH", Severity.Medium,
            "An SSH server in a container is a second, unaudited way in that bypasses kubectl exec and its RBAC.",
            "Remove the SSH server and port 22; use kubectl exec or ephemeral debug containers.",
            ["kube-linter:ssh-port", "NIST-800-190-4.4.2"]),
            null, EachContainerSpots(c => EachPort(c, p => p.Integer("containerPort") == 22 && (p.Text("protocol") ?? "TCP") == "TCP" ? Fail(p, $"port 22/TCP in container {c.Name}") : null)),
            "no SSH port");
        yield return Spots(Info("k8s-privileged-port", "Containers should not listen on privileged ports", Severity.Low,
            "A port under 1024 needs root or NET_BIND_SERVICE inside the container, privileges it should not need.",
            "Listen on a port of 1024 or above and map it with the Service's port.",
            ["kube-linter:privileged-ports", "NIST-800-190-4.4.3"]),
            null, EachContainerSpots(c => EachPort(c, p => p.Integer("containerPort") is > 0 and < 1024 ? Fail(p["containerPort"], $"port {p.Text("containerPort")} is mapped in container {c.Name}") : null)),
            "no privileged port");
        yield return ProbePort("k8s-liveness-probe-port", "livenessProbe", "kube-linter:liveness-port");
        yield return ProbePort("k8s-readiness-probe-port", "readinessProbe", "kube-linter:readiness-port");
        yield return ProbePort("k8s-startup-probe-port", "startupProbe", "kube-linter:startup-port");
        yield return Spots(Info("k8s-invalid-port-name", "Port numbers and names should be valid", Severity.Low,
            "A Service targetPort out of 1-65535, or a port name that is not an IANA service name (at most 15 lowercase letters, digits and dashes, with a letter), is rejected or never matches.",
            "Use port numbers 1-65535 and names such as http or metrics-1.",
            ["kube-linter:invalid-target-ports"]),
            null, InvalidPorts, "ports valid");
        yield return Spots(Info("k8s-mismatching-selector", "The selector should match the pod template's labels", Severity.Low,
            "A controller whose selector does not match its own template's labels is rejected by the API server, or (DeploymentConfig) never owns its pods.",
            "Make spec.selector's labels a subset of spec.template.metadata.labels.",
            ["kube-linter:mismatching-selector"]),
            null, MismatchingSelector, "selector matches the template");
        yield return Spots(Info("k8s-duplicate-env-var", "Environment variables should be defined once per container", Severity.Low,
            "With a duplicate name only the last value takes effect, so the manifest does not say what the container sees.",
            "Remove the duplicate env entries.",
            ["kube-linter:duplicate-env-var"]),
            null, EachContainerSpots(DuplicateEnv),
            "no duplicate env var");
        yield return Spots(Info("k8s-removed-api-version", "Objects should not use removed API versions", Severity.Medium,
            "An object of a removed API version (extensions/v1beta1 and the like) no longer applies; its security settings were never reviewed against the current API.",
            "Migrate the manifest to the current API version (kubectl convert, or the chart's newer release).",
            ["kube-linter:no-extensions-v1beta"]),
            null, r => !BuiltInGroup(r.ApiVersion) ? null
                : RemovedApis.TryGetValue(r.ApiVersion, out var removed) ? [Fail(r.Root["apiVersion"], $"{r.ApiVersion} {r.Kind} was removed in Kubernetes {removed}")] : [],
            "served API version");
        yield return Spots(Info("k8s-scc-privileged", "SecurityContextConstraints should not allow privileged containers", Severity.High,
            "An OpenShift SCC with allowPrivilegedContainer: true lets every pod admitted under it run privileged: root on the node.",
            "Set allowPrivilegedContainer: false; grant specific capabilities through allowedCapabilities instead.",
            ["kube-linter:scc-deny-privileged-container", "CIS-K8s-5.2.2"]),
            null, r => r.Kind != "SecurityContextConstraints" ? null
                : r.Root.Bool("allowPrivilegedContainer") == true ? [Fail(r.Root["allowPrivilegedContainer"], "allowPrivilegedContainer: true")] : [],
            "privileged containers not allowed");
        yield return Spots(Info("k8s-rolling-update-strategy", "Controllers should update with a rolling strategy", Severity.Low,
            "A Recreate or OnDelete strategy takes every replica down at once, or never rolls out a fix until pods die.",
            "Set the update strategy type to RollingUpdate (Rolling for DeploymentConfig).",
            ["kube-linter:no-rolling-update-strategy"]),
            null, UpdateStrategy, "rolling updates");
        yield return Spots(Info("k8s-job-ttl-after-finished", "Standalone Jobs should set ttlSecondsAfterFinished", Severity.Low,
            "Finished Jobs and their pods stay until deleted, holding their Secrets' names, logs and quota; a CronJob's jobs are pruned by its history limits, which a TTL races with.",
            "Set spec.ttlSecondsAfterFinished on a standalone Job; on a CronJob, use successfulJobsHistoryLimit and failedJobsHistoryLimit instead.",
            ["kube-linter:job-ttl-seconds-after-finished"]),
            null, r => r.Kind switch
            {
                "Job" => r.Root.Map("spec")?.Has("ttlSecondsAfterFinished") == true ? [] : [Fail(r.Root.Map("spec") ?? r.Root, "standalone Job without ttlSecondsAfterFinished")],
                "CronJob" => r.Root.Map("spec")?.Map("jobTemplate")?.Map("spec")?["ttlSecondsAfterFinished"] is { } ttl
                    ? [Fail(ttl, "managed Job sets ttlSecondsAfterFinished, which races with the CronJob's history limits")] : [],
                _ => null,
            },
            "Job lifetime bounded");
    }

    private static IReadOnlyList<CheckOutcome>? RootGroup(ManifestResource r)
    {
        if (r.Workload is not { } w)
        {
            return null;
        }
        List<CheckOutcome>? failures = null;
        foreach (var c in w.NonEphemeralContainers)
        {
            if ((c.SecurityContext?.Integer("runAsGroup") ?? w.PodSecurityContext?.Integer("runAsGroup")) == 0)
            {
                (failures ??= []).Add(Fail(c.SecurityContext?["runAsGroup"] ?? w.PodSecurityContext?["runAsGroup"], $"container {c.Name} runs as group 0"));
            }
        }
        return failures ?? (IReadOnlyList<CheckOutcome>)[];
    }

    /// <summary>Kubernetes' own API groups: a custom resource's versions are its operator's business.</summary>
    private static bool BuiltInGroup(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        if (apiVersion.Length == 0 || slash == 0)
        {
            return false;
        }
        var group = slash < 0 ? string.Empty : apiVersion[..slash];
        return group is "" or "apps" or "batch" or "extensions" or "policy" or "autoscaling" || group.EndsWith(".k8s.io", StringComparison.Ordinal);
    }

    /// <summary>The failures <paramref name="judge"/> finds among the container's ports; no list unless one fails.</summary>
    private static IReadOnlyList<CheckOutcome> EachPort(WorkloadContainer c, Func<YamlMapping, CheckOutcome?> judge)
    {
        List<CheckOutcome>? failures = null;
        foreach (var item in c.Node.Seq("ports")?.Items ?? [])
        {
            if (item is YamlMapping port && judge(port) is { } failure)
            {
                (failures ??= []).Add(failure);
            }
        }
        return failures ?? (IReadOnlyList<CheckOutcome>)[];
    }

    /// <summary>One failure per name defined twice or more, at its last definition (the one that takes effect), in first-seen order.</summary>
    private static IReadOnlyList<CheckOutcome> DuplicateEnv(WorkloadContainer c)
    {
        if (c.Node.Seq("env") is not { Items.Count: > 1 } env || (env.Items.Count <= 32 && !AnyNameTwice(env.Items)))
        {
            return [];
        }
        var byName = new Dictionary<string, (int Count, YamlMapping Last)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var item in env.Items)
        {
            if (item is YamlMapping variable && variable.Text("name") is { } name)
            {
                if (byName.TryGetValue(name, out var seen))
                {
                    byName[name] = (seen.Count + 1, variable);
                }
                else
                {
                    byName[name] = (1, variable);
                    order.Add(name);
                }
            }
        }
        List<CheckOutcome>? failures = null;
        foreach (var name in order)
        {
            if (byName[name] is { Count: > 1 } duplicate)
            {
                (failures ??= []).Add(Fail(duplicate.Last, $"duplicate environment variable {name} in container {c.Name}"));
            }
        }
        return failures ?? (IReadOnlyList<CheckOutcome>)[];
    }

    /// <summary>Whether two variables share a name: pairwise, without a dictionary, for the short lists most containers have.</summary>
    private static bool AnyNameTwice(IReadOnlyList<YamlNode> items)
    {
        for (var i = 1; i < items.Count; i++)
        {
            if (items[i] is not YamlMapping later || later.Text("name") is not { } name)
            {
                continue;
            }
            for (var j = 0; j < i; j++)
            {
                if (items[j] is YamlMapping earlier && earlier.Text("name") == name)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static ManifestCheck ProbePort(string id, string probe, string reference) =>
        Spots(Info(id, $"The {probe} should target a port the container exposes", Severity.Low,
            $"A {probe} on a port the container does not declare (or declares for UDP) fails or probes the wrong listener, so the kubelet restarts or routes on false information.",
            $"Point the {probe} at one of the container's TCP ports, by number or name.",
            [reference]),
            null, EachContainerSpots(c => c.Kind != ContainerKind.Container || c.Node.Map(probe) is not { } p ? [] : ProbeTarget(p) is not { } target ? []
                : Exposes(c, target.Port) ? [] : [Fail(target.Port, $"container {c.Name} does not expose port {target.Port.Value} for the {target.Handler} probe")]),
            "probes target exposed ports");

    private static readonly string[] ProbeHandlers = ["httpGet", "tcpSocket", "grpc"];

    private static (YamlScalar Port, string Handler)? ProbeTarget(YamlMapping probe)
    {
        foreach (var handler in ProbeHandlers)
        {
            if (probe.Map(handler)?.Scalar("port") is { IsNull: false } port)
            {
                return (port, handler);
            }
        }
        return null;
    }

    /// <summary>A number matches a TCP containerPort; a name matches a TCP port of that name (probes speak TCP).</summary>
    private static bool Exposes(WorkloadContainer c, YamlScalar port)
    {
        var number = port.AsInteger;
        foreach (var item in c.Node.Seq("ports")?.Items ?? [])
        {
            if (item is YamlMapping p && (p.Text("protocol") ?? "TCP") == "TCP"
                && (number is { } n ? p.Integer("containerPort") == n : string.Equals(p.Text("name"), port.Value, StringComparison.Ordinal)))
            {
                return true;
            }
        }
        return false;
    }

    private static IReadOnlyList<CheckOutcome>? InvalidPorts(ManifestResource r)
    {
        if (r.Kind == "Service")
        {
            var failures = new List<CheckOutcome>();
            foreach (var port in (r.Root.Map("spec")?.Seq("ports")?.Items ?? []).OfType<YamlMapping>())
            {
                if (port.Scalar("targetPort") is not { IsNull: false } target)
                {
                    continue;
                }
                if (target.AsInteger is { } number)
                {
                    if (number is < 1 or > 65535)
                    {
                        failures.Add(Fail(target, $"targetPort {number} is not between 1 and 65535"));
                    }
                }
                else if (PortNameProblem(target.Value) is { } problem)
                {
                    failures.Add(Fail(target, $"targetPort \"{target.Value}\" {problem}"));
                }
            }
            return failures;
        }
        return EachContainerSpots(c => EachPort(c, p => p.Scalar("name") is { IsNull: false } name && PortNameProblem(name.Value) is { } problem
            ? Fail(name, $"port name \"{name.Value}\" in container {c.Name} {problem}") : null))(r);
    }

    /// <summary>Why a port name is not an IANA_SVC_NAME (RFC 6335 5.1, as Kubernetes validates it), or null.</summary>
    private static string? PortNameProblem(string name) =>
        name.Length > 15 ? "must be no more than 15 characters"
        : !IanaCharacters().IsMatch(name) ? "must contain only lowercase letters, digits and '-', not at either end nor doubled"
        : !name.Any(char.IsAsciiLetterLower) ? "must contain at least one letter (a-z)"
        : null;

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex IanaCharacters();

    private static IReadOnlyList<CheckOutcome>? MismatchingSelector(ManifestResource r)
    {
        var spec = r.Root.Map("spec");
        YamlMapping? selector = r.Kind switch
        {
            "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet" or "Job" => spec?.Map("selector")?.Map("matchLabels"),
            // The older controllers take a plain label map as their selector.
            "DeploymentConfig" or "ReplicationController" => spec?.Map("selector"),
            _ => null,
        };
        if (selector is null || spec?.Map("template") is not { } template)
        {
            return null;
        }
        var labels = template.Map("metadata")?.Map("labels");
        foreach (var (key, value) in selector.Entries)
        {
            if (labels?.Text(key) != (value as YamlScalar)?.Value)
            {
                return [Fail(labels ?? template, $"pod template labels do not carry the selector's {key}={(value as YamlScalar)?.Value}")];
            }
        }
        return [];
    }

    private static IReadOnlyList<CheckOutcome>? UpdateStrategy(ManifestResource r)
    {
        var spec = r.Root.Map("spec");
        var (key, allowed) = r.Kind switch
        {
            "Deployment" => ("strategy", "RollingUpdate"),
            "DeploymentConfig" => ("strategy", "Rolling"),
            "DaemonSet" or "StatefulSet" => ("updateStrategy", "RollingUpdate"),
            _ => (null, null),
        };
        if (key is null || spec is null)
        {
            return null;
        }
        // Unset, every one of these controllers defaults to its rolling strategy.
        return spec.Map(key)?.Scalar("type") is { IsNull: false } type && type.Value != allowed
            ? [Fail(type, $"{key} type {type.Value}")] : [];
    }
}
