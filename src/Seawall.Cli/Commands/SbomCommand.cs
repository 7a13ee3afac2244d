using System.CommandLine;

namespace Seawall.Cli.Commands;

/// <summary>`seawall sbom FILE`: a CycloneDX or SPDX JSON SBOM scanned in place of the artifact it describes.</summary>
internal static class SbomCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var file = new Argument<string>("file") { Description = "A CycloneDX (1.2 to 1.6) or SPDX (2.2, 2.3) JSON document" };
        var command = new Command("sbom", "Scan an SBOM: the packages it lists, named as a scan of the artifact would name them") { file };
        common.AddTo(command);
        command.SetAction((parse, ct) => ScanRunner.RunAsync(parse, common, (service, _, token) => service.ScanSbomAsync(parse.GetValue(file)!, token), ct));
        return command;
    }
}
