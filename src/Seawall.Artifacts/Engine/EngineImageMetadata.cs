using System.Globalization;
using System.Text.Json;
using Seawall.Artifacts.Image;
using Seawall.Core.Errors;

namespace Seawall.Artifacts.Engine;

/// <summary>
/// What the daemon says about an image without exporting it: `GET /images/{name}/json` (id, tags, digests,
/// platform, env, user, diffIDs) and `GET /images/{name}/history` (the build steps). Together they stand in for
/// the image config, so a scan whose layers are all cached never exports the image.
/// </summary>
public sealed record EngineImageMetadata
{
    public const int MaxHistoryEntries = 10_000;

    public required string Id { get; init; }
    public IReadOnlyList<string> RepoTags { get; init; } = [];
    public IReadOnlyList<string> RepoDigests { get; init; } = [];
    /// <summary>Sum of the layers' unpacked sizes, as the daemon reports it; -1 when absent.</summary>
    public long Size { get; init; } = -1;
    public required ImageConfig Config { get; init; }

    /// <summary>Parses the inspect document and the history (newest first, as the API returns it).</summary>
    public static EngineImageMetadata Parse(JsonElement inspect, JsonElement? history, string what)
    {
        if (inspect.ValueKind != JsonValueKind.Object)
        {
            throw new ScanException($"{what}: the image inspect is not a JSON object");
        }
        var id = Str(inspect, "Id");
        if (id is null || !IsDigest(id))
        {
            throw new ScanException($"{what}: the image inspect has no valid Id");
        }
        var diffIds = new List<string>();
        if (inspect.TryGetProperty("RootFS", out var rootfs) && rootfs.ValueKind == JsonValueKind.Object
            && rootfs.TryGetProperty("Layers", out var layers) && layers.ValueKind == JsonValueKind.Array)
        {
            foreach (var layer in layers.EnumerateArray())
            {
                var diffId = layer.ValueKind == JsonValueKind.String ? layer.GetString()! : null;
                if (diffId is null || !IsDigest(diffId))
                {
                    throw new ScanException($"{what}: the image inspect names a layer that is not a sha256 digest");
                }
                diffIds.Add(diffId);
            }
        }
        var env = new List<string>();
        string? user = null;
        if (inspect.TryGetProperty("Config", out var cfg) && cfg.ValueKind == JsonValueKind.Object)
        {
            if (cfg.TryGetProperty("Env", out var envs) && envs.ValueKind == JsonValueKind.Array)
            {
                env.AddRange(envs.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!));
            }
            user = Str(cfg, "User") is { Length: > 0 } u ? u : null;
        }
        var config = new ImageConfig
        {
            Architecture = Str(inspect, "Architecture"),
            Os = Str(inspect, "Os"),
            Variant = Str(inspect, "Variant") is { Length: > 0 } v ? v : null,
            DiffIds = diffIds,
            History = history is { } h ? AlignHistory(h, diffIds.Count, what) : [],
            Env = env,
            User = user,
        };
        return new EngineImageMetadata
        {
            Id = id,
            RepoTags = Strings(inspect, "RepoTags"),
            RepoDigests = Strings(inspect, "RepoDigests"),
            Size = inspect.TryGetProperty("Size", out var size) && size.ValueKind == JsonValueKind.Number && size.TryGetInt64(out var s) ? s : -1,
            Config = config,
        };
    }

    /// <summary>
    /// Rebuilds the config's history, oldest first, with empty_layer flags. The API drops those flags and gives
    /// each step's unpacked size instead: a step with bytes made a layer; among zero-byte steps, those that run
    /// or copy something made one only when that is what makes the count match the diffIDs. When nothing fits,
    /// the flags stay unset and layers get no created_by rather than a wrong one (ImageConfig.LayerRefs).
    /// </summary>
    internal static IReadOnlyList<HistoryEntry> AlignHistory(JsonElement history, int layerCount, string what)
    {
        if (history.ValueKind != JsonValueKind.Array)
        {
            throw new ScanException($"{what}: the image history is not a JSON array");
        }
        var steps = new List<(string? CreatedBy, string? Created, long Size)>();
        foreach (var item in history.EnumerateArray())
        {
            if (steps.Count >= MaxHistoryEntries)
            {
                throw new LimitExceededException($"{what}: more than {MaxHistoryEntries} history entries");
            }
            if (item.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            var created = item.TryGetProperty("Created", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt64(out var unix) && unix > 0
                && unix < 253402300800 // year 10000
                ? DateTimeOffset.FromUnixTimeSeconds(unix).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : null;
            var stepSize = item.TryGetProperty("Size", out var sz) && sz.ValueKind == JsonValueKind.Number && sz.TryGetInt64(out var n) ? n : 0;
            steps.Add((Str(item, "CreatedBy") is { Length: > 0 } by ? by : null, created, stepSize));
        }
        steps.Reverse();
        var sized = steps.Count(s => s.Size > 0);
        var zeroSizedBuilders = steps.Count(s => s.Size <= 0 && MakesLayer(s.CreatedBy));
        Func<(string? CreatedBy, string? Created, long Size), bool>? isLayer =
            sized == layerCount ? s => s.Size > 0
            : sized + zeroSizedBuilders == layerCount ? s => s.Size > 0 || MakesLayer(s.CreatedBy)
            : steps.Count == layerCount ? _ => true
            : null;
        return [.. steps.Select(s => new HistoryEntry(s.CreatedBy, s.Created, isLayer is not null && !isLayer(s)))];
    }

    /// <summary>RUN, COPY and ADD steps (classic builder and BuildKit spellings) can make a layer with no bytes in it.</summary>
    internal static bool MakesLayer(string? createdBy)
    {
        if (createdBy is null)
        {
            return true; // `docker import` and hand-made images leave created_by empty on their layer
        }
        var text = createdBy.Trim();
        const string nop = "#(nop)";
        var marker = text.IndexOf(nop, StringComparison.Ordinal);
        if (marker >= 0)
        {
            // Classic builder: "/bin/sh -c #(nop)  ENV ..." is metadata, "#(nop) ADD/COPY" writes files.
            var instruction = text[(marker + nop.Length)..].TrimStart();
            return instruction.StartsWith("ADD ", StringComparison.Ordinal) || instruction.StartsWith("COPY ", StringComparison.Ordinal);
        }
        if (text.StartsWith("/bin/sh -c ", StringComparison.Ordinal) || text.StartsWith("|", StringComparison.Ordinal))
        {
            return true; // classic RUN, with or without build args
        }
        var word = text.Split(' ', 2)[0].ToUpperInvariant();
        return word is "RUN" or "COPY" or "ADD" or "WORKDIR";
    }

    internal static bool IsDigest(string text) =>
        text.Length == 71 && text.StartsWith("sha256:", StringComparison.Ordinal) && text.AsSpan(7).ContainsOnlyHex() && !text.AsSpan(7).ContainsAnyInRange('A', 'F');

    private static List<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array
            ? [.. a.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).Where(x => x != "<none>:<none>" && x != "<none>@<none>")]
            : [];

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
