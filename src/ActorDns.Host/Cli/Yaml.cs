using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace ActorDns.Host.Cli;

/// <summary>
/// Writes a JSON node as YAML for <c>-o yaml</c>. A string that YAML would read as a number, a boolean or null is
/// quoted, so the output applies back as the same document (a VirtualOutbound's <c>port: "80"</c>, a tag <c>version: "1"</c>).
/// </summary>
public static class Yaml
{
    public static string Write(JsonNode node) => new SerializerBuilder().WithQuotingNecessaryStrings().Build().Serialize(ToPlain(node));

    private static object? ToPlain(JsonNode? node) => node switch
    {
        JsonObject obj => obj.ToDictionary(p => p.Key, p => ToPlain(p.Value)),
        JsonArray array => array.Select(ToPlain).ToList(),
        JsonValue value when value.TryGetValue<long>(out var number) => number,
        JsonValue value when value.TryGetValue<bool>(out var flag) => flag,
        JsonValue value => value.ToString(),
        _ => null,
    };
}
