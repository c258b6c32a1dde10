using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ActorDns.ControlPlane.Catalog.Kinds;

/// <summary>The checks every kind's document shares: the JSON object, names, tags, ports. Nothing throws for bad input.</summary>
public static partial class Document
{
    [GeneratedRegex(@"^[a-zA-Z0-9]([a-zA-Z0-9._-]{0,251}[a-zA-Z0-9])?$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[a-zA-Z0-9.\-_:/]+$")]
    private static partial Regex TagKeyPattern();

    [GeneratedRegex(@"^[a-zA-Z0-9.\-_:]+$")]
    private static partial Regex TagValuePattern();

    /// <summary>Checks a mesh or resource name: 1–253 characters, letters, digits, '.', '-', '_'.</summary>
    public static string? NameProblem(string? name) =>
        name is not null && NamePattern().IsMatch(name) ? null : "must be 1 to 253 letters, digits, '.', '-' or '_', starting and ending with a letter or digit";

    public static bool TryParseObject(string json, List<ValidationCause> causes, out JsonObject root)
    {
        root = null!;
        try
        {
            // A property given twice is refused here: JsonObject would otherwise throw when it is first read.
            if (JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) is JsonObject parsed)
            {
                root = parsed;
                return true;
            }

            causes.Add(new ValidationCause("", "the body must be a JSON or YAML object"));
        }
        catch (JsonException e)
        {
            causes.Add(new ValidationCause("", $"invalid JSON: {e.Message}"));
        }

        return false;
    }

    /// <summary>Adds a cause when the string field <paramref name="field"/> is not <paramref name="expected"/>.</summary>
    public static void Expect(JsonObject root, string field, string expected, List<ValidationCause> causes)
    {
        var actual = String(root[field]);
        if (actual != expected)
        {
            causes.Add(new ValidationCause(field, actual is null ? $"must be \"{expected}\"" : $"\"{actual}\" does not match \"{expected}\""));
        }
    }

    /// <summary>Validates a tag map and returns its <c>kuma.io/service</c> (null, with a cause, when missing).</summary>
    public static string? ServiceTag(JsonNode? node, string field, List<ValidationCause> causes)
    {
        if (node is not JsonObject tags)
        {
            causes.Add(new ValidationCause(field, $"must contain \"{MeshResource.ServiceTag}\""));
            return null;
        }

        foreach (var (key, value) in tags)
        {
            var text = String(value);
            if (!TagKeyPattern().IsMatch(key))
            {
                causes.Add(new ValidationCause($"{field}[\"{key}\"]", "tag name must consist of letters, digits and '.', '-', '_', ':', '/'"));
            }
            else if (text is null || !TagValuePattern().IsMatch(text))
            {
                causes.Add(new ValidationCause($"{field}[\"{key}\"]", "tag value must be a non-empty string of letters, digits and '.', '-', '_', ':'"));
            }
        }

        var service = String(tags[MeshResource.ServiceTag]);
        if (string.IsNullOrEmpty(service))
        {
            causes.Add(new ValidationCause($"{field}[\"{MeshResource.ServiceTag}\"]", "tag has to exist"));
            return null;
        }

        return service;
    }

    /// <summary>A port in 1..65535; 0, with a cause, when it is out of range or (when required) missing.</summary>
    public static int Port(JsonNode? node, string field, List<ValidationCause> causes, bool required)
    {
        if (node is null)
        {
            if (required)
            {
                causes.Add(new ValidationCause(field, "must be defined"));
            }

            return 0;
        }

        if (node is JsonValue value && value.TryGetValue<int>(out var port) && port is >= 1 and <= 65535)
        {
            return port;
        }

        causes.Add(new ValidationCause(field, "port must be in the range [1, 65535]"));
        return 0;
    }

    /// <summary>
    /// Checks that <paramref name="node"/>, when present, is a map of string labels; returns the labels (empty when absent).
    /// </summary>
    public static Dictionary<string, string> Labels(JsonNode? node, string field, List<ValidationCause> causes)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is null)
        {
            return labels;
        }

        if (node is not JsonObject map)
        {
            causes.Add(new ValidationCause(field, "must be a map of strings"));
            return labels;
        }

        foreach (var (key, value) in map)
        {
            if (String(value) is { } text)
            {
                labels[key] = text;
            }
            else
            {
                causes.Add(new ValidationCause($"{field}[\"{key}\"]", "must be a string"));
            }
        }

        return labels;
    }

    /// <summary>
    /// A resource a zone control plane owns, as Kuma stores it: the labels it adds when absent
    /// (<c>kuma.io/origin: zone</c>, <c>kuma.io/env: universal</c>, <c>kuma.io/mesh</c>, <c>kuma.io/zone</c>,
    /// <c>kuma.io/display-name</c>, SPEC §3.1) and its creation and modification times. A <c>status</c> sent with it (a
    /// document read back with GET) is dropped: the status is computed when read.
    /// </summary>
    public static string StampZoneResource(MeshResource resource, MeshResource? existing, StampContext context)
    {
        var root = (JsonObject)JsonNode.Parse(resource.Json)!;
        root.Remove("status");
        if (root["labels"] is not JsonObject labels)
        {
            root["labels"] = labels = [];
        }

        foreach (var (key, value) in new[]
        {
            ("kuma.io/origin", "zone"), ("kuma.io/env", "universal"), ("kuma.io/mesh", resource.Mesh), ("kuma.io/zone", context.Zone),
            ("kuma.io/display-name", resource.Name),
        })
        {
            if (!labels.ContainsKey(key))
            {
                labels[key] = value;
            }
        }

        return StampTimes(root, existing, context);
    }

    /// <summary>The document with its first <c>creationTime</c> (kept on a replace) and <c>modificationTime</c> now.</summary>
    public static string StampTimes(MeshResource resource, MeshResource? existing, StampContext context) =>
        StampTimes((JsonObject)JsonNode.Parse(resource.Json)!, existing, context);

    /// <summary>When a resource was created, from its stored document; the epoch when it has none.</summary>
    public static DateTimeOffset CreationTime(JsonNode? root) =>
        String(root?["creationTime"]) is { } text
        && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : DateTimeOffset.UnixEpoch;

    private static string StampTimes(JsonObject root, MeshResource? existing, StampContext context)
    {
        var now = context.Now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture);
        root["creationTime"] = existing is not null && JsonNode.Parse(existing.Json)?["creationTime"] is JsonValue created ? created.DeepClone() : now;
        root["modificationTime"] = now;
        return root.ToJsonString();
    }

    public static string? String(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
