using Seawall.Misconfig.Manifests;

namespace Seawall.Misconfig.Rbac;

/// <summary>One access request, the way the API server's RBAC authorizer sees it.</summary>
/// <param name="Namespace">The request's namespace; null for cluster-scoped objects and for all namespaces at once.</param>
public sealed record RbacRequest(string Verb, string ApiGroup, string Resource, string? Subresource = null, string? Name = null, string? Namespace = null, string? NonResourcePath = null)
{
    /// <summary>"pods/exec" for a subresource request, "pods" otherwise.</summary>
    public string CombinedResource => Subresource is null ? Resource : $"{Resource}/{Subresource}";

    public override string ToString() => NonResourcePath is { } path
        ? $"{Verb} {path}"
        : $"{Verb} {CombinedResource}{(ApiGroup.Length > 0 ? "." + ApiGroup : string.Empty)}{(Name is null ? string.Empty : " " + Name)}";
}

/// <summary>
/// One rule of a Role or ClusterRole. <see cref="Allows"/> is the authorizer's RuleAllows: "*" matches every verb,
/// group and resource, "*/sub" the subresource of every resource, an empty resourceNames list every name, and a
/// nonResourceURL ending in "*" every path under its prefix.
/// </summary>
public sealed record PolicyRule(IReadOnlyList<string> ApiGroups, IReadOnlyList<string> Resources, IReadOnlyList<string> Verbs, IReadOnlyList<string> ResourceNames, IReadOnlyList<string> NonResourceUrls)
{
    /// <summary>Where the rule is written; null for the built-in roles.</summary>
    public YamlMapping? Node { get; init; }

    public static PolicyRule From(YamlMapping rule) =>
        new(Strings(rule, "apiGroups"), Strings(rule, "resources"), Strings(rule, "verbs"), Strings(rule, "resourceNames"), Strings(rule, "nonResourceURLs")) { Node = rule };

    private static List<string> Strings(YamlMapping rule, string key) =>
        [.. rule.Seq(key)?.Items.OfType<YamlScalar>().Where(s => !s.IsNull).Select(s => s.Value) ?? []];

    public bool Allows(RbacRequest request)
    {
        if (!Verbs.Any(v => v == "*" || v == request.Verb))
        {
            return false;
        }
        if (request.NonResourcePath is { } path)
        {
            return NonResourceUrls.Any(u => u == "*" || u == path || (u.EndsWith('*') && path.StartsWith(u[..^1], StringComparison.Ordinal)));
        }
        return ApiGroups.Any(g => g == "*" || g == request.ApiGroup)
            && ResourceMatches(request)
            && (ResourceNames.Count == 0 || (request.Name is { } name && ResourceNames.Contains(name)));
    }

    private bool ResourceMatches(RbacRequest request)
    {
        var combined = request.CombinedResource;
        foreach (var resource in Resources)
        {
            if (resource == "*" || resource == combined || (request.Subresource is { } sub && resource == "*/" + sub))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether the rule grants the request for every object name, not only for a listed few.</summary>
    public bool AllowsEveryName(RbacRequest request) => ResourceNames.Count == 0 && Allows(request with { Name = null });

    public bool HasWildcard => Verbs.Contains("*") || Resources.Contains("*") || ApiGroups.Contains("*") || NonResourceUrls.Contains("*");

    public override string ToString()
    {
        var verbs = string.Join(',', Verbs);
        if (NonResourceUrls.Count > 0 && Resources.Count == 0)
        {
            return $"{verbs} on {string.Join(',', NonResourceUrls)}";
        }
        var groups = string.Join(',', ApiGroups.Select(g => g.Length == 0 ? "core" : g));
        var names = ResourceNames.Count > 0 ? $" named {string.Join(',', ResourceNames)}" : string.Empty;
        return $"{verbs} on {string.Join(',', Resources)} ({groups}){names}";
    }
}
