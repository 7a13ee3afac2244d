using System.Text.RegularExpressions;
using Seawall.Core.Model;
using Seawall.Misconfig.Kubernetes;
using Seawall.Misconfig.Manifests;
using static Seawall.Misconfig.Checks.ManifestCheck;

namespace Seawall.Misconfig.Checks;

/// <summary>
/// Control-plane flag checks (kube-apiserver, kube-controller-manager, kube-scheduler, etcd, kubelet) on static-pod
/// containers. A container is judged by a rule when its command names the component as one item, as checkov does; a
/// container running something else passes. Most rules share a shape (flag must equal, must not equal, must be set,
/// must be absent, list must include / exclude), so they are one table; the few odd ones are written out.
/// CIS references use the CIS Kubernetes Benchmark 1.6.0 numbering, the version checkov's own comments cite.
/// </summary>
internal static partial class ControlPlaneChecks
{
    private const string ApiServer = "kube-apiserver";
    private const string ControllerManager = "kube-controller-manager";
    private const string Scheduler = "kube-scheduler";
    private const string Etcd = "etcd";
    private const string Kubelet = "kubelet";

    /// <summary>The TLS cipher suites the CIS benchmark accepts as strong.</summary>
    private static readonly HashSet<string> StrongCiphers = new(StringComparer.Ordinal)
    {
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_GCM_SHA256",
    };

    /// <summary>One flag rule: the component it applies to and a judge of the command's flags (null: satisfied).</summary>
    private sealed record Rule(string Id, string Checkov, string? Cis, string Title, Severity Severity, string[] Components,
        string Remediation, Func<Flags, string?> Violation)
    {
        /// <summary>The pass evidence of a container that is not the component: built once, judged 57 times per container.</summary>
        public string NotComponent { get; } = "not " + string.Join(" or ", Components);
    }

