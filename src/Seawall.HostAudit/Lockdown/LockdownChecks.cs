using System.Text.RegularExpressions;
using Seawall.Core.Model;
using Seawall.HostAudit.Checks;

namespace Seawall.HostAudit.Lockdown;

/// <summary>
/// How much root can change the running kernel: the lockdown LSM, kernel.modules_disabled, module signature
/// enforcement, and which rarely needed modules are loaded or loadable.
/// </summary>
public sealed partial class LockdownChecks : IHostCheckGroup
{
    internal static readonly CheckInfo Mode = new("host-lockdown-mode", "Kernel lockdown is in integrity or confidentiality mode", Severity.Medium)
    {
        Description = "Kernel lockdown stops root, and so a process that escaped a container as root, from changing the running " +
            "kernel: unsigned modules, kexec of unsigned kernels, /dev/mem, /dev/kmem and /dev/port writes, and (in " +
            "confidentiality mode) reading kernel memory. Secure Boot turns it on in most distributions; 'none' leaves it off.",
        Remediation = "Boot with lockdown=integrity on the kernel command line (GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub " +
            "or grub2-mkconfig), or enable UEFI Secure Boot; check that the host needs no unsigned modules (out-of-tree drivers) first.",
        References = ["NIST-800-190-4.6"],
    };

    internal static readonly CheckInfo ModulesDisabled = new("host-lockdown-modules-disabled", "Module loading is disabled after boot (kernel.modules_disabled = 1)", Severity.Low)
    {
        Description = "kernel.modules_disabled = 1 forbids loading or unloading any module until the next reboot, closing the most " +
            "common way to put code into a running kernel. It is one-way, so set it only once boot has loaded everything the " +
            "host needs: Docker and Kubernetes load overlay, br_netfilter, nf_* and xt_* modules on demand, which then fail.",
        Remediation = "Load the modules the host needs (/etc/modules-load.d), then sysctl -w kernel.modules_disabled=1 late in boot " +
            "(e.g. a systemd unit after docker.service); it cannot be set back without a reboot.",
        References = ["lynis:KRNL-6000"],
    };

    internal static readonly CheckInfo ModuleSignatures = new("host-lockdown-module-signatures", "Only signed kernel modules can be loaded", Severity.Medium)
    {
        Description = "Without signature enforcement root can load any module, a rootkit included. Enforced when the module " +
            "parameter sig_enforce is Y (CONFIG_MODULE_SIG_FORCE or module.sig_enforce=1 on the command line) or when lockdown " +
            "is in integrity or confidentiality mode.",
        Remediation = "Add module.sig_enforce=1 to the kernel command line (GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub " +
            "or grub2-mkconfig) or boot with Secure Boot so lockdown enforces signatures; sign any out-of-tree module (DKMS) first.",
        References = ["NIST-800-190-4.6"],
    };

    public string Name => "lockdown";

    public IReadOnlyList<CheckInfo> Checks { get; } = [Mode, ModulesDisabled, ModuleSignatures, .. DeniedModules.All.Select(m => m.Check)];

    public IEnumerable<Finding> Run(HostContext context)
    {
        var files = context.Files;
        var lockdown = LockdownLevel(files.ReadText("sys/kernel/security/lockdown", 4096));
        if (lockdown is not null)
        {
            var text = $"lockdown = {lockdown} (sys/kernel/security/lockdown)";
            yield return lockdown == "none" ? Mode.Warn(text, new Location("sys/kernel/security/lockdown")) : Mode.Pass(text);
        }
        else if (files.Exists("sys/kernel/security/lsm"))
        {
            yield return Mode.Info("the kernel has no lockdown LSM (no sys/kernel/security/lockdown)");
        }

        var modules = KernelModules.Read(files, context.KernelRelease);
        var modulesDisabled = context.Sysctl("kernel.modules_disabled");
        if (modulesDisabled is not null)
        {
            var text = $"kernel.modules_disabled = {modulesDisabled} (expected 1)";
            yield return modulesDisabled == "1" ? ModulesDisabled.Pass(text) : ModulesDisabled.Warn(text);
        }

        if (Signatures(context, modules, lockdown, modulesDisabled) is { } signatures)
        {
            yield return signatures;
        }

        var config = ModprobeConfig.Read(files);
        foreach (var denied in DeniedModules.All)
        {
            yield return LoadedOrBuiltIn(context, modules, config, denied)
                ?? (modules.NoModuleSupport ? denied.Check.Pass("the kernel has no loadable module support (no proc/modules)")
                    : modulesDisabled == "1" ? denied.Check.Pass("not loaded, and kernel.modules_disabled = 1 forbids loading it")
                    : NotLoaded(modules, config, denied));
        }
    }

