using System.CommandLine;
using Seawall.Misconfig.Rbac;

namespace Seawall.Cli.Commands;

/// <summary>`seawall config PATHS...`: misconfigurations in Kubernetes manifests (files and directories).</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var paths = new Argument<string[]>("paths") { Description = "Manifest files or directories (.yaml, .yml, .json; rendered Helm and Kustomize output)", Arity = ArgumentArity.OneOrMore };
        var rbacQuery = new Option<string?>("--rbac-query") { Description = "List who can: \"VERB RESOURCE[.GROUP][/SUB] [-n NS | --all-namespaces]\", e.g. \"get secrets -n prod\"" };
        var command = new Command("config", "Check Kubernetes manifests for misconfigurations") { paths, rbacQuery };
        common.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            RbacQuery? query = null;
            if (parse.GetValue(rbacQuery) is { } text)
            {
                try
                {
                    query = RbacQuery.Parse(text);
                }
                catch (FormatException ex)
                {
                    await System.Console.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
                    return ExitCodes.Usage;
                }
            }
            return await ScanRunner.RunAsync(parse, common,
                (service, _, token) => service.ScanConfigAsync(parse.GetValue(paths)!, token, query), ct).ConfigureAwait(false);
        });
        return command;
    }
}