    public static IEnumerable<ManifestCheck> All()
    {
        var rules = Rules().ToList();
        // The rules of one component share their pass evidence ("not kube-apiserver"), and so their pass outcome.
        var passTexts = rules.Select(r => r.NotComponent).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var rule in rules)
        {
            var byContainer = OnContainers((c, _) => Judge(rule, c), ContainerKind.Container, ContainerKind.Init);
            var mask = WorkloadComponents.Mask(rule.Components);
            var slot = Array.IndexOf(passTexts, rule.NotComponent);
            yield return new ManifestCheck(
                WorkloadChecks.Info(rule.Id, rule.Title, rule.Severity,
                    $"A {rule.Components[0]} static pod whose command breaks this CIS control-plane setting weakens the cluster's own security.",
                    rule.Remediation, rule.Cis is null ? [rule.Checkov] : [rule.Checkov, "CIS-K8s-" + rule.Cis]),
                rule.Checkov,
                resource => resource.Workload is not { } workload ? null
                    : WorkloadComponents.Of(workload, passTexts) is { } seen && (seen.Named & mask) == 0 ? seen.NotComponent(slot)
                    : byContainer(resource));
        }
        yield return new ManifestCheck(
            WorkloadChecks.Info("k8s-admission-event-rate-limit", "Ensure that the admission control plugin EventRateLimit is set", Severity.Low,
                "Without the EventRateLimit admission plugin, a client can flood the API server with events.",
                "List EventRateLimit under plugins in the AdmissionConfiguration.", ["CKV_K8S_78", "CIS-K8s-1.2.10"]),
            "CKV_K8S_78",
            resource => resource.Kind != "AdmissionConfiguration" ? null
                : resource.Root.Seq("plugins") is { } plugins && plugins.Items.OfType<YamlMapping>().Any(p => p.Text("name") == "EventRateLimit")
                    ? Pass(plugins, "EventRateLimit configured")
                    : Fail(resource.Root, "no EventRateLimit plugin"));
        yield return new ManifestCheck(
            WorkloadChecks.Info("k8s-etcd-peer-client-cert-auth", "Ensure that the --peer-client-cert-auth argument is set to true", Severity.Medium,
                "Without peer client certificate authentication, anything that reaches etcd's peer port can join the cluster.",
                "Add --peer-client-cert-auth=true to etcd's arguments.", ["CKV_K8S_121", "CIS-K8s-2.5"]),
            "CKV_K8S_121",
            PeerClientCertAuth);
    }

    /// <summary>
    /// Which components one workload's containers and init containers run, found once for the 57 rules that ask. Nearly
    /// every workload runs none, and then each rule's verdict is the same pass on the last container, shared by all
    /// rules of one component (what judging container by container would return, without a walk and an outcome per rule).
    /// The scanner judges every check of one object in a row, so the last workload seen on the thread is the one asked about.
    /// </summary>
    private sealed class WorkloadComponents
    {
        private static readonly string[] Known = [ApiServer, ControllerManager, Scheduler, Etcd, Kubelet];

        [ThreadStatic]
        private static WorkloadComponents? last;

        private readonly Workload workload;
        private readonly YamlMapping? lastContainer;
        private readonly string[] passTexts;
        private readonly CheckOutcome?[] passes;

        private WorkloadComponents(Workload workload, string[] passTexts)
        {
            this.workload = workload;
            this.passTexts = passTexts;
            passes = new CheckOutcome?[passTexts.Length];
            foreach (var container in workload.NonEphemeralContainers)
            {
                lastContainer = container.Node;
                foreach (var item in container.Node.Seq("command")?.Items ?? [])
                {
                    if (item is YamlScalar scalar)
                    {
                        Named |= Bit(scalar.Value);
                    }
                }
            }
        }

        /// <summary>The components some container runs, one bit each (see <see cref="Mask"/>).</summary>
        public int Named { get; }

        public static int Mask(string[] components)
        {
            var mask = 0;
            foreach (var component in components)
            {
                mask |= Bit(component);
            }
            return mask;
        }

        private static int Bit(string component) => Array.IndexOf(Known, component) is var index and >= 0 ? 1 << index : 0;

        public static WorkloadComponents Of(Workload workload, string[] passTexts) =>
            last is { } seen && ReferenceEquals(seen.workload, workload) ? seen : last = new WorkloadComponents(workload, passTexts);

        /// <summary>The pass (evidence <c>passTexts[slot]</c>) of a workload none of whose containers runs the rule's component; null without containers.</summary>
        public CheckOutcome? NotComponent(int slot) =>
            lastContainer is null ? null : passes[slot] ??= Pass(lastContainer, passTexts[slot]);
    }

    private static CheckOutcome? Judge(Rule rule, WorkloadContainer container)
    {
        var command = container.Node.Seq("command");
        if (command is null || !RunsComponent(command, rule.Components))
        {
            return Pass(container.Node, rule.NotComponent);
        }
        // The flags may follow in args (command: [etcd], args: [--flag=...]): the container runs both as one argv.
        var argv = command.Items.Concat(container.Node.Seq("args")?.Items ?? []);
        var flags = new Flags([.. argv.OfType<YamlScalar>().Select(s => s.Value)]);
        return rule.Violation(flags) is { } why ? Fail(command, why) : Pass(command, "set as required");
    }

    private static bool RunsComponent(YamlSequence command, string[] components)
    {
        foreach (var item in command.Items)
        {
            if (item is YamlScalar scalar && Array.IndexOf(components, scalar.Value) >= 0)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>checkov judges this one on a Pod named etcd: every container with args must carry the flag.</summary>
    private static CheckOutcome? PeerClientCertAuth(ManifestResource resource)
    {
        if (resource.Kind != "Pod" || resource.Metadata?.Text("name") != Etcd || resource.Root.Map("spec")?.Seq("containers") is not { } containers)
        {
            return null;
        }
        foreach (var container in containers.Items.OfType<YamlMapping>())
        {
            if (container.Seq("args") is { } args && !args.Items.OfType<YamlScalar>().Any(a => a.Value == "--peer-client-cert-auth=true"))
            {
                return Fail(args, $"container {container.Text("name")}: --peer-client-cert-auth=true not set");
            }
        }
        return Pass(containers, "--peer-client-cert-auth=true");
    }

    private static IEnumerable<Rule> Rules()
    {
        // kube-apiserver
        yield return new("k8s-apiserver-anonymous-auth", "CKV_K8S_68", "1.2.1", "Ensure that the --anonymous-auth argument is set to false", Severity.Medium, [ApiServer],
            "Add --anonymous-auth=false.", f => f.MustBe("--anonymous-auth", "false"));
        yield return new("k8s-apiserver-basic-auth-file", "CKV_K8S_69", "1.2.2", "Ensure that the --basic-auth-file argument is not set", Severity.Medium, [ApiServer],
            "Remove --basic-auth-file; use certificates or OIDC.", f => f.MustBeAbsent("--basic-auth-file"));
        yield return new("k8s-apiserver-token-auth-file", "CKV_K8S_70", "1.2.3", "Ensure that the --token-auth-file argument is not set", Severity.Medium, [ApiServer],
            "Remove --token-auth-file; static tokens never expire.", f => f.MustBeAbsent("--token-auth-file"));
        yield return new("k8s-apiserver-kubelet-https", "CKV_K8S_71", "1.2.4", "Ensure that the --kubelet-https argument is set to true", Severity.Medium, [ApiServer],
            "Remove --kubelet-https=false.", f => f.MustNotBe("--kubelet-https", "false"));
        yield return new("k8s-apiserver-kubelet-client-cert", "CKV_K8S_72", "1.2.5", "Ensure that the --kubelet-client-certificate and --kubelet-client-key arguments are set as appropriate", Severity.Medium, [ApiServer],
            "Set --kubelet-client-certificate and --kubelet-client-key.", f => f.MustBeSet("--kubelet-client-certificate", "--kubelet-client-key"));
        yield return new("k8s-apiserver-kubelet-ca", "CKV_K8S_73", "1.2.6", "Ensure that the --kubelet-certificate-authority argument is set as appropriate", Severity.Medium, [ApiServer],
            "Set --kubelet-certificate-authority.", f => f.MustBeSet("--kubelet-certificate-authority"));
        yield return new("k8s-apiserver-authz-not-always-allow", "CKV_K8S_74", "1.2.7", "Ensure that the --authorization-mode argument is not set to AlwaysAllow", Severity.High, [ApiServer],
            "Set --authorization-mode=Node,RBAC.", f => f.MustNotList("--authorization-mode", "AlwaysAllow"));
        yield return new("k8s-apiserver-authz-node", "CKV_K8S_75", "1.2.8", "Ensure that the --authorization-mode argument includes Node", Severity.Medium, [ApiServer],
            "Set --authorization-mode=Node,RBAC.", f => f.MustList("--authorization-mode", "Node"));
        yield return new("k8s-apiserver-authz-rbac", "CKV_K8S_77", "1.2.9", "Ensure that the --authorization-mode argument includes RBAC", Severity.Medium, [ApiServer],
            "Set --authorization-mode=Node,RBAC.", f => f.MustList("--authorization-mode", "RBAC"));
        yield return new("k8s-apiserver-no-always-admit", "CKV_K8S_79", "1.2.11", "Ensure that the admission control plugin AlwaysAdmit is not set", Severity.Medium, [ApiServer],
            "Remove AlwaysAdmit from --enable-admission-plugins.", f => f.MustNotList("--enable-admission-plugins", "AlwaysAdmit"));
        yield return new("k8s-apiserver-always-pull-images", "CKV_K8S_80", "1.2.12", "Ensure that the admission control plugin AlwaysPullImages is set", Severity.Low, [ApiServer],
            "Add AlwaysPullImages to --enable-admission-plugins.", f => f.MustList("--enable-admission-plugins", "AlwaysPullImages"));
        yield return new("k8s-apiserver-security-context-deny", "CKV_K8S_81", "1.2.13", "Ensure that the admission control plugin SecurityContextDeny is set if PodSecurityPolicy is not used", Severity.Low, [ApiServer],
            "Add SecurityContextDeny (or PodSecurityPolicy) to --enable-admission-plugins.",
            f => f.Lists("--enable-admission-plugins", "PodSecurityPolicy") ? null : f.MustList("--enable-admission-plugins", "SecurityContextDeny"));
        yield return new("k8s-apiserver-service-account-plugin", "CKV_K8S_82", "1.2.14", "Ensure that the admission control plugin ServiceAccount is set", Severity.Low, [ApiServer],
            "Keep ServiceAccount in an explicit --enable-admission-plugins list and out of --disable-admission-plugins.", f => f.PluginKept("ServiceAccount"));
        yield return new("k8s-apiserver-namespace-lifecycle", "CKV_K8S_83", "1.2.15", "Ensure that the admission control plugin NamespaceLifecycle is set", Severity.Low, [ApiServer],
            "Keep NamespaceLifecycle in an explicit --enable-admission-plugins list and out of --disable-admission-plugins.", f => f.PluginKept("NamespaceLifecycle"));
        yield return new("k8s-apiserver-psp-plugin", "CKV_K8S_84", "1.2.16", "Ensure that the admission control plugin PodSecurityPolicy is set", Severity.Low, [ApiServer],
            "Add PodSecurityPolicy to --enable-admission-plugins (clusters before 1.25).", f => f.MustList("--enable-admission-plugins", "PodSecurityPolicy"));
        yield return new("k8s-apiserver-node-restriction", "CKV_K8S_85", "1.2.17", "Ensure that the admission control plugin NodeRestriction is set", Severity.Medium, [ApiServer],
            "Add NodeRestriction to --enable-admission-plugins.", f => f.MustList("--enable-admission-plugins", "NodeRestriction"));
        yield return new("k8s-apiserver-insecure-bind-address", "CKV_K8S_86", "1.2.18", "Ensure that the --insecure-bind-address argument is not set", Severity.High, [ApiServer],
            "Remove --insecure-bind-address.", f => f.MustBeAbsent("--insecure-bind-address"));
        yield return new("k8s-apiserver-insecure-port", "CKV_K8S_88", "1.2.19", "Ensure that the --insecure-port argument is set to 0", Severity.High, [ApiServer],
            "Add --insecure-port=0.", f => f.MustBe("--insecure-port", "0"));
        yield return new("k8s-apiserver-secure-port", "CKV_K8S_89", "1.2.20", "Ensure that the --secure-port argument is not set to 0", Severity.Medium, [ApiServer],
            "Remove --secure-port=0.", f => f.MustNotBe("--secure-port", "0"));
        yield return new("k8s-apiserver-profiling", "CKV_K8S_90", "1.2.21", "Ensure that the --profiling argument is set to false", Severity.Low, [ApiServer],
            "Add --profiling=false.", f => f.MustBe("--profiling", "false"));
        yield return new("k8s-apiserver-audit-log-path", "CKV_K8S_91", "1.2.22", "Ensure that the --audit-log-path argument is set", Severity.Medium, [ApiServer],
            "Set --audit-log-path.", f => f.MustBeSet("--audit-log-path"));
        yield return new("k8s-apiserver-audit-log-maxage", "CKV_K8S_92", "1.2.23", "Ensure that the --audit-log-maxage argument is set to 30 or as appropriate", Severity.Low, [ApiServer],
            "Set --audit-log-maxage=30 or more.", f => f.MustBeAtLeast("--audit-log-maxage", 30));
        yield return new("k8s-apiserver-audit-log-maxbackup", "CKV_K8S_93", "1.2.24", "Ensure that the --audit-log-maxbackup argument is set to 10 or as appropriate", Severity.Low, [ApiServer],
            "Set --audit-log-maxbackup=10 or more.", f => f.MustBeAtLeast("--audit-log-maxbackup", 10));
        yield return new("k8s-apiserver-audit-log-maxsize", "CKV_K8S_94", "1.2.25", "Ensure that the --audit-log-maxsize argument is set to 100 or as appropriate", Severity.Low, [ApiServer],
            "Set --audit-log-maxsize=100 or more.", f => f.MustBeAtLeast("--audit-log-maxsize", 100));
        yield return new("k8s-apiserver-request-timeout", "CKV_K8S_95", "1.2.26", "Ensure that the --request-timeout argument is set as appropriate", Severity.Low, [ApiServer],
            "Give --request-timeout a duration such as 60s or 1m30s.", RequestTimeout);
        yield return new("k8s-apiserver-service-account-lookup", "CKV_K8S_96", "1.2.27", "Ensure that the --service-account-lookup argument is set to true", Severity.Medium, [ApiServer],
            "Add --service-account-lookup=true.", f => f.MustBe("--service-account-lookup", "true"));
        yield return new("k8s-apiserver-service-account-key-file", "CKV_K8S_97", "1.2.28", "Ensure that the --service-account-key-file argument is set as appropriate", Severity.Medium, [ApiServer],
            "Point --service-account-key-file at the PEM public key.", f => f.PemFileIfSet("--service-account-key-file"));
        yield return new("k8s-apiserver-etcd-cert-key", "CKV_K8S_99", "1.2.29", "Ensure that the --etcd-certfile and --etcd-keyfile arguments are set as appropriate", Severity.Medium, [ApiServer],
            "Set --etcd-certfile and --etcd-keyfile.", f => f.MustBeSet("--etcd-certfile", "--etcd-keyfile"));
        yield return new("k8s-apiserver-tls-cert-key", "CKV_K8S_100", "1.2.30", "Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate", Severity.Medium, [ApiServer],
            "Set --tls-cert-file and --tls-private-key-file.", f => f.MustBeSet("--tls-cert-file", "--tls-private-key-file"));
        yield return new("k8s-apiserver-etcd-cafile", "CKV_K8S_102", "1.2.32", "Ensure that the --etcd-cafile argument is set as appropriate", Severity.Medium, [ApiServer],
            "Set --etcd-cafile.", f => f.MustBeSet("--etcd-cafile"));
        yield return new("k8s-apiserver-encryption-provider", "CKV_K8S_104", "1.2.33", "Ensure that encryption providers are appropriately configured", Severity.Medium, [ApiServer],
            "Set --encryption-provider-config.", f => f.MustBeSet("--encryption-provider-config"));
        yield return new("k8s-apiserver-strong-ciphers", "CKV_K8S_105", "1.2.35", "Ensure that the API Server only makes use of Strong Cryptographic Ciphers", Severity.Medium, [ApiServer],
            "List only strong suites in --tls-cipher-suites.", f => f.WeakCiphers());

        // kube-controller-manager
        yield return new("k8s-controller-manager-terminated-pods", "CKV_K8S_106", "1.3.1", "Ensure that the --terminated-pod-gc-threshold argument is set as appropriate", Severity.Low, [ControllerManager],
            "Set --terminated-pod-gc-threshold to a positive number.",
            // Written without a value the flag keeps its default (12500), which is positive.
            f => f.Bare("--terminated-pod-gc-threshold") ? null : f.MustBeAtLeast("--terminated-pod-gc-threshold", 1));
        yield return new("k8s-controller-manager-profiling", "CKV_K8S_107", "1.3.2", "Ensure that the --profiling argument is set to false", Severity.Low, [ControllerManager],
            "Add --profiling=false.", f => f.MustBe("--profiling", "false"));
        yield return new("k8s-controller-manager-sa-credentials", "CKV_K8S_108", "1.3.3", "Ensure that the --use-service-account-credentials argument is set to true", Severity.Medium, [ControllerManager],
            "Add --use-service-account-credentials=true.", f => f.MustBe("--use-service-account-credentials", "true"));
        yield return new("k8s-controller-manager-sa-private-key", "CKV_K8S_110", "1.3.4", "Ensure that the --service-account-private-key-file argument is set as appropriate", Severity.Medium, [ControllerManager],
            "Point --service-account-private-key-file at the PEM private key.", f => f.PemFileIfSet("--service-account-private-key-file"));
        yield return new("k8s-controller-manager-root-ca", "CKV_K8S_111", "1.3.5", "Ensure that the --root-ca-file argument is set as appropriate", Severity.Medium, [ControllerManager],
            "Point --root-ca-file at the cluster CA's PEM file.", f => f.PemFileIfSet("--root-ca-file"));
        yield return new("k8s-controller-manager-rotate-kubelet-cert", "CKV_K8S_112", "1.3.6", "Ensure that the RotateKubeletServerCertificate argument is set to true", Severity.Medium, [ControllerManager, Kubelet],
            "Remove RotateKubeletServerCertificate=false from --feature-gates.", f => f.FeatureGateOff("RotateKubeletServerCertificate"));
        yield return new("k8s-controller-manager-bind-address", "CKV_K8S_113", "1.3.7", "Ensure that the --bind-address argument is set to 127.0.0.1", Severity.Low, [ControllerManager],
            "Add --bind-address=127.0.0.1.", f => f.MustBe("--bind-address", "127.0.0.1"));

        // kube-scheduler
        yield return new("k8s-scheduler-profiling", "CKV_K8S_114", "1.4.1", "Ensure that the --profiling argument is set to false", Severity.Low, [Scheduler],
            "Add --profiling=false.", f => f.MustBe("--profiling", "false"));
        yield return new("k8s-scheduler-bind-address", "CKV_K8S_115", "1.4.2", "Ensure that the --bind-address argument is set to 127.0.0.1", Severity.Low, [Scheduler],
            "Add --bind-address=127.0.0.1.", f => f.MustBe("--bind-address", "127.0.0.1"));

        // etcd
        yield return new("k8s-etcd-cert-key", "CKV_K8S_116", "2.1", "Ensure that the --cert-file and --key-file arguments are set as appropriate", Severity.Medium, [Etcd],
            "Set --cert-file and --key-file.", f => f.MustBeSet("--cert-file", "--key-file"));
        yield return new("k8s-etcd-client-cert-auth", "CKV_K8S_117", "2.2", "Ensure that the --client-cert-auth argument is set to true", Severity.Medium, [Etcd],
            "Add --client-cert-auth=true.", f => f.MustBe("--client-cert-auth", "true"));
        yield return new("k8s-etcd-auto-tls", "CKV_K8S_118", "2.3", "Ensure that the --auto-tls argument is not set to true", Severity.Medium, [Etcd],
            "Remove --auto-tls=true.", f => f.MustNotBe("--auto-tls", "true"));
        yield return new("k8s-etcd-peer-cert-key", "CKV_K8S_119", "2.4", "Ensure that the --peer-cert-file and --peer-key-file arguments are set as appropriate", Severity.Medium, [Etcd],
            "Set --peer-cert-file and --peer-key-file.", f => f.MustBeSet("--peer-cert-file", "--peer-key-file"));

        // kubelet
        yield return new("k8s-kubelet-anonymous-auth", "CKV_K8S_138", "4.2.1", "Ensure that the --anonymous-auth argument is set to false", Severity.High, [Kubelet],
            "Add --anonymous-auth=false.", f => f.MustBe("--anonymous-auth", "false"));
        yield return new("k8s-kubelet-authz-not-always-allow", "CKV_K8S_139", "4.2.2", "Ensure that the --authorization-mode argument is not set to AlwaysAllow", Severity.High, [Kubelet],
            "Set --authorization-mode=Webhook.", f => f.MustNotList("--authorization-mode", "AlwaysAllow"));
        yield return new("k8s-kubelet-client-ca", "CKV_K8S_140", "4.2.3", "Ensure that the --client-ca-file argument is set as appropriate", Severity.Medium, [Kubelet],
            "Set --client-ca-file.", f => f.MustBeSet("--client-ca-file"));
        yield return new("k8s-kubelet-read-only-port", "CKV_K8S_141", "4.2.4", "Ensure that the --read-only-port argument is set to 0", Severity.Medium, [Kubelet],
            "Add --read-only-port=0.", f => f.MustBe("--read-only-port", "0"));
        yield return new("k8s-kubelet-streaming-idle-timeout", "CKV_K8S_143", "4.2.5", "Ensure that the --streaming-connection-idle-timeout argument is not set to 0", Severity.Low, [Kubelet],
            "Remove --streaming-connection-idle-timeout=0.", f => f.MustNotBe("--streaming-connection-idle-timeout", "0"));
        yield return new("k8s-kubelet-protect-kernel-defaults", "CKV_K8S_144", "4.2.6", "Ensure that the --protect-kernel-defaults argument is set to true", Severity.Low, [Kubelet],
            "Add --protect-kernel-defaults=true.", f => f.MustBe("--protect-kernel-defaults", "true"));
        yield return new("k8s-kubelet-iptables-util-chains", "CKV_K8S_145", "4.2.7", "Ensure that the --make-iptables-util-chains argument is set to true", Severity.Low, [Kubelet],
            "Remove --make-iptables-util-chains=false.", f => f.MustNotBe("--make-iptables-util-chains", "false"));
        yield return new("k8s-kubelet-hostname-override", "CKV_K8S_146", "4.2.8", "Ensure that the --hostname-override argument is not set", Severity.Low, [Kubelet],
            "Remove --hostname-override.", f => f.MustBeAbsent("--hostname-override"));
        yield return new("k8s-kubelet-event-qps", "CKV_K8S_147", "4.2.9", "Ensure that the --event-qps argument is set to 0 or a level which ensures appropriate event capture", Severity.Low, [Kubelet],
            "Set --event-qps to 5 or less (0 for unlimited).", f => f.Number("--event-qps") is > 5 ? "--event-qps above 5" : null);
        yield return new("k8s-kubelet-tls-cert-key", "CKV_K8S_148", "4.2.10", "Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate", Severity.Medium, [Kubelet],
            "Set --tls-cert-file and --tls-private-key-file.", f => f.MustBeSet("--tls-cert-file", "--tls-private-key-file"));
        yield return new("k8s-kubelet-rotate-certificates", "CKV_K8S_149", "4.2.11", "Ensure that the --rotate-certificates argument is not set to false", Severity.Medium, [Kubelet],
            "Remove --rotate-certificates=false.", f => f.MustNotBe("--rotate-certificates", "false"));
        yield return new("k8s-kubelet-strong-ciphers", "CKV_K8S_151", "4.2.13", "Ensure that the Kubelet only makes use of Strong Cryptographic Ciphers", Severity.Medium, [Kubelet],
            "List only strong suites in --tls-cipher-suites.", f => f.WeakCiphers());
    }

    /// <summary>A bare flag fails; a value must be a duration of hours, minutes and seconds as Go writes them.</summary>
    private static string? RequestTimeout(Flags f)
    {
        if (f.Bare("--request-timeout"))
        {
            return "--request-timeout without a value";
        }
        return f.Value("--request-timeout") is { } value && !TimeoutPattern().IsMatch(value) ? "--request-timeout " + value + " is not a duration" : null;
    }

    [GeneratedRegex(@"^(\d{1,2}h)(\d{1,2}m)?(\d{1,2}s)?$|^(\d{1,2}m)?(\d{1,2}s)?$|^(\d{1,2}s)$")]
    private static partial Regex TimeoutPattern();

    /// <summary>The items of a component's command, read as --flag=value pairs.</summary>
    private sealed class Flags(IReadOnlyList<string> items)
    {
        public bool Bare(string flag) => items.Contains(flag);

        public bool IsSet(string flag) => items.Any(i => i == flag || i.StartsWith(flag + "=", StringComparison.Ordinal));

        public string? Value(string flag) =>
            items.LastOrDefault(i => i.StartsWith(flag + "=", StringComparison.Ordinal)) is { } item ? item[(flag.Length + 1)..] : null;

        public long? Number(string flag) => long.TryParse(Value(flag), out var n) ? n : null;

        public bool Lists(string flag, string item) => Value(flag)?.Split(',').Contains(item) == true;

        public string? MustBe(string flag, string value) => Value(flag) == value ? null : $"{flag}={value} not set";

        public string? MustNotBe(string flag, string value) => Value(flag) == value ? $"{flag}={value}" : null;

        public string? MustBeAbsent(string flag) => IsSet(flag) ? flag + " set" : null;

        public string? MustBeSet(params string[] flags) =>
            flags.FirstOrDefault(f => Value(f) is null or "") is { } missing ? missing + " not set" : null;

        public string? MustList(string flag, string item) => Lists(flag, item) ? null : $"{flag} does not include {item}";

        public string? MustNotList(string flag, string item) => Lists(flag, item) ? $"{flag} includes {item}" : null;

        public string? MustBeAtLeast(string flag, long minimum) =>
            Number(flag) is { } n && n >= minimum ? null : $"{flag} not set to {minimum} or more";

        /// <summary>An explicit enable list must name the plugin (it replaces the defaults), and no disable list may.</summary>
        public string? PluginKept(string plugin) =>
            Bare("--enable-admission-plugins") || (Value("--enable-admission-plugins") is not null && !Lists("--enable-admission-plugins", plugin))
                ? $"--enable-admission-plugins does not include {plugin}"
                : MustNotList("--disable-admission-plugins", plugin);

        /// <summary>As checkov: unset leaves the component's default; set, the flag must name a .pem file.</summary>
        public string? PemFileIfSet(string flag) =>
            Bare(flag) || (Value(flag) is { } path && !path.EndsWith(".pem", StringComparison.Ordinal)) ? $"{flag} does not name a .pem file" : null;

        public string? FeatureGateOff(string gate) =>
            Value("--feature-gates")?.Split(',').Contains(gate + "=false") == true ? $"--feature-gates turns {gate} off" : null;

        public string? WeakCiphers() =>
            Value("--tls-cipher-suites")?.Split(',').FirstOrDefault(c => !StrongCiphers.Contains(c)) is { } weak ? "weak cipher suite " + weak : null;
    }
}
