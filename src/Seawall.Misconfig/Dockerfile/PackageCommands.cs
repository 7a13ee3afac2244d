namespace Seawall.Misconfig.Dockerfile;

/// <summary>A package-manager command line: its subcommand, options (with their values) and operands.</summary>
public sealed record PackageInvocation(string Manager, string? Subcommand, IReadOnlyList<string> Options, IReadOnlyList<string> Operands)
{
    public bool Has(params string[] options) => Options.Any(o => options.Contains(o, StringComparer.Ordinal) || options.Any(p => o.StartsWith(p + "=", StringComparison.Ordinal)));
}

/// <summary>
/// Reads apt-get/apt, apk, pip, npm, gem, yum/dnf and microdnf command lines: which options take a value (so the
/// value is not mistaken for a package), where the subcommand is, and which words are packages.
/// </summary>
public static class PackageCommands
{
    private static readonly Dictionary<string, HashSet<string>> OptionsWithValue = new(StringComparer.Ordinal)
    {
        ["apt-get"] = ["-o", "--option", "-c", "--config-file", "-t", "--target-release", "--default-release"],
        ["apk"] = ["-t", "--virtual", "-X", "--repository", "-p", "--root", "--arch", "--keys-dir", "--repositories-file", "--cache-dir", "--cache-max-age"],
        ["pip"] = ["-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url", "-f", "--find-links",
            "-t", "--target", "--prefix", "--root", "--trusted-host", "--platform", "--python-version", "--implementation", "--abi",
            "--progress-bar", "--cache-dir", "--src", "--upgrade-strategy", "--global-option", "--install-option", "--only-binary",
            "--no-binary", "--log", "--proxy", "--retries", "--timeout", "--exists-action", "--cert", "--client-cert", "--config-settings", "-C"],
        ["npm"] = ["--prefix", "--registry", "--cache", "--loglevel", "--tag", "-w", "--workspace"],
        ["gem"] = ["-v", "--version", "-i", "--install-dir", "-n", "--bindir", "-s", "--source", "-P", "--trust-policy", "--platform"],
        ["yum"] = ["-c", "--config", "--installroot", "--enablerepo", "--disablerepo", "--setopt", "-x", "--exclude", "--releasever"],
    };

    private static readonly Dictionary<string, string> Managers = new(StringComparer.Ordinal)
    {
        ["apt-get"] = "apt-get", ["apt"] = "apt-get", ["apk"] = "apk", ["npm"] = "npm", ["gem"] = "gem",
        ["yum"] = "yum", ["dnf"] = "yum", ["microdnf"] = "yum",
    };

    /// <summary>The invocation when the command runs a package manager (pip also as `python -m pip`), else null.</summary>
    public static PackageInvocation? Read(ShellCommand command)
    {
        var program = command.Program;
        if (program.Count == 0)
        {
            return null;
        }
        var name = command.Name;
        var start = 1;
        string? manager;
        if (name.StartsWith("pip", StringComparison.Ordinal) && IsPipName(name))
        {
            manager = "pip";
        }
        else if (name.StartsWith("python", StringComparison.Ordinal) && program.Count > 2 && program[1] == "-m" && IsPipName(program[2]))
        {
            manager = "pip";
            start = 3;
        }
        else if (!Managers.TryGetValue(name, out manager))
        {
            return null;
        }
        var withValue = OptionsWithValue[manager];
        string? subcommand = null;
        var options = new List<string>();
        var operands = new List<string>();
        for (var i = start; i < program.Count; i++)
        {
            var word = program[i];
            if (word.Length > 1 && word[0] == '-')
            {
                options.Add(word);
                if (withValue.Contains(word) && i + 1 < program.Count)
                {
                    options.Add(program[++i]);
                }
            }
            else if (subcommand is null)
            {
                subcommand = word;
            }
            else
            {
                operands.Add(word);
            }
        }
        return new PackageInvocation(manager is "apt-get" or "yum" ? name : manager, subcommand, options, operands);
    }

    private static bool IsPipName(string name) =>
        name == "pip" || (name.StartsWith("pip", StringComparison.Ordinal) && name[3..].All(c => char.IsAsciiDigit(c) || c == '.'));
}
