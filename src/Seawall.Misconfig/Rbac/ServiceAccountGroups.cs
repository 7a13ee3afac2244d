namespace Seawall.Misconfig.Rbac;

/// <summary>
/// The identities a service account authenticates as, and so which binding subjects reach it. Kubernetes' token
/// authenticator makes <c>ns/name</c> the user <c>system:serviceaccount:ns:name</c> in the groups
/// <c>system:serviceaccounts</c> and <c>system:serviceaccounts:ns</c> (k8s.io/apiserver
/// pkg/authentication/serviceaccount MakeUsername, MakeGroupNames), and the authenticated-group adder puts every
/// signed-in identity in <c>system:authenticated</c>. The RBAC authorizer then matches a subject by exact name
/// (rbac/validation appliesToUser: User = username, Group = one of the groups, ServiceAccount = the username built from
/// namespace and name), so nothing else makes a service account a member: not a prefix, not the singular
/// <c>system:serviceaccount</c> group OpenShift 3 documented, not the namespace field of a Group subject.
/// </summary>
public static class ServiceAccountGroups
{
    public const string AllServiceAccounts = "system:serviceaccounts";
    public const string NamespaceGroupPrefix = "system:serviceaccounts:";
    public const string Authenticated = "system:authenticated";
    public const string UsernamePrefix = "system:serviceaccount:";

    /// <summary>Whether <paramref name="subject"/> is not the service account itself but reaches it through one of its identities.</summary>
    public static bool Reaches(RbacSubject subject, RbacSubject account) => account.IsServiceAccount && account.Namespace is { } ns && subject.Kind switch
    {
        "Group" => subject.Name is AllServiceAccounts or Authenticated || subject.Name == NamespaceGroupPrefix + ns,
        "User" => subject.Name == UsernamePrefix + ns + ":" + account.Name,
        _ => false,
    };

    /// <summary>
    /// Whether the subject reaches the default service account of some namespace: the token controller creates
    /// <c>default</c> in every namespace, so a group of service accounts always holds one, whether the input lists it or not.
    /// </summary>
    public static bool ReachesDefaultAccounts(RbacSubject subject) => subject.Kind switch
    {
        "Group" => IsServiceAccountGroup(subject),
        "User" => subject.Name.StartsWith(UsernamePrefix, StringComparison.Ordinal) && subject.Name.EndsWith(":default", StringComparison.Ordinal)
            && subject.Name.Count(c => c == ':') == 3,
        _ => false,
    };

    /// <summary>Whether the subject may reach service accounts it does not name: one of their groups, or a service account's user name.</summary>
    public static bool MayReachAccounts(RbacSubject subject) =>
        IsServiceAccountGroup(subject) || (subject.Kind == "User" && subject.Name.StartsWith(UsernamePrefix, StringComparison.Ordinal));

    /// <summary>A group every service account (of one namespace, or of all) is in.</summary>
    public static bool IsServiceAccountGroup(RbacSubject subject) => subject.Kind == "Group"
        && (subject.Name is AllServiceAccounts or Authenticated
            || (subject.Name.StartsWith(NamespaceGroupPrefix, StringComparison.Ordinal) && subject.Name.Length > NamespaceGroupPrefix.Length));
}
