using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ActorDns.ControlPlane.Catalog;

/// <summary>
/// Validates Kuma resources as the API receives them (SPEC §2) and derives their entries. Every problem is
/// reported with its field; nothing is thrown for bad input.
/// </summary>
public static partial class ResourceParser
{
    /// <summary>Kuma's reserved port for service-less Dataplanes: its inbound gets no VIP.</summary>
    public const int ReservedPort = 49151;

    [GeneratedRegex(@"^[a-zA-Z0-9]([a-zA-Z0-9._-]{0,251}[a-zA-Z0-9])?$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[a-zA-Z0-9.\-_:/]+$")]
    private static partial Regex TagKeyPattern();

    [GeneratedRegex(@"^[a-zA-Z0-9.\-_:]+$")]
    private static partial Regex TagValuePattern();

    /// <summary>Checks a mesh or resource name: 1–253 characters, letters, digits, '.', '-', '_'.</summary>
    public static string? NameProblem(string? name) =>
        name is not null && NamePattern().IsMatch(name) ? null : "must be 1 to 253 letters, digits, '.', '-' or '_', starting and ending with a letter or digit";

    /// <summary>Parses and validates a mesh-scoped resource whose URL names <paramref name="mesh"/> and <paramref name="name"/>.</summary>
    public static bool TryParse(ResourceKind kind, string mesh, string name, string json, out MeshResource resource, out List<ValidationCause> causes)
    {
        resource = null!;
        causes = [];
        if (!TryParseObject(json, causes, out var root))
        {
            return false;
        }

        Expect(root, "type", kind.TypeName, causes);
        Expect(root, "mesh", mesh, causes);
        Expect(root, "name", name, causes);
        if (NameProblem(name) is { } nameProblem)
        {
            causes.Add(new ValidationCause("name", nameProblem));
        }

        var (services, host) = kind == ResourceKind.Dataplane ? ValidateDataplane(root, causes) : ValidateExternalService(root, causes);
        if (causes.Count > 0)
        {
            return false;
        }

        resource = new MeshResource(kind, mesh, name, root.ToJsonString(), services, host);
        return true;
    }

    /// <summary>Parses a <c>{"type":"Mesh","name":...}</c> body for <c>PUT /meshes/{name}</c>.</summary>
    public static bool TryParseMesh(string name, string json, out List<ValidationCause> causes)
    {
        causes = [];
        if (!TryParseObject(json, causes, out var root))
        {
            return false;
        }

        Expect(root, "type", "Mesh", causes);
        Expect(root, "name", name, causes);
        if (NameProblem(name) is { } problem)
        {
            causes.Add(new ValidationCause("name", problem));
        }
        else if (Meshes.PersistenceIds.Mesh(name) == Meshes.PersistenceIds.Directory)
        {
            causes.Add(new ValidationCause("name", $"\"{name}\" is reserved: its journal would be the mesh directory's"));
        }

        return causes.Count == 0;
    }

    private static bool TryParseObject(string json, List<ValidationCause> causes, out JsonObject root)
    {
        root = null!;
        try
        {
            if (JsonNode.Parse(json) is JsonObject parsed)
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

    private static void Expect(JsonObject root, string field, string expected, List<ValidationCause> causes)
    {
        var actual = String(root[field]);
        if (actual != expected)
        {
            causes.Add(new ValidationCause(field, actual is null ? $"must be \"{expected}\"" : $"\"{actual}\" does not match \"{expected}\""));
        }
    }

    private static (List<string> Services, string? Host) ValidateDataplane(JsonObject root, List<ValidationCause> causes)
    {
        var services = new List<string>();
        if (root["networking"] is not JsonObject networking)
        {
            causes.Add(new ValidationCause("networking", "must be defined"));
            return (services, null);
        }

        if (string.IsNullOrEmpty(String(networking["address"])))
        {
            causes.Add(new ValidationCause("networking.address", "must not be empty"));
        }

        var inbounds = networking["inbound"] as JsonArray;
        if ((inbounds is null || inbounds.Count == 0) && networking["gateway"] is null)
        {
            causes.Add(new ValidationCause("networking", "has to contain at least one inbound interface or gateway"));
            return (services, null);
        }

        for (var i = 0; i < (inbounds?.Count ?? 0); i++)
        {
            var field = $"networking.inbound[{i}]";
            if (inbounds![i] is not JsonObject inbound)
            {
                causes.Add(new ValidationCause(field, "must be an object"));
                continue;
            }

            var port = Port(inbound["port"], $"{field}.port", causes, required: true);
            Port(inbound["servicePort"], $"{field}.servicePort", causes, required: false);
            var service = ValidateTags(inbound["tags"], $"{field}.tags", causes);
            var ignored = String(inbound["state"]) == "Ignored";
            if (service is not null && port != ReservedPort && !ignored && !services.Contains(service, StringComparer.Ordinal))
            {
                services.Add(service);
            }
        }

        return (services, null);
    }

    private static (List<string> Services, string? Host) ValidateExternalService(JsonObject root, List<ValidationCause> causes)
    {
        var service = ValidateTags(root["tags"], "tags", causes);
        var address = String((root["networking"] as JsonObject)?["address"]);
        string? host = null;
        var colon = address?.LastIndexOf(':') ?? -1;
        if (address is null || colon <= 0)
        {
            causes.Add(new ValidationCause("networking.address", "must be host:port"));
        }
        else
        {
            host = address[..colon].Trim('[', ']');
            if (!IPAddress.TryParse(host, out _) && !ActorDns.Protocol.DnsName.TryParse(host, out _, out var hostProblem))
            {
                causes.Add(new ValidationCause("networking.address", $"host \"{host}\" is neither an IP address nor a valid DNS name ({hostProblem})"));
            }
            if (!int.TryParse(address[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                causes.Add(new ValidationCause("networking.address", "port must be in the range [1, 65535]"));
            }
        }

        var disabled = (root["networking"] as JsonObject)?["disableHostDNSEntry"] is JsonValue flag && flag.TryGetValue<bool>(out var value) && value;

        // SPEC §3: an IP literal gets no VIP; a DNS name does unless disableHostDNSEntry.
        var hostEntry = host is not null && !disabled && !IPAddress.TryParse(host, out _) ? host : null;
        return (service is null ? [] : [service], hostEntry);
    }

    /// <summary>Validates a tag map and returns its <c>kuma.io/service</c> (null, with a cause, when missing).</summary>
    private static string? ValidateTags(JsonNode? node, string field, List<ValidationCause> causes)
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

    private static int Port(JsonNode? node, string field, List<ValidationCause> causes, bool required)
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

    private static string? String(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
