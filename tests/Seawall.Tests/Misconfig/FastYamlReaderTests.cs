using System.Text;
using Seawall.Misconfig.Manifests;
using Seawall.Tests.Support;
using Xunit;

namespace Seawall.Tests.Misconfig;

/// <summary>
/// The fast manifest reader must build exactly the trees YamlDotNet's events give (values, plain or quoted, lines,
/// JSON paths, document indexes and lines) wherever it accepts a text, and hand everything else to YamlDotNet.
/// </summary>
public sealed class FastYamlReaderTests(ITestOutputHelper output)
{
    /// <summary>Both readers on one text: null when the fast reader declines it, else the first difference (or "").</summary>
    private static string? Difference(string text) => Difference(text, out _);

    /// <summary>
    /// The one deliberate difference: a quoted scalar whose continuation lines are indented less than its parent.
    /// libyaml (and so kubectl) accepts it, YamlDotNet does not; the fast reader reads it as libyaml does.
    /// </summary>
    private const string LibyamlLenient = "libyaml-lenient";

    private static bool LessIndentedQuotedLines(IEnumerable<YamlDocument> documents) =>
        documents.Any(d => d.Error is { } e && e.Contains("quoted scalar, found wrong indentation", StringComparison.Ordinal));

    private static string? Difference(string text, out string? declined)
    {
        if (!FastYamlReader.TryRead(text, out var fast, out declined))
        {
            return null;
        }
        var full = YamlDocumentReader.Read(new StringReader(text));
        if (full.Any(d => d.Error is not null) && LessIndentedQuotedLines(full))
        {
            return LibyamlLenient;
        }
        if (full.Any(d => d.Error is not null))
        {
            return $"fast reader accepted a text YamlDotNet rejects: {full.First(d => d.Error is not null).Error}";
        }
        if (fast.Count != full.Count)
        {
            return $"{fast.Count} documents, YamlDotNet {full.Count}";
        }
        for (var i = 0; i < fast.Count; i++)
        {
            if (fast[i].Index != full[i].Index || fast[i].Line != full[i].Line)
            {
                return $"document {i}: line {fast[i].Line}, YamlDotNet {full[i].Line}";
            }
            var diff = Compare(fast[i].Root, full[i].Root, root: true);
            if (diff is not null)
            {
                return $"document {i}: {diff}";
            }
        }
        return string.Empty;
    }

    private static string? Compare(YamlNode? a, YamlNode? b, bool root = false)
    {
        if (a is null || b is null)
        {
            return a == b ? null : "one root is missing";
        }
        if (a.GetType() != b.GetType())
        {
            return $"{b.Path}: {a.GetType().Name}, YamlDotNet {b.GetType().Name}";
        }
        if (a.Path != b.Path || a.ExpandedSize != b.ExpandedSize)
        {
            return $"{b.Path}: path {a.Path} size {a.ExpandedSize}, YamlDotNet size {b.ExpandedSize}";
        }
        // An empty document's null root sits, for YamlDotNet, at the next marker: no manifest uses that line.
        if (a.Line != b.Line && !(root && b is YamlScalar { Value: "" }))
        {
            return $"{b.Path}: line {a.Line}, YamlDotNet {b.Line}";
        }
        switch (a)
        {
            case YamlScalar s:
                var t = (YamlScalar)b;
                return s.Value == t.Value && s.Plain == t.Plain ? null : $"{b.Path}: {Show(s)} , YamlDotNet {Show(t)}";
            case YamlSequence s:
                var u = (YamlSequence)b;
                if (s.Items.Count != u.Items.Count)
                {
                    return $"{b.Path}: {s.Items.Count} items, YamlDotNet {u.Items.Count}";
                }
                return s.Items.Zip(u.Items).Select(p => Compare(p.First, p.Second)).FirstOrDefault(d => d is not null);
            default:
                var m = (YamlMapping)a;
                var n = (YamlMapping)b;
                if (!m.Entries.Select(e => e.Key).SequenceEqual(n.Entries.Select(e => e.Key)))
                {
                    return $"{b.Path}: keys [{string.Join(',', m.Entries.Select(e => e.Key))}], YamlDotNet [{string.Join(',', n.Entries.Select(e => e.Key))}]";
                }
                return m.Entries.Zip(n.Entries).Select(p => Compare(p.First.Value, p.Second.Value)).FirstOrDefault(d => d is not null);
        }
    }

