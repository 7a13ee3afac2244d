namespace Seawall.Vulnerabilities.Versions;

/// <summary>
/// Maven: the rules of maven-artifact's ComparableVersion (3.9). The text is split at '.', '-' and every change between
/// digits and letters; a '-' or a letter/digit change opens a nested list. Numbers compare as numbers; qualifiers
/// (case-insensitive) order alpha &lt; beta &lt; milestone &lt; rc = cr &lt; snapshot &lt; "" = ga = final = release &lt; sp,
/// unknown ones after those by text; "a1", "b1", "m1" mean alpha-1, beta-1, milestone-1. Trailing zeros and release
/// qualifiers are dropped (1 = 1.0 = 1-ga), and a list is above a qualifier but below a number in the same place.
/// </summary>
internal sealed class MavenComparer : VersionComparer<MavenVersion>
{
    public override string Scheme => "maven";

    protected override MavenVersion? ParseCore(string original, string trimmed)
    {
        var s = trimmed.ToLowerInvariant();
        var root = new List<MavenItem>();
        var list = root;
        var lists = new List<List<MavenItem>> { root };
        var isDigit = false;
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c is '.' or '-')
            {
                list.Add(i == start ? MavenItem.Zero : MavenItem.Of(s.AsSpan(start, i - start), isDigit, followedByDigit: false));
                start = i + 1;
                if (c == '-')
                {
                    list = OpenList(list, lists);
                }
            }
            else if (char.IsAsciiDigit(c))
            {
                if (!isDigit && i > start)
                {
                    list.Add(MavenItem.Of(s.AsSpan(start, i - start), isDigit: false, followedByDigit: true));
                    start = i;
                    list = OpenList(list, lists);
                }
                isDigit = true;
            }
            else
            {
                if (isDigit && i > start)
                {
                    list.Add(MavenItem.Of(s.AsSpan(start, i - start), isDigit: true, followedByDigit: false));
                    start = i;
                    list = OpenList(list, lists);
                }
                isDigit = false;
            }
        }
        if (s.Length > start)
        {
            list.Add(MavenItem.Of(s.AsSpan(start), isDigit, followedByDigit: false));
        }
        // Innermost lists first, as ComparableVersion normalises its stack.
        for (var i = lists.Count - 1; i >= 0; i--)
        {
            Normalize(lists[i], isRoot: i == 0);
        }
        return new MavenVersion(original, MavenItem.Freeze(root));
    }

    private static List<MavenItem> OpenList(List<MavenItem> parent, List<List<MavenItem>> lists)
    {
        var child = new List<MavenItem>();
        parent.Add(MavenItem.ListOf(child));
        lists.Add(child);
        return child;
    }

    /// <summary>Drops trailing null items (0, release qualifiers, empty lists), looking past nested lists.</summary>
    private static void Normalize(List<MavenItem> items, bool isRoot)
    {
        for (var i = items.Count - 1; i >= 0; i--)
        {
            var item = items[i];
            if (item.IsNull)
            {
                items.RemoveAt(i);
            }
            else if (item.Kind != MavenItemKind.List)
            {
                break;
            }
        }
        // A nested list can only start with a list when a null item in front was just dropped: the two hyphens then
        // meet, as in the spec's "1-ga-1" = "1-1", so the inner list takes the outer one's place. The top level keeps
        // its nesting (0.0.0-2021 stays below 20).
        if (!isRoot && items.Count == 1 && items[0].Kind == MavenItemKind.List)
        {
            var inner = items[0].Building!;
            items.Clear();
            items.AddRange(inner);
        }
    }
}

internal enum MavenItemKind
{
    Number,
    Qualifier,
    List,
}

/// <summary>One item of a Maven version: a number, a qualifier, or a nested list.</summary>
internal sealed class MavenItem
{
    // Known qualifiers in order; the empty string is the release itself. Unknown ones rank after all of these.
    private static readonly string[] Qualifiers = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
    private const int ReleaseRank = 5;
    private const int UnknownRank = 7;

    private List<MavenItem>? building;

