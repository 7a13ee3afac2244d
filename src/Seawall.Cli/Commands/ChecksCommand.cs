using System.CommandLine;
using System.Text.Json;
using Seawall.Core.Model;
using Seawall.Misconfig.Checks;
using Seawall.Misconfig.Dockerfile;
using Seawall.Misconfig.Image;

namespace Seawall.Cli.Commands;

/// <summary>`seawall checks list [--format table|json]`: the manifest check catalog.</summary>
internal static class ChecksCommand
{
    public static Command Create()
    {
        var format = new Option<string>("--format", "-f") { Description = "table or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var list = new Command("list", "Print the check catalog: manifest, Dockerfile and image checks (id, severity, title, references)") { format };
        list.SetAction(parse =>
        {
            using var stdout = System.Console.OpenStandardOutput();
            if (parse.GetValue(format) == "json")
            {
                WriteJson(stdout);
            }
            else
            {
                using var text = new StreamWriter(stdout);
                foreach (var info in Catalog())
                {
                    text.WriteLine($"{info.Id,-40} {info.Severity.ToString().ToUpperInvariant(),-8} {info.Title}  [{string.Join(", ", info.References)}]");
                }
            }
            return ExitCodes.Ok;
        });
        return new Command("checks", "The check catalog") { list };
    }

    /// <summary>Every catalog's checks: the manifest checks, then the Dockerfile checks.</summary>
    private static IEnumerable<CheckInfo> Catalog() =>
        ManifestCheckCatalog.All.Select(c => c.Info).Concat(DockerfileCheckCatalog.All.Select(c => c.Info)).Concat(ImageCheckCatalog.All);

    /// <summary>Written by hand: the CLI is trimmed and AOT-compiled, so no reflection serializer.</summary>
    private static void WriteJson(Stream stdout)
    {
        using var json = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartArray("checks");
        foreach (var info in Catalog())
        {
            json.WriteStartObject();
            json.WriteString("id", info.Id);
            json.WriteString("title", info.Title);
            json.WriteString("severity", info.Severity.ToString().ToUpperInvariant());
            json.WriteString("description", info.Description);
            json.WriteString("remediation", info.Remediation);
            json.WriteStartArray("references");
            foreach (var reference in info.References)
            {
                json.WriteStringValue(reference);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("notImplemented");
        foreach (var skipped in ManifestCheckCatalog.NotImplemented)
        {
            json.WriteStartObject();
            json.WriteString("id", skipped.Id);
            json.WriteString("title", skipped.Title);
            json.WriteString("reason", skipped.Reason);
            json.WriteEndObject();
        }
        foreach (var skipped in ImageCheckCatalog.NotImplemented)
        {
            json.WriteStartObject();
            json.WriteString("id", skipped.Id);
            json.WriteString("title", skipped.Title);
            json.WriteString("reason", skipped.Reason);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        stdout.WriteByte((byte)'\n');
    }
}
