using Seawall.Core.Model;

namespace Seawall.Core.Compliance;

/// <summary>
/// Folds a scan's findings into one framework's controls. A check maps to every control its references name; each
/// of its findings counts once per control (pass, or fail for fail and warn; info and manual decide nothing). Every
/// control of the framework's table is listed, mapped or not, so what Seawall does not check is visible.
/// </summary>
public static class ComplianceEvaluator
{
    /// <param name="catalog">Every check the scan could run, whether or not it found anything to judge.</param>
    /// <param name="findings">The scan's findings, passes included.</param>
    public static ComplianceSummary Evaluate(ComplianceFramework framework, IEnumerable<CheckInfo> catalog, IEnumerable<Finding> findings)
    {
        var checks = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var checkTitles = new Dictionary<string, string>(StringComparer.Ordinal);
        var pass = new Dictionary<string, int>(StringComparer.Ordinal);
        var fail = new Dictionary<string, int>(StringComparer.Ordinal);

        void Map(string checkId, string checkTitle, IReadOnlyList<string> references, FindingStatus? status)
        {
            foreach (var control in references.Select(framework.ControlOf).OfType<string>().Distinct(StringComparer.Ordinal))
            {
                if (!checks.TryGetValue(control, out var ids))
                {
                    checks[control] = ids = new SortedSet<string>(StringComparer.Ordinal);
                    checkTitles[control] = checkTitle;
                }
                ids.Add(checkId);
                if (status is FindingStatus.Pass)
                {
                    pass[control] = pass.GetValueOrDefault(control) + 1;
                }
                else if (status is FindingStatus.Fail or FindingStatus.Warn)
                {
                    fail[control] = fail.GetValueOrDefault(control) + 1;
                }
            }
        }

        foreach (var check in catalog)
        {
            Map(check.Id, check.Title, check.References, null);
        }
        // Findings carry their check's references: a check outside the given catalog still counts.
        foreach (var finding in findings)
        {
            Map(finding.CheckId, finding.Title, finding.References, finding.Status);
        }

        var ids = framework.Controls.Select(c => c.Id).Concat(checks.Keys).Distinct(StringComparer.Ordinal).Order(framework.Order);
        var controls = ids.Select(id => new ComplianceControl(id, framework.TitleOf(id) ?? checkTitles[id])
        {
            Checks = checks.TryGetValue(id, out var mapped) ? [.. mapped] : [],
            Pass = pass.GetValueOrDefault(id),
            Fail = fail.GetValueOrDefault(id),
        });
        return new ComplianceSummary(framework.Id, framework.Title) { Controls = [.. controls] };
    }
}
