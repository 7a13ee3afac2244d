using Seawall.Core.Model;
using Seawall.Misconfig.Rbac;
using Seawall.Reporting.Writers;
using Seawall.Scanning;
using Seawall.Tests.Reporting;
using Seawall.Tests.Support;
using Xunit;

namespace Seawall.Tests.Misconfig.Rbac;

/// <summary>`seawall config --rbac-query`: the report's rbac section through the service and both writers, valid against the schema.</summary>
public sealed class RbacReportTests
{
    private static readonly Lazy<SchemaValidator> Schema = new(() =>
        SchemaValidator.FromFile(Path.Combine(AppContext.BaseDirectory, "Schemas", "seawall-report-1.schema.json")));

    [Fact]
    public async Task Config_scan_carries_the_rbac_section_and_the_query_answer()
    {
        using var dir = new TempDir("seawall-rbac-");
        dir.Write("rbac/roles.yaml", RbacTests.Role("secret-reader", "prod", RbacTests.Rule("[\"\"]", "[secrets]", "[get, list]", "")));
        dir.Write("rbac/bindings.yaml", RbacTests.Binding("readers", "prod", "Role", "secret-reader", "[{kind: ServiceAccount, name: ci, namespace: prod}]")
            + "---\n" + RbacTests.ClusterBinding("anon", "view", "[{kind: Group, name: system:unauthenticated}]"));

        var report = await new ScanService(new ScanOptions()).ScanConfigAsync([dir.Path], TestContext.Current.CancellationToken, RbacQuery.Parse("get secrets -n prod"));

        var rbac = report.Rbac!;
        Assert.Equal(2, rbac.Bindings);
        var ci = Assert.Single(rbac.Subjects, s => s.Name == "ci");
        Assert.Equal(dir.File("rbac/bindings.yaml"), Assert.Single(ci.Rights).Location!.Path);
        Assert.Equal("ServiceAccount", Assert.Single(rbac.Query!.Subjects).Kind);
        var anon = Assert.Single(report.Results.SelectMany(r => r.Findings), f => f.CheckId == "k8s-rbac-anonymous-access");
        Assert.Equal(new Location(dir.File("rbac/bindings.yaml"), 10, "1", "$.subjects"), anon.Location);

        var json = await WriterOutput.WriteAsync(new JsonReportWriter(), report);
        Schema.Value.AssertValid(json);
        var section = WriterOutput.Parse(json).GetProperty("rbac");
        Assert.Equal("get secrets -n prod", section.GetProperty("query").GetProperty("query").GetString());
        Assert.Equal("RoleBinding prod/readers", section.GetProperty("query").GetProperty("subjects")[0].GetProperty("binding").GetString());

        var table = await WriterOutput.WriteAsync(new TableReportWriter(), report);
        Assert.Contains("Who can get secrets -n prod: 1 subject(s)", table, StringComparison.Ordinal);
        Assert.Contains("ServiceAccount prod/ci: grants-secrets (prod, RoleBinding prod/readers)", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_account_holding_a_right_through_its_namespace_group_says_so_in_both_writers()
    {
        using var dir = new TempDir("seawall-rbac-");
        dir.Write("rbac.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: prod}\n---\n"
            + RbacTests.Binding("all-of-prod", "prod", "ClusterRole", "edit", "[{kind: Group, name: \"system:serviceaccounts:prod\"}]"));

        var report = await new ScanService(new ScanOptions()).ScanConfigAsync([dir.Path], TestContext.Current.CancellationToken, RbacQuery.Parse("get secrets -n prod"));

        var json = await WriterOutput.WriteAsync(new JsonReportWriter(), report);
        Schema.Value.AssertValid(json);
        var section = WriterOutput.Parse(json).GetProperty("rbac");
        var web = section.GetProperty("query").GetProperty("subjects")[1];
        Assert.Equal(("web", "Group system:serviceaccounts:prod"), (web.GetProperty("name").GetString(), web.GetProperty("via").GetString()));
        Assert.Contains(report.Results.SelectMany(r => r.Findings), f => f.CheckId == "k8s-rbac-default-service-account-rights");

        var table = await WriterOutput.WriteAsync(new TableReportWriter(), report);
        Assert.Contains("ServiceAccount prod/web via RoleBinding prod/all-of-prod -> ClusterRole edit (built-in) (as a member of Group system:serviceaccounts:prod)", table, StringComparison.Ordinal);
        Assert.Contains("grants-secrets (prod, RoleBinding prod/all-of-prod via Group system:serviceaccounts:prod)", table, StringComparison.Ordinal);
    }
}
