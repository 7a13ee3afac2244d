using System.Text.Json;
using Seawall.Misconfig.Checks;
using Seawall.Misconfig.Manifests;
using Seawall.Misconfig.Rbac;
using Seawall.Tests.Support;
using Xunit;

namespace Seawall.Tests.Misconfig.Rbac;

/// <summary>
/// Effective RBAC permissions: the authorizer's matching, aggregation, the built-in roles, RoleBinding scoping, the
/// k8s-rbac-* binding checks (each fires on one manifest and stays quiet on its near twin), --rbac-query, and the
/// peers: kube-linter's counts on its RBAC fixtures and checkov's CKV2_K8S_1..5 graph expectations.
/// </summary>
public sealed class RbacTests(ITestOutputHelper output)
{
    private const string Api = "apiVersion: rbac.authorization.k8s.io/v1";

    internal static string ClusterRole(string name, string rules, string labels = "") =>
        $"{Api}\nkind: ClusterRole\nmetadata:\n  name: {name}\n{(labels.Length > 0 ? "  labels: " + labels + "\n" : string.Empty)}rules:\n{rules}\n";

    internal static string Role(string name, string ns, string rules) => $"{Api}\nkind: Role\nmetadata: {{name: {name}, namespace: {ns}}}\nrules:\n{rules}\n";

    internal static string Rule(string groups, string resources, string verbs, string names = "") =>
        $"  - apiGroups: {groups}\n    resources: {resources}\n    verbs: {verbs}\n{(names.Length > 0 ? "    resourceNames: " + names + "\n" : string.Empty)}";

    internal static string ClusterBinding(string name, string role, string subjects) =>
        $"{Api}\nkind: ClusterRoleBinding\nmetadata: {{name: {name}}}\nsubjects: {subjects}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: {role}}}\n";

    internal static string Binding(string name, string ns, string roleKind, string role, string subjects) =>
        $"{Api}\nkind: RoleBinding\nmetadata: {{name: {name}, namespace: {ns}}}\nsubjects: {subjects}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: {roleKind}, name: {role}}}\n";

    private const string AppSa = "[{kind: ServiceAccount, name: app, namespace: shop}]";

    /// <summary>A Role in shop with one rule, bound to shop's app service account.</summary>
    private static string Granting(string groups, string resources, string verbs, string names = "") =>
        Role("r", "shop", Rule(groups, resources, verbs, names)) + "---\n" + Binding("b", "shop", "Role", "r", AppSa);

    /// <summary>A ClusterRole with one rule, bound cluster-wide to shop's app service account.</summary>
    private static string ClusterGranting(string groups, string resources, string verbs) =>
        ClusterRole("cr", Rule(groups, resources, verbs)) + "---\n" + ClusterBinding("crb", "cr", AppSa);

