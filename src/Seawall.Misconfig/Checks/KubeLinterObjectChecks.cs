using System.Globalization;
using Seawall.Core.Model;
using Seawall.Misconfig.Manifests;
using static Seawall.Misconfig.Checks.ManifestCheck;
using static Seawall.Misconfig.Checks.WorkloadChecks;

namespace Seawall.Misconfig.Checks;

/// <summary>
/// kube-linter's checks that relate objects of one scan (a Service and the pods it selects, a workload and its
/// service account, a PodDisruptionBudget and the replicas it guards) and its availability checks. A reference is
/// only called dangling when the scan holds objects of the referenced kind at all: otherwise they are deployed
/// elsewhere and the scan cannot tell.
/// </summary>
internal static class KubeLinterObjectChecks
{
    /// <summary>kube-linter's DeploymentLike kinds: whatever carries a pod template.</summary>
    private static readonly HashSet<string> PodOwners = new(StringComparer.Ordinal)
    {
        "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "ReplicationController", "DeploymentConfig",
    };

    private static readonly string[] Scalers = ["HorizontalPodAutoscaler", "ScaledObject"];

    /// <summary>Kinds whose spec.replicas is a replica count.</summary>
    private static readonly HashSet<string> Replicated = new(StringComparer.Ordinal)
    {
        "Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "DeploymentConfig",
    };

