using System.Text.RegularExpressions;

namespace Seawall.Core.Compliance;

/// <summary>One control of a framework's table: its id as the benchmark numbers it, and the benchmark's own title.</summary>
public sealed record ControlDefinition(string Id, string Title);

/// <summary>
/// A compliance framework: the controls users are audited against, and how a check's reference names one of them.
/// References are written "PREFIX" + control ("CIS-K8s-5.2.2", "NSA/CISA:non-root-containers"); CIS Docker refs may
/// also name the recommendation by its title ("CIS-Docker: Ensure the default seccomp profile is not Disabled").
/// </summary>
public sealed partial record ComplianceFramework(string Id, string Title, string ReferencePrefix, IReadOnlyList<ControlDefinition> Controls)
{
    /// <summary>Titles of section headings ("4.5" Host OS countermeasures), for a reference to a whole section.</summary>
    public IReadOnlyDictionary<string, string> Sections { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether control ids are benchmark numbers (ordered numerically) rather than names.</summary>
    public bool Numbered { get; init; } = true;

    /// <summary>The control a reference names, null when it names none of this framework's.</summary>
    public string? ControlOf(string reference)
    {
        if (!reference.StartsWith(ReferencePrefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var rest = reference[ReferencePrefix.Length..].Trim();
        if (rest.Length == 0 || rest[0] is not (':' or '-'))
        {
            return null;
        }
        rest = rest[1..].Trim();
        if (Numbered && ControlNumber().IsMatch(rest))
        {
            return rest;
        }
        // A control named by its title: only an exact title match counts, a near one is a wrong reference.
        if (Controls.FirstOrDefault(c => string.Equals(c.Title, rest, StringComparison.OrdinalIgnoreCase)) is { } titled)
        {
            return titled.Id;
        }
        var slug = Numbered ? string.Empty : Slug(rest);
        return slug.Length > 0 ? slug : null;
    }

    /// <summary>The title of a control: the table's, else its section's heading, else null.</summary>
    public string? TitleOf(string control) =>
        Controls.FirstOrDefault(c => c.Id == control)?.Title ?? Sections.GetValueOrDefault(control);

    /// <summary>Benchmark order: 5.2.10 after 5.2.9, table order for named controls.</summary>
    public IComparer<string> Order => Numbered ? Comparer<string>.Create(CompareNumbers) : Comparer<string>.Create(CompareByTable);

    private int CompareByTable(string a, string b)
    {
        static int Rank(IReadOnlyList<ControlDefinition> controls, string id)
        {
            for (var i = 0; i < controls.Count; i++)
            {
                if (controls[i].Id == id)
                {
                    return i;
                }
            }
            return int.MaxValue;
        }
        var byRank = Rank(Controls, a).CompareTo(Rank(Controls, b));
        return byRank != 0 ? byRank : string.CompareOrdinal(a, b);
    }

    private static int CompareNumbers(string a, string b)
    {
        var x = a.Split('.');
        var y = b.Split('.');
        for (var i = 0; i < Math.Min(x.Length, y.Length); i++)
        {
            var byPart = int.Parse(x[i], System.Globalization.CultureInfo.InvariantCulture).CompareTo(int.Parse(y[i], System.Globalization.CultureInfo.InvariantCulture));
            if (byPart != 0)
            {
                return byPart;
            }
        }
        return x.Length.CompareTo(y.Length);
    }

    /// <summary>"Non-root containers" and "non_root_containers" both name non-root-containers.</summary>
    private static string Slug(string text) =>
        string.Join('-', NonSlug().Split(text.ToLowerInvariant()).Where(p => p.Length > 0));

    [GeneratedRegex(@"^[0-9]{1,2}(\.[0-9]{1,2}){0,3}$")]
    private static partial Regex ControlNumber();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlug();
}