    private static Finding? Signatures(HostContext context, KernelModules modules, string? lockdown, string? modulesDisabled)
    {
        var files = context.Files;
        if (modules.NoModuleSupport)
        {
            return ModuleSignatures.Pass("the kernel has no loadable module support (no proc/modules)");
        }
        var sigEnforce = files.ReadText("sys/module/module/parameters/sig_enforce", 64)?.Trim();
        var cmdline = files.ReadText("proc/cmdline", 64 * 1024) ?? string.Empty;
        var onCommandLine = SigEnforceOnCommandLine().IsMatch(cmdline);
        var lockdownEnforces = lockdown is "integrity" or "confidentiality";
        if (sigEnforce == "Y" || onCommandLine || lockdownEnforces || modulesDisabled == "1")
        {
            var why = sigEnforce == "Y" ? "sig_enforce = Y (sys/module/module/parameters/sig_enforce)"
                : onCommandLine ? "module.sig_enforce=1 on the kernel command line (proc/cmdline)"
                : lockdownEnforces ? $"lockdown = {lockdown} requires signed modules"
                : "kernel.modules_disabled = 1: no module can be loaded";
            return ModuleSignatures.Pass(why);
        }
        if (sigEnforce is null)
        {
            var config = context.KernelRelease is { } release ? files.ReadText($"boot/config-{release}", 4 * 1024 * 1024) : null;
            if (config is null)
            {
                return ModuleSignatures.Warn("no sys/module/module/parameters/sig_enforce (kernel built without module signing?) and no module.sig_enforce=1 on the kernel command line");
            }
            if (config.Contains("\nCONFIG_MODULE_SIG_FORCE=y", StringComparison.Ordinal))
            {
                return ModuleSignatures.Pass($"CONFIG_MODULE_SIG_FORCE=y (boot/config-{context.KernelRelease})");
            }
            return ModuleSignatures.Warn(config.Contains("\nCONFIG_MODULE_SIG=y", StringComparison.Ordinal)
                ? $"CONFIG_MODULE_SIG=y without CONFIG_MODULE_SIG_FORCE (boot/config-{context.KernelRelease}): unsigned modules load (the kernel is only tainted)"
                : $"kernel built without module signing (no CONFIG_MODULE_SIG=y in boot/config-{context.KernelRelease})",
                new Location($"boot/config-{context.KernelRelease}"));
        }
        return ModuleSignatures.Warn(
            $"sig_enforce = {sigEnforce} (sys/module/module/parameters/sig_enforce); no module.sig_enforce=1 on the kernel command line; lockdown = {lockdown ?? "unavailable"}",
            new Location("sys/module/module/parameters/sig_enforce"));
    }

    private static Finding? LoadedOrBuiltIn(HostContext context, KernelModules modules, ModprobeConfig config, DeniedModule denied)
    {
        var rules = config.RulesFor(denied.Name);
        if (modules.Loaded.Contains(denied.Name))
        {
            var evidence = $"{denied.Name} is loaded (proc/modules)";
            if (rules.Count > 0)
            {
                evidence += $", although {Describe(rules)}: it was loaded before the rule, by hand, or from the initramfs";
            }
            return denied.Advisory ? denied.Check.Warn(evidence, new Location("proc/modules")) : denied.Check.Fail(evidence, new Location("proc/modules"));
        }
        var builtIn = modules.BuiltIn?.Contains(denied.Name)
            ?? (context.Files.Exists("sys/module/" + denied.Name) && !context.Files.Exists($"sys/module/{denied.Name}/initstate"));
        if (builtIn)
        {
            var evidence = $"{denied.Name} is built into the kernel ({(modules.BuiltIn is null ? "sys/module/" + denied.Name + " without initstate" : modules.ModulesDirectory + "/modules.builtin")}): modprobe rules cannot disable it";
            return denied.Advisory ? denied.Check.Info(evidence) : denied.Check.Warn(evidence);
        }
        return null;
    }

    private static Finding NotLoaded(KernelModules modules, ModprobeConfig config, DeniedModule denied)
    {
        var rules = config.RulesFor(denied.Name);
        var disabling = rules.FirstOrDefault(r => r.Disables);
        if (disabling is not null)
        {
            return denied.Check.Pass($"{(modules.LoadedKnown ? "not loaded" : "loaded state unknown")}; {Describe(rules)}", new Location(disabling.Path, disabling.Line > 0 ? disabling.Line : null));
        }
        if (modules.Available is { } available && !available.ContainsKey(denied.Name))
        {
            return denied.Check.Pass($"not installed for this kernel (not in {modules.ModulesDirectory}/modules.dep)");
        }
        var file = modules.Available?.GetValueOrDefault(denied.Name);
        var state = modules.LoadedKnown ? "not loaded" : "loaded state unknown (no proc/modules under the root)";
        var loadable = file is null ? "may be loadable (no modules.dep to tell)" : $"loadable on demand ({file})";
        string evidence;
        Location? location = null;
        if (rules.Count > 0)
        {
            var blacklist = rules[0];
            location = new Location(blacklist.Path, blacklist.Line > 0 ? blacklist.Line : null);
            evidence = $"{state}, {loadable}: only blacklisted ({Describe(rules)}), so an explicit modprobe {denied.Name} still loads it; add install {denied.Name} /bin/false";
        }
        else
        {
            evidence = $"{state}, {loadable}, and no install or blacklist rule in modprobe.d";
        }
        return denied.Advisory ? denied.Check.Info(evidence, location) : denied.Check.Warn(evidence, location);
    }

    private static string Describe(IReadOnlyList<ModprobeRule> rules) =>
        string.Join(", ", rules.Select(r => $"'{r.Text}' at {r.Where}"));

    /// <summary>"none [integrity] confidentiality" -> "integrity".</summary>
    internal static string? LockdownLevel(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var open = text.IndexOf('[', StringComparison.Ordinal);
        var close = open >= 0 ? text.IndexOf(']', open) : -1;
        return close > open + 1 ? text[(open + 1)..close] : null;
    }

    [GeneratedRegex(@"(?:^|\s)module\.sig_enforce=(?:1|y|Y)(?:\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex SigEnforceOnCommandLine();
}