    public static IEnumerable<ManifestCheck> All()
    {
        yield return Spots(Info("k8s-dangling-service", "Services should select pods of the scan", Severity.Low,
            "A Service whose selector matches no pod template sends traffic nowhere, or to whatever pod later carries those labels.",
            "Fix spec.selector to match the pod template's labels of the intended workload.",
            ["kube-linter:dangling-service"]),
            null, DanglingService, "selects a workload");
        yield return Spots(Info("k8s-non-existent-service-account", "Workloads should name a service account that exists", Severity.Low,
            "A pod naming a missing service account is not created, or runs as one someone creates later with unknown rights.",
            "Create the ServiceAccount with the workload, or fix serviceAccountName.",
            ["kube-linter:non-existent-service-account"]),
            null, MissingServiceAccount, "service account present");
        yield return Spots(Info("k8s-env-value-from", "Environment references should name Secrets, ConfigMaps and keys of the scan", Severity.Low,
            "A secretKeyRef or configMapKeyRef to a missing object or key keeps the pod from starting (or, marked optional, starts it without the value).",
            "Fix the reference's name and key, or create the Secret or ConfigMap with the workload.",
            ["kube-linter:env-value-from"]),
            null, EnvValueFrom, "references resolve");
        yield return Spots(Info("k8s-dangling-hpa", "HorizontalPodAutoscalers should target a workload of the scan", Severity.Low,
            "An autoscaler whose scaleTargetRef names no object scales nothing; the workload it was meant for runs unscaled.",
            "Fix spec.scaleTargetRef's kind and name.",
            ["kube-linter:dangling-horizontalpodautoscaler"]),
            null, DanglingHpa, "target present");
        yield return Spots(Info("k8s-dangling-ingress", "Ingress backends should be Services and ports of the scan", Severity.Low,
            "An Ingress backend naming a missing Service or port answers 503, or routes to whatever Service later takes the name.",
            "Fix the backend's service name and port.",
            ["kube-linter:dangling-ingress"]),
            null, DanglingIngress, "backends present");
        yield return Spots(Info("k8s-dangling-servicemonitor", "ServiceMonitors should select a Service of the scan", Severity.Low,
            "A Prometheus operator ServiceMonitor whose selectors match no Service scrapes nothing: the workload it was meant to watch runs unmonitored, and its alerts never fire.",
            "Fix spec.selector and spec.namespaceSelector so they match the Service's labels and namespace.",
            ["kube-linter:dangling-servicemonitor"]),
            null, DanglingServiceMonitor, "selects a Service");
        yield return Spots(Info("k8s-pdb-max-unavailable-zero", "PodDisruptionBudgets should allow a disruption", Severity.Medium,
            "maxUnavailable: 0 forbids every voluntary eviction: nodes cannot be drained, so they are not patched.",
            "Set maxUnavailable to 1 or more (or a non-zero percentage).",
            ["kube-linter:pdb-max-unavailable"]),
            null, r => r.Kind != "PodDisruptionBudget" ? null
                : r.Root.Map("spec")?.Scalar("maxUnavailable") is { } max && (max.Value is "0" or "0%")
                    ? [Fail(max, "maxUnavailable is 0")] : [],
            "disruptions allowed");
        yield return Spots(Info("k8s-pdb-min-available-replicas", "PodDisruptionBudgets should require fewer pods than the workload runs", Severity.Medium,
            "A minAvailable at or above the replica count (or an autoscaler's minimum) forbids every eviction: nodes cannot be drained, so they are not patched.",
            "Lower minAvailable below the replica count, or raise the replicas (and the autoscaler's minimum).",
            ["kube-linter:pdb-min-available"]),
            null, PdbMinAvailable, "evictions possible");
        yield return Spots(Info("k8s-pdb-unhealthy-pod-eviction-policy", "PodDisruptionBudgets should set unhealthyPodEvictionPolicy", Severity.Low,
            "Unset, a budget counts crash-looping pods as protected, so a broken rollout can block node drains.",
            "Set spec.unhealthyPodEvictionPolicy: AlwaysAllow (or IfHealthyBudget deliberately).",
            ["kube-linter:pdb-unhealthy-pod-eviction-policy"]),
            null, r => r.Kind != "PodDisruptionBudget" ? null
                : r.Root.Map("spec")?.Has("unhealthyPodEvictionPolicy") == true ? [] : [Fail(r.Root.Map("spec") ?? r.Root, "unhealthyPodEvictionPolicy not set")],
            "policy set");
        yield return Spots(Info("k8s-minimum-replicas", "Replicated workloads should run at least three replicas", Severity.Low,
            "Fewer than three replicas leave no margin: one eviction or node failure during an update takes the service down.",
            "Set spec.replicas to 3 or more, or let a HorizontalPodAutoscaler with minReplicas 3 manage it.",
            ["kube-linter:minimum-three-replicas"]),
            // With an autoscaler, its minimum is the floor the workload can shrink to.
            null, r => !Replicated.Contains(r.Kind) || r.Root.Map("spec") is not { } spec ? null
                : (ScaledMinimum(r) ?? spec.Integer("replicas") ?? 1) is var floor && floor < 3 ? [Fail(spec["replicas"] ?? spec, $"{floor} replicas at least")] : [],
            "three or more replicas");
        yield return Spots(Info("k8s-hpa-minimum-replicas", "HorizontalPodAutoscalers should keep at least three replicas", Severity.Low,
            "An autoscaler allowed to scale below three replicas leaves no margin for an eviction or a node failure.",
            "Set spec.minReplicas to 3 or more.",
            ["kube-linter:hpa-minimum-three-replicas"]),
            null, r => r.Kind != "HorizontalPodAutoscaler" ? null
                : (r.Root.Map("spec")?.Integer("minReplicas") ?? 1) < 3 ? [Fail(r.Root.Map("spec")?["minReplicas"] ?? r.Root, $"minReplicas {r.Root.Map("spec")?.Integer("minReplicas") ?? 1}")] : [],
            "minReplicas 3 or more");
        yield return Spots(Info("k8s-pod-anti-affinity", "Replicated workloads should spread their pods with anti-affinity", Severity.Low,
            "Without pod anti-affinity the scheduler may place every replica on one node, which one node failure or drain takes down.",
            "Add a podAntiAffinity term selecting the workload's own pods with topologyKey kubernetes.io/hostname.",
            ["kube-linter:no-anti-affinity"]),
            null, AntiAffinity, "replicas spread");
    }

    /// <summary>The labels the pods of a workload carry (its pod template's, a Pod's own).</summary>
    private static YamlMapping? PodLabels(ManifestResource r)
    {
        if (r.Kind == "Pod")
        {
            return r.Metadata?.Map("labels");
        }
        var spec = r.Root.Map("spec");
        if (r.Kind == "CronJob")
        {
            spec = spec?.Map("jobTemplate")?.Map("spec");
        }
        return spec?.Map("template")?.Map("metadata")?.Map("labels");
    }

