using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Seawall.Misconfig.Manifests;

/// <summary>One document of a stream: its root node, or why it could not be read.</summary>
public sealed record YamlDocument(int Index, int Line, YamlNode? Root, string? Error = null);

/// <summary>
/// Builds <see cref="YamlNode"/> trees from YamlDotNet's parser events (JSON is YAML). Limits keep hostile input
/// bounded: a document whose alias-expanded size passes <see cref="MaxExpandedNodes"/> is refused, as is nesting
/// deeper than <see cref="MaxDepth"/>; a syntax error ends the stream with an error on its line.
/// </summary>
public static class YamlDocumentReader
{
    public const long MaxExpandedNodes = 1_000_000;
    public const int MaxDepth = 200;

    /// <summary>
    /// The documents of <paramref name="text"/>: through <see cref="FastYamlReader"/> when the text stays inside the
    /// subset it reads (nearly every manifest), else through YamlDotNet.
    /// </summary>
    public static List<YamlDocument> Read(string text) =>
        FastYamlReader.TryRead(text, out var documents) ? documents : Read(new StringReader(text));

    public static List<YamlDocument> Read(TextReader text)
    {
        var documents = new List<YamlDocument>();
        var parser = new Parser(text);
        var index = 0;
        try
        {
            parser.Consume<StreamStart>();
            while (parser.TryConsume<DocumentStart>(out var start))
            {
                var anchors = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
                YamlNode? root = null;
                string? error = null;
                if (!parser.Accept<DocumentEnd>(out _))
                {
                    try
                    {
                        root = ReadNode(parser, "$", anchors, 0);
                    }
                    catch (DocumentLimitException ex)
                    {
                        error = ex.Message;
                        SkipToDocumentEnd(parser);
                    }
                }
                parser.Consume<DocumentEnd>();
                documents.Add(new YamlDocument(index++, (int)start.Start.Line, root, error));
            }
            parser.Consume<StreamEnd>();
        }
        catch (YamlException ex)
        {
            documents.Add(new YamlDocument(index, (int)ex.Start.Line, null, "invalid YAML: " + OneLine(ex.Message)));
        }
        return documents;
    }

    private static YamlNode ReadNode(IParser parser, YamlPath path, Dictionary<string, YamlNode> anchors, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new DocumentLimitException($"nesting deeper than {MaxDepth} levels");
        }
        var current = parser.Current ?? throw new YamlException("unexpected end of stream");
        YamlNode node;
        switch (current)
        {
            case AnchorAlias alias:
                parser.MoveNext();
                return anchors.TryGetValue(alias.Value.Value, out var target)
                    ? target
                    : throw new YamlException(alias.Start, alias.End, $"unknown alias *{alias.Value.Value}");
            case Scalar scalar:
                parser.MoveNext();
                node = new YamlScalar(scalar.Value, scalar.Style == ScalarStyle.Plain && scalar.Tag.IsEmpty, (int)scalar.Start.Line, path);
                Remember(scalar.Anchor, node, anchors);
                return node;
            case SequenceStart sequenceStart:
            {
                parser.MoveNext();
                var sequence = new YamlSequence((int)sequenceStart.Start.Line, path);
                long size = 1;
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    var item = ReadNode(parser, YamlPath.Item(sequence, sequence.Count), anchors, depth + 1);
                    size = Grow(size, item.ExpandedSize);
                    sequence.Add(item);
                }
                sequence.ExpandedSize = size;
                sequence.Seal();
                Remember(sequenceStart.Anchor, sequence, anchors);
                return sequence;
            }
            case MappingStart mappingStart:
            {
                parser.MoveNext();
                var mapping = new YamlMapping((int)mappingStart.Start.Line, path);
                long size = 1;
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var key = ReadNode(parser, path, anchors, depth + 1);
                    var keyText = key is YamlScalar k ? k.Value : "<complex key>";
                    var value = ReadNode(parser, YamlPath.Child(mapping, keyText), anchors, depth + 1);
                    size = Grow(Grow(size, key.ExpandedSize), value.ExpandedSize);
                    if (keyText == "<<" && value is YamlMapping merged)
                    {
                        // The merge key: the merged entries come first so the mapping's own keys override them.
                        mapping.InsertFirst(merged);
                        continue;
                    }
                    mapping.Add(keyText, value);
                }
                mapping.ExpandedSize = size;
                mapping.Seal();
                Remember(mappingStart.Anchor, mapping, anchors);
                return mapping;
            }
            default:
                throw new YamlException(current.Start, current.End, "unexpected " + current.GetType().Name);
        }
    }

    private static long Grow(long size, long add)
    {
        var total = size + add;
        return total > MaxExpandedNodes
            ? throw new DocumentLimitException($"aliases expand to more than {MaxExpandedNodes:N0} nodes (a billion-laughs document?)")
            : total;
    }

    private static void Remember(AnchorName anchor, YamlNode node, Dictionary<string, YamlNode> anchors)
    {
        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = node;
        }
    }

    private static void SkipToDocumentEnd(IParser parser)
    {
        while (parser.Current is not null and not DocumentEnd)
        {
            parser.MoveNext();
        }
    }


    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    private sealed class DocumentLimitException(string message) : Exception(message);
}
