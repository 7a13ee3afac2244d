using Seawall.Misconfig.Checks;
using Seawall.Misconfig.Manifests;
using Xunit;

namespace Seawall.Tests.Misconfig;

/// <summary>
/// Every check fires on a manifest written to break it, and stays quiet on Fixtures/hardened.yaml, a set of objects
/// written to satisfy the whole catalog (each check must be judged there at least once, so "quiet" is not "absent").
/// </summary>
public sealed class ManifestCheckTests
{
    internal static string FixturePath(string name, [System.Runtime.CompilerServices.CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "Fixtures", name);

    /// <summary>A pod in namespace "shop" with one container; the fragments are spliced in as YAML.</summary>
    private static string Pod(string container = "", string spec = "", string metadata = "") => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: risky
          namespace: shop
        {{Indent(metadata, 2)}}
        spec:
        {{Indent(spec, 2)}}
          containers:
            - name: app
              image: nginx:1.27
        {{Indent(container, 6)}}
        """;

    private static string Indent(string text, int spaces) =>
        string.Join('\n', text.Split('\n').Select(line => line.Length == 0 ? line : new string(' ', spaces) + line));

    public static TheoryData<string, string> Firing => new()
    {
        { "k8s-liveness-probe", Pod() },
        { "k8s-readiness-probe", Pod() },
        { "k8s-cpu-requests", Pod("resources:\n  limits: {cpu: 1}") },
        { "k8s-cpu-limits", Pod("resources:\n  requests: {cpu: 1}") },
        { "k8s-memory-requests", Pod("resources:\n  limits: {memory: 1Gi}") },
        { "k8s-memory-limits", Pod("resources: ~") },
        { "k8s-image-tag-fixed", Pod().Replace("nginx:1.27", "nginx:latest", StringComparison.Ordinal) },
        { "k8s-image-tag-fixed", Pod().Replace("nginx:1.27", "registry:5000/nginx", StringComparison.Ordinal) },
        { "k8s-image-pull-policy-always", Pod("imagePullPolicy: IfNotPresent") },
        { "k8s-image-pull-policy-always", Pod() },
        { "k8s-privileged", Pod("securityContext: {privileged: true}") },
        { "k8s-host-pid", Pod(spec: "hostPID: true") },
        { "k8s-host-ipc", Pod(spec: "hostIPC: true") },
        { "k8s-host-network", Pod(spec: "hostNetwork: true") },
        { "k8s-allow-privilege-escalation", Pod("securityContext: {allowPrivilegeEscalation: true}") },
        { "k8s-allow-privilege-escalation", Pod() },
        { "k8s-read-only-root-filesystem", Pod("securityContext: {readOnlyRootFilesystem: false}") },
        { "k8s-run-as-non-root", Pod("securityContext: {runAsUser: 0}", "securityContext: {runAsNonRoot: true}") },
        { "k8s-run-as-non-root", Pod() },
        { "k8s-capabilities-added", Pod("securityContext:\n  capabilities: {add: [NET_ADMIN]}") },
        { "k8s-host-port", Pod("ports:\n  - {containerPort: 80, hostPort: 80}") },
        { "k8s-docker-socket", Pod(spec: "volumes:\n  - name: sock\n    hostPath: {path: /var/run/docker.sock}") },
        { "k8s-docker-socket", Pod(spec: "volumes:\n  - name: sock\n    hostPath: {path: /run/containerd/containerd.sock}") },
        { "k8s-drop-net-raw", Pod("securityContext:\n  capabilities: {drop: [NET_ADMIN]}") },
        { "k8s-pod-security-context", Pod() },
        { "k8s-container-security-context", Pod() },
        { "k8s-seccomp", Pod(spec: "securityContext:\n  seccompProfile: {type: Unconfined}") },
        { "k8s-seccomp", Pod(metadata: "annotations:\n  seccomp.security.alpha.kubernetes.io/pod: unconfined") },
        { "k8s-kubernetes-dashboard", Pod().Replace("nginx:1.27", "kubernetesui/dashboard:v2.7.0", StringComparison.Ordinal) },
        { "k8s-secrets-in-env", Pod("env:\n  - name: PASSWORD\n    valueFrom:\n      secretKeyRef: {name: db, key: password}") },
        { "k8s-secrets-in-env", Pod("envFrom:\n  - secretRef: {name: db}") },
        { "k8s-drop-all-capabilities", Pod("securityContext:\n  capabilities: {drop: [NET_RAW]}") },
        { "k8s-service-account-token", Pod(spec: "automountServiceAccountToken: true") },
        { "k8s-cap-sys-admin", Pod("securityContext:\n  capabilities: {add: [SYS_ADMIN]}") },
        { "k8s-high-uid", Pod(spec: "securityContext: {runAsUser: 1000}") },
        { "k8s-image-digest", Pod() },
        { "k8s-default-namespace", Pod().Replace("namespace: shop", "namespace: default", StringComparison.Ordinal) },
        { "k8s-default-namespace", Pod().Replace("  namespace: shop\n", string.Empty, StringComparison.Ordinal) },
        { "k8s-default-service-account-token", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: shop}\n" },
        { "k8s-default-service-account-binding", "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: shop}\nsubjects:\n  - {kind: ServiceAccount, name: default, namespace: shop}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\n" },
        { "k8s-rbac-wildcard", Role("Role", "[\"\"]", "[\"*\"]", "[get]") },
        { "k8s-nginx-snippet-lua", Ingress("nginx.ingress.kubernetes.io/configuration-snippet: |\n      access_by_lua_block { ngx.say('x') }") },
        { "k8s-nginx-snippet", Ingress("nginx.ingress.kubernetes.io/server-snippet: \"return 200;\"") },
        { "k8s-nginx-snippet-alias", Ingress("nginx.ingress.kubernetes.io/server-snippet: |\n      location /x { alias /var/run/secrets/; }") },
        { "k8s-rbac-admission-webhooks", Role("ClusterRole", "[admissionregistration.k8s.io]", "[mutatingwebhookconfigurations]", "[patch]") },
        { "k8s-rbac-approve-csr", Role("ClusterRole", "[certificates.k8s.io]", "[certificatesigningrequests/approval, signers]", "[update, approve]") },
        { "k8s-rbac-bind", Role("Role", "[rbac.authorization.k8s.io]", "[roles]", "[bind]") },
        { "k8s-rbac-escalate", Role("ClusterRole", "[\"*\"]", "[clusterroles]", "[escalate]") },
        { "k8s-admission-event-rate-limit", "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n  - {name: AlwaysPullImages}\n" },
        { "k8s-etcd-peer-client-cert-auth", "apiVersion: v1\nkind: Pod\nmetadata: {name: etcd, namespace: kube-system}\nspec:\n  containers:\n    - {name: etcd, image: etcd:3.5, args: [--client-cert-auth=true]}\n" },
        { "k8s-git-sync-git-override", Pod("env:\n  - {name: GITSYNC_GIT, value: /tmp/payload}").Replace("nginx:1.27", "registry.k8s.io/git-sync/git-sync:v4.2.1", StringComparison.Ordinal) },
    };

    private static string Role(string kind, string groups, string resources, string verbs) =>
        $"apiVersion: rbac.authorization.k8s.io/v1\nkind: {kind}\nmetadata: {{name: r, namespace: shop}}\nrules:\n  - apiGroups: {groups}\n    resources: {resources}\n    verbs: {verbs}\n";

    private static string Ingress(string annotation) =>
        $"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\n  namespace: shop\n  annotations:\n    {annotation}\nspec: {{}}\n";

    [Theory]
    [MemberData(nameof(Firing))]
    public void Check_fires_on_a_manifest_that_breaks_it(string id, string yaml)
    {
        var results = Run(yaml, id);
        var result = Assert.Single(results);
        Assert.True(result.Outcome.Failed, $"{id} passed: {result.Outcome.Evidence}");
        var finding = result.ToFinding();
        Assert.Equal("fixture.yaml", finding.Location!.Path);
        Assert.NotNull(finding.Location.Line);
        Assert.StartsWith("$", finding.Location.JsonPath, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_check_has_a_firing_fixture()
    {
        // The control-plane flag rules have their own table of broken static-pod commands.
        var covered = Firing.Concat(ControlPlaneCheckTests.Firing).Concat(HostAndConfinementCheckTests.Firing).Concat(NetworkPolicyCheckTests.Firing).Concat(Rbac.RbacTests.Firing).Concat(PspAndTillerCheckTests.Firing).Concat(DanglingNetworkPolicyTests.Firing).Select(row => row.Data.Item1).ToHashSet(StringComparer.Ordinal);
        var missing = ManifestCheckCatalog.All.Select(c => c.Info.Id).Where(id => !covered.Contains(id)).ToList();
        Assert.True(missing.Count == 0, "no firing fixture: " + string.Join(", ", missing));
    }

    [Fact]
    public void No_check_fires_on_the_hardened_fixture_and_every_check_is_judged_there()
    {
        var set = ManifestLoader.Load([FixturePath("hardened.yaml")]);
        Assert.Empty(set.Warnings);
        var results = ManifestScanner.Run(set.Resources, ManifestCheckCatalog.All).ToList();
        Assert.Empty(results.Where(r => r.Outcome.Failed).Select(r => $"{r.Check.Info.Id} on {r.Resource.Target}: {r.Outcome.Evidence}"));
        var judged = results.Select(r => r.Check.Info.Id).ToHashSet(StringComparer.Ordinal);
        // Not judgeable there without failing another check: any PodSecurityPolicy is a removed API (k8s-removed-api-version),
        // and the Tiller Service and listener checks judge only Tiller objects, which fail k8s-tiller. PspAndTillerCheckTests passes them.
        var unjudged = ManifestCheckCatalog.All.Select(c => c.Info.Id)
            .Where(id => !judged.Contains(id) && !id.StartsWith("k8s-psp-", StringComparison.Ordinal) && id is not "k8s-tiller-service" and not "k8s-tiller-listener").ToList();
        Assert.True(unjudged.Count == 0, "not judged on the hardened fixture: " + string.Join(", ", unjudged));
    }

    [Fact]
    public void A_finding_points_at_the_offending_node()
    {
        var yaml = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\n---\n" + Pod(spec: "hostPID: true");
        var result = Assert.Single(Run(yaml, "k8s-host-pid"));
        var finding = result.ToFinding();
        Assert.Equal("1", finding.Location!.Document);
        Assert.Equal("$.spec.hostPID", finding.Location.JsonPath);
        Assert.Equal(13, finding.Location.Line); // second document starts on line 6; hostPID is its eighth line (a blank line for the empty metadata fragment)
        Assert.Equal("shop/Pod/risky", finding.Target);
    }

    [Fact]
    public void Workloads_of_every_controller_kind_are_read_through_their_pod_template()
    {
        var pod = "spec:\n  hostNetwork: true\n  containers: [{name: a, image: x:1}]";
        foreach (var (kind, wrap) in new[]
        {
            ("Deployment", "spec:\n  template:\n" + Indent(pod, 4)), ("StatefulSet", "spec:\n  template:\n" + Indent(pod, 4)),
            ("DaemonSet", "spec:\n  template:\n" + Indent(pod, 4)), ("ReplicaSet", "spec:\n  template:\n" + Indent(pod, 4)),
            ("Job", "spec:\n  template:\n" + Indent(pod, 4)), ("ReplicationController", "spec:\n  template:\n" + Indent(pod, 4)),
            ("CronJob", "spec:\n  jobTemplate:\n    spec:\n      template:\n" + Indent(pod, 8)),
        })
        {
            var yaml = $"apiVersion: apps/v1\nkind: {kind}\nmetadata: {{name: w, namespace: shop}}\n{wrap}\n";
            var result = Assert.Single(Run(yaml, "k8s-host-network"));
            Assert.True(result.Outcome.Failed, kind);
        }
    }

    [Fact]
    public void Init_and_ephemeral_containers_are_checked()
    {
        var yaml = Pod() + "\n  initContainers:\n    - {name: init, image: busybox:1, securityContext: {privileged: true}}\n";
        Assert.True(Assert.Single(Run(yaml, "k8s-privileged")).Outcome.Failed);
        yaml = Pod() + "\n  ephemeralContainers:\n    - {name: debug, image: busybox:1, securityContext: {privileged: true}}\n";
        Assert.True(Assert.Single(Run(yaml, "k8s-privileged")).Outcome.Failed);
    }

    [Fact]
    public void List_kinds_are_unpacked_with_their_item_paths()
    {
        var yaml = "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: p, namespace: shop}\n    spec:\n      hostIPC: true\n      containers: [{name: a, image: x:1}]\n";
        var result = Assert.Single(Run(yaml, "k8s-host-ipc"));
        Assert.Equal("$.items[0].spec.hostIPC", result.ToFinding().Location!.JsonPath);
    }

    private static List<CheckResult> Run(string yaml, string id)
    {
        var resources = new List<ManifestResource>();
        var warnings = new List<string>();
        ManifestLoader.LoadText("fixture.yaml", yaml, resources, warnings);
        Assert.Empty(warnings);
        var check = ManifestCheckCatalog.All.Single(c => c.Info.Id == id);
        return [.. ManifestScanner.Run(resources, [check])];
    }
}
