using System.Globalization;
using System.Text;

namespace Seawall.Misconfig.Manifests;

/// <summary>
/// A hand-written reader for the YAML that Kubernetes manifests are made of: block mappings and sequences, compact
/// mappings in sequence items, plain and single-line quoted scalars, literal and folded block scalars, flow
/// collections (JSON included), comments and document markers. It builds the same <see cref="YamlNode"/> trees as
/// <see cref="YamlDocumentReader"/> (same values, lines and paths) four to five times faster than YamlDotNet's
/// parser, which was most of the time of a manifest scan.
/// <para>
/// It is a fast path, not a second YAML implementation: anything outside that subset (anchors, aliases, tags, tabs,
/// multi-line plain or quoted scalars, explicit indentation indicators, complex keys, directives, and anything that
/// looks malformed) makes <see cref="TryRead"/> return false, and the caller reads the whole text with YamlDotNet,
/// which also words the errors. A differential test holds both readers to the same trees on every fixture corpus.
/// </para>
/// </summary>
public sealed class FastYamlReader
{
    private readonly string text;
    private readonly List<int> lineStarts;
    private int line; // current 0-based line
    private int pos;  // absolute index of the next unread character

    private FastYamlReader(string text)
    {
        this.text = text;
        lineStarts = new List<int>(text.Length / 24 + 2) { 0 }; // manifest lines average 25-40 characters

        for (var i = text.IndexOf('\n'); i >= 0; i = text.IndexOf('\n', i + 1))
        {
            lineStarts.Add(i + 1);
        }
    }

    /// <summary>The documents of <paramref name="text"/>, or false when it needs the full YAML reader.</summary>
    public static bool TryRead(string text, out List<YamlDocument> documents) => TryRead(text, out documents, out _);

    /// <summary>As <see cref="TryRead(string, out List{YamlDocument})"/>, saying where and why a text was declined.</summary>
    public static bool TryRead(string text, out List<YamlDocument> documents, out string? declined)
    {
        documents = [];
        declined = "tab, lone carriage return or byte-order mark";
        // Outside the subset everywhere: tabs (indentation rules), CR line ends, a BOM, anchors/aliases/tags cheaply
        // excluded per node below.
        if (text.Contains('\r', StringComparison.Ordinal))
        {
            text = text.Replace("\r\n", "\n", StringComparison.Ordinal); // Windows line ends read as YAML reads them
        }
        if (text.AsSpan().IndexOfAny('\t', '\r', '\uFEFF') >= 0)
        {
            return false;
        }
        var reader = new FastYamlReader(text);
        try
        {
            documents = reader.ReadStream();
            declined = null;
            return true;
        }
        catch (UnsupportedYamlException ex)
        {
            documents = [];
            declined = $"line {reader.line + 1}: rule at FastYamlReader.cs:{ex.SourceLine}";
            return false;
        }
    }

    private int LineCount => text.Length > 0 && text[^1] == '\n' ? lineStarts.Count - 1 : lineStarts.Count;

    private int LineEnd(int l) => l + 1 < lineStarts.Count ? lineStarts[l + 1] - 1 : text.Length;

    private int Indent(int l)
    {
        var start = lineStarts[l];
        var end = LineEnd(l);
        var i = start;
        while (i < end && text[i] == ' ')
        {
            i++;
        }
        return i - start;
    }

    /// <summary>Only spaces, or spaces then a comment.</summary>
    private bool IsInsignificant(int l)
    {
        var i = lineStarts[l] + Indent(l);
        return i >= LineEnd(l) || text[i] == '#';
    }

