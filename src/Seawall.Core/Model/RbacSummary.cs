namespace Seawall.Core.Model;

/// <summary>
/// RBAC in a config scan (the report's `rbac` section): every subject with a risky right and which binding and role
/// give it, and the answer to `--rbac-query` when one was asked.
/// </summary>
public sealed record RbacSummary
{
    public int Bindings { get; init; }
    public int Roles { get; init; }
    public IReadOnlyList<RbacSubjectRights> Subjects { get; init; } = [];
    public RbacQueryAnswer? Query { get; init; }
}

/// <summary>A User, Group or ServiceAccount (namespace set for service accounts only) and its risky rights.</summary>
public sealed record RbacSubjectRights(string Kind, string Name, string? Namespace)
{
    public IReadOnlyList<RbacRight> Rights { get; init; } = [];
}

/// <summary>
/// One risky right: the check that names it, what exactly is granted, where ("cluster" or a namespace), and the
/// binding ("ClusterRoleBinding name", "RoleBinding ns/name") and role it comes through.
/// </summary>
public sealed record RbacRight(string CheckId, string Right, string Scope, string Binding, string Role)
{
    public Location? Location { get; init; }

    /// <summary>The binding's subject ("Group system:serviceaccounts:prod") through which a service account holds the right; null when the binding names the account.</summary>
    public string? Via { get; init; }
}

/// <summary>Who can do what `--rbac-query` asked: the request as understood, and every subject allowed.</summary>
public sealed record RbacQueryAnswer(string Query, string Verb, string ApiGroup, string Resource, string Scope)
{
    public IReadOnlyList<RbacQueryMatch> Subjects { get; init; } = [];
}

/// <summary>One subject allowed by a query, with the binding and role that allow it (only the named objects when ResourceNames is set).</summary>
public sealed record RbacQueryMatch(string Kind, string Name, string? Namespace, string Binding, string Role, string Scope)
{
    public IReadOnlyList<string> ResourceNames { get; init; } = [];
    public Location? Location { get; init; }

    /// <summary>For a service account allowed only through a group of service accounts (or its user name): that binding subject.</summary>
    public string? Via { get; init; }
}