    private static bool Subset(YamlMapping selector, YamlMapping? labels) =>
        labels is not null && selector.Entries.All(e => labels.Text(e.Key) is { } v && v == (e.Value as YamlScalar)?.Value);

    /// <summary>A label selector (matchLabels and matchExpressions) against a label set.</summary>
    private static bool Selects(YamlMapping selector, YamlMapping? labels)
    {
        if (selector.Map("matchLabels") is { } matchLabels && !Subset(matchLabels, labels))
        {
            return false;
        }
        foreach (var expression in (selector.Seq("matchExpressions")?.Items ?? []).OfType<YamlMapping>())
        {
            var value = expression.Text("key") is { } key ? labels?.Text(key) : null;
            var values = (expression.Seq("values")?.Items ?? []).OfType<YamlScalar>().Select(s => s.Value).ToList();
            var holds = expression.Text("operator") switch
            {
                "In" => value is not null && values.Contains(value),
                "NotIn" => value is null || !values.Contains(value),
                "Exists" => value is not null,
                "DoesNotExist" => value is null,
                _ => false,
            };
            if (!holds)
            {
                return false;
            }
        }
        return true;
    }

    private static IReadOnlyList<CheckOutcome>? DanglingService(ManifestResource r)
    {
        if (r.Kind != "Service" || r.Root.Map("spec")?.Map("selector") is not { Entries.Count: > 0 } selector)
        {
            return null;
        }
        if (!r.HasNeighbourOfKinds(PodOwners))
        {
            return null; // the workloads are deployed by something else
        }
        return r.NeighboursOfKindsIn(PodOwners, r.NamespaceOrDefault).Any(o => Subset(selector, PodLabels(o))) ? []
            : [Fail(selector, $"no pod template of the scan carries the labels {string.Join(",", selector.Entries.Select(e => e.Key + "=" + (e.Value as YamlScalar)?.Value))}")];
    }

    private static IReadOnlyList<CheckOutcome>? MissingServiceAccount(ManifestResource r)
    {
        if (r.Workload is not { } w)
        {
            return null;
        }
        var at = w.PodSpec["serviceAccountName"] ?? w.PodSpec["serviceAccount"];
        var name = w.PodSpec.Text("serviceAccountName") ?? w.PodSpec.Text("serviceAccount");
        if (!r.HasNeighbourOfKind("ServiceAccount"))
        {
            return null;
        }
        if (name is null or "" or "default")
        {
            return [];
        }
        return r.NeighboursOfKindIn("ServiceAccount", r.NamespaceOrDefault).Any(a => a.Name == name) ? [] : [Fail(at, $"service account {name} not found")];
    }

    private static readonly (string RefKey, string Kind, string[] DataKeys)[] EnvReferences =
        [("secretKeyRef", "Secret", ["data", "stringData"]), ("configMapKeyRef", "ConfigMap", ["data", "binaryData"])];

    private static readonly string[] EnvReferenceKinds = ["Secret", "ConfigMap"];

    private static IReadOnlyList<CheckOutcome>? EnvValueFrom(ManifestResource r)
    {
        if (r.Workload is not { } w)
        {
            return null;
        }
        if (!r.HasNeighbourOfKinds(EnvReferenceKinds))
        {
            return []; // neither kind is in the scan: both are managed outside it, nothing to resolve against
        }
        var failures = new List<CheckOutcome>();
        foreach (var c in w.Containers)
        {
            foreach (var env in (c.Node.Seq("env")?.Items ?? []).OfType<YamlMapping>())
            {
                foreach (var (refKey, kind, dataKeys) in EnvReferences)
                {
                    if (env.Map("valueFrom")?.Map(refKey) is not { } reference || reference.Bool("optional") == true || reference.Text("name") is not { } name)
                    {
                        continue;
                    }
                    if (!r.HasNeighbourOfKind(kind))
                    {
                        continue; // this kind is managed outside the scan (sealed or external secrets, another chart)
                    }
                    var target = r.NeighboursOfKindIn(kind, r.NamespaceOrDefault).FirstOrDefault(o => o.Name == name);
                    var key = reference.Text("key");
                    if (target is null)
                    {
                        failures.Add(Fail(reference, $"container {c.Name} refers to an unknown {kind} {name}"));
                    }
                    else if (key is not null && !dataKeys.Any(d => target.Root.Map(d)?[key] is not null))
                    {
                        failures.Add(Fail(reference, $"container {c.Name} refers to an unknown key {key} in {kind} {name}"));
                    }
                }
            }
        }
        return failures;
    }

