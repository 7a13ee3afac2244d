using System.Globalization;

namespace Seawall.Misconfig.Rbac;

/// <summary>
/// A `--rbac-query`: "VERB RESOURCE[.GROUP][/SUBRESOURCE] [-n NS | --namespace NS | -A | --all-namespaces | --cluster]",
/// or "VERB /non/resource/url". Without a namespace the question is about every namespace at once (or a
/// cluster-scoped resource), which only ClusterRoleBindings answer.
/// </summary>
public sealed record RbacQuery(string Text, RbacRequest Request)
{
    /// <summary>The group of well-known resources, so "deployments" needs no ".apps" (kubectl finds it by discovery).</summary>
    private static readonly Dictionary<string, string> KnownGroups = new(StringComparer.Ordinal)
    {
        ["deployments"] = "apps", ["daemonsets"] = "apps", ["statefulsets"] = "apps", ["replicasets"] = "apps", ["controllerrevisions"] = "apps",
        ["jobs"] = "batch", ["cronjobs"] = "batch",
        ["roles"] = "rbac.authorization.k8s.io", ["rolebindings"] = "rbac.authorization.k8s.io",
        ["clusterroles"] = "rbac.authorization.k8s.io", ["clusterrolebindings"] = "rbac.authorization.k8s.io",
        ["ingresses"] = "networking.k8s.io", ["networkpolicies"] = "networking.k8s.io", ["ingressclasses"] = "networking.k8s.io",
        ["horizontalpodautoscalers"] = "autoscaling", ["poddisruptionbudgets"] = "policy",
        ["certificatesigningrequests"] = "certificates.k8s.io", ["leases"] = "coordination.k8s.io",
        ["customresourcedefinitions"] = "apiextensions.k8s.io",
        ["validatingwebhookconfigurations"] = "admissionregistration.k8s.io", ["mutatingwebhookconfigurations"] = "admissionregistration.k8s.io",
        ["storageclasses"] = "storage.k8s.io", ["csidrivers"] = "storage.k8s.io", ["csinodes"] = "storage.k8s.io", ["volumeattachments"] = "storage.k8s.io",
        ["priorityclasses"] = "scheduling.k8s.io", ["endpointslices"] = "discovery.k8s.io", ["runtimeclasses"] = "node.k8s.io",
        ["tokenreviews"] = "authentication.k8s.io", ["subjectaccessreviews"] = "authorization.k8s.io",
    };

    /// <summary>Parses a query; a malformed one is a <see cref="FormatException"/> with a one-line message.</summary>
    public static RbacQuery Parse(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2)
        {
            throw new FormatException($"--rbac-query \"{text}\": expected \"VERB RESOURCE [-n NAMESPACE | --all-namespaces]\", e.g. \"get secrets -n prod\"");
        }
        var verb = words[0].ToLowerInvariant();
        string? ns = null;
        for (var i = 2; i < words.Length; i++)
        {
            switch (words[i])
            {
                case "-n" or "--namespace" when i + 1 < words.Length:
                    ns = words[++i];
                    break;
                case var w when w.StartsWith("--namespace=", StringComparison.Ordinal):
                    ns = w["--namespace=".Length..];
                    break;
                case "-A" or "--all-namespaces" or "--cluster":
                    ns = null;
                    break;
                default:
                    throw new FormatException($"--rbac-query \"{text}\": unexpected \"{words[i]}\" (use -n NAMESPACE or --all-namespaces)");
            }
        }
        var target = words[1];
        if (target.StartsWith('/'))
        {
            return new RbacQuery(text, new RbacRequest(verb, string.Empty, string.Empty, NonResourcePath: target));
        }
        var slash = target.IndexOf('/', StringComparison.Ordinal);
        var resourceAndGroup = slash < 0 ? target : target[..slash];
        var subresource = slash < 0 ? null : target[(slash + 1)..];
        var dot = resourceAndGroup.IndexOf('.', StringComparison.Ordinal);
        var resource = (dot < 0 ? resourceAndGroup : resourceAndGroup[..dot]).ToLower(CultureInfo.InvariantCulture);
        var group = dot < 0 ? KnownGroups.GetValueOrDefault(resource, string.Empty) : resourceAndGroup[(dot + 1)..];
        if (resource.Length == 0 || subresource is { Length: 0 })
        {
            throw new FormatException($"--rbac-query \"{text}\": \"{target}\" is not RESOURCE[.GROUP][/SUBRESOURCE]");
        }
        // A cluster-scoped resource has no namespace: asking in one asks at cluster scope.
        return new RbacQuery(text, new RbacRequest(verb, group, resource, subresource, Namespace: RbacGraph.IsClusterScoped(resource) ? null : ns));
    }

    public string Scope => Request.NonResourcePath is not null || Request.Namespace is null ? "cluster" : Request.Namespace;
}
