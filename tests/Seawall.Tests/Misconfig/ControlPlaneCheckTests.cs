using Seawall.Misconfig.Checks;
using Seawall.Misconfig.Manifests;
using Xunit;

namespace Seawall.Tests.Misconfig;

/// <summary>
/// The control-plane flag checks, one family per component: each rule fires on a static pod whose command breaks it,
/// and none fires on a command written to CIS settings. A container running something else is never failed.
/// </summary>
public sealed class ControlPlaneCheckTests
{
    private const string ApiServerHardened =
        "kube-apiserver --anonymous-auth=false --kubelet-client-certificate=/pki/kc.crt --kubelet-client-key=/pki/kc.key " +
        "--kubelet-certificate-authority=/pki/ca.crt --authorization-mode=Node,RBAC " +
        "--enable-admission-plugins=NodeRestriction,AlwaysPullImages,PodSecurityPolicy,ServiceAccount,NamespaceLifecycle " +
        "--insecure-port=0 --secure-port=6443 --profiling=false --audit-log-path=/var/log/audit.log --audit-log-maxage=30 " +
        "--audit-log-maxbackup=10 --audit-log-maxsize=100 --request-timeout=1m30s --service-account-lookup=true " +
        "--service-account-key-file=/pki/sa.pem --etcd-certfile=/pki/etcd.crt --etcd-keyfile=/pki/etcd.key " +
        "--tls-cert-file=/pki/api.crt --tls-private-key-file=/pki/api.key --etcd-cafile=/pki/etcd-ca.crt " +
        "--encryption-provider-config=/etc/kubernetes/enc.yaml --tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";

    private const string ControllerManagerHardened =
        "kube-controller-manager --terminated-pod-gc-threshold=10 --profiling=false --use-service-account-credentials=true " +
        "--service-account-private-key-file=/pki/sa.pem --root-ca-file=/pki/ca.pem --feature-gates=RotateKubeletServerCertificate=true " +
        "--bind-address=127.0.0.1";

    private const string SchedulerHardened = "kube-scheduler --profiling=false --bind-address=127.0.0.1";

    private const string EtcdHardened = "etcd --cert-file=/pki/server.crt --key-file=/pki/server.key --client-cert-auth=true --peer-cert-file=/pki/peer.crt --peer-key-file=/pki/peer.key";

    private const string KubeletHardened =
        "kubelet --anonymous-auth=false --authorization-mode=Webhook --client-ca-file=/pki/ca.crt --read-only-port=0 " +
        "--streaming-connection-idle-timeout=5m --protect-kernel-defaults=true --make-iptables-util-chains=true --event-qps=5 " +
        "--tls-cert-file=/pki/kubelet.crt --tls-private-key-file=/pki/kubelet.key --rotate-certificates=true " +
        "--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";

