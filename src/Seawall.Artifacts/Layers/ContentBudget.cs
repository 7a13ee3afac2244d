namespace Seawall.Artifacts.Layers;

/// <summary>
/// Bytes of file content one image build may keep in memory, shared by the layers it reads in parallel. Each
/// file has its analyzer's size cap, but a hostile image can hold thousands of files just under it.
/// </summary>
public sealed class ContentBudget(long limit)
{
    private long _remaining = limit;

    public long Limit { get; } = limit;

    /// <summary>Takes n bytes when they fit in what is left; otherwise takes nothing.</summary>
    public bool TryTake(long n)
    {
        if (Interlocked.Add(ref _remaining, -n) >= 0)
        {
            return true;
        }
        Interlocked.Add(ref _remaining, n);
        return false;
    }

    /// <summary>Takes n bytes whatever is left (content that is already in memory, from the cache).</summary>
    public void Take(long n) => Interlocked.Add(ref _remaining, -n);
}