    private static IReadOnlyList<CheckOutcome>? DanglingHpa(ManifestResource r)
    {
        if (r.Kind != "HorizontalPodAutoscaler" || r.Root.Map("spec")?.Map("scaleTargetRef") is not { } target)
        {
            return null;
        }
        var kind = target.Text("kind");
        if (!(kind is not null && r.HasNeighbourOfKind(kind)) && !r.HasNeighbourOfKinds(PodOwners))
        {
            return null;
        }
        return r.NeighboursOfKindIn(kind, r.NamespaceOrDefault).Any(c => c.Name == target.Text("name")) ? [] : [Fail(target, $"no {kind} {target.Text("name")} in the scan")];
    }

    /// <summary>
    /// A ServiceMonitor that selects no Service of the scan, judged as kube-linter does: without namespaceSelector
    /// matchNames it may match a Service of any namespace (the operator's default is the monitor's own namespace, but a
    /// rendered chart often leaves namespaces to `helm --namespace`, where "default" stands for unset); `any: true` is
    /// every namespace; a missing or empty label selector selects every Service. Not judged without a Service in the scan.
    /// </summary>
    private static IReadOnlyList<CheckOutcome>? DanglingServiceMonitor(ManifestResource r)
    {
        if (r.Kind != "ServiceMonitor" || !r.HasNeighbourOfKind("Service"))
        {
            return null;
        }
        var spec = r.Root.Map("spec");
        var selector = NetworkPolicy.LabelSelector.From(spec?.Map("selector"));
        var namespaces = spec?.Map("namespaceSelector") is { } namespaceSelector && namespaceSelector.Bool("any") != true
            ? (namespaceSelector.Seq("matchNames")?.Items ?? []).OfType<YamlScalar>().Select(s => s.Value).ToList()
            : [];
        foreach (var service in r.NeighboursOfKind("Service"))
        {
            if ((namespaces.Count == 0 || namespaces.Contains(service.NamespaceOrDefault)) && selector.Matches(NetworkPolicy.LabelSelector.Labels(service.Metadata?.Map("labels"))))
            {
                return [];
            }
        }
        return [Fail(spec ?? r.Root, $"no Service matches label selector {selector} in namespaces [{string.Join(",", namespaces)}]")];
    }

    private static IReadOnlyList<CheckOutcome>? DanglingIngress(ManifestResource r)
    {
        if (r.Kind != "Ingress")
        {
            return null;
        }
        var services = r.NeighboursOfKindIn("Service", r.NamespaceOrDefault).ToList();
        if (!r.HasNeighbourOfKind("Service"))
        {
            return null;
        }
        var spec = r.Root.Map("spec");
        var backends = new List<YamlMapping>();
        if (spec?.Map("defaultBackend")?.Map("service") is { } fallback)
        {
            backends.Add(fallback);
        }
        foreach (var rule in (spec?.Seq("rules")?.Items ?? []).OfType<YamlMapping>())
        {
            foreach (var path in (rule.Map("http")?.Seq("paths")?.Items ?? []).OfType<YamlMapping>())
            {
                if (path.Map("backend")?.Map("service") is { } service)
                {
                    backends.Add(service);
                }
            }
        }
        var failures = new List<CheckOutcome>();
        foreach (var backend in backends)
        {
            var service = services.FirstOrDefault(s => s.Name == backend.Text("name"));
            var port = backend.Map("port");
            if (service is null)
            {
                failures.Add(Fail(backend, $"no service {backend.Text("name")}"));
            }
            else if (port is not null && !(service.Root.Map("spec")?.Seq("ports")?.Items ?? []).OfType<YamlMapping>().Any(p =>
                         port.Integer("number") is { } number ? p.Integer("port") == number : p.Text("name") == port.Text("name")))
            {
                failures.Add(Fail(port, $"service {backend.Text("name")} has no port {port.Text("number") ?? port.Text("name")}"));
            }
        }
        return failures;
    }