    public static TheoryData<string, string> Firing => new()
    {
        { "k8s-rbac-grants-secrets", Granting("[\"\"]", "[secrets]", "[list]") },
        { "k8s-rbac-grants-create-workloads", Granting("[apps]", "[deployments]", "[create]") },
        { "k8s-rbac-grants-exec", Granting("[\"\"]", "[pods/exec]", "[create]") },
        { "k8s-rbac-grants-port-forward", Granting("[\"\"]", "[\"*/portforward\"]", "[create]") },
        { "k8s-rbac-grants-delete", Granting("[batch]", "[jobs]", "[deletecollection]") },
        { "k8s-rbac-grants-escalate", Granting("[rbac.authorization.k8s.io]", "[roles]", "[escalate]") },
        { "k8s-rbac-grants-bind", Granting("[rbac.authorization.k8s.io]", "[clusterroles]", "[bind]") },
        { "k8s-rbac-grants-impersonate", ClusterGranting("[\"\"]", "[users]", "[impersonate]") },
        { "k8s-rbac-grants-nodes-proxy", ClusterGranting("[\"\"]", "[nodes/proxy]", "[get]") },
        { "k8s-rbac-grants-wildcard", Granting("[\"\"]", "[\"*\"]", "[get]") },
        { "k8s-rbac-cluster-admin-binding", ClusterBinding("admins", "cluster-admin", "[{kind: Group, name: ops}]") },
        { "k8s-rbac-anonymous-access", ClusterBinding("anon", "view", "[{kind: User, name: system:anonymous}]") },
        { "k8s-rbac-anonymous-access", Binding("all", "shop", "ClusterRole", "edit", "[{kind: Group, name: system:authenticated}]") },
        { "k8s-rbac-default-service-account-rights", Binding("d", "shop", "ClusterRole", "view", "[{kind: ServiceAccount, name: default, namespace: shop}]") },
        // Through the groups every service account is in, and the account's user name (appliesToUser's three ways).
        { "k8s-rbac-default-service-account-rights", Binding("d", "shop", "ClusterRole", "view", "[{kind: Group, name: \"system:serviceaccounts:shop\"}]") },
        { "k8s-rbac-default-service-account-rights", ClusterBinding("d", "view", "[{kind: Group, name: system:serviceaccounts}]") },
        { "k8s-rbac-default-service-account-rights", Binding("d", "shop", "ClusterRole", "edit", "[{kind: Group, name: system:authenticated}]") },
        { "k8s-rbac-default-service-account-rights", Binding("d", "shop", "ClusterRole", "view", "[{kind: User, name: \"system:serviceaccount:shop:default\"}]") },
        { "k8s-rbac-sa-bind-bindings", ClusterGranting("[rbac.authorization.k8s.io]", "[rolebindings]", "[bind]") },
        { "k8s-rbac-sa-exec-nodes-proxy", ClusterGranting("[\"\"]", "[pods/exec]", "[create]") },
        { "k8s-rbac-sa-impersonate", ClusterGranting("[\"\"]", "[serviceaccounts]", "[impersonate]") },
        { "k8s-rbac-sa-services-status", ClusterGranting("[\"\"]", "[services/status]", "[patch]") },
        { "k8s-rbac-sa-read-all-secrets", ClusterGranting("[\"\"]", "[secrets]", "[watch]") },
    };

    /// <summary>The near twin of each firing manifest: the same shape, without the right.</summary>
    public static TheoryData<string, string> Quiet => new()
    {
        { "k8s-rbac-grants-secrets", Granting("[\"\"]", "[secrets]", "[get]", "[app-tls]") }, // only a named secret
        { "k8s-rbac-grants-secrets", Granting("[apps]", "[secrets]", "[get]") }, // secrets are in the core group
        { "k8s-rbac-grants-create-workloads", Granting("[apps]", "[deployments]", "[get, list, patch]") },
        { "k8s-rbac-grants-exec", Granting("[\"\"]", "[pods]", "[create]") }, // pods does not cover pods/exec
        { "k8s-rbac-grants-port-forward", Granting("[\"\"]", "[pods/log]", "[get]") },
        { "k8s-rbac-grants-delete", Granting("[batch]", "[jobs]", "[create]") },
        { "k8s-rbac-grants-escalate", Granting("[rbac.authorization.k8s.io]", "[roles]", "[get]") },
        { "k8s-rbac-grants-bind", Granting("[rbac.authorization.k8s.io]", "[rolebindings]", "[create]") },
        { "k8s-rbac-grants-impersonate", Granting("[\"\"]", "[users]", "[impersonate]") }, // users are cluster-scoped: a RoleBinding grants nothing
        { "k8s-rbac-grants-nodes-proxy", Granting("[\"\"]", "[nodes/proxy]", "[get]") }, // the same through a RoleBinding
        { "k8s-rbac-grants-wildcard", Granting("[\"\"]", "[pods]", "[get]") },
        { "k8s-rbac-cluster-admin-binding", ClusterBinding("admins", "admin", "[{kind: Group, name: ops}]") },
        { "k8s-rbac-anonymous-access", ClusterBinding("anon", "view", "[{kind: User, name: alice}]") },
        { "k8s-rbac-anonymous-access", ClusterBinding("disco", "system:discovery", "[{kind: Group, name: system:authenticated}]") },
        { "k8s-rbac-default-service-account-rights", Binding("d", "shop", "ClusterRole", "view", AppSa) },
        { "k8s-rbac-default-service-account-rights", Binding("d", "shop", "ClusterRole", "view", "[{kind: Group, name: \"system:serviceaccount:shop\"}]") }, // singular: no such group
        { "k8s-rbac-default-service-account-rights", Binding("d", "shop", "ClusterRole", "view", "[{kind: Group, name: \"system:serviceaccounts:\"}]") },
        { "k8s-rbac-default-service-account-rights", Binding("d", "shop", "ClusterRole", "view", "[{kind: User, name: \"system:serviceaccount:shop:app\"}]") },
        { "k8s-rbac-default-service-account-rights", ClusterBinding("d", "system:discovery", "[{kind: Group, name: \"system:serviceaccounts:shop\"}]") }, // every identity has discovery
        { "k8s-rbac-sa-bind-bindings", ClusterRole("cr", Rule("[\"*\"]", "[\"*\"]", "[\"*\"]")) + "---\n" + ClusterBinding("crb", "cr", "[{kind: User, name: alice}]") },
        { "k8s-rbac-sa-exec-nodes-proxy", ClusterGranting("[\"\"]", "[pods/exec]", "[get]") },
        { "k8s-rbac-sa-impersonate", ClusterGranting("[\"\"]", "[serviceaccounts]", "[create]") },
        { "k8s-rbac-sa-services-status", ClusterGranting("[\"\"]", "[services/status]", "[get]") },
        { "k8s-rbac-sa-read-all-secrets", ClusterRole("cr", Rule("[\"\"]", "[secrets]", "[get]", "[one]")) + "---\n" + ClusterBinding("crb", "cr", AppSa) },
    };

