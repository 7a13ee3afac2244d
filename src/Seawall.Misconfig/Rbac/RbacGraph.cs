using Seawall.Misconfig.Manifests;

namespace Seawall.Misconfig.Rbac;

/// <summary>
/// Who can do what in a set of manifests: the roles (input ones first, then the built-in ones), their aggregation,
/// and every binding with the rules it grants. Built once per scan; pure.
/// </summary>
public sealed class RbacGraph
{
    /// <summary>Resources that exist only at cluster scope: a RoleBinding cannot grant them (its namespace has none).</summary>
    private static readonly HashSet<string> ClusterScoped = new(StringComparer.Ordinal)
    {
        "nodes", "persistentvolumes", "clusterrolebindings", "storageclasses", "customresourcedefinitions",
        "certificatesigningrequests", "validatingwebhookconfigurations", "mutatingwebhookconfigurations", "priorityclasses",
        "csidrivers", "csinodes", "runtimeclasses", "apiservices", "tokenreviews", "subjectaccessreviews",
        "selfsubjectaccessreviews", "selfsubjectrulesreviews", "selfsubjectreviews", "ingressclasses", "volumeattachments",
        "podsecuritypolicies", "signers", "users", "groups", "uids", "userextras",
        // Not clusterroles: bind and escalate on them are asked in the namespace of the RoleBinding being written.
    };

    private readonly Dictionary<(string Kind, string? Namespace, string Name), RbacRole> roles = [];
    private bool builtInsAdded;

    /// <summary>
    /// The input's roles, then the built-in ones, added on first use: a set without bindings (most of them when every
    /// manifest is scanned on its own) never needs them.
    /// </summary>
    private Dictionary<(string Kind, string? Namespace, string Name), RbacRole> Roles
    {
        get
        {
            if (!builtInsAdded)
            {
                foreach (var builtIn in BootstrapRoles.All)
                {
                    roles.TryAdd((builtIn.Kind, null, builtIn.Name), builtIn);
                }
                builtInsAdded = true;
            }
            return roles;
        }
    }
    private readonly Dictionary<RbacRole, IReadOnlyList<PolicyRule>> effective = new(ReferenceEqualityComparer.Instance);

    public IReadOnlyList<RbacBinding> Bindings { get; }

    /// <summary>Roles and ClusterRoles defined in the input (built-in ones are known but not listed here).</summary>
    public IReadOnlyList<RbacRole> InputRoles { get; }

    /// <summary>
    /// The service accounts the input shows: ServiceAccount objects, the accounts pod templates run as (default when
    /// they name none) and the accounts bindings name; sorted by namespace and name. Rights bound to a group of
    /// service accounts are credited to these only: a group's other members are not known from the manifests.
    /// </summary>
    public IReadOnlyList<RbacSubject> ServiceAccounts => serviceAccounts ??= [.. accounts.OrderBy(a => a.Namespace, StringComparer.Ordinal).ThenBy(a => a.Name, StringComparer.Ordinal)];

    // Sorted on first use: only group grants and the report ask, most scans never do.
    private readonly HashSet<RbacSubject> accounts = [];
    private IReadOnlyList<RbacSubject>? serviceAccounts;

    public RbacGraph(IEnumerable<ManifestResource> resources)
    {
        var input = new List<RbacRole>();
        var bindings = new List<RbacBinding>();
        foreach (var resource in resources)
        {
            if (resource.Kind == "ServiceAccount" && resource.Name is { Length: > 0 } accountName)
            {
                accounts.Add(new RbacSubject("ServiceAccount", accountName, resource.NamespaceOrDefault));
            }
            else if (resource.Workload is { } workload)
            {
                var runAs = workload.PodSpec.Text("serviceAccountName") ?? workload.PodSpec.Text("serviceAccount");
                accounts.Add(new RbacSubject("ServiceAccount", runAs is { Length: > 0 } ? runAs : "default", resource.NamespaceOrDefault));
            }
            if (resource.Kind is "Role" or "ClusterRole" && resource.Name is not null)
            {
                var role = RbacRole.From(resource);
                input.Add(role);
                roles[(role.Kind, role.Namespace, role.Name)] = role; // a later definition wins, as a later apply would
            }
            else if (RbacBinding.From(resource) is { } binding)
            {
                bindings.Add(binding);
            }
        }
        InputRoles = input;
        Bindings = bindings;
        accounts.UnionWith(bindings.SelectMany(b => b.Subjects).Where(s => s.IsServiceAccount && s.Namespace is not null));
    }

    /// <summary>
    /// The service accounts of the input a binding reaches only through a group (<c>system:serviceaccounts</c>,
    /// <c>system:serviceaccounts:NS</c>, <c>system:authenticated</c>) or their user name, each with the first subject
    /// that reaches it (the authorizer stops at the first subject that applies). Accounts the binding names are not repeated.
    /// </summary>
    public IEnumerable<(RbacSubject Account, RbacSubject Via)> AccountsReachedBy(RbacBinding binding)
    {
        // Most bindings name no such subject: skip the walk over every account.
        if (!binding.Subjects.Any(ServiceAccountGroups.MayReachAccounts))
        {
            yield break;
        }
        foreach (var account in ServiceAccounts)
        {
            if (!binding.Subjects.Contains(account) && binding.Subjects.FirstOrDefault(s => ServiceAccountGroups.Reaches(s, account)) is { } via)
            {
                yield return (account, via);
            }
        }
    }

    public static bool IsClusterScoped(string resource) => ClusterScoped.Contains(resource.Split('/')[0]);

