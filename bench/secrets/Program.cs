using System.Text.Json.Nodes;
using Seawall.Tests.Secrets;
using Seawall.TestSupport;

// The planted image: layer 0 holds the test corpus (true secrets and look-alikes), layer 1 deletes some true-secret
// files and rewrites another, and the config carries a token in ENV and in a build step. Usage: OUT.tar
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: Seawall.Bench.Secrets OUT.tar");
    return 2;
}
var corpus = PlantedCorpus.All.ToDictionary(c => c.Path, c => TestImageBuilder.Text(c.Text));
string[] deleted = ["root/.ssh/id_rsa", "app/.env", "home/app/.aws/credentials"];
var layer1 = deleted.ToDictionary(p => p[..(p.LastIndexOf('/') + 1)] + ".wh." + p[(p.LastIndexOf('/') + 1)..], _ => Array.Empty<byte>());
layer1["app/ci/github.env"] = TestImageBuilder.Text("GH_TOKEN=\n");
TestImageBuilder.WriteDockerArchive(args[0], "seawall-bench/planted-secrets:1",
[
    new TestLayer("COPY . /", corpus),
    new TestLayer("RUN rm -f /root/.ssh/id_rsa /app/.env /home/app/.aws/credentials && : > /app/ci/github.env", layer1),
], editConfig: config =>
{
    config["config"]!["Env"] = new JsonArray("PATH=/usr/local/bin:/usr/bin:/bin", "GITHUB_TOKEN=ghp_Zb7Qk2Lm9Xw4Np8Vt3Yc6Hd1Fs5Jg0Re2Ta7");
});
// The look-alike files, for the bench to tell a peer's false positive from a secret Seawall missed.
File.WriteAllLines(Path.ChangeExtension(args[0], ".lookalikes"), PlantedCorpus.All.Where(c => c.Expected.Length == 0).Select(c => c.Path));
Console.Error.WriteLine($"wrote {args[0]}: {corpus.Count} files, {PlantedCorpus.All.Sum(c => c.Expected.Length)} true secrets, {deleted.Length} deleted and 1 rewritten in layer 1");
return 0;