    private static List<ManifestResource> Load(string yaml)
    {
        var resources = new List<ManifestResource>();
        var warnings = new List<string>();
        ManifestLoader.LoadText("fixture.yaml", yaml, resources, warnings);
        Assert.Empty(warnings);
        return resources;
    }

    private static List<CheckResult> Run(string yaml, string id) =>
        [.. ManifestScanner.Run(Load(yaml), [ManifestCheckCatalog.All.Single(c => c.Info.Id == id)])];

    [Theory]
    [MemberData(nameof(Firing))]
    public void Check_fires_on_the_binding_that_grants_the_right(string id, string yaml)
    {
        var result = Assert.Single(Run(yaml, id));
        Assert.True(result.Outcome.Failed, $"{id} passed: {result.Outcome.Evidence}");
        Assert.EndsWith("Binding", result.Resource.Kind, StringComparison.Ordinal);
        var finding = result.ToFinding();
        Assert.Equal("fixture.yaml", finding.Location!.Path);
        Assert.NotNull(finding.Location.Line);
        Assert.StartsWith("$", finding.Location.JsonPath, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Quiet))]
    public void Check_stays_quiet_on_the_near_twin(string id, string yaml)
    {
        var result = Assert.Single(Run(yaml, id));
        Assert.False(result.Outcome.Failed, $"{id} fired: {result.Outcome.Evidence}");
    }

    [Fact]
    public void Every_rbac_cluster_check_has_a_firing_and_a_quiet_fixture()
    {
        var ids = ManifestCheckCatalog.All.Where(c => c.Cluster is not null && c.Info.Id.StartsWith("k8s-rbac-", StringComparison.Ordinal)).Select(c => c.Info.Id).ToList();
        Assert.NotEmpty(ids);
        Assert.Empty(ids.Except(Firing.Select(r => r.Data.Item1)));
        Assert.Empty(ids.Except(Quiet.Select(r => r.Data.Item1)));
    }

    [Fact]
    public void A_binding_to_a_role_nobody_defines_is_not_judged_by_the_grants_checks()
    {
        Assert.Empty(Run(Binding("b", "shop", "Role", "missing", AppSa), "k8s-rbac-grants-secrets"));
        // checkov's graph checks pass it (no connection to a role).
        Assert.False(Assert.Single(Run(Binding("b", "shop", "Role", "missing", AppSa), "k8s-rbac-sa-read-all-secrets")).Outcome.Failed);
    }

    [Fact]
    public void Built_in_roles_are_known_without_their_manifests()
    {
        var edit = Binding("b", "shop", "ClusterRole", "edit", AppSa);
        Assert.True(Assert.Single(Run(edit, "k8s-rbac-grants-secrets")).Outcome.Failed); // edit aggregates aggregate-to-edit: secrets, exec
        Assert.True(Assert.Single(Run(edit, "k8s-rbac-grants-exec")).Outcome.Failed);
        Assert.True(Assert.Single(Run(edit, "k8s-rbac-grants-impersonate")).Outcome.Failed); // impersonate serviceaccounts, namespaced
        Assert.False(Assert.Single(Run(edit, "k8s-rbac-grants-escalate")).Outcome.Failed);
        var view = Binding("b", "shop", "ClusterRole", "view", AppSa);
        Assert.False(Assert.Single(Run(view, "k8s-rbac-grants-secrets")).Outcome.Failed); // view reads no secrets
        Assert.False(Assert.Single(Run(view, "k8s-rbac-grants-exec")).Outcome.Failed);
        var admin = ClusterBinding("b", "cluster-admin", AppSa);
        foreach (var id in new[] { "k8s-rbac-grants-secrets", "k8s-rbac-grants-nodes-proxy", "k8s-rbac-grants-impersonate", "k8s-rbac-grants-wildcard", "k8s-rbac-sa-read-all-secrets" })
        {
            Assert.True(Assert.Single(Run(admin, id)).Outcome.Failed, id);
        }
    }

    [Fact]
    public void An_aggregated_cluster_role_has_the_rules_of_every_role_its_selectors_match()
    {
        var yaml = $"{Api}\nkind: ClusterRole\nmetadata: {{name: monitoring}}\naggregationRule:\n  clusterRoleSelectors:\n    - matchLabels: {{team: mon}}\n    - matchExpressions: [{{key: tier, operator: In, values: [gold]}}]\nrules: []\n"
            + "---\n" + ClusterRole("mon-secrets", Rule("[\"\"]", "[secrets]", "[get]"), "{team: mon}")
            + "---\n" + ClusterRole("gold-exec", Rule("[\"\"]", "[pods/exec]", "[create]"), "{tier: gold}")
            + "---\n" + ClusterRole("other", Rule("[\"\"]", "[nodes/proxy]", "[get]"), "{team: web}")
            + "---\n" + ClusterBinding("mon", "monitoring", AppSa);
        var graph = new RbacGraph(Load(yaml));
        var role = graph.RoleOf(Assert.Single(graph.Bindings))!;
        Assert.Equal(2, graph.RulesOf(role).Count);
        Assert.True(Assert.Single(Run(yaml, "k8s-rbac-grants-secrets")).Outcome.Failed);
        Assert.True(Assert.Single(Run(yaml, "k8s-rbac-grants-exec")).Outcome.Failed);
        Assert.False(Assert.Single(Run(yaml, "k8s-rbac-grants-nodes-proxy")).Outcome.Failed);

        // An input role labelled aggregate-to-edit joins the built-in edit, and through it admin.
        var extension = ClusterRole("crd-writer", Rule("[example.com]", "[widgets]", "[create]"), "{rbac.authorization.k8s.io/aggregate-to-edit: \"true\"}")
            + "---\n" + Binding("b", "shop", "ClusterRole", "admin", AppSa);
        var who = RbacReport.Answer(new RbacGraph(Load(extension)), RbacQuery.Parse("create widgets.example.com -n shop"));
        Assert.Equal("RoleBinding shop/b", Assert.Single(who.Subjects).Binding);
    }

    [Fact]
    public void Aggregation_cycles_end()
    {
        var yaml = $"{Api}\nkind: ClusterRole\nmetadata: {{name: a, labels: {{ring: b}}}}\naggregationRule: {{clusterRoleSelectors: [{{matchLabels: {{ring: a}}}}]}}\n---\n"
            + $"{Api}\nkind: ClusterRole\nmetadata: {{name: b, labels: {{ring: a}}}}\naggregationRule: {{clusterRoleSelectors: [{{matchLabels: {{ring: b}}}}]}}\n---\n"
            + ClusterBinding("x", "a", AppSa);
        var graph = new RbacGraph(Load(yaml));
        Assert.Empty(graph.RulesOf(graph.RoleOf(graph.Bindings[0])!));
    }

    [Fact]
    public void A_role_binding_to_a_cluster_role_grants_only_in_its_namespace()
    {
        var yaml = ClusterRole("reader", Rule("[\"\"]", "[secrets, nodes]", "[get]") + "  - nonResourceURLs: [/metrics]\n    verbs: [get]\n")
            + "---\n" + Binding("b", "shop", "ClusterRole", "reader", AppSa);
        var graph = new RbacGraph(Load(yaml));
        Assert.Single(graph.WhoCan(RbacQuery.Parse("get secrets -n shop").Request));
        Assert.Empty(graph.WhoCan(RbacQuery.Parse("get secrets -n prod").Request));
        Assert.Empty(graph.WhoCan(RbacQuery.Parse("get secrets --all-namespaces").Request));
        Assert.Empty(graph.WhoCan(RbacQuery.Parse("get nodes -n shop").Request)); // cluster-scoped: not through a RoleBinding
        Assert.Empty(graph.WhoCan(RbacQuery.Parse("get /metrics").Request));
        Assert.DoesNotContain(graph.Permissions(), p => p.Resource == "nodes" || p.NonResourceUrl is not null);
        Assert.All(graph.Permissions(), p => Assert.Equal("shop", p.Namespace));

        var cluster = ClusterRole("reader", Rule("[\"\"]", "[secrets, nodes]", "[get]") + "  - nonResourceURLs: [\"/metrics*\"]\n    verbs: [get]\n")
            + "---\n" + ClusterBinding("crb", "reader", "[{kind: Group, name: auditors}]");
        graph = new RbacGraph(Load(cluster));
        Assert.Single(graph.WhoCan(RbacQuery.Parse("get secrets -n prod").Request));
        Assert.Single(graph.WhoCan(RbacQuery.Parse("get secrets -A").Request));
        Assert.Single(graph.WhoCan(RbacQuery.Parse("get nodes").Request));
        Assert.Single(graph.WhoCan(RbacQuery.Parse("get /metrics/cadvisor").Request));
        Assert.Empty(graph.WhoCan(RbacQuery.Parse("list secrets -n prod").Request));
    }

    [Fact]
    public void Rules_match_as_the_authorizer_does()
    {
        var rule = new PolicyRule(["", "apps"], ["pods", "*/scale", "deployments"], ["get", "update"], [], []);
        Assert.True(rule.Allows(new RbacRequest("get", "", "pods")));
        Assert.False(rule.Allows(new RbacRequest("get", "", "pods", "exec"))); // pods does not cover its subresources
        Assert.True(rule.Allows(new RbacRequest("update", "apps", "deployments", "scale")));
        Assert.False(rule.Allows(new RbacRequest("get", "batch", "pods")));
        Assert.False(rule.Allows(new RbacRequest("delete", "", "pods")));
        var named = new PolicyRule([""], ["secrets"], ["*"], ["a", "b"], []);
        Assert.True(named.Allows(new RbacRequest("get", "", "secrets", Name: "b")));
        Assert.False(named.Allows(new RbacRequest("get", "", "secrets", Name: "c")));
        Assert.False(named.Allows(new RbacRequest("list", "", "secrets"))); // a list names no object
        var urls = new PolicyRule([], [], ["get"], [], ["/healthz", "/api/*"]);
        Assert.True(urls.Allows(new RbacRequest("get", "", "", NonResourcePath: "/api/v1")));
        Assert.False(urls.Allows(new RbacRequest("get", "", "", NonResourcePath: "/apis")));
    }

    [Fact]
    public void Query_lists_every_subject_with_the_binding_and_role_responsible()
    {
        var yaml = Role("secret-reader", "prod", Rule("[\"\"]", "[secrets]", "[get, list]"))
            + "---\n" + Binding("readers", "prod", "Role", "secret-reader", "[{kind: User, name: alice}, {kind: ServiceAccount, name: ci}]")
            + "---\n" + Role("tls-reader", "prod", Rule("[\"\"]", "[secrets]", "[get]", "[tls]"))
            + "---\n" + Binding("tls", "prod", "Role", "tls-reader", "[{kind: Group, name: web}]")
            + "---\n" + ClusterBinding("root", "cluster-admin", "[{kind: Group, name: ops}]")
            + "---\n" + Binding("elsewhere", "dev", "ClusterRole", "edit", "[{kind: User, name: bob}]");
        var answer = RbacReport.Answer(new RbacGraph(Load(yaml)), RbacQuery.Parse("get secrets -n prod"));
        Assert.Equal("prod", answer.Scope);
        Assert.Equal(["User alice RoleBinding prod/readers Role prod/secret-reader", "ServiceAccount ci RoleBinding prod/readers Role prod/secret-reader",
            "Group web RoleBinding prod/tls Role prod/tls-reader", "Group ops ClusterRoleBinding root ClusterRole cluster-admin (built-in)"],
            answer.Subjects.Select(s => $"{s.Kind} {s.Name} {s.Binding} {s.Role}"));
        Assert.Equal("prod", answer.Subjects[1].Namespace); // a RoleBinding's namespace-less service account is its own namespace's
        Assert.Equal(["tls"], answer.Subjects[2].ResourceNames);
        Assert.Equal("fixture.yaml", answer.Subjects[0].Location!.Path);
        Assert.Equal("1", answer.Subjects[0].Location!.Document);
    }

    /// <summary>Service accounts of prod (objects, a pod template's account, a bound account) and one of dev.</summary>
    private const string Accounts = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: prod}\n---\n"
        + "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: tool, namespace: dev}\n---\n"
        + "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: job, namespace: prod}\nspec:\n  template:\n    spec:\n      serviceAccountName: runner\n      containers: [{name: c, image: i}]\n---\n"
        + "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: prod}\nspec:\n  containers: [{name: c, image: i}]\n";

    [Fact]
    public void Service_accounts_of_the_input_hold_what_is_bound_to_their_namespace_group()
    {
        var yaml = Accounts
            + "---\n" + Role("secret-reader", "prod", Rule("[\"\"]", "[secrets]", "[get]"))
            + "---\n" + Binding("direct", "prod", "Role", "secret-reader", "[{kind: ServiceAccount, name: ci}]")
            + "---\n" + Binding("all-of-prod", "prod", "Role", "secret-reader", "[{kind: Group, name: \"system:serviceaccounts:prod\"}]");
        var graph = new RbacGraph(Load(yaml));
        Assert.Equal(["dev/tool", "prod/ci", "prod/default", "prod/runner", "prod/web"], graph.ServiceAccounts.Select(a => $"{a.Namespace}/{a.Name}"));

        var answer = RbacReport.Answer(graph, RbacQuery.Parse("get secrets -n prod"));
        // ci is bound by name (listed once, without a group); dev's tool is not in prod's group.
        Assert.Equal(["ServiceAccount prod/ci RoleBinding prod/direct -", "Group -/system:serviceaccounts:prod RoleBinding prod/all-of-prod -",
            "ServiceAccount prod/default RoleBinding prod/all-of-prod Group system:serviceaccounts:prod",
            "ServiceAccount prod/runner RoleBinding prod/all-of-prod Group system:serviceaccounts:prod",
            "ServiceAccount prod/web RoleBinding prod/all-of-prod Group system:serviceaccounts:prod"],
            answer.Subjects.Select(s => $"{s.Kind} {s.Namespace ?? "-"}/{s.Name} {s.Binding} {s.Via ?? "-"}"));

        Assert.Contains(graph.Permissions(), p => p.Subject.Name == "web" && p.Resource == "secrets" && p.Namespace == "prod" && p.Via?.Name == "system:serviceaccounts:prod");
        Assert.DoesNotContain(graph.Permissions(), p => p.Subject.Name == "tool");

        var summary = RbacReport.Summarize(Load(yaml), null)!;
        var web = Assert.Single(summary.Subjects, s => s.Name == "web");
        Assert.Equal(("k8s-rbac-grants-secrets", "RoleBinding prod/all-of-prod", "Group system:serviceaccounts:prod"), (Assert.Single(web.Rights).CheckId, web.Rights[0].Binding, web.Rights[0].Via));
        Assert.Null(Assert.Single(summary.Subjects, s => s.Name == "ci").Rights[0].Via);
        Assert.DoesNotContain(summary.Subjects, s => s.Name == "tool");
    }

    [Fact]
    public void Group_membership_follows_the_authorizer_exactly()
    {
        var yaml = Accounts
            + "---\n" + Role("secret-reader", "prod", Rule("[\"\"]", "[secrets]", "[get]"))
            // dev's accounts in prod: the group is the account's namespace, the binding's namespace is where the right applies.
            + "---\n" + Binding("dev-in-prod", "prod", "Role", "secret-reader", "[{kind: Group, name: \"system:serviceaccounts:dev\"}]")
            // Not groups a service account is in: the singular name, a prefix, a Group's namespace field.
            + "---\n" + Binding("wrong", "prod", "Role", "secret-reader", "[{kind: Group, name: \"system:serviceaccount:prod\"}, {kind: Group, name: \"system:serviceaccounts:pro\"}, {kind: Group, name: ops, namespace: prod}]")
            // The account's user name is the account.
            + "---\n" + Binding("by-name", "prod", "Role", "secret-reader", "[{kind: User, name: \"system:serviceaccount:prod:web\"}]");
        var who = RbacReport.Answer(new RbacGraph(Load(yaml)), RbacQuery.Parse("get secrets -n prod")).Subjects.Where(s => s.Via is not null)
            .Select(s => $"{s.Namespace}/{s.Name} via {s.Via}");
        Assert.Equal(["dev/tool via Group system:serviceaccounts:dev", "prod/web via User system:serviceaccount:prod:web"], who);

        // Every service account, of every namespace: a ClusterRoleBinding to system:serviceaccounts or system:authenticated.
        var everywhere = Accounts + "---\n" + ClusterBinding("all", "view", "[{kind: Group, name: system:serviceaccounts}]")
            + "---\n" + ClusterBinding("signed-in", "view", "[{kind: Group, name: system:authenticated}]");
        var list = RbacReport.Answer(new RbacGraph(Load(everywhere)), RbacQuery.Parse("list pods -A")).Subjects;
        Assert.Equal(8, list.Count(s => s.Via is not null)); // the four accounts (prod default, runner, web; dev tool) through each binding
        Assert.Contains(list, s => s.Name == "tool" && s.Via == "Group system:authenticated");
    }

    [Theory]
    [InlineData("get secrets -n prod", "get", "", "secrets", null, "prod")]
    [InlineData("create pods/exec --namespace=shop", "create", "", "pods", "exec", "shop")]
    [InlineData("list deployments", "list", "apps", "deployments", null, null)]
    [InlineData("patch widgets.example.com/status -n a", "patch", "example.com", "widgets", "status", "a")]
    [InlineData("get nodes/proxy -n shop", "get", "", "nodes", "proxy", null)]
    [InlineData("GET secrets -A", "get", "", "secrets", null, null)]
    public void Query_parses_verb_resource_group_subresource_and_scope(string text, string verb, string group, string resource, string? sub, string? ns)
    {
        var request = RbacQuery.Parse(text).Request;
        Assert.Equal(new RbacRequest(verb, group, resource, sub, Namespace: ns), request);
    }

    [Theory]
    [InlineData("get")]
    [InlineData("get secrets -n")]
    [InlineData("get secrets --watch")]
    [InlineData("get pods/ -n a")]
    public void A_malformed_query_is_a_one_line_format_error(string text)
    {
        var ex = Assert.Throws<FormatException>(() => RbacQuery.Parse(text));
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Summary_lists_each_subjects_risky_rights_with_the_binding()
    {
        var yaml = Granting("[\"\"]", "[secrets, pods/exec]", "[get, create]")
            + "---\n" + ClusterBinding("root", "cluster-admin", "[{kind: Group, name: ops}]")
            + "---\n" + Binding("v", "shop", "ClusterRole", "view", "[{kind: User, name: viewer}]");
        var summary = RbacReport.Summarize(Load(yaml), RbacQuery.Parse("create pods/exec -n shop"))!;
        Assert.Equal(3, summary.Bindings);
        Assert.Equal(1, summary.Roles);
        Assert.Equal(["Group ops", "ServiceAccount app"], summary.Subjects.Select(s => $"{s.Kind} {s.Name}"));
        var app = summary.Subjects[1];
        Assert.Equal(["k8s-rbac-grants-secrets", "k8s-rbac-grants-exec"], app.Rights.Select(r => r.CheckId));
        Assert.All(app.Rights, r => Assert.Equal(("RoleBinding shop/b", "Role shop/r", "shop"), (r.Binding, r.Role, r.Scope)));
        Assert.Contains(summary.Subjects[0].Rights, r => r.CheckId == "k8s-rbac-cluster-admin-binding" && r.Scope == "cluster");
        Assert.Equal(["app", "ops"], summary.Query!.Subjects.Select(s => s.Name));
        Assert.Null(RbacReport.Summarize(Load("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"), null));
    }

    /// <summary>kube-linter's RBAC checks: Seawall's equivalent reports as many findings on its fixture.</summary>
    [Theory]
    [InlineData("cluster-admin-role-binding", "k8s-rbac-cluster-admin-binding")]
    [InlineData("access-to-secrets", "k8s-rbac-grants-secrets")]
    [InlineData("access-to-create-pods", "k8s-rbac-grants-create-workloads")]
    [InlineData("wildcard-in-rules", "k8s-rbac-wildcard")]
    public void Kube_linter_fixture_gives_the_same_number_of_findings(string kubeLinterCheck, string seawallCheck)
    {
        var root = SharedData.Require("kube-linter");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "expected.json")));
        var entry = json.RootElement.EnumerateArray().Single(e => e.GetProperty("check").GetString() == kubeLinterCheck);
        var expected = entry.GetProperty("expectedCount").GetInt32();
        var set = ManifestLoader.Load([Path.Combine(root, entry.GetProperty("fixture").GetString()!)]);
        Assert.Empty(set.Warnings);
        var check = ManifestCheckCatalog.All.Single(c => c.Info.Id == seawallCheck);
        Assert.Contains("kube-linter:" + kubeLinterCheck, check.Info.References);
        var failed = ManifestScanner.Run(set.Resources, [check]).Where(r => r.Outcome.Failed).ToList();
        output.WriteLine($"kube-linter {kubeLinterCheck}: expected {expected}, Seawall {seawallCheck} {failed.Count}: {string.Join("; ", failed.Select(f => f.Outcome.Evidence))}");
        Assert.Equal(expected, failed.Count);
        Assert.All(failed, f => Assert.DoesNotContain("dont-fire", f.Resource.Name ?? string.Empty, StringComparison.Ordinal));
    }

    /// <summary>checkov's graph checks CKV2_K8S_1..5: every entry agrees (the suite test counts them with the rest).</summary>
    [Theory]
    [InlineData("CKV2_K8S_1")]
    [InlineData("CKV2_K8S_2")]
    [InlineData("CKV2_K8S_3")]
    [InlineData("CKV2_K8S_4")]
    [InlineData("CKV2_K8S_5")]
    public void Checkov_graph_check_agrees(string id)
    {
        var root = SharedData.Require("checkov-k8s");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "expected.json")));
        var entry = json.RootElement.EnumerateArray().Single(e => e.GetProperty("check").GetString() == id && e.GetProperty("kind").GetString() == "graph-check");
        var (agrees, why) = CheckovSuiteTests.Judge(root, entry);
        Assert.True(agrees, why);
    }
}
