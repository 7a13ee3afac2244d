using System.Text;

namespace Seawall.Inventory.Languages.Go;

/// <summary>A module line of a binary's build info, with the replacement ("=>" line) that applied to it.</summary>
internal sealed record GoModule(string Path, string Version, GoModule? Replace = null)
{
    /// <summary>The module whose code was linked: the replacement when there is one.</summary>
    public GoModule Effective => Replace ?? this;
}

/// <summary>
/// The module information text of a Go binary, as `go version -m` prints it: "path", "mod" (the main module),
/// "dep" and "=>" (a replacement of the line before) and "build" lines, tab-separated, between two 16-byte sentinels.
/// </summary>
internal sealed record GoModInfo(string GoVersion, string? Path, GoModule? Main, IReadOnlyList<GoModule> Deps, IReadOnlyList<KeyValuePair<string, string>> Settings)
{
    public static GoModInfo Parse(GoBuildInfo info)
    {
        var raw = info.ModInfo;
        // The linker wraps the text in sentinels; Go's reader drops them only when the text is newline-terminated inside them.
        var text = raw.Length >= 33 && raw[^17] == '\n' ? Encoding.UTF8.GetString(raw, 16, raw.Length - 32) : string.Empty;
        string? path = null;
        GoModule? main = null;
        var deps = new List<GoModule>();
        var settings = new List<KeyValuePair<string, string>>();
        var lastWasMain = false;
        foreach (var line in text.Split('\n'))
        {
            var fields = line.Split('\t');
            switch (fields[0])
            {
                case "path" when fields.Length >= 2:
                    path = fields[1];
                    break;
                case "mod" when fields.Length >= 2:
                    main = new GoModule(fields[1], fields.Length >= 3 ? fields[2] : string.Empty);
                    lastWasMain = true;
                    break;
                case "dep" when fields.Length >= 2:
                    deps.Add(new GoModule(fields[1], fields.Length >= 3 ? fields[2] : string.Empty));
                    lastWasMain = false;
                    break;
                case "=>" when fields.Length >= 2:
                    var replacement = new GoModule(fields[1], fields.Length >= 3 ? fields[2] : string.Empty);
                    if (lastWasMain && main is not null && main.Replace is null)
                    {
                        main = main with { Replace = replacement };
                    }
                    else if (!lastWasMain && deps.Count > 0 && deps[^1].Replace is null)
                    {
                        deps[^1] = deps[^1] with { Replace = replacement };
                    }
                    break;
                case "build" when fields.Length >= 2:
                    var eq = fields[1].IndexOf('=', StringComparison.Ordinal);
                    if (eq > 0)
                    {
                        // A value with tabs or newlines is quoted by the toolchain; keep the key and the raw rest.
                        var value = fields[1][(eq + 1)..] + (fields.Length > 2 ? "\t" + string.Join('\t', fields[2..]) : string.Empty);
                        settings.Add(new(fields[1][..eq], value));
                    }
                    break;
            }
        }
        return new GoModInfo(Encoding.UTF8.GetString(info.GoVersion), path, main, deps, settings);
    }
}