    public static TheoryData<string, string> Firing => new()
    {
        { "k8s-apiserver-anonymous-auth", Without(ApiServerHardened, "--anonymous-auth=false") },
        { "k8s-apiserver-basic-auth-file", ApiServerHardened + " --basic-auth-file=/pki/users.csv" },
        { "k8s-apiserver-token-auth-file", ApiServerHardened + " --token-auth-file=/pki/tokens.csv" },
        { "k8s-apiserver-kubelet-https", ApiServerHardened + " --kubelet-https=false" },
        { "k8s-apiserver-kubelet-client-cert", Without(ApiServerHardened, "--kubelet-client-key=/pki/kc.key") },
        { "k8s-apiserver-kubelet-ca", Without(ApiServerHardened, "--kubelet-certificate-authority=/pki/ca.crt") },
        { "k8s-apiserver-authz-not-always-allow", Replace(ApiServerHardened, "--authorization-mode=Node,RBAC", "--authorization-mode=AlwaysAllow") },
        { "k8s-apiserver-authz-node", Replace(ApiServerHardened, "--authorization-mode=Node,RBAC", "--authorization-mode=RBAC") },
        { "k8s-apiserver-authz-rbac", Replace(ApiServerHardened, "--authorization-mode=Node,RBAC", "--authorization-mode=Node") },
        { "k8s-apiserver-no-always-admit", Replace(ApiServerHardened, "--enable-admission-plugins=", "--enable-admission-plugins=AlwaysAdmit,") },
        { "k8s-apiserver-always-pull-images", Replace(ApiServerHardened, "AlwaysPullImages,", "") },
        { "k8s-apiserver-security-context-deny", Replace(ApiServerHardened, "PodSecurityPolicy,", "") },
        { "k8s-apiserver-service-account-plugin", Replace(ApiServerHardened, "ServiceAccount,", "") },
        { "k8s-apiserver-service-account-plugin", ApiServerHardened + " --disable-admission-plugins=ServiceAccount" },
        { "k8s-apiserver-namespace-lifecycle", Replace(ApiServerHardened, ",NamespaceLifecycle", "") },
        { "k8s-apiserver-psp-plugin", Replace(ApiServerHardened, "PodSecurityPolicy,", "") },
        { "k8s-apiserver-node-restriction", Replace(ApiServerHardened, "NodeRestriction,", "") },
        { "k8s-apiserver-insecure-bind-address", ApiServerHardened + " --insecure-bind-address=0.0.0.0" },
        { "k8s-apiserver-insecure-port", Replace(ApiServerHardened, "--insecure-port=0", "--insecure-port=8080") },
        { "k8s-apiserver-secure-port", Replace(ApiServerHardened, "--secure-port=6443", "--secure-port=0") },
        { "k8s-apiserver-profiling", Without(ApiServerHardened, "--profiling=false") },
        { "k8s-apiserver-audit-log-path", Without(ApiServerHardened, "--audit-log-path=/var/log/audit.log") },
        { "k8s-apiserver-audit-log-maxage", Replace(ApiServerHardened, "--audit-log-maxage=30", "--audit-log-maxage=7") },
        { "k8s-apiserver-audit-log-maxbackup", Without(ApiServerHardened, "--audit-log-maxbackup=10") },
        { "k8s-apiserver-audit-log-maxsize", Replace(ApiServerHardened, "--audit-log-maxsize=100", "--audit-log-maxsize=abc") },
        { "k8s-apiserver-request-timeout", Replace(ApiServerHardened, "--request-timeout=1m30s", "--request-timeout=300") },
        { "k8s-apiserver-service-account-lookup", Without(ApiServerHardened, "--service-account-lookup=true") },
        { "k8s-apiserver-service-account-key-file", Replace(ApiServerHardened, "/pki/sa.pem", "/pki/sa.key") },
        { "k8s-apiserver-etcd-cert-key", Without(ApiServerHardened, "--etcd-certfile=/pki/etcd.crt") },
        { "k8s-apiserver-tls-cert-key", Without(ApiServerHardened, "--tls-private-key-file=/pki/api.key") },
        { "k8s-apiserver-etcd-cafile", Without(ApiServerHardened, "--etcd-cafile=/pki/etcd-ca.crt") },
        { "k8s-apiserver-encryption-provider", Without(ApiServerHardened, "--encryption-provider-config=/etc/kubernetes/enc.yaml") },
        { "k8s-apiserver-strong-ciphers", Replace(ApiServerHardened, "--tls-cipher-suites=", "--tls-cipher-suites=TLS_RSA_WITH_RC4_128_SHA,") },
        { "k8s-controller-manager-terminated-pods", Replace(ControllerManagerHardened, "--terminated-pod-gc-threshold=10", "--terminated-pod-gc-threshold=0") },
        { "k8s-controller-manager-profiling", Without(ControllerManagerHardened, "--profiling=false") },
        { "k8s-controller-manager-sa-credentials", Without(ControllerManagerHardened, "--use-service-account-credentials=true") },
        { "k8s-controller-manager-sa-private-key", Replace(ControllerManagerHardened, "/pki/sa.pem", "/pki/sa.key") },
        { "k8s-controller-manager-root-ca", Replace(ControllerManagerHardened, "/pki/ca.pem", "/pki/ca.crt") },
        { "k8s-controller-manager-rotate-kubelet-cert", Replace(ControllerManagerHardened, "RotateKubeletServerCertificate=true", "RotateKubeletServerCertificate=false") },
        { "k8s-controller-manager-rotate-kubelet-cert", KubeletHardened + " --feature-gates=RotateKubeletServerCertificate=false" },
        { "k8s-controller-manager-bind-address", Replace(ControllerManagerHardened, "--bind-address=127.0.0.1", "--bind-address=0.0.0.0") },
        { "k8s-scheduler-profiling", Without(SchedulerHardened, "--profiling=false") },
        { "k8s-scheduler-bind-address", Replace(SchedulerHardened, "127.0.0.1", "0.0.0.0") },
        { "k8s-etcd-cert-key", Without(EtcdHardened, "--key-file=/pki/server.key") },
        { "k8s-etcd-client-cert-auth", Without(EtcdHardened, "--client-cert-auth=true") },
        { "k8s-etcd-auto-tls", EtcdHardened + " --auto-tls=true" },
        { "k8s-etcd-peer-cert-key", Without(EtcdHardened, "--peer-cert-file=/pki/peer.crt") },
        { "k8s-kubelet-anonymous-auth", Replace(KubeletHardened, "--anonymous-auth=false", "--anonymous-auth=true") },
        { "k8s-kubelet-authz-not-always-allow", Replace(KubeletHardened, "--authorization-mode=Webhook", "--authorization-mode=AlwaysAllow") },
        { "k8s-kubelet-client-ca", Without(KubeletHardened, "--client-ca-file=/pki/ca.crt") },
        { "k8s-kubelet-read-only-port", Replace(KubeletHardened, "--read-only-port=0", "--read-only-port=10255") },
        { "k8s-kubelet-streaming-idle-timeout", Replace(KubeletHardened, "--streaming-connection-idle-timeout=5m", "--streaming-connection-idle-timeout=0") },
        { "k8s-kubelet-protect-kernel-defaults", Without(KubeletHardened, "--protect-kernel-defaults=true") },
        { "k8s-kubelet-iptables-util-chains", Replace(KubeletHardened, "--make-iptables-util-chains=true", "--make-iptables-util-chains=false") },
        { "k8s-kubelet-hostname-override", KubeletHardened + " --hostname-override=node-1" },
        { "k8s-kubelet-event-qps", Replace(KubeletHardened, "--event-qps=5", "--event-qps=50") },
        { "k8s-kubelet-tls-cert-key", Without(KubeletHardened, "--tls-cert-file=/pki/kubelet.crt") },
        { "k8s-kubelet-rotate-certificates", Replace(KubeletHardened, "--rotate-certificates=true", "--rotate-certificates=false") },
        { "k8s-kubelet-strong-ciphers", Replace(KubeletHardened, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_3DES_EDE_CBC_SHA") },
    };

    [Theory]
    [MemberData(nameof(Firing))]
    public void Rule_fires_on_a_static_pod_that_breaks_it(string id, string command)
    {
        var result = Assert.Single(Run(StaticPod(command), id));
        Assert.True(result.Outcome.Failed, $"{id} passed: {result.Outcome.Evidence}");
        Assert.Equal("$.spec.containers[0].command", result.ToFinding().Location!.JsonPath);
    }

    [Theory]
    [InlineData(ApiServerHardened)]
    [InlineData(ControllerManagerHardened)]
    [InlineData(SchedulerHardened)]
    [InlineData(EtcdHardened)]
    [InlineData(KubeletHardened)]
    public void No_rule_fires_on_a_component_run_with_cis_settings(string command)
    {
        var results = Run(StaticPod(command), ControlPlaneIds().ToArray());
        Assert.Empty(results.Where(r => r.Outcome.Failed).Select(r => $"{r.Check.Info.Id}: {r.Outcome.Evidence}"));
    }

    [Fact]
    public void Every_control_plane_rule_has_a_firing_fixture()
    {
        var covered = Firing.Select(row => row.Data.Item1).ToHashSet(StringComparer.Ordinal);
        var expected = ControlPlaneIds().Where(id => id is not "k8s-admission-event-rate-limit" and not "k8s-etcd-peer-client-cert-auth");
        var missing = expected.Where(id => !covered.Contains(id)).ToList();
        Assert.True(missing.Count == 0, "no firing fixture: " + string.Join(", ", missing));
    }

    [Fact]
    public void Other_containers_pass_and_flags_in_args_count()
    {
        var other = Run(StaticPod("nginx --profiling=true"), "k8s-apiserver-profiling");
        Assert.False(Assert.Single(other).Outcome.Failed);
        var yaml = StaticPod("kube-apiserver") + "      args: [--profiling=false]\n";
        Assert.False(Assert.Single(Run(yaml, "k8s-apiserver-profiling")).Outcome.Failed);
        Assert.True(Assert.Single(Run(StaticPod("kube-apiserver"), "k8s-apiserver-profiling")).Outcome.Failed);
    }

    [Fact]
    public void Admission_configuration_needs_event_rate_limit()
    {
        const string Head = "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n";
        Assert.True(Assert.Single(Run(Head + "  - name: ValidatingAdmissionWebhook\n", "k8s-admission-event-rate-limit")).Outcome.Failed);
        Assert.False(Assert.Single(Run(Head + "  - name: EventRateLimit\n", "k8s-admission-event-rate-limit")).Outcome.Failed);
    }

    [Fact]
    public void Etcd_pod_needs_peer_client_cert_auth_in_its_args()
    {
        const string Pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: etcd, namespace: kube-system}\nspec:\n  containers:\n    - name: etcd\n      image: etcd:3.5\n      args: [{0}]\n";
        Assert.True(Assert.Single(Run(Pod.Replace("{0}", "--peer-client-cert-auth=false", StringComparison.Ordinal), "k8s-etcd-peer-client-cert-auth")).Outcome.Failed);
        Assert.False(Assert.Single(Run(Pod.Replace("{0}", "--peer-client-cert-auth=true", StringComparison.Ordinal), "k8s-etcd-peer-client-cert-auth")).Outcome.Failed);
    }

    private static IEnumerable<string> ControlPlaneIds() =>
        ManifestCheckCatalog.All.Where(c => c.CheckovId is { } id && int.TryParse(id.AsSpan("CKV_K8S_".Length), out var n) && n is >= 68 and <= 121 or >= 138 and <= 151)
            .Select(c => c.Info.Id);

    private static string StaticPod(string command) =>
        "apiVersion: v1\nkind: Pod\nmetadata: {name: cp, namespace: kube-system}\nspec:\n  containers:\n    - name: cp\n      image: registry.k8s.io/cp:v1.31.0\n" +
        "      command:\n" + string.Concat(command.Split(' ').Select(item => $"        - \"{item}\"\n"));

    private static string Without(string command, string flag) => Replace(command, " " + flag, "");

    private static string Replace(string command, string from, string to)
    {
        Assert.Contains(from, command, StringComparison.Ordinal); // a fixture that changes nothing proves nothing
        return command.Replace(from, to, StringComparison.Ordinal);
    }

    private static List<CheckResult> Run(string yaml, params string[] ids)
    {
        var resources = new List<ManifestResource>();
        var warnings = new List<string>();
        ManifestLoader.LoadText("fixture.yaml", yaml, resources, warnings);
        Assert.Empty(warnings);
        return [.. ManifestScanner.Run(resources, [.. ManifestCheckCatalog.All.Where(c => ids.Contains(c.Info.Id))])];
    }
}