    /// <summary>The minimum replicas an autoscaler (HPA or KEDA ScaledObject) of the scan keeps the workload at, or null.</summary>
    private static long? ScaledMinimum(ManifestResource workload)
    {
        foreach (var scaler in workload.NeighboursOfKindsIn(Scalers, workload.NamespaceOrDefault))
        {
            var spec = scaler.Root.Map("spec");
            var target = spec?.Map("scaleTargetRef");
            if (target is null || target.Text("name") != workload.Name || (target.Text("kind") is { } kind && kind != workload.Kind))
            {
                continue;
            }
            if (scaler.Kind == "HorizontalPodAutoscaler")
            {
                return spec!.Integer("minReplicas") ?? 1;
            }
            if (scaler.Kind == "ScaledObject")
            {
                return spec!.Integer("minReplicaCount") ?? 0;
            }
        }
        return null;
    }

    private static IReadOnlyList<CheckOutcome>? PdbMinAvailable(ManifestResource r)
    {
        if (r.Kind != "PodDisruptionBudget" || r.Root.Map("spec") is not { } spec || spec.Scalar("minAvailable") is not { IsNull: false } min)
        {
            return null;
        }
        var selector = spec.Map("selector");
        var failures = new List<CheckOutcome>();
        foreach (var workload in r.NeighboursOfKindsIn(Replicated, r.NamespaceOrDefault))
        {
            var workloadSelector = workload.Root.Map("spec")?.Map("selector")?.Map("matchLabels");
            if (selector is null || !(Selects(selector, PodLabels(workload)) || (workloadSelector is not null && Selects(selector, workloadSelector))))
            {
                continue;
            }
            var replicas = ScaledMinimum(workload) ?? workload.Root.Map("spec")?.Integer("replicas") ?? 1;
            var blocks = min.AsInteger is { } n ? n >= replicas
                : min.Value.EndsWith('%') && int.TryParse(min.Value.TrimEnd('%'), NumberStyles.None, CultureInfo.InvariantCulture, out var percent) && percent >= 100;
            if (blocks)
            {
                failures.Add(Fail(min, $"minAvailable {min.Value} is at or above the {replicas} replica(s) of {workload.Kind} {workload.Name}"));
            }
        }
        return failures;
    }

    private static IReadOnlyList<CheckOutcome>? AntiAffinity(ManifestResource r)
    {
        if (!Replicated.Contains(r.Kind) || r.Workload is not { } w)
        {
            return null;
        }
        if ((ScaledMinimum(r) ?? r.Root.Map("spec")?.Integer("replicas") ?? 1) < 2)
        {
            return [];
        }
        var antiAffinity = w.PodSpec.Map("affinity")?.Map("podAntiAffinity");
        if (antiAffinity is null)
        {
            return [Fail(w.PodSpec, $"{r.Root.Map("spec")?.Integer("replicas") ?? 1} replicas without pod anti-affinity")];
        }
        var terms = (antiAffinity.Seq("requiredDuringSchedulingIgnoredDuringExecution")?.Items ?? []).OfType<YamlMapping>()
            .Concat((antiAffinity.Seq("preferredDuringSchedulingIgnoredDuringExecution")?.Items ?? []).OfType<YamlMapping>().Select(p => p.Map("podAffinityTerm")).OfType<YamlMapping>())
            .ToList();
        if (terms.Count == 0)
        {
            return [Fail(w.PodSpec, $"{r.Root.Map("spec")?.Integer("replicas") ?? 1} replicas without pod anti-affinity")];
        }
        var labels = w.PodMetadata?.Map("labels");
        foreach (var term in terms)
        {
            var namespaces = (term.Seq("namespaces")?.Items ?? []).OfType<YamlScalar>().Select(s => s.Value).ToList();
            if ((namespaces.Count == 0 || namespaces.Contains(r.NamespaceOrDefault)) && (term.Map("labelSelector") is not { } selector || Selects(selector, labels)))
            {
                return [];
            }
        }
        return [Fail(antiAffinity, "no anti-affinity term selects the workload's own pods in its namespace")];
    }
}