    /// <summary>The role a binding names: a Role in the binding's namespace or a ClusterRole; null when unknown.</summary>
    public RbacRole? RoleOf(RbacBinding binding) => binding.RoleKind switch
    {
        "ClusterRole" => Roles.GetValueOrDefault(("ClusterRole", null, binding.RoleName)),
        "Role" when !binding.IsCluster => Roles.GetValueOrDefault(("Role", binding.Scope, binding.RoleName)),
        _ => null, // a ClusterRoleBinding cannot name a Role
    };

    /// <summary>
    /// A role's rules as the API server enforces them: an aggregated ClusterRole has the rules of every ClusterRole
    /// its selectors match (the aggregation controller replaces its own), followed transitively.
    /// </summary>
    public IReadOnlyList<PolicyRule> RulesOf(RbacRole role) => RulesOf(role, new HashSet<RbacRole>(ReferenceEqualityComparer.Instance));

    private IReadOnlyList<PolicyRule> RulesOf(RbacRole role, HashSet<RbacRole> visiting)
    {
        if (role.AggregationSelectors is not { } selectors)
        {
            return role.Rules;
        }
        if (effective.TryGetValue(role, out var known))
        {
            return known;
        }
        if (!visiting.Add(role))
        {
            return []; // an aggregation cycle adds nothing beyond what the other roles give
        }
        var rules = new List<PolicyRule>();
        foreach (var other in Roles.Values.Where(r => r.IsCluster && !ReferenceEquals(r, role) && selectors.Any(s => s.Matches(r.Labels))).OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            foreach (var rule in RulesOf(other, visiting))
            {
                if (!rules.Contains(rule))
                {
                    rules.Add(rule);
                }
            }
        }
        visiting.Remove(role);
        effective[role] = rules;
        return rules;
    }

    /// <summary>
    /// The rules a binding grants, with where they apply. Through a RoleBinding, a ClusterRole's non-resource URLs and
    /// cluster-scoped resources grant nothing.
    /// </summary>
    public IEnumerable<Grant> GrantsOf(RbacBinding binding)
    {
        if (RoleOf(binding) is not { } role)
        {
            yield break;
        }
        foreach (var rule in RulesOf(role))
        {
            if (!binding.IsCluster)
            {
                if (rule.Resources.Count == 0 || rule.Resources.All(IsClusterScoped))
                {
                    continue;
                }
            }
            yield return new Grant(binding, role, rule);
        }
    }

    /// <summary>
    /// Every binding and the rule in it that allows <paramref name="request"/>, with each subject it names, in binding
    /// order; then every service account of the input that gets the right only through a group of service accounts,
    /// with the binding subject (Via) and the binding it comes through.
    /// </summary>
    public IEnumerable<(Grant Grant, RbacSubject Subject, RbacSubject? Via)> WhoCan(RbacRequest request)
    {
        var grants = Allowing(request).ToList();
        var direct = grants.SelectMany(g => g.Binding.Subjects).ToHashSet();
        foreach (var grant in grants)
        {
            foreach (var subject in grant.Binding.Subjects)
            {
                yield return (grant, subject, null);
            }
        }
        foreach (var grant in grants)
        {
            foreach (var (account, via) in AccountsReachedBy(grant.Binding).Where(a => !direct.Contains(a.Account)))
            {
                yield return (grant, account, via);
            }
        }
    }

    /// <summary>Each binding whose rules allow the request, with the first rule that does.</summary>
    private IEnumerable<Grant> Allowing(RbacRequest request)
    {
        foreach (var binding in Bindings)
        {
            // A namespaced grant answers only a request in its namespace; a request for all namespaces or a cluster
            // object needs a ClusterRoleBinding.
            if (!binding.IsCluster && (request.Namespace != binding.Scope || request.NonResourcePath is not null || IsClusterScoped(request.Resource)))
            {
                continue;
            }
            // A rule for every name answers first; one limited to resourceNames still answers, for those names only.
            var grants = GrantsOf(binding).ToList();
            if ((grants.FirstOrDefault(g => g.Rule.Allows(request))
                ?? grants.FirstOrDefault(g => request.Name is null && g.Rule.ResourceNames.Count > 0 && g.Rule.Allows(request with { Name = g.Rule.ResourceNames[0] }))) is { } grant)
            {
                yield return grant;
            }
        }
    }

    /// <summary>
    /// Every right of every subject, expanded rule by rule (verb x group x resource): the subjects a binding names,
    /// then the service accounts of the input it reaches through a group (Via set).
    /// </summary>
    public IEnumerable<Permission> Permissions()
    {
        foreach (var binding in Bindings)
        {
            var reached = binding.Subjects.Select(s => (Subject: s, Via: (RbacSubject?)null))
                .Concat(AccountsReachedBy(binding).Select(a => (Subject: a.Account, Via: (RbacSubject?)a.Via))).ToList();
            foreach (var grant in GrantsOf(binding))
            {
                foreach (var (subject, via) in reached)
                {
                    foreach (var verb in grant.Rule.Verbs)
                    {
                        foreach (var url in binding.IsCluster ? grant.Rule.NonResourceUrls : [])
                        {
                            yield return new Permission(string.Empty, string.Empty, verb, null, [], url, subject, binding, grant.Role) { Via = via };
                        }
                        foreach (var group in grant.Rule.ApiGroups)
                        {
                            foreach (var resource in grant.Rule.Resources.Where(r => binding.IsCluster || !IsClusterScoped(r)))
                            {
                                yield return new Permission(group, resource, verb, grant.Namespace, grant.Rule.ResourceNames, null, subject, binding, grant.Role) { Via = via };
                            }
                        }
                    }
                }
            }
        }
    }
}
