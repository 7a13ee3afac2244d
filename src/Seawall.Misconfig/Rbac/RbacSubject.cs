namespace Seawall.Misconfig.Rbac;

/// <summary>A binding's subject: a User, a Group or a ServiceAccount (with its namespace).</summary>
public sealed record RbacSubject(string Kind, string Name, string? Namespace)
{
    public bool IsServiceAccount => Kind == "ServiceAccount";

    /// <summary>A pod's default identity: rights given to it reach every pod of the namespace that names no account.</summary>
    public bool IsDefaultServiceAccount => IsServiceAccount && Name == "default";

    /// <summary>Everyone, signed in or not.</summary>
    public bool IsAnonymous => (Kind == "User" && Name == "system:anonymous") || (Kind == "Group" && Name == "system:unauthenticated");

    /// <summary>Every signed-in identity, service accounts of every namespace included.</summary>
    public bool IsAllAuthenticated => Kind == "Group" && Name is "system:authenticated" or "system:serviceaccounts";

    public override string ToString() => IsServiceAccount ? $"ServiceAccount {Namespace ?? "(no namespace)"}/{Name}" : $"{Kind} {Name}";
}
