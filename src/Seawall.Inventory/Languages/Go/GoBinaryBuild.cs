namespace Seawall.Inventory.Languages.Go;

/// <summary>
/// What a Go binary says about its build, as `go version -m` prints it, for readers outside the inventory (the host
/// audit versions the runc, containerd and dockerd binaries no package owns): the toolchain, the main package path, the
/// main module's version and the build settings. The same reader and parser the gobinary analyzer uses.
/// </summary>
public sealed class GoBinaryBuild
{
    private readonly GoModInfo _info;

    private GoBinaryBuild(GoModInfo info)
    {
        _info = info;
        Settings = [.. info.Settings.Select(s => new KeyValuePair<string, string>(s.Key, GoLdflagsVersion.Unquote(s.Value)))];
    }

    /// <summary>The build info of a Go binary (ELF, Mach-O or PE, any Go release); null when the stream holds none or it does not read.</summary>
    public static GoBinaryBuild? Read(Stream stream) =>
        GoBuildInfoReader.Read(stream).Info is { } info ? new GoBinaryBuild(GoModInfo.Parse(info)) : null;

    /// <summary>The toolchain ("go1.21.6").</summary>
    public string GoVersion => _info.GoVersion;

    /// <summary>The main package's import path ("github.com/opencontainers/runc").</summary>
    public string? Path => _info.Path;

    /// <summary>The main module's version as recorded: "(devel)" for a build from a checkout, a tag for `go install path@tag`.</summary>
    public string? ModuleVersion => _info.Main?.Version;

    /// <summary>The build settings ("-ldflags", "vcs.revision", ...), their values unquoted.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Settings { get; }

    /// <summary>The value a "-X name=value" in -ldflags gave a variable (the last one given), or null.</summary>
    public string? LinkerVariable(string name)
    {
        var ldflags = _info.Settings.FirstOrDefault(s => s.Key == "-ldflags").Value;
        return ldflags is null ? null : GoLdflagsVersion.LinkerVariables(ldflags).LastOrDefault(v => v.Key == name).Value;
    }
}
