using Seawall.Misconfig.Checks;
using Seawall.Misconfig.Manifests;
using Xunit;

namespace Seawall.Tests.Misconfig;

/// <summary>
/// The PodSecurityPolicy and Tiller checks: each fires on an object written to break it and not on its corrected
/// twin, with checkov's reading of absent fields (absent hostPID passes, absent allowPrivilegeEscalation fails).
/// </summary>
public sealed class PspAndTillerCheckTests
{
    private const string Restricted = """
        privileged: false
        hostPID: false
        hostIPC: false
        hostNetwork: false
        allowPrivilegeEscalation: false
        requiredDropCapabilities: [ALL]
        runAsUser: {rule: MustRunAsNonRoot}
        """;

    private const string Seccomp = "seccomp.security.alpha.kubernetes.io/defaultProfileName: runtime/default";

    private static string Psp(string spec, string annotations = Seccomp) => $$"""
        apiVersion: policy/v1beta1
        kind: PodSecurityPolicy
        metadata:
          name: policy
          annotations:
            {{annotations}}
        spec:
        {{Indent(spec)}}
        """;

    private static string Deployment(string image, string args = "", string labels = "app: web") => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: tiller-deploy
          namespace: kube-system
          labels: {{{labels}}}
        spec:
          template:
            spec:
              containers:
                - name: main
                  image: {{image}}
                  args: [{{args}}]
        """;

    private static string Service(string name, string selector) => $$"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {{name}}
          namespace: kube-system
        spec:
          selector: {{{selector}}}
          ports: [{port: 44134}]
        """;

    private static string Indent(string text) => string.Join('\n', text.Split('\n').Select(line => "  " + line));

    public static TheoryData<string, string> Firing => new()
    {
        { "k8s-psp-host-pid", Psp(Restricted.Replace("hostPID: false", "hostPID: true", StringComparison.Ordinal)) },
        { "k8s-psp-privileged", Psp(Restricted.Replace("privileged: false", "privileged: true", StringComparison.Ordinal)) },
        { "k8s-psp-host-ipc", Psp(Restricted.Replace("hostIPC: false", "hostIPC: true", StringComparison.Ordinal)) },
        { "k8s-psp-host-network", Psp(Restricted.Replace("hostNetwork: false", "hostNetwork: true", StringComparison.Ordinal)) },
        { "k8s-psp-privilege-escalation", Psp(Restricted.Replace("allowPrivilegeEscalation: false\n", "", StringComparison.Ordinal)) },
        { "k8s-psp-root", Psp(Restricted.Replace("{rule: MustRunAsNonRoot}", "{rule: MustRunAs, ranges: [{min: 0, max: 65535}]}", StringComparison.Ordinal)) },
        { "k8s-psp-net-raw", Psp(Restricted.Replace("[ALL]", "[SYS_ADMIN]", StringComparison.Ordinal)) },
        { "k8s-psp-allowed-capabilities", Psp(Restricted + "\nallowedCapabilities: [NET_ADMIN]") },
        { "k8s-psp-seccomp", Psp(Restricted, "seccomp.security.alpha.kubernetes.io/allowedProfileNames: '*'") },
        { "k8s-psp-minimize-capabilities", Psp(Restricted.Replace("requiredDropCapabilities: [ALL]", "requiredDropCapabilities: []", StringComparison.Ordinal)) },
        { "k8s-tiller", Deployment("gcr.io/kubernetes-helm/tiller:v2.16.9") },
        { "k8s-tiller-service", Service("tiller-deploy", "app: helm, name: tiller") },
        { "k8s-tiller-listener", Deployment("gcr.io/kubernetes-helm/tiller:v2.16.9", "--listen=0.0.0.0:44134") },
    };

    /// <summary>The corrected twin of each firing row: judged, and passing (the Service check has no passing verdict).</summary>
    public static TheoryData<string, string> Passing => new()
    {
        { "k8s-psp-host-pid", Psp(Restricted.Replace("hostPID: false\n", "", StringComparison.Ordinal)) },
        { "k8s-psp-privileged", Psp(Restricted) },
        { "k8s-psp-host-ipc", Psp(Restricted) },
        { "k8s-psp-host-network", Psp(Restricted) },
        { "k8s-psp-privilege-escalation", Psp(Restricted) },
        { "k8s-psp-root", Psp(Restricted.Replace("{rule: MustRunAsNonRoot}", "{rule: MustRunAs, ranges: [{min: 1000, max: 65535}]}", StringComparison.Ordinal)) },
        { "k8s-psp-net-raw", Psp(Restricted.Replace("[ALL]", "[NET_RAW]", StringComparison.Ordinal)) },
        { "k8s-psp-allowed-capabilities", Psp(Restricted + "\nallowedCapabilities: []") },
        { "k8s-psp-seccomp", Psp(Restricted) },
        { "k8s-psp-minimize-capabilities", Psp(Restricted) },
        { "k8s-tiller", Deployment("nginx:1.27") },
        { "k8s-tiller-listener", Deployment("gcr.io/kubernetes-helm/tiller:v2.16.9", "--listen=localhost:44134") },
    };

    [Theory]
    [MemberData(nameof(Firing))]
    public void Check_fires_on_an_object_that_breaks_it(string id, string yaml)
    {
        var result = Assert.Single(Run(yaml, id));
        Assert.True(result.Outcome.Failed, $"{id} passed: {result.Outcome.Evidence}");
        Assert.NotNull(result.ToFinding().Location!.Line);
    }

    [Theory]
    [MemberData(nameof(Passing))]
    public void Check_passes_the_corrected_object(string id, string yaml)
    {
        var result = Assert.Single(Run(yaml, id));
        Assert.False(result.Outcome.Failed, $"{id} failed: {result.Outcome.Evidence}");
    }

    [Fact]
    public void Tiller_is_also_recognised_by_its_workload_labels_and_other_objects_are_not_judged()
    {
        Assert.True(Assert.Single(Run(Deployment("registry.local/helm-server:2", labels: "app: helm"), "k8s-tiller")).Outcome.Failed);
        Assert.True(Assert.Single(Run(Deployment("registry.local/helm-server:2", labels: "name: tiller"), "k8s-tiller")).Outcome.Failed);
        // checkov reads name: tiller only when there is no app label.
        Assert.False(Assert.Single(Run(Deployment("registry.local/helm-server:2", labels: "app: web, name: tiller"), "k8s-tiller")).Outcome.Failed);
        Assert.Empty(Run(Deployment("nginx:1.27"), "k8s-tiller-listener"));
        Assert.Empty(Run(Service("web", "app: web"), "k8s-tiller-service"));
        Assert.Empty(Run(Deployment("nginx:1.27"), "k8s-psp-privileged"));
    }

    [Fact]
    public void A_policy_value_that_is_not_false_fails_the_omitted_or_false_checks()
    {
        // checkov compares with False: a quoted "false" is a string, so it fails, as a null does.
        Assert.True(Assert.Single(Run(Psp(Restricted.Replace("privileged: false", "privileged: \"false\"", StringComparison.Ordinal)), "k8s-psp-privileged")).Outcome.Failed);
        Assert.True(Assert.Single(Run(Psp(Restricted.Replace("hostIPC: false", "hostIPC: null", StringComparison.Ordinal)), "k8s-psp-host-ipc")).Outcome.Failed);
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