    private bool IsMarker(int l, char c)
    {
        var start = lineStarts[l];
        var end = LineEnd(l);
        if (end - start < 3 || text[start] != c || text[start + 1] != c || text[start + 2] != c)
        {
            return false;
        }
        if (end - start == 3)
        {
            return true;
        }
        if (text[start + 3] != ' ')
        {
            return false; // "---x" is a plain scalar, which the subset does not take at the top level anyway
        }
        // "--- # comment" is a marker; "--- content" puts a node on the marker line: outside the subset.
        var rest = text.AsSpan(start + 3, end - start - 3).TrimStart(' ');
        return rest.IsEmpty || rest[0] == '#' ? true : throw new UnsupportedYamlException();
    }

    private bool AtMarker => line < LineCount && (IsMarker(line, '-') || IsMarker(line, '.'));

    private void SkipInsignificantLines()
    {
        while (line < LineCount && IsInsignificant(line))
        {
            line++;
        }
        pos = line < LineCount ? lineStarts[line] : text.Length;
    }

    private List<YamlDocument> ReadStream()
    {
        var documents = new List<YamlDocument>();
        line = 0;
        while (true)
        {
            SkipInsignificantLines();
            if (line >= LineCount)
            {
                return documents;
            }
            if (text[pos] == '%')
            {
                throw new UnsupportedYamlException(); // directives
            }
            if (IsMarker(line, '.'))
            {
                line++; // a document end with no document open
                continue;
            }
            int documentLine;
            YamlNode root;
            if (IsMarker(line, '-'))
            {
                documentLine = line + 1;
                line++;
                SkipInsignificantLines();
                root = line >= LineCount || AtMarker ? Empty(documentLine, "$") : Node(-1, "$", 0);
            }
            else
            {
                documentLine = line + 1;
                root = Node(-1, "$", 0);
            }
            SkipInsignificantLines();
            if (line < LineCount && !AtMarker)
            {
                throw new UnsupportedYamlException(); // more content after the root node: malformed, let YamlDotNet say
            }
            documents.Add(new YamlDocument(documents.Count, documentLine, root));
            if (line < LineCount && IsMarker(line, '.'))
            {
                line++;
            }
        }
    }

    /// <summary>A node whose first character is at <see cref="pos"/>, the first significant one of its line.</summary>
    private YamlNode Node(int parentIndent, YamlPath path, int depth)
    {
        CheckDepth(depth);
        var column = pos - lineStarts[line];
        if (column <= parentIndent)
        {
            throw new UnsupportedYamlException();
        }
        var c = text[pos];
        if (IsSequenceDash(pos))
        {
            return Sequence(column, path, depth);
        }
        if (c is '{' or '[')
        {
            var node = Flow(parentIndent, path, depth);
            EndOfLine();
            return node;
        }
        if (KeyEnd(pos) >= 0)
        {
            return Mapping(column, path, depth);
        }
        if (parentIndent >= 0 && c is not ('&' or '*' or '!' or '?' or '%' or '@' or '`' or ',' or ']' or '}' or '#' or '|' or '>' or '"' or '\''))
        {
            return Plain(parentIndent, path); // "key:\n  value", a scalar on the line below its key
        }
        throw new UnsupportedYamlException(); // a quoted or block scalar on a line of its own, or a scalar at the top
    }

    private YamlMapping Mapping(int indent, YamlPath path, int depth)
    {
        var mapping = new YamlMapping(line + 1, path);
        long size = 1;
        while (true)
        {
            var keyEnd = KeyEnd(pos, out var quotedKey);
            if (keyEnd < 0)
            {
                throw new UnsupportedYamlException();
            }
            var key = quotedKey ?? CommonStrings.Get(text.AsSpan(pos, keyEnd - pos).TrimEnd(' '));
            if (key == "<<")
            {
                throw new UnsupportedYamlException(); // merge keys come with anchors
            }
            pos = keyEnd + 1; // past ':'
            var value = InlineValue(indent, YamlPath.Child(mapping, key), depth + 1, sequenceAtIndent: true);
            size = Grow(Grow(size, 1), value.ExpandedSize);
            mapping.Add(key, value);

            SkipInsignificantLines();
            if (line >= LineCount || AtMarker)
            {
                break;
            }
            var next = Indent(line);
            if (next < indent)
            {
                break;
            }
            if (next > indent || IsSequenceDash(pos + next))
            {
                throw new UnsupportedYamlException(); // a continuation line, or a sequence where a key belongs
            }
            pos += next;
        }
        mapping.ExpandedSize = size;
        mapping.Seal();
        return mapping;
    }

