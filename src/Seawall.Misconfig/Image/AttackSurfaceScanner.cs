using System.Text.RegularExpressions;
using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Misconfig.Image;

/// <summary>
/// Lists what an image carries that someone who gets code execution in it can use, from the tree's entries alone:
/// programs in the standard command directories by name (shells, package managers, compilers, interpreters,
/// network tools), setuid and setgid files anywhere, and world-writable entries under system directories. Each item
/// names the layer that last wrote its path. The verdict's rule is <see cref="Rule"/>, decided by <see cref="Verdict"/>.
/// </summary>
public static partial class AttackSurfaceScanner
{
    public const string Shell = "shell";
    public const string PackageManager = "package-manager";
    public const string Compiler = "compiler";
    public const string Interpreter = "interpreter";
    public const string NetworkTool = "network-tool";
    public const string Setuid = "setuid";
    public const string WritableSystemPath = "writable-system-path";

    /// <summary>The verdict's rule, as the report and docs/checks.md state it.</summary>
    public const string Rule =
        "minimal: no shell, package manager, compiler, interpreter, network tool or setuid file; " +
        "full: a compiler, or a network tool together with an interpreter (fetch and run code without a package manager); " +
        "slim: anything else.";

    /// <summary>Where a program is found by name: the FHS command directories (PATH of the official images).</summary>
    private static readonly string[] CommandDirs = ["bin", "sbin", "usr/bin", "usr/sbin", "usr/local/bin", "usr/local/sbin"];

    /// <summary>Top directories whose world-writable entries let one user change what every process runs or reads.</summary>
    private static readonly string[] SystemDirs = ["bin", "boot", "etc", "lib", "lib32", "lib64", "libx32", "sbin", "usr"];

    private static readonly Dictionary<string, string> ByName = new(StringComparer.Ordinal)
    {
        ["sh"] = Shell, ["bash"] = Shell, ["dash"] = Shell, ["ash"] = Shell, ["zsh"] = Shell, ["ksh"] = Shell,
        ["mksh"] = Shell, ["csh"] = Shell, ["tcsh"] = Shell, ["fish"] = Shell, ["busybox"] = Shell, ["rbash"] = Shell,
        ["apt"] = PackageManager, ["apt-get"] = PackageManager, ["dpkg"] = PackageManager, ["apk"] = PackageManager,
        ["rpm"] = PackageManager, ["yum"] = PackageManager, ["dnf"] = PackageManager, ["microdnf"] = PackageManager,
        ["zypper"] = PackageManager, ["pip"] = PackageManager, ["npm"] = PackageManager, ["yarn"] = PackageManager,
        ["pnpm"] = PackageManager, ["gem"] = PackageManager, ["composer"] = PackageManager, ["tdnf"] = PackageManager,
        ["gcc"] = Compiler, ["g++"] = Compiler, ["cc"] = Compiler, ["c++"] = Compiler, ["clang"] = Compiler,
        ["clang++"] = Compiler, ["go"] = Compiler, ["rustc"] = Compiler, ["javac"] = Compiler, ["tcc"] = Compiler,
        ["gfortran"] = Compiler,
        ["python"] = Interpreter, ["perl"] = Interpreter, ["ruby"] = Interpreter, ["node"] = Interpreter,
        ["nodejs"] = Interpreter, ["php"] = Interpreter, ["lua"] = Interpreter, ["java"] = Interpreter,
        ["tclsh"] = Interpreter, ["Rscript"] = Interpreter, ["deno"] = Interpreter, ["bun"] = Interpreter,
        ["curl"] = NetworkTool, ["wget"] = NetworkTool, ["nc"] = NetworkTool, ["netcat"] = NetworkTool,
        ["ncat"] = NetworkTool, ["socat"] = NetworkTool, ["ssh"] = NetworkTool, ["scp"] = NetworkTool,
        ["sftp"] = NetworkTool, ["telnet"] = NetworkTool, ["nmap"] = NetworkTool, ["ftp"] = NetworkTool,
        ["tftp"] = NetworkTool, ["rsync"] = NetworkTool,
    };

