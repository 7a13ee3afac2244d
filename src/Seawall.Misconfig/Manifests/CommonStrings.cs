namespace Seawall.Misconfig.Manifests;

/// <summary>
/// The keys and short values nearly every manifest repeats ("name", "image", "containerPort", "TCP", "apps/v1"),
/// handed out as one shared string instead of a new copy per occurrence: a scan holds every manifest's tree at once,
/// and fewer, shared strings are less for the GC to copy and mark. Shared keys also compare equal by reference, the
/// first thing a lookup tries.
/// </summary>
internal static class CommonStrings
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        // object and metadata
        "apiVersion", "kind", "metadata", "name", "namespace", "labels", "annotations", "spec", "status", "items",
        "generateName", "ownerReferences", "uid", "controller", "finalizers", "data", "stringData", "type",
        "v1", "apps/v1", "batch/v1", "networking.k8s.io/v1", "rbac.authorization.k8s.io/v1", "policy/v1", "autoscaling/v2",
        "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Service", "ServiceAccount",
        "ConfigMap", "Secret", "Namespace", "Ingress", "NetworkPolicy", "Role", "ClusterRole", "RoleBinding",
        "ClusterRoleBinding", "PersistentVolumeClaim", "HorizontalPodAutoscaler", "PodDisruptionBudget", "List",
        "app", "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component",
        "app.kubernetes.io/part-of", "app.kubernetes.io/version", "app.kubernetes.io/managed-by", "helm.sh/chart",
        "component", "release", "tier", "version", "Helm",
        // workload spec
        "replicas", "selector", "matchLabels", "matchExpressions", "key", "operator", "values", "template", "strategy",
        "serviceName", "updateStrategy", "revisionHistoryLimit", "minReadySeconds", "jobTemplate", "schedule",
        "backoffLimit", "completions", "parallelism", "restartPolicy", "terminationGracePeriodSeconds", "dnsPolicy",
        "serviceAccountName", "serviceAccount", "automountServiceAccountToken", "nodeSelector", "affinity",
        "tolerations", "priorityClassName", "hostNetwork", "hostPID", "hostIPC", "securityContext", "volumes",
        "containers", "initContainers", "ephemeralContainers", "imagePullSecrets", "effect", "topologyKey",
        "podAntiAffinity", "podAffinity", "nodeAffinity", "labelSelector", "weight", "podAffinityTerm",
        "preferredDuringSchedulingIgnoredDuringExecution", "requiredDuringSchedulingIgnoredDuringExecution",
        // containers
        "image", "imagePullPolicy", "command", "args", "env", "envFrom", "value", "valueFrom", "fieldRef", "fieldPath",
        "secretKeyRef", "configMapKeyRef", "resourceFieldRef", "ports", "containerPort", "hostPort", "protocol",
        "resources", "requests", "limits", "cpu", "memory", "ephemeral-storage", "volumeMounts", "mountPath", "subPath",
        "readOnly", "livenessProbe", "readinessProbe", "startupProbe", "httpGet", "tcpSocket", "exec", "grpc", "path",
        "port", "scheme", "initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold",
        "successThreshold", "lifecycle", "preStop", "postStart", "workingDir", "stdin", "tty",
        "terminationMessagePath", "terminationMessagePolicy",
        // security context
        "runAsUser", "runAsGroup", "runAsNonRoot", "fsGroup", "privileged", "allowPrivilegeEscalation",
        "readOnlyRootFilesystem", "capabilities", "add", "drop", "ALL", "NET_RAW", "NET_BIND_SERVICE", "SYS_ADMIN",
        "seccompProfile", "RuntimeDefault", "Localhost", "appArmorProfile", "seLinuxOptions", "procMount",
        // volumes
        "configMap", "secret", "secretName", "emptyDir", "hostPath", "persistentVolumeClaim", "claimName", "projected",
        "sources", "defaultMode", "downwardAPI",
        // services, policies, RBAC
        "targetPort", "nodePort", "clusterIP", "ClusterIP", "NodePort", "LoadBalancer", "sessionAffinity",
        "podSelector", "namespaceSelector", "policyTypes", "ingress", "egress", "from", "to", "ipBlock", "cidr", "except",
        "Ingress", "Egress", "rules", "apiGroups", "verbs", "resourceNames", "roleRef", "subjects", "apiGroup",
        "get", "list", "watch", "create", "update", "patch", "delete", "pods", "secrets", "configmaps", "services",
        // common values
        "TCP", "UDP", "SCTP", "http", "https", "metrics", "HTTP", "HTTPS", "IfNotPresent", "Always", "Never",
        "OnFailure", "RollingUpdate", "true", "false", "ClusterFirst", "File", "/dev/termination-log", "default",
        "metadata.name", "metadata.namespace", "status.podIP", "spec.nodeName", "NoSchedule", "Exists", "Equal", "In",
        "kubernetes.io/hostname", "kubernetes.io/os", "linux",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Lookup = Known.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The shared string equal to <paramref name="text"/>, or a new one.</summary>
    public static string Get(ReadOnlySpan<char> text) =>
        text.Length <= 64 && Lookup.TryGetValue(text, out var shared) ? shared : text.ToString();
}
