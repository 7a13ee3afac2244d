namespace Seawall.Misconfig.Rbac;

/// <summary>
/// One right a subject holds: a verb on a resource of an API group (or on a non-resource URL), where it applies (a
/// namespace, or null for every namespace and the cluster scope), restricted to named objects when
/// <see cref="ResourceNames"/> is not empty, and the binding and role it comes through.
/// </summary>
public sealed record Permission(string ApiGroup, string Resource, string Verb, string? Namespace, IReadOnlyList<string> ResourceNames, string? NonResourceUrl, RbacSubject Subject, RbacBinding Binding, RbacRole Role)
{
    /// <summary>The binding's subject (a group of service accounts, or the account's user name) through which a service account holds the right; null when the binding names it.</summary>
    public RbacSubject? Via { get; init; }

    public string Scope => Namespace ?? "cluster";

    public override string ToString() => NonResourceUrl is { } url
        ? $"{Verb} {url}"
        : $"{Verb} {Resource}{(ApiGroup is "" ? string.Empty : "." + ApiGroup)}{(ResourceNames.Count > 0 ? $" [{string.Join(',', ResourceNames)}]" : string.Empty)} in {Scope}";
}

/// <summary>A rule reaching a subject: which binding grants it, through which role, and where.</summary>
public sealed record Grant(RbacBinding Binding, RbacRole Role, PolicyRule Rule)
{
    public string? Namespace => Binding.Scope;
}