    private YamlSequence Sequence(int indent, YamlPath path, int depth)
    {
        var sequence = new YamlSequence(line + 1, path);
        long size = 1;
        while (true)
        {
            var itemPath = YamlPath.Item(sequence, sequence.Count);
            pos++; // past '-'
            SkipSpaces();
            YamlNode item;
            if (AtEndOfContent())
            {
                item = BlockValue(indent, itemPath, depth + 1, sequenceAtIndent: false, emptyLine: line + 1);
            }
            else if (KeyEnd(pos) >= 0)
            {
                CheckDepth(depth + 1);
                item = Mapping(pos - lineStarts[line], itemPath, depth + 1); // "- key: value", a compact mapping
            }
            else
            {
                item = InlineValue(indent, itemPath, depth + 1, sequenceAtIndent: false, afterIndicator: false);
            }
            size = Grow(size, item.ExpandedSize);
            sequence.Add(item);

            SkipInsignificantLines();
            if (line >= LineCount || AtMarker)
            {
                break;
            }
            var next = Indent(line);
            if (next < indent)
            {
                break;
            }
            if (next > indent)
            {
                throw new UnsupportedYamlException();
            }
            if (!IsSequenceDash(pos + next))
            {
                break; // a key of the mapping this sequence is the value of ("key:\n- a\nother: b")
            }
            pos += next;
        }
        sequence.ExpandedSize = size;
        sequence.Seal();
        return sequence;
    }

    /// <summary>What follows "key:" or "- " on the same line.</summary>
    private YamlNode InlineValue(int parentIndent, YamlPath path, int depth, bool sequenceAtIndent, bool afterIndicator = true)
    {
        CheckDepth(depth);
        var indicatorLine = line + 1;
        if (afterIndicator)
        {
            SkipSpaces();
        }
        if (AtEndOfContent())
        {
            return BlockValue(parentIndent, path, depth, sequenceAtIndent, indicatorLine);
        }
        var c = text[pos];
        switch (c)
        {
            case '|' or '>':
                return BlockScalar(parentIndent, path);
            case '{' or '[':
            {
                var node = Flow(parentIndent, path, depth);
                EndOfLine();
                return node;
            }
            case '"' or '\'':
            {
                var value = Quoted(out var end, parentIndent);
                pos = end;
                EndOfLine();
                return new YamlScalar(value, plain: false, indicatorLine, path);
            }
            case '&' or '*' or '!' or '?' or '%' or '@' or '`' or ',' or ']' or '}' or '#':
                throw new UnsupportedYamlException();
            case '-' when IsSequenceDash(pos):
                throw new UnsupportedYamlException(); // "- - a" or "key: - a"
        }
        return Plain(parentIndent, path);
    }

