using NuGet.Versioning;

namespace Seawall.Vulnerabilities.Versions;

/// <summary>
/// NuGet: parsed and ordered by NuGet.Versioning itself (up to four numbers, release labels compared part by part
/// without regard to case, numeric parts as numbers and below textual ones, metadata ignored). Numbers beyond what
/// NuGet reads (over 2^31) are kept by the same rules with numbers of any size, since OSV's vectors contain them.
/// </summary>
internal sealed class NuGetComparer : VersionComparer<NuGetSchemeVersion>
{
    public override string Scheme => "nuget";

    protected override NuGetSchemeVersion? ParseCore(string original, string trimmed)
    {
        if (NuGetVersion.TryParse(trimmed, out var version))
        {
            return new NuGetSchemeVersion(original, version);
        }
        return TryParseWide(trimmed, out var core, out var labels) ? new NuGetSchemeVersion(original, core, labels) : null;
    }

    /// <summary>NuGet's grammar with unbounded numbers; only for text NuGet rejected because a number was too large.</summary>
    private static bool TryParseWide(string s, out Numeral[] core, out Identifier[] labels)
    {
        core = [];
        labels = [];
        var plus = s.IndexOf('+');
        var main = plus < 0 ? s : s[..plus];
        if (plus >= 0 && !ValidLabels(s[(plus + 1)..]))
        {
            return false;
        }
        var hyphen = main.IndexOf('-');
        var numbers = hyphen < 0 ? main : main[..hyphen];
        if (hyphen >= 0)
        {
            var release = main[(hyphen + 1)..];
            if (!ValidLabels(release))
            {
                return false;
            }
            labels = Identifier.Split(release);
        }
        var parts = numbers.Split('.');
        if (parts.Length > 4)
        {
            return false;
        }
        var tooLarge = false;
        foreach (var part in parts)
        {
            if (part.Length == 0 || !Identifier.AllDigits(part))
            {
                return false;
            }
            tooLarge |= Numeral.Parse(part).CompareTo(Numeral.Of(int.MaxValue)) > 0;
        }
        core = Array.ConvertAll(parts, p => Numeral.Parse(p));
        return tooLarge;
    }

    private static bool ValidLabels(string text)
    {
        foreach (var part in text.Split('.'))
        {
            if (part.Length == 0 || part.AsSpan().ContainsAnyExcept(LabelChars))
            {
                return false;
            }
        }
        return true;
    }

    private static readonly System.Buffers.SearchValues<char> LabelChars =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-");
}

internal sealed class NuGetSchemeVersion : ParsedVersion
{
    private readonly NuGetVersion? nuget;
    private Numeral[]? core;
    private Identifier[]? labels;

    public NuGetSchemeVersion(string text, NuGetVersion version) : base(text) => nuget = version;

    public NuGetSchemeVersion(string text, Numeral[] core, Identifier[] labels) : base(text)
    {
        this.core = core;
        this.labels = labels;
    }

    public override string Scheme => "nuget";

    private protected override int CompareSameScheme(ParsedVersion other)
    {
        var o = (NuGetSchemeVersion)other;
        if (nuget is not null && o.nuget is not null)
        {
            return VersionComparer.VersionRelease.Compare(nuget, o.nuget);
        }
        // At least one side has a number NuGet cannot hold: the same rules, on unbounded numbers.
        return CompareWide(o);
    }

    /// <summary>NuGet's release ordering on unbounded numbers (tests check it agrees with NuGet.Versioning).</summary>
    internal int CompareWide(NuGetSchemeVersion other)
    {
        var c = SemVerText.CompareCore(Core(), other.Core());
        return c != 0 ? c : SemVerText.ComparePre(Labels(), other.Labels(), StringComparison.OrdinalIgnoreCase);
    }

    private Numeral[] Core() => core ??=
        [Numeral.Of((ulong)nuget!.Major), Numeral.Of((ulong)nuget.Minor), Numeral.Of((ulong)nuget.Patch), Numeral.Of((ulong)nuget.Revision)];

    private Identifier[] Labels() => labels ??= [.. nuget!.ReleaseLabels.Select(label => new Identifier(label))];
}
