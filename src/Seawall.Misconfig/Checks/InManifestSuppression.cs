using Seawall.Misconfig.Manifests;

namespace Seawall.Misconfig.Checks;

/// <summary>
/// The waivers a manifest writes on itself, in the peers' own syntax so existing manifests keep their meaning when
/// they move to Seawall:
/// <list type="bullet">
/// <item>checkov: <c>metadata.annotations["checkov.io/skip&lt;anything&gt;"] = "CKV_K8S_11[=reason]"</c> (also under
/// bridgecrew.io/ and cortex.io/); the value may also name a Seawall check id;</item>
/// <item>kube-linter: <c>ignore-check.kube-linter.io/&lt;check&gt;: reason</c>, and <c>kube-linter.io/ignore-all</c>.</item>
/// </list>
/// A waived result is not dropped: the report keeps it under suppressedFindings with the annotation and its reason.
/// </summary>
public sealed record InManifestSuppression(string Source, string? Statement)
{
    /// <summary>checkov reads its own prefix and its vendors' older ones (Bridgecrew, Prisma Cloud's cortex).</summary>
    private static readonly string[] CheckovPrefixes = ["checkov.io/skip", "bridgecrew.io/skip", "cortex.io/skip"];
    private const string KubeLinterPrefix = "ignore-check.kube-linter.io/";
    private const string KubeLinterAll = "kube-linter.io/ignore-all";

    /// <summary>The waiver of <paramref name="check"/> on <paramref name="resource"/>, or null when there is none.</summary>
    public static InManifestSuppression? For(ManifestResource resource, ManifestCheck check)
    {
        // Most objects waive nothing: an empty list, read once per object, and out.
        foreach (var (key, value) in resource.Waivers)
        {
            if (IsCheckovSkip(key))
            {
                // checkov splits on the first '=': the id, then the free-text reason.
                var equals = value.IndexOf('=', StringComparison.Ordinal);
                var id = (equals < 0 ? value : value[..equals]).Trim();
                if (id.Length > 0 && (id == check.CheckovId || id == check.Info.Id))
                {
                    return new InManifestSuppression(key, equals < 0 ? null : value[(equals + 1)..].Trim());
                }
            }
            else if (key.StartsWith(KubeLinterPrefix, StringComparison.Ordinal))
            {
                var name = "kube-linter:" + key[KubeLinterPrefix.Length..];
                if (check.Info.References.Contains(name, StringComparer.Ordinal))
                {
                    return new InManifestSuppression(key, value.Length == 0 ? null : value);
                }
            }
            else if (key == KubeLinterAll && check.Info.References.Any(r => r.StartsWith("kube-linter:", StringComparison.Ordinal)))
            {
                return new InManifestSuppression(key, value.Length == 0 ? null : value);
            }
        }
        return null;
    }

    /// <summary>The object's annotations in one of the waiver syntaxes; empty for nearly every object.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> Read(ManifestResource resource)
    {
        if (resource.Metadata?.Map("annotations") is not { } annotations)
        {
            return [];
        }
        List<KeyValuePair<string, string>>? found = null;
        foreach (var (key, node) in annotations.Entries)
        {
            if (IsCheckovSkip(key) || key.StartsWith(KubeLinterPrefix, StringComparison.Ordinal) || key == KubeLinterAll)
            {
                (found ??= []).Add(new(key, (node as YamlScalar)?.Value ?? string.Empty));
            }
        }
        return found ?? (IReadOnlyList<KeyValuePair<string, string>>)[];
    }

    private static bool IsCheckovSkip(string key)
    {
        foreach (var prefix in CheckovPrefixes)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
