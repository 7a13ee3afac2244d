using Seawall.Misconfig.Checks;
using Seawall.Misconfig.Manifests;
using Xunit;

namespace Seawall.Tests.Misconfig;

/// <summary>
/// The host, confinement and kube-linter checks: each fires on a manifest written to break it and stays quiet on a
/// near miss written to pass it (the hardened fixture covers the rest), and counts one failure per offending spot.
/// </summary>
public sealed class HostAndConfinementCheckTests
{
    /// <summary>A Deployment in namespace "shop" with one container "app"; fragments are spliced in as YAML.</summary>
    private static string Deployment(string container = "", string spec = "", string template = "") => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
        {{Indent(template, 6)}}
            spec:
        {{Indent(spec, 6)}}
              containers:
                - name: app
                  image: nginx:1.27
        {{Indent(container, 10)}}
        """;

    private static string Indent(string text, int spaces) =>
        string.Join('\n', text.Split('\n').Select(line => line.Length == 0 ? line : new string(' ', spaces) + line));

    private static string HostPath(string path, string mount = "") =>
        Deployment($"volumeMounts:\n  - {{name: host, mountPath: /host{mount}}}", $"volumes:\n  - name: host\n    hostPath: {{path: {path}}}");

    private static string Service(string type) =>
        $"apiVersion: v1\nkind: Service\nmetadata: {{name: s, namespace: shop}}\nspec:\n  type: {type}\n  ports:\n    - {{port: 80, targetPort: 8080}}\n";

    private static string Docs(params string[] documents) => string.Join("\n---\n", documents);

    private static string Pdb(string fields) =>
        $"apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: web, namespace: shop}}\nspec:\n  selector:\n    matchLabels: {{app: web}}\n{Indent(fields, 2)}\n";

    private static string Hpa(string target, int min) =>
        $"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: h, namespace: shop}}\nspec:\n  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {target}}}\n  minReplicas: {min}\n  maxReplicas: 10\n";

    private static string SelectingService(string app) =>
        $"apiVersion: v1\nkind: Service\nmetadata: {{name: web, namespace: shop}}\nspec:\n  selector: {{app: {app}}}\n  ports:\n    - {{name: http, port: 8080}}\n";

    private const string LabelledService = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop, labels: {app: web}}\nspec:\n  selector: {app: web}\n  ports:\n    - {name: http, port: 8080}\n";

    private static string ServiceMonitor(string selector, string namespaceSelector) =>
        $"apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {{name: m, namespace: monitoring}}\nspec:\n  selector: {selector}\n  {namespaceSelector}\n  endpoints: [{{port: http}}]\n";

    private static string Ingress(string service, string port) =>
        $"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {{name: i, namespace: shop}}\nspec:\n  defaultBackend:\n    service: {{name: {service}, port: {port}}}\n";

    private const string WebAccount = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: shop}\n";

    private static string Replicas(int n) => Deployment().Replace("  selector:", $"  replicas: {n}\n  selector:", StringComparison.Ordinal);

    private const string AntiAffinity = "affinity:\n  podAntiAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      - labelSelector:\n          matchExpressions: [{key: app, operator: In, values: [web]}]\n        topologyKey: kubernetes.io/hostname";

    private const string DbSecret = "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\nstringData: {password: x}\n";

    private static string SecretRef(string name, string key) => Deployment($"env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: {{name: {name}, key: {key}}}");

    public static TheoryData<string, string> Firing => new()
    {
        { "k8s-env-value-from", Docs(SecretRef("db", "passwd"), DbSecret) },
        { "k8s-env-value-from", Docs(SecretRef("cache", "password"), DbSecret) },
        { "k8s-dangling-service", Docs(Deployment(), SelectingService("api")) },
        { "k8s-non-existent-service-account", Docs(Deployment(spec: "serviceAccountName: ghost"), WebAccount) },
        { "k8s-dangling-hpa", Docs(Deployment(), Hpa("api", 3)) },
        { "k8s-dangling-servicemonitor", Docs(LabelledService, ServiceMonitor("{matchLabels: {app: api}}", "")) },
        { "k8s-dangling-servicemonitor", Docs(LabelledService, ServiceMonitor("{}", "namespaceSelector: {matchNames: [monitoring]}")) },
        { "k8s-dangling-ingress", Docs(SelectingService("web"), Ingress("api", "{number: 8080}")) },
        { "k8s-dangling-ingress", Docs(SelectingService("web"), Ingress("web", "{number: 80}")) },
        { "k8s-pdb-max-unavailable-zero", Pdb("maxUnavailable: 0") },
        { "k8s-pdb-min-available-replicas", Docs(Replicas(2), Pdb("minAvailable: 2")) },
        { "k8s-pdb-min-available-replicas", Docs(Replicas(5), Hpa("web", 1), Pdb("minAvailable: 1")) },
        { "k8s-pdb-unhealthy-pod-eviction-policy", Pdb("maxUnavailable: 1") },
        { "k8s-minimum-replicas", Deployment() },
        { "k8s-hpa-minimum-replicas", Hpa("web", 2) },
        { "k8s-pod-anti-affinity", Replicas(3) },
        { "k8s-sensitive-host-mount", HostPath("/etc") },
        { "k8s-sensitive-host-mount", HostPath("/var/lib/kubelet/") },
        { "k8s-sensitive-host-mount", HostPath("/run/podman/podman.sock") },
        { "k8s-sensitive-host-mount", HostPath("//") },
        { "k8s-writable-host-mount", HostPath("/data") },
        { "k8s-unsafe-proc-mount", Deployment("securityContext: {procMount: Unmasked}") },
        { "k8s-unsafe-sysctls", Deployment(spec: "securityContext:\n  sysctls:\n    - {name: kernel.msgmax, value: \"65536\"}") },
        { "k8s-apparmor-unconfined", Deployment("securityContext:\n  appArmorProfile: {type: Unconfined}") },
        { "k8s-apparmor-unconfined", Deployment(template: "annotations:\n  container.apparmor.security.beta.kubernetes.io/app: unconfined") },
        { "k8s-selinux-options", Deployment("securityContext:\n  seLinuxOptions: {type: spc_t}") },
        { "k8s-selinux-options", Deployment(spec: "securityContext:\n  seLinuxOptions: {user: system_u, role: system_r}") },
        { "k8s-ephemeral-storage-requests", Deployment("resources:\n  limits: {ephemeral-storage: 1Gi}") },
        { "k8s-ephemeral-storage-limits", Deployment("resources:\n  requests: {ephemeral-storage: 1Gi}") },
        { "k8s-exposed-service", Service("LoadBalancer") },
        { "k8s-exposed-service", Service("NodePort") },
        { "k8s-secret-literal-env", Deployment("env:\n  - {name: DB_PASSWORD, value: hunter2}") },
        { "k8s-secret-literal-env", Deployment("env:\n  - {name: stripe_api_key, value: sk_live_x}") },
        { "k8s-default-service-account-used", Deployment() },
        { "k8s-default-service-account-used", Deployment(spec: "serviceAccountName: default") },
        { "k8s-risky-component", Deployment().Replace("nginx:1.27", "gcr.io/kubernetes-helm/tiller:v2.16.12", StringComparison.Ordinal) },
        { "k8s-risky-component", Deployment().Replace("nginx:1.27", "weaveworks/scope:1.13.2", StringComparison.Ordinal) },
        { "k8s-run-as-root-group", Deployment("securityContext: {runAsUser: 1001, runAsGroup: 0}") },
        { "k8s-run-as-root-group", Deployment(spec: "securityContext: {runAsGroup: 0}") },
        { "k8s-deprecated-service-account-field", Deployment(spec: "serviceAccount: web") },
        { "k8s-ssh-port", Deployment("ports:\n  - {containerPort: 22}") },
        { "k8s-privileged-port", Deployment("ports:\n  - {containerPort: 80}") },
        { "k8s-liveness-probe-port", Deployment("ports:\n  - {containerPort: 8080, name: http}\nlivenessProbe:\n  httpGet: {path: /, port: 9090}") },
        { "k8s-readiness-probe-port", Deployment("ports:\n  - {containerPort: 8080, name: http}\nreadinessProbe:\n  grpc: {port: 8081}") },
        { "k8s-startup-probe-port", Deployment("ports:\n  - {containerPort: 53, name: dns, protocol: UDP}\nstartupProbe:\n  tcpSocket: {port: dns}") },
        { "k8s-invalid-port-name", Deployment("ports:\n  - {containerPort: 8080, name: \"8080\"}") },
        { "k8s-invalid-port-name", Deployment("ports:\n  - {containerPort: 8080, name: much-too-long-name}") },
        { "k8s-invalid-port-name", Service("ClusterIP").Replace("targetPort: 8080", "targetPort: 70000", StringComparison.Ordinal) },
        { "k8s-mismatching-selector", Deployment().Replace("labels: {app: web}", "labels: {app: api}", StringComparison.Ordinal) },
        { "k8s-duplicate-env-var", Deployment("env:\n  - {name: PORT, value: \"1\"}\n  - {name: PORT, value: \"2\"}") },
        { "k8s-removed-api-version", Deployment().Replace("apps/v1", "extensions/v1beta1", StringComparison.Ordinal) },
        { "k8s-removed-api-version", "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: p, namespace: shop}\nspec: {minAvailable: 1}\n" },
        { "k8s-scc-privileged", "apiVersion: security.openshift.io/v1\nkind: SecurityContextConstraints\nmetadata: {name: wide-open}\nallowPrivilegedContainer: true\n" },
        { "k8s-rolling-update-strategy", Deployment().Replace("  selector:", "  strategy: {type: Recreate}\n  selector:", StringComparison.Ordinal) },
        { "k8s-job-ttl-after-finished", "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j, namespace: shop}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: a, image: busybox:1}]\n" },
    };

    /// <summary>Near misses: the same field set the way each check accepts.</summary>
    public static TheoryData<string, string> Quiet => new()
    {
        { "k8s-env-value-from", Docs(SecretRef("db", "password"), DbSecret) },
        { "k8s-env-value-from", SecretRef("cache", "password") }, // no Secret in the scan: managed elsewhere
        { "k8s-dangling-service", Docs(Deployment(), SelectingService("web")) },
        { "k8s-non-existent-service-account", Docs(Deployment(spec: "serviceAccountName: web"), WebAccount) },
        { "k8s-dangling-hpa", Docs(Deployment(), Hpa("web", 3)) },
        { "k8s-dangling-servicemonitor", Docs(LabelledService, ServiceMonitor("{matchLabels: {app: web}}", "namespaceSelector: {matchNames: [shop]}")) },
        { "k8s-dangling-servicemonitor", Docs(LabelledService, ServiceMonitor("{matchLabels: {app: web}}", "namespaceSelector: {any: true}")) },
        { "k8s-dangling-ingress", Docs(SelectingService("web"), Ingress("web", "{name: http}")) },
        { "k8s-pdb-max-unavailable-zero", Pdb("maxUnavailable: \"25%\"") },
        { "k8s-pdb-min-available-replicas", Docs(Replicas(3), Pdb("minAvailable: 2")) },
        { "k8s-pdb-unhealthy-pod-eviction-policy", Pdb("maxUnavailable: 1\nunhealthyPodEvictionPolicy: AlwaysAllow") },
        { "k8s-minimum-replicas", Replicas(3) },
        { "k8s-hpa-minimum-replicas", Hpa("web", 3) },
        { "k8s-pod-anti-affinity", Deployment(spec: AntiAffinity).Replace("  selector:", "  replicas: 3\n  selector:", StringComparison.Ordinal) },
        { "k8s-sensitive-host-mount", HostPath("/var/log/app") },
        { "k8s-sensitive-host-mount", Deployment(spec: "volumes:\n  - name: host\n    hostPath: {path: /etc}") }, // declared, never mounted
        { "k8s-writable-host-mount", Deployment("volumeMounts:\n  - {name: host, mountPath: /host, readOnly: true}", "volumes:\n  - name: host\n    hostPath: {path: /data}") },
        { "k8s-writable-host-mount", Deployment("volumeMounts:\n  - {name: scratch, mountPath: /tmp}", "volumes:\n  - name: scratch\n    emptyDir: {}") },
        { "k8s-unsafe-proc-mount", Deployment("securityContext: {procMount: Default}") },
        { "k8s-unsafe-sysctls", Deployment(spec: "securityContext:\n  sysctls:\n    - {name: net.ipv4.ip_local_port_range, value: \"1024 65535\"}") },
        { "k8s-apparmor-unconfined", Deployment("securityContext:\n  appArmorProfile: {type: RuntimeDefault}") },
        { "k8s-selinux-options", Deployment("securityContext:\n  seLinuxOptions: {type: container_t, level: \"s0:c123,c456\"}") },
        { "k8s-ephemeral-storage-requests", Deployment("resources:\n  requests: {ephemeral-storage: 1Gi}") },
        { "k8s-exposed-service", Service("ClusterIP") },
        { "k8s-secret-literal-env", Deployment("env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: {name: db, key: password}") },
        { "k8s-secret-literal-env", Deployment("env:\n  - {name: DB_PASSWORD_FILE, value: /run/secrets/db}\n  - {name: TOKEN_TTL_NAME, value: short}") },
        { "k8s-default-service-account-used", Deployment(spec: "serviceAccountName: web") },
        { "k8s-risky-component", Deployment() },
        { "k8s-run-as-root-group", Deployment("securityContext: {runAsGroup: 1000}", "securityContext: {runAsGroup: 0}") },
        { "k8s-deprecated-service-account-field", Deployment(spec: "serviceAccountName: web") },
        { "k8s-ssh-port", Deployment("ports:\n  - {containerPort: 22, protocol: UDP}\n  - {containerPort: 2222}") },
        { "k8s-privileged-port", Deployment("ports:\n  - {containerPort: 8080}") },
        { "k8s-liveness-probe-port", Deployment("ports:\n  - {containerPort: 8080, name: http}\nlivenessProbe:\n  httpGet: {path: /, port: http}") },
        { "k8s-readiness-probe-port", Deployment("ports:\n  - {containerPort: 8080}\nreadinessProbe:\n  tcpSocket: {port: 8080}") },
        { "k8s-startup-probe-port", Deployment("startupProbe:\n  exec: {command: [/bin/true]}") },
        { "k8s-invalid-port-name", Deployment("ports:\n  - {containerPort: 8080, name: metrics-1}") },
        { "k8s-mismatching-selector", Deployment().Replace("labels: {app: web}", "labels: {app: web, tier: front}", StringComparison.Ordinal) },
        { "k8s-duplicate-env-var", Deployment("env:\n  - {name: PORT, value: \"1\"}\n  - {name: HOST, value: a}") },
        { "k8s-removed-api-version", Deployment() },
        { "k8s-scc-privileged", "apiVersion: security.openshift.io/v1\nkind: SecurityContextConstraints\nmetadata: {name: tight}\nallowPrivilegedContainer: false\n" },
        { "k8s-rolling-update-strategy", Deployment().Replace("  selector:", "  strategy: {type: RollingUpdate}\n  selector:", StringComparison.Ordinal) },
        { "k8s-job-ttl-after-finished", "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j, namespace: shop}\nspec:\n  ttlSecondsAfterFinished: 600\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: a, image: busybox:1}]\n" },
    };

    [Theory]
    [MemberData(nameof(Firing))]
    public void Check_fires_on_a_manifest_that_breaks_it(string id, string yaml)
    {
        var (check, results) = Run(yaml, id);
        var result = Assert.Single(results);
        Assert.True(result.Outcome.Failed, $"{id} passed: {result.Outcome.Evidence}");
        Assert.StartsWith("$", result.ToFinding().Location!.JsonPath, StringComparison.Ordinal);
        Assert.NotEmpty(check.Failures(result.Resource));
    }

    [Theory]
    [MemberData(nameof(Quiet))]
    public void Check_stays_quiet_on_a_near_miss(string id, string yaml)
    {
        var (check, results) = Run(yaml, id);
        var result = Assert.Single(results);
        Assert.False(result.Outcome.Failed, $"{id} failed: {result.Outcome.Evidence}");
        Assert.Empty(check.Failures(result.Resource));
    }

    [Fact]
    public void Every_new_check_has_a_near_miss()
    {
        var quiet = Quiet.Select(row => row.Data.Item1).ToHashSet(StringComparer.Ordinal);
        var missing = Firing.Select(row => row.Data.Item1).Distinct().Where(id => !quiet.Contains(id) && id != "k8s-ephemeral-storage-limits").ToList();
        Assert.True(missing.Count == 0, "no near miss: " + string.Join(", ", missing));
    }

    [Fact]
    public void References_to_kinds_the_scan_does_not_hold_are_not_judged()
    {
        // No ServiceAccount, no workload, no Service in the scan: they are deployed by something else.
        Assert.Empty(Run(Deployment(spec: "serviceAccountName: ghost"), "k8s-non-existent-service-account").Results);
        Assert.Empty(Run(SelectingService("api"), "k8s-dangling-service").Results);
        Assert.Empty(Run(Ingress("api", "{number: 80}"), "k8s-dangling-ingress").Results);
        Assert.Empty(Run(ServiceMonitor("{matchLabels: {app: api}}", ""), "k8s-dangling-servicemonitor").Results);
    }

    [Fact]
    public void Each_offending_container_and_mount_is_its_own_failure()
    {
        var yaml = Deployment("volumeMounts:\n  - {name: etc, mountPath: /host/etc}\n  - {name: proc, mountPath: /host/proc, readOnly: true}",
            "volumes:\n  - name: etc\n    hostPath: {path: /etc}\n  - name: proc\n    hostPath: {path: /proc}\ninitContainers:\n  - name: init\n    image: busybox:1\n    volumeMounts:\n      - {name: etc, mountPath: /etc-host}");
        var (sensitive, results) = Run(yaml, "k8s-sensitive-host-mount");
        Assert.Equal(3, sensitive.Failures(Assert.Single(results).Resource).Count());
        var (writable, writableResults) = Run(yaml, "k8s-writable-host-mount");
        Assert.Equal(2, writable.Failures(Assert.Single(writableResults).Resource).Count());
        // The checkov-semantics checks keep one verdict per object but count each failing container for kube-linter.
        var twoRoots = Deployment() + "\n        - {name: side, image: busybox:1}\n";
        var (nonRoot, nonRootResults) = Run(twoRoots, "k8s-run-as-non-root");
        Assert.True(Assert.Single(nonRootResults).Outcome.Failed);
        Assert.Equal(2, nonRoot.Failures(nonRootResults[0].Resource).Count());
        var (privileged, privilegedResults) = Run(twoRoots, "k8s-liveness-probe");
        Assert.Equal(2, privileged.Failures(Assert.Single(privilegedResults).Resource).Count());
    }

    private static (ManifestCheck Check, List<CheckResult> Results) Run(string yaml, string id)
    {
        var resources = new List<ManifestResource>();
        var warnings = new List<string>();
        ManifestLoader.LoadText("fixture.yaml", yaml, resources, warnings);
        Assert.Empty(warnings);
        var check = ManifestCheckCatalog.All.Single(c => c.Info.Id == id);
        return (check, [.. ManifestScanner.Run(resources, [check])]);
    }
}
