using System.Globalization;
using System.Text.Json.Nodes;

namespace ActorDns.ControlPlane.Catalog.Kinds.HostnameGenerator;

/// <summary>
/// The <c>HostnameGenerator</c> document (global, not in a mesh): <c>spec.selector.meshService</c> or
/// <c>.meshExternalService</c> with <c>matchLabels</c>, <c>spec.template</c>, an optional <c>spec.extension</c>;
/// validated as Kuma does (kuma-dns.md §4.1, scenario 79).
/// </summary>
public static class HostnameGeneratorDocument
{
    public const string TypeName = "HostnameGenerator";

    private static readonly (string Field, string TargetType)[] Selectors = [("meshService", "MeshService"), ("meshExternalService", "MeshExternalService")];

    /// <summary>Validates a document whose URL names <paramref name="name"/>; every problem is a cause naming its field.</summary>
    public static bool TryParse(string name, string json, out HostnameGenerator generator, out List<ValidationCause> causes)
    {
        generator = null!;
        causes = [];
        if (!Document.TryParseObject(json, causes, out var root))
        {
            return false;
        }

        Document.Expect(root, "type", TypeName, causes);
        Document.Expect(root, "name", name, causes);
        if (Document.NameProblem(name) is { } problem)
        {
            causes.Add(new ValidationCause("name", problem));
        }

        var labels = Document.Labels(root["labels"], "labels", causes);
        if (root["spec"] is not JsonObject spec)
        {
            causes.Add(new ValidationCause("spec", "must be defined"));
            return false;
        }

        var selector = spec["selector"] as JsonObject;
        var chosen = Selectors.Where(s => selector?[s.Field] is not null).ToList();
        if (chosen.Count != 1)
        {
            causes.Add(new ValidationCause("spec.selector", "exact one selector (meshService, meshExternalService) must be defined"));
        }

        var matchLabels = chosen.Count == 1
            ? Document.Labels(selector![chosen[0].Field]!["matchLabels"], $"spec.selector.{chosen[0].Field}.matchLabels", causes)
            : [];
        var template = Document.String(spec["template"]);
        if (string.IsNullOrEmpty(template))
        {
            causes.Add(new ValidationCause("spec.template", "must not be empty"));
        }
        else if (TemplateProblem(template) is { } templateProblem)
        {
            causes.Add(new ValidationCause("spec.template", templateProblem));
        }

        if (spec["extension"] is { } extension && string.IsNullOrEmpty(Document.String(extension["type"])))
        {
            causes.Add(new ValidationCause("spec.extension.type", "must not be empty"));
        }

        if (causes.Count > 0)
        {
            return false;
        }

        generator = new HostnameGenerator(name, chosen[0].TargetType, matchLabels, template!, IsZoneOrigin(labels), CreationTime(root));
        return true;
    }

    /// <summary>A document as stored (already validated when it was accepted); null if it no longer reads as a generator.</summary>
    public static HostnameGenerator? FromStored(string json) =>
        JsonNode.Parse(json)?["name"]?.GetValue<string>() is { } name && TryParse(name, json, out var generator, out _) ? generator : null;

    /// <summary>
    /// The document a default generator is stored as: labelled <c>kuma.io/origin: zone</c>, created at the epoch, so it
    /// sorts before every generator a user creates.
    /// </summary>
    public static string ToDocument(HostnameGenerator generator)
    {
        var field = Selectors.Single(s => s.TargetType == generator.TargetType).Field;
        var matchLabels = new JsonObject(generator.MatchLabels.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        var root = new JsonObject
        {
            ["type"] = TypeName,
            ["name"] = generator.Name,
            ["labels"] = generator.ZoneOrigin ? new JsonObject { [HostnameGenerator.OriginLabel] = "zone" } : new JsonObject(),
            ["creationTime"] = generator.CreationTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
            ["spec"] = new JsonObject
            {
                ["selector"] = new JsonObject { [field] = new JsonObject { ["matchLabels"] = matchLabels } },
                ["template"] = generator.Template,
            },
        };
        return root.ToJsonString();
    }

    /// <summary>The document as the directory stores it: its first <c>creationTime</c> kept, <c>modificationTime</c> now.</summary>
    public static string Stamp(string json, string? existing, DateTimeOffset now)
    {
        var root = (JsonObject)JsonNode.Parse(json)!;
        var text = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
        root["creationTime"] = existing is not null && JsonNode.Parse(existing)?["creationTime"] is JsonValue created ? created.DeepClone() : text;
        root["modificationTime"] = text;
        return root.ToJsonString();
    }

    /// <summary>
    /// Why a template cannot be used: it does not parse, or rendered with stand-in values (every field its own name,
    /// every label <c>label</c>) it is not a lowercase RFC 1123 name.
    /// </summary>
    private static string? TemplateProblem(string text)
    {
        if (!Templates.GoTemplate.TryParse(text, out var template, out var error))
        {
            return $"couldn't parse template: {error}";
        }

        string? Stand(string field) => field switch
        {
            "Name" => "name",
            "DisplayName" => "displayname",
            "Namespace" => "namespace",
            "Mesh" => "mesh",
            "Zone" => "zone",
            _ => null,
        };

        if (!template.TryRender(Stand, _ => "label", out var rendered, out error))
        {
            return $"couldn't render template: {error}";
        }

        return HostnameGenerator.DnsNameProblem(rendered) is { } problem ? $"template renders to \"{rendered}\" which is not a valid DNS name: {problem}" : null;
    }

    private static bool IsZoneOrigin(Dictionary<string, string> labels) => labels.GetValueOrDefault(HostnameGenerator.OriginLabel) == "zone";

    private static DateTimeOffset CreationTime(JsonObject root) =>
        Document.String(root["creationTime"]) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : DateTimeOffset.UnixEpoch;
}
