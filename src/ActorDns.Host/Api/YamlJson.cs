using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ActorDns.Host.Api;

/// <summary>
/// Converts YAML documents to JSON nodes, as <c>kumactl</c> accepts YAML: plain scalars become numbers
/// or booleans when they read as one, quoted scalars stay strings.
/// </summary>
public static class YamlJson
{
    /// <summary>Every document of a (multi-document) YAML or JSON text; empty documents are skipped.</summary>
    public static List<JsonNode> Documents(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
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
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(
            c.Key is YamlScalarNode key ? key.Value ?? "" : throw new YamlException(c.Key.Start, c.Key.End, "a mapping key must be a plain value"),
            ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

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
}
