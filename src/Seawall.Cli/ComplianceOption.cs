using System.CommandLine;
using Seawall.Core.Compliance;

namespace Seawall.Cli;

/// <summary>`--compliance FRAMEWORK`, on the verbs whose checks carry benchmark references (config, host, containers, image, rootfs).</summary>
internal sealed class ComplianceOption
{
    public Option<string?> Option { get; } = new("--compliance")
    {
        Description = "Pass and fail counts per control of a framework: " + string.Join(", ", ComplianceFrameworks.All.Select(f => f.Id)) + " (passes are counted even when not listed)",
    };

    public void AddTo(Command command)
    {
        Option.AcceptOnlyFromAmong([.. ComplianceFrameworks.All.Select(f => f.Id)]);
        command.Options.Add(Option);
    }

    public ComplianceFramework? Read(ParseResult parse) => parse.GetValue(Option) is { } name ? ComplianceFrameworks.Find(name) : null;
}
