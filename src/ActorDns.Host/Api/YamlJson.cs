using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace ActorDns.Host.Api;

/// <summary>
/// Converts YAML documents to JSON nodes, as <c>kumactl</c> accepts YAML: plain scalars become numbers
/// or booleans when they read as one, quoted scalars stay strings.
/// </summary>
public static class YamlJson
{
    /// <summary>How many mappings and sequences may nest: as many objects and arrays as a JSON body may (System.Text.Json's 64).</summary>
    public const int MaxDepth = 64;

    /// <summary>How many values one document may convert to, aliases counted at each use: far more than any resource holds.</summary>
    public const int MaxValues = 100_000;

    /// <summary>Every document of a (multi-document) YAML or JSON text; empty documents are skipped.</summary>
    public static List<JsonNode> Documents(string text)
    {
        RefuseNonPrintable(text);
        var stream = new YamlStream();
        stream.Load(new DepthLimitedParser(new Parser(new StringReader(text))));
        return stream.Documents.Select(d => ToJson(d.RootNode)).OfType<JsonNode>().ToList();
    }

    public static bool TryConvert(string text, out string json, out string error)
    {
        json = "";
        error = "";
        try
        {
            var documents = Documents(text);
            if (documents.Count != 1)
            {
                error = $"expected one YAML document, found {documents.Count}";
                return false;
            }

            json = documents[0].ToJsonString();
            return true;
        }
        catch (YamlException e)
        {
            error = $"invalid YAML at line {e.Start.Line}: {e.Message}";
            return false;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // YamlDotNet's representation model refuses some malformed documents (a tag that is not a URI, an event it
            // does not expect) with these rather than a YamlException; they are bad YAML all the same (found by fuzzing).
            error = $"invalid YAML: {e.Message}";
            return false;
        }
    }

    /// <summary>
    /// Refuses a character YAML does not allow in a stream (YAML 1.2 §5.1: controls other than tab, line feed,
    /// carriage return and NEL, U+FFFE, U+FFFF, a lone surrogate) before YamlDotNet reads it: it takes a NUL in the
    /// text for the end of its input, and a 1 KB body with a few of them kept its scanner busy for 15 s (fuzzing).
    /// </summary>
    private static void RefuseNonPrintable(string text)
    {
        var (line, column) = (1, 1);
        for (var i = 0; i < text.Length; i++, column++)
        {
            var c = text[i];
            if (c == '\n')
            {
                (line, column) = (line + 1, 0);
                continue;
            }

            var printable = c is '\t' or '\r' or '\u0085' or (>= ' ' and <= '~') or (>= '\u00A0' and <= '\uD7FF') or (>= '\uE000' and <= '\uFFFD')
                || (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]));
            if (!printable)
            {
                var at = new Mark(i, line, column);
                throw new YamlException(at, at, $"the character U+{(int)c:X4} is not allowed in YAML");
            }

            if (char.IsHighSurrogate(c))
            {
                i++;
            }
        }
    }

    private static JsonNode? ToJson(YamlNode node) => ToJson(node, new Budget());

    /// <summary>
    /// Refuses, as bad YAML, aliases that would expand a small document into millions of values: an alias is converted
    /// at every use.
    /// </summary>
    private static JsonNode? ToJson(YamlNode node, Budget budget)
    {
        if (++budget.Values > MaxValues)
        {
            throw new YamlException(node.Start, node.End, $"more than {MaxValues} values, aliases counted at each use");
        }

        return node switch
        {
            YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(
                c.Key is YamlScalarNode key ? key.Value ?? "" : throw new YamlException(c.Key.Start, c.Key.End, "a mapping key must be a plain value"),
                ToJson(c.Value, budget)))),
            YamlSequenceNode list => new JsonArray(list.Children.Select(c => ToJson(c, budget)).ToArray()),
            YamlScalarNode scalar => Scalar(scalar),
            _ => null,
        };
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted)
        {
            return JsonValue.Create(value);
        }

        if (value is "" or "~" or "null")
        {
            return null;
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }

        return value switch
        {
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ => JsonValue.Create(value),
        };
    }

    private sealed class Budget
    {
        public int Values { get; set; }
    }

    /// <summary>
    /// Refuses nesting past <see cref="MaxDepth"/> as the parser reads it: YamlDotNet builds its node tree with one
    /// nested call per level and no limit, so a body of a few hundred thousand '[' would overflow the stack, which ends
    /// the process. Counted here, the tree never gets that deep.
    /// </summary>
    private sealed class DepthLimitedParser(IParser parser) : IParser
    {
        private int _depth;

        public ParsingEvent? Current => parser.Current;

        public bool MoveNext()
        {
            if (!parser.MoveNext())
            {
                return false;
            }

            switch (parser.Current)
            {
                case MappingStart or SequenceStart when ++_depth > MaxDepth:
                    throw new YamlException(parser.Current.Start, parser.Current.End, $"nested deeper than {MaxDepth} levels");
                case MappingEnd or SequenceEnd:
                    _depth--;
                    break;
            }

            return true;
        }
    }
}