    private MavenItem(MavenItemKind kind) => Kind = kind;

    public static MavenItem Zero { get; } = new(MavenItemKind.Number);

    public MavenItemKind Kind { get; }

    public Numeral Number { get; private init; }

    public string Qualifier { get; private init; } = "";

    public int Rank { get; private init; }

    public MavenItem[] Items { get; private set; } = [];

    public bool IsNull => Kind switch
    {
        MavenItemKind.Number => Number.IsZero,
        MavenItemKind.Qualifier => Rank == ReleaseRank,
        _ => (building?.Count ?? Items.Length) == 0,
    };

    public static MavenItem Of(ReadOnlySpan<char> text, bool isDigit, bool followedByDigit)
    {
        if (isDigit)
        {
            return new MavenItem(MavenItemKind.Number) { Number = Numeral.Parse(text) };
        }
        var value = text.ToString();
        if (followedByDigit && value.Length == 1)
        {
            value = value[0] switch { 'a' => "alpha", 'b' => "beta", 'm' => "milestone", _ => value };
        }
        value = value switch { "ga" or "final" or "release" => "", "cr" => "rc", _ => value };
        var rank = Array.IndexOf(Qualifiers, value);
        return new MavenItem(MavenItemKind.Qualifier) { Qualifier = value, Rank = rank < 0 ? UnknownRank : rank };
    }

    public static MavenItem ListOf(List<MavenItem> items) => new(MavenItemKind.List) { building = items };

    /// <summary>The items of a list while it is being parsed.</summary>
    public List<MavenItem>? Building => building;

    /// <summary>Turns the parse-time lists into arrays once parsing and normalising are done.</summary>
    public static MavenItem[] Freeze(List<MavenItem> items)
    {
        foreach (var item in items)
        {
            if (item.building is not null)
            {
                item.Items = Freeze(item.building);
                item.building = null;
            }
        }
        return [.. items];
    }

    /// <summary>ComparableVersion's Item.compareTo; <paramref name="other"/> null is the padding of a shorter list.</summary>
    public int CompareTo(MavenItem? other)
    {
        switch (Kind)
        {
            case MavenItemKind.Number:
                if (other is null)
                {
                    return Number.IsZero ? 0 : 1;
                }
                return other.Kind == MavenItemKind.Number ? Number.CompareTo(other.Number) : 1;
            case MavenItemKind.Qualifier:
                if (other is null)
                {
                    return Rank.CompareTo(ReleaseRank);
                }
                if (other.Kind != MavenItemKind.Qualifier)
                {
                    return -1;
                }
                if (Rank != other.Rank)
                {
                    return Rank.CompareTo(other.Rank);
                }
                return Rank == UnknownRank ? string.CompareOrdinal(Qualifier, other.Qualifier) : 0;
            default:
                if (other is null)
                {
                    // The whole list against nothing, not just its first item (MNG-6964: 1-0.alpha < 1).
                    foreach (var item in Items)
                    {
                        var r = item.CompareTo(null);
                        if (r != 0)
                        {
                            return r;
                        }
                    }
                    return 0;
                }
                return other.Kind switch
                {
                    MavenItemKind.Number => -1,
                    MavenItemKind.Qualifier => 1,
                    _ => CompareLists(Items, other.Items),
                };
        }
    }

    public static int CompareLists(MavenItem[] a, MavenItem[] b)
    {
        var count = Math.Max(a.Length, b.Length);
        for (var i = 0; i < count; i++)
        {
            var r = i < a.Length ? a[i].CompareTo(i < b.Length ? b[i] : null) : -b[i].CompareTo(null);
            if (r != 0)
            {
                return r;
            }
        }
        return 0;
    }
}

internal sealed class MavenVersion : ParsedVersion
{
    private readonly MavenItem[] items;

    public MavenVersion(string text, MavenItem[] items) : base(text) => this.items = items;

    public override string Scheme => "maven";

    private protected override int CompareSameScheme(ParsedVersion other) => MavenItem.CompareLists(items, ((MavenVersion)other).items);
}