    private static string Show(YamlScalar s) => (s.Plain ? "plain " : "quoted ") + System.Text.Json.JsonSerializer.Serialize(s.Value);

    public static TheoryData<string> Accepted => new()
    {
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a # comment\n  labels:\n    app.kubernetes.io/name: web\n",
        "# leading comment\n\n---\n# Source: chart/templates/a.yaml\nkind: A\n---\nkind: B\n...\n---\n",
        "list:\n- a\n-\n- k: v\n  j: |\n    hi\n\n    there\n  f: >-\n    one\n    two\n\n    three\nlast:\n",
        "flow: {a: b, c: [d, 'e''s', \"f\\tg\\u00e9\"], url: http://x:80/y}\nempty: {}\nnone: []\n",
        "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [\n    {\"kind\": \"Pod\", \"n\": 1, \"t\": true, \"z\": null}\n  ]\n}\n",
        "spec:\n  containers:\n    -   name: a\n        args: [\"--x=1\", --y]\n        command:\n        - sh\n        - -c\n        - |+\n          echo hi\n\n  hostPID: true\n",
        "a: 'quoted # not a comment'\nb: plain#not-comment\nc: \"x: y\"\n'quoted key': 1\n\"k2\"  : 2\n",
        "a:\n  b:\n    c: |-\n      keep\n      lines\n  d: >\n    folded\n    text\n# trailing\n",
        "- a\n- b: c\n  d:\n  - e\n- [f, g]\n- {h: i}\n",
        "key: -1\nother: --flag=value\nver: 1.10\nnum: 0x1F\nnull1: ~\n",
        "a: |\n\n   leading empty line\nb: 1\n",
        "a: multi\n  line plain\n\n  after empty # comment\nb:\n  own line\n  continued\n",
        "a: \"escaped \\\n  break\\\n   here\"\nb: 1\n",
        "a:\n- etcdctl --endpoints=https://[10.0.0.1]:2379\n  --cert=/x get foo\n- \"quoted\n  over  \n\n  lines\"\nc: 'single\n   quoted'\n",
        "a: 1\r\nb:\r\n- c\r\n",
        "a: |\n  no final break",
        "",
        "# only a comment\n",
        "---\n---\nkind: X\n",
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Builds_the_same_trees_as_YamlDotNet(string text)
    {
        var diff = Difference(text, out var declined);
        Assert.True(diff is not null, $"declined: {declined}"); // inside the subset
        Assert.Equal(string.Empty, diff);
    }

    /// <summary>checkov's kafka fixtures: a quoted command wrapped at the indentation of its key, as kubectl accepts it.</summary>
    [Theory]
    [InlineData("spec:\n  command:\n    - sh\n    - \"exec start \\\n  --override a=1 \\\n  --override b=2\"\n  next: 1\n", "exec start --override a=1 --override b=2")]
    [InlineData("a:\n  b: 'one\n  two'\n  c: 1\n", "one two")]
    [InlineData("a:\n- b:\n  - \"x \\\n y\n z\"\n", "x y z")]
    public void Reads_less_indented_quoted_lines_as_libyaml_does(string text, string expected)
    {
        // Where YamlDotNet reads it too the trees must be the same; where it refuses, this is the named difference.
        Assert.Contains(Difference(text), new[] { string.Empty, LibyamlLenient });
        Assert.True(FastYamlReader.TryRead(text, out var documents));
        var values = Scalars(documents[0].Root!).ToList();
        Assert.Contains(expected, values);
    }

    private static IEnumerable<string> Scalars(YamlNode node) => node switch
    {
        YamlScalar s => [s.Value],
        YamlSequence q => q.Items.SelectMany(Scalars),
        YamlMapping m => m.Entries.SelectMany(e => Scalars(e.Value)),
        _ => [],
    };

    public static TheoryData<string> Declined => new()
    {
        "a: &x 1\nb: *x\n",                      // anchors and aliases
        "a: !!str 1\n",                          // tags
        "a: \"escaped \\\n\n  break\"\n",        // escaped line break followed by an empty line
        "a:\n\tb: 1\n",                          // tabs
        "a: |2\n   x\n",                         // indentation indicator
        "? complex\n: key\n",                    // complex key
        "%YAML 1.2\n---\na: 1\n",                // directive
        "a: 1\rb: 2\r",                          // old Mac line ends
        "a: b: c\n",                             // malformed
        "a:\n  - b\n c: 1\n",                    // bad indentation
        "a: [unclosed\n",                        // unterminated flow
        "image: {{ .Values.image }}\n",          // unrendered Helm
        "a:\n  <<: {b: 1}\n",                    // merge key
        "- - nested\n",                          // compact nested sequence
        "a: 1\n  b: 2\n",                        // more indented line after a scalar
    };

    [Theory]
    [MemberData(nameof(Declined))]
    public void Declines_what_is_outside_its_subset(string text)
    {
        Assert.False(FastYamlReader.TryRead(text, out _), "the fast reader should leave this text to YamlDotNet");
        // And the reader the loader calls still reads it exactly as YamlDotNet does.
        var viaLoader = YamlDocumentReader.Read(text);
        var full = YamlDocumentReader.Read(new StringReader(text));
        Assert.Equal(full.Select(d => (d.Index, d.Line, d.Error)), viaLoader.Select(d => (d.Index, d.Line, d.Error)));
    }

    /// <summary>Every manifest of the peer suites and of our own fixtures: identical trees wherever the fast path reads.</summary>
    [Fact]
    public void Agrees_with_YamlDotNet_on_every_fixture_corpus()
    {
        var roots = new List<string> { Path.GetDirectoryName(ManifestCheckTests.FixturePath("hardened.yaml"))! };
        if (SharedData.Root is { } shared)
        {
            roots.AddRange(new[] { "checkov-k8s", "kube-linter", "netpol-analyzer" }.Select(d => Path.Combine(shared, d)).Where(Directory.Exists));
        }
        else
        {
            output.WriteLine("../shared/data absent: only the repository's own fixtures are compared");
        }
        var files = roots.Where(Directory.Exists)
            .SelectMany(r => Directory.EnumerateFiles(r, "*", SearchOption.AllDirectories))
            .Where(f => Path.GetExtension(f) is ".yaml" or ".yml" or ".json")
            .ToList();
        var accepted = 0;
        var lenient = 0;
        var failures = new StringBuilder();
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            var diff = Difference(text, out var declined);
            if (diff is null)
            {
                output.WriteLine($"declined {file}: {declined}");
                continue;
            }
            accepted++;
            if (diff == LibyamlLenient)
            {
                lenient++;
                output.WriteLine($"read as libyaml does (YamlDotNet rejects its less-indented quoted lines): {file}");
                continue;
            }
            if (diff.Length > 0)
            {
                failures.AppendLine($"{file}: {diff}");
            }
        }
        output.WriteLine($"fast path read {accepted} of {files.Count} files ({lenient} that only libyaml accepts); the rest went to YamlDotNet");
        Assert.True(failures.Length == 0, failures.ToString());
        Assert.NotEmpty(files);
        // Most real manifests are inside the subset, or the fast path would not pay for itself.
        Assert.True(accepted * 100 >= files.Count * 95, $"fast path read only {accepted} of {files.Count} files");
    }
}
