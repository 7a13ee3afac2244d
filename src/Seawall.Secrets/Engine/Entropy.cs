namespace Seawall.Secrets.Engine;

/// <summary>Shannon entropy in bits per character: random keys score 4 and more, words and placeholders much less.</summary>
public static class Entropy
{
    public static double Shannon(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return 0;
        }
        Span<int> counts = stackalloc int[128];
        var other = new Dictionary<char, int>();
        foreach (var c in value)
        {
            if (c < 128)
            {
                counts[c]++;
            }
            else
            {
                other[c] = other.GetValueOrDefault(c) + 1;
            }
        }
        double entropy = 0;
        double length = value.Length;
        foreach (var n in counts)
        {
            if (n > 0)
            {
                var p = n / length;
                entropy -= p * Math.Log2(p);
            }
        }
        foreach (var n in other.Values)
        {
            var p = n / length;
            entropy -= p * Math.Log2(p);
        }
        return entropy;
    }
}
