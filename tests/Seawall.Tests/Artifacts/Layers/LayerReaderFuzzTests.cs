using System.Text;
using Seawall.Artifacts.Layers;
using Seawall.Core.Errors;
using Seawall.Core.Model;
using Seawall.Tests.Support;

namespace Seawall.Tests.Artifacts.Layers;

/// <summary>Damaged layer tars fed to LayerReader: whatever the damage, the result is a snapshot or a ScanException, nothing else.</summary>
public sealed class LayerReaderFuzzTests
{
    private static readonly LayerRef Layer = new(0, "sha256:" + new string('0', 64), "RUN fuzz");

    private static byte[] SampleTar()
    {
        var layer = new LayerSpec();
        layer.Dir("etc").File("etc/os-release", "ID=debian\n").Symlink("etc/alias", "os-release").Hardlink("etc/hard", "etc/os-release")
            .File("var/lib/dpkg/status", "Package: a\nVersion: 1\nStatus: install ok installed\n\n")
            .File(new string('p', 150) + "/long-name-needs-pax", "x").Whiteout("opt/gone").Opaque("srv");
        return ImageBuilder.LayerTar(layer);
    }

    [Fact]
    public async Task ReadAsync_RandomByteDamage_GivesASnapshotOrAScanException()
    {
        var tar = SampleTar();
        var random = new Random(20240601);
        var outcomes = new Dictionary<string, int>();
        for (var round = 0; round < 1500; round++)
        {
            var damaged = (byte[])tar.Clone();
            var flips = random.Next(1, 8);
            for (var i = 0; i < flips; i++)
            {
                // Mostly in headers, where parsing happens.
                var at = random.Next(4) == 0 ? random.Next(damaged.Length) : random.Next(Math.Min(damaged.Length, 4096));
                damaged[at] = random.Next(3) switch { 0 => (byte)random.Next(256), 1 => (byte)'9', _ => 0 };
            }
            if (random.Next(5) == 0)
            {
                damaged = damaged[..random.Next(damaged.Length)];
            }
            string outcome;
            try
            {
                var snapshot = await LayerReader.ReadAsync(new MemoryStream(damaged), Layer, (_, _, _) => 1 << 20, TestContext.Current.CancellationToken);
                outcome = "snapshot";
                Assert.All(snapshot.Nodes, n => Assert.False(n.Path.StartsWith('/') || n.Path.Split('/').Contains("..")));
            }
            catch (ScanException ex)
            {
                outcome = "scan-exception";
                Assert.DoesNotContain('\n', ex.Message);
            }
            catch (Exception ex)
            {
                Assert.Fail($"round {round}: {ex.GetType().Name}: {ex.Message}");
                return;
            }
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        Assert.True(outcomes.GetValueOrDefault("scan-exception") > 100, string.Join(", ", outcomes));
    }
}
