using System.CommandLine;
using Seawall.Misconfig.Manifests;
using Seawall.Misconfig.NetworkPolicy;
using Seawall.Misconfig.Rbac;

namespace Seawall.Cli.Commands;

/// <summary>`seawall config PATHS...`: misconfigurations in Kubernetes manifests and Dockerfiles (files and directories).</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var compliance = new ComplianceOption();
        var paths = new Argument<string[]>("paths") { Description = "Manifest files or directories (.yaml, .yml, .json; rendered Helm and Kustomize output) and Dockerfiles (Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile)", Arity = ArgumentArity.OneOrMore };
        var netpolQuery = new Option<string?>("--netpol-query") { Description = "Is a connection allowed, and by which policies: \"SRC -> DST[:PORT[/TCP|UDP|SCTP]]\", sides as NS/LABEL=VALUE, NS/NAME[Kind] or an IPv4 or IPv6 address (a port after an IPv6 one: [ADDR]:PORT)" };
        var rbacQuery = new Option<string?>("--rbac-query") { Description = "List who can: \"VERB RESOURCE[.GROUP][/SUB] [-n NS | --all-namespaces]\", e.g. \"get secrets -n prod\"" };
        var command = new Command("config", "Check Kubernetes manifests and Dockerfiles for misconfigurations") { paths, rbacQuery };
        command.Options.Add(netpolQuery);
        common.AddTo(command);
        compliance.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(netpolQuery) is { } connection)
            {
                return await AnswerNetpolQueryAsync(parse.GetValue(paths)!, connection, ct).ConfigureAwait(false);
            }
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
                (service, _, token) => service.ScanConfigAsync(parse.GetValue(paths)!, token, query), ct, compliance).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>`--netpol-query`: answers from the manifests' NetworkPolicies instead of scanning; exit 0 either way.</summary>
    private static async Task<int> AnswerNetpolQueryAsync(string[] paths, string text, CancellationToken cancellationToken)
    {
        NetpolQuery query;
        try
        {
            query = NetpolQuery.Parse(text);
        }
        catch (FormatException ex)
        {
            await System.Console.Error.WriteLineAsync("error: --netpol-query: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        var set = ManifestLoader.Load(paths, cancellationToken);
        foreach (var warning in set.Warnings.Concat(NetworkModel.CidrWarnings(set.Resources)))
        {
            await System.Console.Error.WriteLineAsync("warning: " + warning).ConfigureAwait(false);
        }
        await System.Console.Out.WriteAsync(query.Answer(NetworkPolicyChecks.AnalyzerFor(set.Resources))).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
