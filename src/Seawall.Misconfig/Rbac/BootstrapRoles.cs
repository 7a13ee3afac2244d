using Seawall.Misconfig.Manifests;

namespace Seawall.Misconfig.Rbac;

/// <summary>
/// The ClusterRoles every cluster has, from the Kubernetes bootstrap policy
/// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy): bindings to them are judged even when the input does not
/// define them. admin, edit and view are aggregated, so input ClusterRoles labelled aggregate-to-* join them.
/// </summary>
public static class BootstrapRoles
{
    public const string Source = "(built-in)";

    private const string ReadWrite = "[create, delete, deletecollection, get, list, patch, update, watch]";
    private const string Write = "[create, delete, deletecollection, patch, update]";
    private const string Read = "[get, list, watch]";

    private static readonly string Yaml = $$$"""
        apiVersion: v1
        kind: List
        items:
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: cluster-admin}
          rules:
          - {apiGroups: ['*'], resources: ['*'], verbs: ['*']}
          - {nonResourceURLs: ['*'], verbs: ['*']}
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: admin}
          aggregationRule: {clusterRoleSelectors: [{matchLabels: {rbac.authorization.k8s.io/aggregate-to-admin: "true"}}]}
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: edit, labels: {rbac.authorization.k8s.io/aggregate-to-admin: "true"}}
          aggregationRule: {clusterRoleSelectors: [{matchLabels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}}]}
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: view, labels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}}
          aggregationRule: {clusterRoleSelectors: [{matchLabels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}}]}
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: "system:aggregate-to-admin", labels: {rbac.authorization.k8s.io/aggregate-to-admin: "true"}}
          rules:
          - {apiGroups: [authorization.k8s.io], resources: [localsubjectaccessreviews], verbs: [create]}
          - {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings, roles], verbs: {{{ReadWrite}}}}
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: "system:aggregate-to-edit", labels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}}
          rules:
          - {apiGroups: [""], resources: [pods/attach, pods/exec, pods/portforward, pods/proxy, secrets, services/proxy], verbs: {{{Read}}}}
          - {apiGroups: [""], resources: [serviceaccounts], verbs: [impersonate]}
          - {apiGroups: [""], resources: [pods, pods/attach, pods/exec, pods/portforward, pods/proxy], verbs: {{{Write}}}}
          - {apiGroups: [""], resources: [pods/eviction], verbs: [create]}
          - {apiGroups: [""], resources: [configmaps, events, persistentvolumeclaims, replicationcontrollers, replicationcontrollers/scale, secrets, serviceaccounts, services, services/proxy], verbs: {{{Write}}}}
          - {apiGroups: [""], resources: [serviceaccounts/token], verbs: [create]}
          - {apiGroups: [apps], resources: [daemonsets, deployments, deployments/rollback, deployments/scale, replicasets, replicasets/scale, statefulsets, statefulsets/scale], verbs: {{{Write}}}}
          - {apiGroups: [autoscaling], resources: [horizontalpodautoscalers], verbs: {{{Write}}}}
          - {apiGroups: [batch], resources: [cronjobs, jobs], verbs: {{{Write}}}}
          - {apiGroups: [extensions], resources: [daemonsets, deployments, deployments/rollback, deployments/scale, ingresses, networkpolicies, replicasets, replicasets/scale, replicationcontrollers/scale], verbs: {{{Write}}}}
          - {apiGroups: [policy], resources: [poddisruptionbudgets], verbs: {{{Write}}}}
          - {apiGroups: [networking.k8s.io], resources: [ingresses, networkpolicies], verbs: {{{Write}}}}
          - {apiGroups: [coordination.k8s.io], resources: [leases], verbs: {{{ReadWrite}}}}
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: "system:aggregate-to-view", labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}}
          rules:
          - {apiGroups: [""], resources: [configmaps, endpoints, persistentvolumeclaims, persistentvolumeclaims/status, pods, replicationcontrollers, replicationcontrollers/scale, serviceaccounts, services, services/status], verbs: {{{Read}}}}
          - {apiGroups: [""], resources: [bindings, events, limitranges, namespaces/status, pods/log, pods/status, replicationcontrollers/status, resourcequotas, resourcequotas/status], verbs: {{{Read}}}}
          - {apiGroups: [""], resources: [namespaces], verbs: {{{Read}}}}
          - {apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: {{{Read}}}}
          - {apiGroups: [apps], resources: [controllerrevisions, daemonsets, daemonsets/status, deployments, deployments/scale, deployments/status, replicasets, replicasets/scale, replicasets/status, statefulsets, statefulsets/scale, statefulsets/status], verbs: {{{Read}}}}
          - {apiGroups: [autoscaling], resources: [horizontalpodautoscalers, horizontalpodautoscalers/status], verbs: {{{Read}}}}
          - {apiGroups: [batch], resources: [cronjobs, cronjobs/status, jobs, jobs/status], verbs: {{{Read}}}}
          - {apiGroups: [extensions], resources: [daemonsets, daemonsets/status, deployments, deployments/scale, deployments/status, ingresses, ingresses/status, networkpolicies, replicasets, replicasets/scale, replicasets/status, replicationcontrollers/scale], verbs: {{{Read}}}}
          - {apiGroups: [policy], resources: [poddisruptionbudgets, poddisruptionbudgets/status], verbs: {{{Read}}}}
          - {apiGroups: [networking.k8s.io], resources: [ingresses, ingresses/status, networkpolicies], verbs: {{{Read}}}}
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: "system:discovery"}
          rules:
          - {nonResourceURLs: [/api, /api/*, /apis, /apis/*, /healthz, /livez, /openapi, /openapi/*, /readyz, /version, /version/], verbs: [get]}
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: "system:basic-user"}
          rules:
          - {apiGroups: [authorization.k8s.io], resources: [selfsubjectaccessreviews, selfsubjectrulesreviews], verbs: [create]}
          - {apiGroups: [authentication.k8s.io], resources: [selfsubjectreviews], verbs: [create]}
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: "system:public-info-viewer"}
          rules:
          - {nonResourceURLs: [/healthz, /livez, /readyz, /version, /version/], verbs: [get]}
        """;

    /// <summary>Names of the roles whose rules are discovery only: what system:authenticated gets by default.</summary>
    public static IReadOnlySet<string> DiscoveryRoles { get; } = new HashSet<string>(["system:discovery", "system:basic-user", "system:public-info-viewer"], StringComparer.Ordinal);

    /// <summary>The built-in roles, parsed once; their <see cref="RbacRole.Resource"/> is null.</summary>
    public static IReadOnlyList<RbacRole> All { get; } = Parse();

    private static List<RbacRole> Parse()
    {
        var resources = new List<ManifestResource>();
        var warnings = new List<string>();
        ManifestLoader.LoadText(Source, Yaml, resources, warnings);
        if (warnings.Count > 0)
        {
            throw new InvalidOperationException("built-in RBAC roles do not parse: " + warnings[0]);
        }
        return [.. resources.Select(r => RbacRole.From(r) with { Resource = null, Rules = [.. RbacRole.From(r).Rules.Select(rule => rule with { Node = null })] })];
    }
}
