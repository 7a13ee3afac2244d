using System.Text.Json;
using Seawall.Core.Errors;
using Seawall.Core.Model;

namespace Seawall.Artifacts.Image;

/// <summary>The parts of an OCI / Docker image config that a scan needs. Parsed by hand (JsonDocument): the config is hostile input.</summary>
public sealed record ImageConfig
{
    public string? Architecture { get; init; }
    public string? Os { get; init; }
    public string? Variant { get; init; }
    public IReadOnlyList<string> DiffIds { get; init; } = [];
    public IReadOnlyList<HistoryEntry> History { get; init; } = [];
    public IReadOnlyList<string> Env { get; init; } = [];
    public string? User { get; init; }
    /// <summary>config.Labels: read by the secret scanner (a token in a label ships with the image).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    /// <summary>config.Healthcheck.Test (["CMD-SHELL", "..."], ["NONE"] to disable one inherited); null: no health check set.</summary>
    public IReadOnlyList<string>? Healthcheck { get; init; }
    /// <summary>config.Volumes: the paths the image declares as volumes (image checks look for sensitive ones).</summary>
    public IReadOnlyList<string> Volumes { get; init; } = [];

    public const int MaxConfigBytes = 8 * 1024 * 1024;

    public static ImageConfig Parse(ReadOnlySpan<byte> json, string what)
    {
        if (json.Length > MaxConfigBytes)
        {
            throw new LimitExceededException($"{what}: image config of {json.Length} bytes is over the {MaxConfigBytes}-byte cap");
        }
        try
        {
            var reader = new Utf8JsonReader(json);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ScanException($"{what}: image config is not a JSON object");
            }
            var diffIds = new List<string>();
            if (root.TryGetProperty("rootfs", out var rootfs) && rootfs.ValueKind == JsonValueKind.Object
                && rootfs.TryGetProperty("diff_ids", out var ids) && ids.ValueKind == JsonValueKind.Array)
            {
                foreach (var id in ids.EnumerateArray())
                {
                    if (id.ValueKind != JsonValueKind.String)
                    {
                        throw new ScanException($"{what}: a diff_id is not a string");
                    }
                    // diffIDs name cache files and are checked against layer content: only sha256 digests are usable.
                    var diffId = id.GetString()!;
                    ManifestDocument.ValidateDigest(diffId, what);
                    diffIds.Add(diffId);
                }
            }
            var history = new List<HistoryEntry>();
            if (root.TryGetProperty("history", out var hist) && hist.ValueKind == JsonValueKind.Array)
            {
                foreach (var h in hist.EnumerateArray())
                {
                    if (h.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }
                    history.Add(new HistoryEntry(
                        Str(h, "created_by"),
                        Str(h, "created"),
                        h.TryGetProperty("empty_layer", out var e) && e.ValueKind == JsonValueKind.True));
                }
            }
            var env = new List<string>();
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            string? user = null;
            List<string>? healthcheck = null;
            var volumes = new List<string>();
            if (root.TryGetProperty("config", out var cfg) && cfg.ValueKind == JsonValueKind.Object)
            {
                if (cfg.TryGetProperty("Env", out var envs) && envs.ValueKind == JsonValueKind.Array)
                {
                    env.AddRange(envs.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!));
                }
                user = Str(cfg, "User");
                if (cfg.TryGetProperty("Labels", out var labelMap) && labelMap.ValueKind == JsonValueKind.Object)
                {
                    foreach (var label in labelMap.EnumerateObject().Where(l => l.Value.ValueKind == JsonValueKind.String))
                    {
                        labels[label.Name] = label.Value.GetString()!;
                    }
                }
                if (cfg.TryGetProperty("Healthcheck", out var health) && health.ValueKind == JsonValueKind.Object
                    && health.TryGetProperty("Test", out var test) && test.ValueKind == JsonValueKind.Array)
                {
                    healthcheck = [.. test.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)];
                }
                if (cfg.TryGetProperty("Volumes", out var volumeMap) && volumeMap.ValueKind == JsonValueKind.Object)
                {
                    volumes.AddRange(volumeMap.EnumerateObject().Select(v => v.Name));
                }
            }
            return new ImageConfig
            {
                Architecture = Str(root, "architecture"),
                Os = Str(root, "os"),
                Variant = Str(root, "variant"),
                DiffIds = diffIds,
                History = history,
                Env = env,
                User = user,
                Labels = labels,
                Healthcheck = healthcheck,
                Volumes = volumes,
            };
        }
        catch (JsonException ex)
        {
            throw new ScanException($"{what}: image config is not valid JSON ({ex.Message})");
        }
        catch (InvalidOperationException ex)
        {
            throw new ScanException($"{what}: malformed image config ({ex.Message})");
        }
    }

    /// <summary>
    /// Pairs each layer with the history entry that made it. History entries marked empty_layer made no layer;
    /// when history and layers disagree (hand-made images), layers keep a null created_by rather than a wrong one.
    /// </summary>
    public IReadOnlyList<LayerRef> LayerRefs()
    {
        var nonEmpty = History.Where(h => !h.EmptyLayer).ToList();
        var aligned = nonEmpty.Count == DiffIds.Count;
        return [.. DiffIds.Select((d, i) => new LayerRef(i, d, aligned ? nonEmpty[i].CreatedBy : null))];
    }

    /// <summary>Each history entry's step, with the layer it made where history and layers line up (for the secret scan).</summary>
    public IReadOnlyList<(string? CreatedBy, LayerRef? Layer)> HistoryWithLayers()
    {
        var layers = LayerRefs();
        var aligned = History.Count(h => !h.EmptyLayer) == layers.Count;
        var next = 0;
        return [.. History.Select(h => (h.CreatedBy, aligned && !h.EmptyLayer ? layers[next++] : null))];
    }

    /// <summary>
    /// How many of the bottom layers came from the base image, guessed from the history as Trivy does: skip the image's
    /// own trailing metadata steps (CMD, ENTRYPOINT...), then the next CMD up ends the base image (every base image
    /// ends with one: `CMD ["/bin/sh"]`), and the layers below it are the base. 0 when no such CMD is found (a
    /// single-stage image built FROM scratch, or history the builder left out).
    /// </summary>
    public int BaseLayerCount()
    {
        var i = History.Count - 1;
        while (i >= 0 && History[i].EmptyLayer)
        {
            i--;
        }
        for (; i >= 0; i--)
        {
            if (History[i].EmptyLayer && History[i].CreatedBy is { } step && IsCmd(step))
            {
                var layers = History.Take(i).Count(h => !h.EmptyLayer);
                return layers <= DiffIds.Count ? layers : 0;
            }
        }
        return 0;
    }

    /// <summary>"/bin/sh -c #(nop)  CMD [...]" (docker build) or "CMD [...]" (BuildKit).</summary>
    private static bool IsCmd(string step)
    {
        var text = step.AsSpan().Trim();
        const string nop = "/bin/sh -c #(nop)";
        if (text.StartsWith(nop, StringComparison.Ordinal))
        {
            text = text[nop.Length..].TrimStart();
        }
        return text.StartsWith("CMD ", StringComparison.Ordinal) || text.SequenceEqual("CMD");
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

public sealed record HistoryEntry(string? CreatedBy, string? Created, bool EmptyLayer);
