using Seawall.Misconfig.Manifests;

namespace Seawall.Misconfig.Rbac;

/// <summary>A RoleBinding (rights inside its namespace) or ClusterRoleBinding (rights everywhere), as written.</summary>
public sealed record RbacBinding(ManifestResource Resource, string RoleKind, string RoleName, IReadOnlyList<RbacSubject> Subjects)
{
    public bool IsCluster => Resource.Kind == "ClusterRoleBinding";

    public string Name => Resource.Name ?? string.Empty;

    /// <summary>Where the rights apply: the binding's namespace, or null (every namespace and the cluster scope).</summary>
    public string? Scope => IsCluster ? null : Resource.NamespaceOrDefault;

    public static RbacBinding? From(ManifestResource resource)
    {
        if (resource.Kind is not ("RoleBinding" or "ClusterRoleBinding") || resource.Root.Map("roleRef") is not { } roleRef)
        {
            return null;
        }
        var bindingNamespace = resource.Kind == "RoleBinding" ? resource.NamespaceOrDefault : null;
        var subjects = resource.Root.Seq("subjects")?.Items.OfType<YamlMapping>()
            .Where(s => s.Text("kind") is { Length: > 0 } && s.Text("name") is { Length: > 0 })
            // A ServiceAccount subject of a RoleBinding without a namespace is the binding's own (the authorizer's rule).
            .Select(s => new RbacSubject(s.Text("kind")!, s.Text("name")!, s.Text("kind") == "ServiceAccount" ? s.Text("namespace") ?? bindingNamespace : null))
            .ToList() ?? [];
        return new RbacBinding(resource, roleRef.Text("kind") ?? string.Empty, roleRef.Text("name") ?? string.Empty, subjects);
    }

    public override string ToString() => IsCluster ? $"ClusterRoleBinding {Name}" : $"RoleBinding {Scope}/{Name}";
}