    /// <summary>
    /// A plain scalar in block context, folded over the more-indented lines that continue it (kubectl wraps long
    /// strings that way): one line break reads as a space, n empty lines as n line breaks. A comment ends it.
    /// </summary>
    private YamlScalar Plain(int parentIndent, YamlPath path)
    {
        var nodeLine = line + 1;
        var (stop, comment) = PlainRun(pos, LineEnd(line));
        var first = text.AsSpan(pos, stop - pos).TrimEnd(' ');
        StringBuilder? builder = null;
        var breaks = 0;
        line++;
        while (!comment && line < LineCount)
        {
            var start = lineStarts[line];
            var indent = Indent(line);
            if (start + indent == LineEnd(line))
            {
                breaks++;
                line++;
                continue;
            }
            if (indent <= parentIndent || text[start + indent] == '#')
            {
                break;
            }
            if (IsSequenceDash(start + indent) || text[start + indent] is '?' or ':' or '[' or ']' or '{' or '}' or ',' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`')
            {
                throw new UnsupportedYamlException(); // an indicator at a continuation's start: leave it to the full reader
            }
            (stop, comment) = PlainRun(start + indent, LineEnd(line));
            builder ??= new StringBuilder().Append(first);
            if (breaks == 0)
            {
                builder.Append(' ');
            }
            else
            {
                builder.Append('\n', breaks);
            }
            builder.Append(text.AsSpan(start + indent, stop - start - indent).TrimEnd(' '));
            breaks = 0;
            line++;
        }
        if (breaks > 0 && line < LineCount && !IsInsignificant(line) && Indent(line) > parentIndent)
        {
            throw new UnsupportedYamlException();
        }
        pos = line < LineCount ? lineStarts[line] : text.Length;
        return new YamlScalar(builder?.ToString() ?? CommonStrings.Get(first), plain: true, nodeLine, path);
    }

    /// <summary>Where a plain scalar's run on one line stops: at a comment, or the line end. ": " inside is refused.</summary>
    private (int Stop, bool Comment) PlainRun(int from, int lineEnd)
    {
        for (var i = from; i < lineEnd; i++)
        {
            var ch = text[i];
            if (ch == '#' && i > from && text[i - 1] == ' ')
            {
                return (i, true);
            }
            if (ch == ':' && (i + 1 == lineEnd || text[i + 1] == ' '))
            {
                throw new UnsupportedYamlException(); // "key: a: b" is an error
            }
        }
        return (lineEnd, false);
    }

    /// <summary>The node on the lines below "key:" or "-", or an empty (null) scalar when nothing is nested there.</summary>
    private YamlNode BlockValue(int parentIndent, YamlPath path, int depth, bool sequenceAtIndent, int emptyLine)
    {
        line++;
        SkipInsignificantLines();
        if (line >= LineCount || AtMarker)
        {
            return Empty(emptyLine, path);
        }
        var indent = Indent(line);
        if (indent > parentIndent)
        {
            pos += indent;
            return Node(parentIndent, path, depth);
        }
        if (indent == parentIndent && sequenceAtIndent && IsSequenceDash(pos + indent))
        {
            pos += indent;
            CheckDepth(depth);
            return Sequence(indent, path, depth); // "key:\n- a": a sequence may sit at its key's indentation
        }
        return Empty(emptyLine, path);
    }

    private YamlScalar BlockScalar(int parentIndent, YamlPath path)
    {
        var nodeLine = line + 1;
        var folded = text[pos] == '>';
        var chomp = ' ';
        pos++;
        var lineEnd = LineEnd(line);
        if (pos < lineEnd && text[pos] is '-' or '+')
        {
            chomp = text[pos++];
        }
        if (pos < lineEnd && text[pos] != ' ')
        {
            throw new UnsupportedYamlException(); // indentation indicators and anything else in the header
        }
        SkipSpaces();
        if (pos < lineEnd && text[pos] != '#')
        {
            throw new UnsupportedYamlException();
        }

        // The content's indentation is that of its first non-empty line.
        var first = line + 1;
        var contentIndent = -1;
        var longestLeadingBlank = 0;
        for (var l = first; l < LineCount; l++)
        {
            var width = LineEnd(l) - lineStarts[l];
            var indent = Indent(l);
            if (indent == width)
            {
                longestLeadingBlank = Math.Max(longestLeadingBlank, width);
                continue;
            }
            contentIndent = indent;
            break;
        }
        if (contentIndent <= parentIndent || contentIndent < 0 || contentIndent == 0)
        {
            // No content: an empty scalar ("" kept or chomped); trailing blank lines are insignificant anyway.
            if (chomp == '+' || longestLeadingBlank > Math.Max(parentIndent, 0))
            {
                throw new UnsupportedYamlException();
            }
            line++;
            pos = line < LineCount ? lineStarts[line] : text.Length;
            return new YamlScalar(string.Empty, plain: false, nodeLine, path);
        }
        if (longestLeadingBlank > contentIndent)
        {
            throw new UnsupportedYamlException();
        }

        var builder = new StringBuilder();
        var pendingBreaks = 0; // empty lines seen since the last content line
        var sawContent = false;
        var l2 = first;
        for (; l2 < LineCount; l2++)
        {
            var start = lineStarts[l2];
            var width = LineEnd(l2) - start;
            var indent = Indent(l2);
            if (indent == width)
            {
                if (width > contentIndent)
                {
                    throw new UnsupportedYamlException(); // spaces that are content: leave to the full reader
                }
                pendingBreaks++;
                continue;
            }
            if (indent < contentIndent)
            {
                break;
            }
            var content = text.AsSpan(start + contentIndent, width - contentIndent);
            if (folded && content[0] == ' ')
            {
                throw new UnsupportedYamlException(); // more-indented lines fold differently
            }
            if (sawContent)
            {
                if (folded)
                {
                    if (pendingBreaks == 0)
                    {
                        builder.Append(' ');
                    }
                    else
                    {
                        builder.Append('\n', pendingBreaks);
                    }
                }
                else
                {
                    builder.Append('\n', pendingBreaks + 1);
                }
            }
            else if (pendingBreaks > 0)
            {
                builder.Append('\n', pendingBreaks); // leading empty lines are kept
            }
            builder.Append(content);
            sawContent = true;
            pendingBreaks = 0;
        }
        // Clip and keep keep the last line's break only where the text has one (not at an unterminated last line).
        var lastBreak = l2 < lineStarts.Count || pendingBreaks > 0 ? 1 : 0;
        switch (chomp)
        {
            case '-':
                break;
            case '+':
                builder.Append('\n', pendingBreaks + lastBreak);
                break;
            default:
                builder.Append('\n', lastBreak);
                break;
        }
        line = l2;
        pos = line < LineCount ? lineStarts[line] : text.Length;
        return new YamlScalar(builder.ToString(), plain: false, nodeLine, path);
    }

    // ---- flow collections ----

    private YamlNode Flow(int parentIndent, YamlPath path, int depth)
    {
        CheckDepth(depth);
        var nodeLine = line + 1;
        if (text[pos] == '[')
        {
            pos++;
            var sequence = new YamlSequence(nodeLine, path);
            long size = 1;
            while (true)
            {
                FlowSpace(parentIndent);
                if (text[pos] == ']')
                {
                    pos++;
                    break;
                }
                var item = FlowNode(parentIndent, YamlPath.Item(sequence, sequence.Count), depth + 1);
                size = Grow(size, item.ExpandedSize);
                sequence.Add(item);
                FlowSpace(parentIndent);
                if (text[pos] == ',')
                {
                    pos++;
                }
                else if (text[pos] != ']')
                {
                    throw new UnsupportedYamlException(); // a single-pair mapping in a sequence, or a continuation
                }
            }
            sequence.ExpandedSize = size;
            sequence.Seal();
            return sequence;
        }
        pos++;
        var mapping = new YamlMapping(nodeLine, path);
        long mappingSize = 1;
        while (true)
        {
            FlowSpace(parentIndent);
            if (text[pos] == '}')
            {
                pos++;
                break;
            }
            string key;
            if (text[pos] is '"' or '\'')
            {
                key = Quoted(out var end);
                pos = end;
            }
            else
            {
                key = FlowPlain(out var end);
                pos = end;
            }
            FlowSpace(parentIndent);
            if (text[pos] != ':')
            {
                throw new UnsupportedYamlException(); // a key without a value
            }
            pos++;
            FlowSpace(parentIndent);
            if (text[pos] is ',' or '}')
            {
                throw new UnsupportedYamlException();
            }
            var value = FlowNode(parentIndent, YamlPath.Child(mapping, key), depth + 1);
            mappingSize = Grow(Grow(mappingSize, 1), value.ExpandedSize);
            mapping.Add(key, value);
            FlowSpace(parentIndent);
            if (text[pos] == ',')
            {
                pos++;
            }
            else if (text[pos] != '}')
            {
                throw new UnsupportedYamlException();
            }
        }
        mapping.ExpandedSize = mappingSize;
        mapping.Seal();
        return mapping;
    }

    private YamlNode FlowNode(int parentIndent, YamlPath path, int depth)
    {
        var nodeLine = line + 1;
        switch (text[pos])
        {
            case '{' or '[':
                return Flow(parentIndent, path, depth);
            case '"' or '\'':
            {
                var value = Quoted(out var end);
                pos = end;
                return new YamlScalar(value, plain: false, nodeLine, path);
            }
            default:
            {
                var value = FlowPlain(out var end);
                pos = end;
                return new YamlScalar(value, plain: true, nodeLine, path);
            }
        }
    }

    /// <summary>A plain scalar inside a flow collection: it ends at ", ] }", at ": " and at a comment or line end.</summary>
    private string FlowPlain(out int end)
    {
        var lineEnd = LineEnd(line);
        var c = text[pos];
        if (c is '&' or '*' or '!' or '?' or '%' or '@' or '`' or '|' or '>' or '#' or ',' or ':' || (c == '-' && IsSequenceDash(pos)))
        {
            throw new UnsupportedYamlException();
        }
        var i = pos;
        for (; i < lineEnd; i++)
        {
            var ch = text[i];
            if (ch is ',' or '[' or ']' or '{' or '}')
            {
                break;
            }
            if (ch == ':' && (i + 1 == lineEnd || text[i + 1] is ' ' or ',' or '[' or ']' or '{' or '}'))
            {
                break;
            }
            if (ch == '#' && text[i - 1] == ' ')
            {
                break;
            }
        }
        var value = text.AsSpan(pos, i - pos).TrimEnd(' ');
        if (value.IsEmpty)
        {
            throw new UnsupportedYamlException();
        }
        end = i;
        return CommonStrings.Get(value);
    }

    /// <summary>Spaces, comments and line breaks between flow tokens; a continuation line must stay indented.</summary>
    private void FlowSpace(int parentIndent)
    {
        while (true)
        {
            var lineEnd = LineEnd(line);
            while (pos < lineEnd && text[pos] == ' ')
            {
                pos++;
            }
            if (pos < lineEnd && (text[pos] != '#' || (pos > lineStarts[line] && text[pos - 1] != ' ')))
            {
                return;
            }
            line++;
            if (line >= LineCount)
            {
                throw new UnsupportedYamlException(); // unterminated flow collection
            }
            if (IsInsignificant(line))
            {
                pos = lineStarts[line];
                continue;
            }
            var indent = Indent(line);
            if (indent <= parentIndent || (indent == 0 && (IsMarker(line, '-') || IsMarker(line, '.'))))
            {
                throw new UnsupportedYamlException();
            }
            pos = lineStarts[line] + indent;
        }
    }

    // ---- scalars and keys ----

    /// <summary>A single-line quoted scalar starting at <see cref="pos"/>; <paramref name="end"/> is past its closing quote.</summary>
    private string Quoted(out int end, int parentIndent = int.MaxValue)
    {
        var quote = text[pos];
        var lineEnd = LineEnd(line);
        StringBuilder? builder = null;
        var runStart = pos + 1;
        for (var i = pos + 1; ; i++)
        {
            if (i >= lineEnd)
            {
                // The scalar goes on: fold the line break (a space, or one break per empty line) where the value may
                // span lines (parentIndent given); keys and flow items stay on one line.
                if (parentIndent == int.MaxValue || line + 1 >= LineCount)
                {
                    throw new UnsupportedYamlException();
                }
                builder ??= new StringBuilder();
                builder.Append(text.AsSpan(runStart, lineEnd - runStart).TrimEnd(' '));
                var breaks = 0;
                line++;
                while (line < LineCount && Indent(line) == LineEnd(line) - lineStarts[line])
                {
                    breaks++;
                    line++;
                }
                // No indentation rule for the continuation lines, only document markers: libyaml (PyYAML, go-yaml, so
                // kubectl) reads a quoted scalar that way, and manifests kubectl applies must be scanned, though
                // YamlDotNet rejects the less-indented ones.
                if (line >= LineCount || (Indent(line) == 0 && (IsMarker(line, '-') || IsMarker(line, '.'))))
                {
                    throw new UnsupportedYamlException();
                }
                if (breaks == 0)
                {
                    builder.Append(' ');
                }
                else
                {
                    builder.Append('\n', breaks);
                }
                lineEnd = LineEnd(line);
                i = lineStarts[line] + Indent(line);
                runStart = i;
                if (i >= lineEnd)
                {
                    continue;
                }
            }
            var ch = text[i];
            if (quote == '\'')
            {
                if (ch != '\'')
                {
                    continue;
                }
                if (i + 1 < lineEnd && text[i + 1] == '\'')
                {
                    builder ??= new StringBuilder();
                    builder.Append(text, runStart, i + 1 - runStart);
                    i++;
                    runStart = i + 1;
                    continue;
                }
                end = i + 1;
                return Finish(builder, runStart, i);
            }
            if (ch == '"')
            {
                end = i + 1;
                return Finish(builder, runStart, i);
            }
            if (ch != '\\')
            {
                continue;
            }
            builder ??= new StringBuilder();
            builder.Append(text, runStart, i - runStart);
            if (i + 1 >= lineEnd)
            {
                // An escaped line break joins the lines with nothing between (the blanks before the '\' stay, the
                // next line's indentation goes). Empty lines after it would each keep a break: left to YamlDotNet.
                if (parentIndent == int.MaxValue || line + 1 >= LineCount || Indent(line + 1) == LineEnd(line + 1) - lineStarts[line + 1]
                    || (Indent(line + 1) == 0 && (IsMarker(line + 1, '-') || IsMarker(line + 1, '.'))))
                {
                    throw new UnsupportedYamlException();
                }
                line++;
                lineEnd = LineEnd(line);
                runStart = lineStarts[line] + Indent(line);
                i = runStart - 1;
                continue;
            }
            var escape = text[++i];
            switch (escape)
            {
                case '0': builder.Append('\0'); break;
                case 'a': builder.Append('\a'); break;
                case 'b': builder.Append('\b'); break;
                case 't': builder.Append('\t'); break;
                case 'n': builder.Append('\n'); break;
                case 'v': builder.Append('\v'); break;
                case 'f': builder.Append('\f'); break;
                case 'r': builder.Append('\r'); break;
                case 'e': builder.Append('\x1b'); break;
                case ' ': builder.Append(' '); break;
                case '"': builder.Append('"'); break;
                case '/': builder.Append('/'); break;
                case '\\': builder.Append('\\'); break;
                case 'x': i = Hex(builder, i, 2, lineEnd); break;
                case 'u': i = Hex(builder, i, 4, lineEnd); break;
                default: throw new UnsupportedYamlException(); // \N \_ \L \P \U and invalid escapes
            }
            runStart = i + 1;
        }
    }

    private string Finish(StringBuilder? builder, int runStart, int closing)
    {
        if (builder is null)
        {
            return CommonStrings.Get(text.AsSpan(runStart, closing - runStart));
        }
        builder.Append(text, runStart, closing - runStart);
        return builder.ToString();
    }

    private int Hex(StringBuilder builder, int at, int digits, int lineEnd)
    {
        if (at + digits >= lineEnd || !int.TryParse(text.AsSpan(at + 1, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            || char.IsSurrogate((char)code))
        {
            throw new UnsupportedYamlException();
        }
        builder.Append((char)code);
        return at + digits;
    }

    /// <summary>
    /// The index of the ':' that ends a block mapping key starting at <paramref name="at"/>, or -1 when the line there
    /// is not "key: ..." (a plain or quoted key followed by ':' and a space or the line end).
    /// </summary>
    private int KeyEnd(int at) => KeyEnd(at, out _);

    /// <summary>As <see cref="KeyEnd(int)"/>; a quoted key's unescaped text comes out so the key is read once.</summary>
    private int KeyEnd(int at, out string? quotedKey)
    {
        quotedKey = null;
        var lineEnd = LineEnd(line);
        var c = text[at];
        if (c is '"' or '\'')
        {
            var saved = pos;
            var savedLine = line;
            pos = at;
            int end;
            try
            {
                quotedKey = Quoted(out end);
            }
            catch (UnsupportedYamlException)
            {
                return -1; // not closed on this line: a multi-line value, never a key
            }
            finally
            {
                pos = saved;
                line = savedLine;
            }
            while (end < lineEnd && text[end] == ' ')
            {
                end++;
            }
            return end < lineEnd && text[end] == ':' && (end + 1 == lineEnd || text[end + 1] == ' ') ? end : -1;
        }
        if (c is '&' or '*' or '!' or '?' or '%' or '@' or '`' or '|' or '>' or '{' or '[' or ']' or '}' or ',' or '#' or ':' || IsSequenceDash(at))
        {
            return -1;
        }
        for (var i = at; i < lineEnd; i++)
        {
            var ch = text[i];
            if (ch == ':' && (i + 1 == lineEnd || text[i + 1] == ' '))
            {
                return i - at > 1024 ? throw new UnsupportedYamlException() : i;
            }
            if (ch == '#' && text[i - 1] == ' ')
            {
                return -1;
            }
        }
        return -1;
    }

    private bool IsSequenceDash(int at) =>
        text[at] == '-' && (at + 1 >= text.Length || text[at + 1] is ' ' or '\n');

    private void SkipSpaces()
    {
        var lineEnd = LineEnd(line);
        while (pos < lineEnd && text[pos] == ' ')
        {
            pos++;
        }
    }

    /// <summary>At the line end or at a comment (which needs a space before it, always true after an indicator).</summary>
    private bool AtEndOfContent()
    {
        var lineEnd = LineEnd(line);
        return pos >= lineEnd || (text[pos] == '#' && text[pos - 1] == ' ');
    }

    /// <summary>Only spaces and a comment may follow a node on its line; then the cursor moves to the next line.</summary>
    private void EndOfLine()
    {
        SkipSpaces();
        if (!AtEndOfContent())
        {
            throw new UnsupportedYamlException();
        }
        line++;
        pos = line < LineCount ? lineStarts[line] : text.Length;
    }

    private static YamlScalar Empty(int line, YamlPath path) => new(string.Empty, plain: true, line, path);

    private static void CheckDepth(int depth)
    {
        if (depth > YamlDocumentReader.MaxDepth)
        {
            throw new UnsupportedYamlException(); // the full reader words the limit
        }
    }

    private static long Grow(long size, long add)
    {
        var total = size + add;
        return total > YamlDocumentReader.MaxExpandedNodes ? throw new UnsupportedYamlException() : total;
    }

    internal static string ChildPath(string path, string key)
    {
        foreach (var c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return $"{path}['{key.Replace("'", "\\'", StringComparison.Ordinal)}']";
            }
        }
        return key.Length > 0 ? string.Concat(path, ".", key) : $"{path}['']";
    }

    /// <summary>Outside the subset; <see cref="SourceLine"/> names the rule that said so (for the tests' diagnostics).</summary>
    private sealed class UnsupportedYamlException([System.Runtime.CompilerServices.CallerLineNumber] int sourceLine = 0) : Exception
    {
        public int SourceLine { get; } = sourceLine;
    }
}
