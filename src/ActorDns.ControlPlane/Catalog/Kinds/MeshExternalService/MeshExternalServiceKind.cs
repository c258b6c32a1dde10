using System.Text.Json.Nodes;

namespace ActorDns.ControlPlane.Catalog.Kinds.MeshExternalService;

/// <summary>
/// Kuma's <c>MeshExternalService</c> (SPEC §3.1): one VIP from <c>ipam.meshExternalService.CIDR</c>, answered under
/// the hostnames the HostnameGenerators give it; <c>spec.match{type, port, protocol}</c> and <c>spec.endpoints[]</c>.
/// </summary>
public sealed class MeshExternalServiceKind : ZoneServiceKind
{
    public static readonly ResourceKind Resource = new("MeshExternalService", "meshexternalservices");

    private static readonly string[] Protocols = ["tcp", "grpc", "http", "http2"];

    public override ResourceKind Kind => Resource;

    public override string CliName => "meshexternalservice";

    protected override string Origin => EntryKey.MeshExternalServiceOrigin;

    protected override void ValidateSpec(JsonObject spec, List<ValidationCause> causes)
    {
        if (spec["match"] is not JsonObject match)
        {
            causes.Add(new ValidationCause("spec.match", "must be defined"));
        }
        else
        {
            if (match["type"] is { } type && Document.String(type) != "HostnameGenerator")
            {
                causes.Add(new ValidationCause("spec.match.type", "must be HostnameGenerator"));
            }

            Document.Port(match["port"], "spec.match.port", causes, required: true);
            if (match["protocol"] is { } protocol && !Protocols.Contains(Document.String(protocol)))
            {
                causes.Add(new ValidationCause("spec.match.protocol", $"must be one of {string.Join(", ", Protocols)}"));
            }
        }

        if (spec["endpoints"] is { } endpointsNode)
        {
            if (endpointsNode is not JsonArray endpoints)
            {
                causes.Add(new ValidationCause("spec.endpoints", "must be a list"));
                return;
            }

            for (var i = 0; i < endpoints.Count; i++)
            {
                var field = $"spec.endpoints[{i}]";
                if (endpoints[i] is not JsonObject endpoint || string.IsNullOrEmpty(Document.String(endpoint["address"])))
                {
                    causes.Add(new ValidationCause($"{field}.address", "must be defined"));
                    continue;
                }

                Document.Port(endpoint["port"], $"{field}.port", causes, required: false);
            }
        }
    }

    /// <summary>The port listed with its VIP in <c>/vips</c>: <c>spec.match.port</c>.</summary>
    public static IEnumerable<int> PortsOf(JsonNode root) =>
        root["spec"]?["match"]?["port"] is JsonValue v && v.TryGetValue<int>(out var port) ? [port] : [];
}