    /// <summary>A versioned name ("python3", "python3.11", "perl5.36.0", "gcc-12", "pip3.11", "lua5.4", "php8.2") is its tool.</summary>
    [GeneratedRegex(@"^(?<base>python|perl|ruby|php|lua|pip|gcc|g\+\+|clang|clang\+\+|node|tclsh|nc\.openbsd|nc\.traditional|gfortran)[-.]?[0-9][0-9.]*$")]
    private static partial Regex Versioned();

    public static AttackSurface Scan(IFileTree tree)
    {
        var items = new List<AttackSurfaceItem>();
        foreach (var node in tree.Nodes)
        {
            if (Program(tree, node) is { } program)
            {
                items.Add(program);
            }
            if (node.Kind is FileKind.Regular or FileKind.Hardlink && (node.Mode & 0xC00) != 0)
            {
                items.Add(new AttackSurfaceItem(Setuid, TreePath.FileName(node.Path), node.Path) { Layer = node.Layer });
            }
            if (node.Kind is FileKind.Regular or FileKind.Directory && (node.Mode & 0x2) != 0 && InSystemDir(node.Path)
                && !(node.Kind == FileKind.Directory && (node.Mode & 0x200) != 0))
            {
                items.Add(new AttackSurfaceItem(WritableSystemPath, TreePath.FileName(node.Path), node.Path) { Layer = node.Layer });
            }
        }
        items.Sort((a, b) => string.CompareOrdinal(a.Category, b.Category) is var c && c != 0 ? c : string.CompareOrdinal(a.Path, b.Path));
        return new AttackSurface(Verdict(items), Rule) { Items = items };
    }

    /// <summary>The verdict from the categories present (the rule in <see cref="Rule"/>).</summary>
    public static string Verdict(IReadOnlyCollection<AttackSurfaceItem> items)
    {
        bool Has(string category) => items.Any(i => i.Category == category);
        if (Has(Compiler) || (Has(NetworkTool) && Has(Interpreter)))
        {
            return "full";
        }
        if (Has(Shell) || Has(PackageManager) || Has(Interpreter) || Has(NetworkTool) || Has(Setuid))
        {
            return "slim";
        }
        return "minimal";
    }

    /// <summary>
    /// A program in a command directory whose name is a known tool, and that runs: a regular file with an execute
    /// bit, or a link that resolves inside the image to one (a dangling busybox link is no tool).
    /// </summary>
    private static AttackSurfaceItem? Program(IFileTree tree, FileNode node)
    {
        if (node.Kind is FileKind.Directory or FileKind.Other)
        {
            return null;
        }
        var parent = TreePath.Parent(node.Path);
        if (Array.IndexOf(CommandDirs, parent) < 0)
        {
            return null;
        }
        var name = TreePath.FileName(node.Path);
        if (!ByName.TryGetValue(name, out var category))
        {
            var versioned = Versioned().Match(name);
            if (!versioned.Success)
            {
                return null;
            }
            var stem = versioned.Groups["base"].Value;
            category = stem.StartsWith("nc.", StringComparison.Ordinal) ? NetworkTool : ByName[stem];
        }
        var target = node.Kind == FileKind.Regular ? node : tree.Resolve(node.Path);
        if (target is null || target.Kind != FileKind.Regular || (target.Mode & 0x49) == 0)
        {
            return null;
        }
        return new AttackSurfaceItem(category, name, node.Path)
        {
            Target = node.Kind == FileKind.Regular ? null : target.Path,
            Layer = node.Layer,
        };
    }

    private static bool InSystemDir(string path)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var top = slash < 0 ? path : path[..slash];
        return Array.IndexOf(SystemDirs, top) >= 0;
    }
}
