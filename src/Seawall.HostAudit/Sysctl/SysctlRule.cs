using Seawall.Core.Model;

namespace Seawall.HostAudit.Sysctl;

/// <summary>
/// One hardening sysctl: the values that pass, the ones only warned about (weaker but defensible), the value to set,
/// and where the expectation comes from. Anything else fails.
/// </summary>
internal sealed record SysctlRule(string Key, string[] Good, string Recommended, Severity Severity, string Why, string[] References)
{
    public string[] Tolerable { get; init; } = [];

    /// <summary>Never fail, only warn (kernel.sysrq: a bitmask whose safe value depends on who has the console).</summary>
    public bool WarnOnly { get; init; }

    public CheckInfo Check { get; } = new("host-sysctl-" + Key.Replace('.', '-').Replace('_', '-').Replace('/', '-'), $"{Key} is {string.Join(" or ", Good)}", Severity)
    {
        Description = Why,
        Remediation = $"sysctl -w {Key}={Recommended} && echo '{Key} = {Recommended}' >> /etc/sysctl.d/99-seawall.conf",
        References = References,
    };

    /// <summary>"kernel.kptr_restrict = 0 (expected 2 or 1)".</summary>
    public string Evidence(string value) =>
        $"{Key} = {value} (expected {string.Join(" or ", Good.OrderBy(v => v == Recommended ? 0 : 1))})";

    public FindingStatus StatusOf(string value) =>
        Good.Contains(value) ? FindingStatus.Pass
        : WarnOnly || Tolerable.Contains(value) ? FindingStatus.Warn
        : FindingStatus.Fail;
}
