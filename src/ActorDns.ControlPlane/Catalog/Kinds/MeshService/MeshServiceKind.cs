using System.Text.Json.Nodes;

namespace ActorDns.ControlPlane.Catalog.Kinds.MeshService;

/// <summary>
/// Kuma's <c>MeshService</c> (SPEC §3.1): one VIP from <c>ipam.meshService.CIDR</c>, answered under the hostnames
/// the HostnameGenerators give it; <c>spec.selector.dataplaneTags</c> and <c>spec.ports[]</c>.
/// </summary>
public sealed class MeshServiceKind : ZoneServiceKind
{
    public static readonly ResourceKind Resource = new("MeshService", "meshservices");

    public override ResourceKind Kind => Resource;

    public override string CliName => "meshservice";

    protected override string Origin => EntryKey.MeshServiceOrigin;

    protected override void ValidateSpec(JsonObject spec, List<ValidationCause> causes)
    {
        if (spec["selector"] is { } selector)
        {
            if (selector is not JsonObject selectorObject)
            {
                causes.Add(new ValidationCause("spec.selector", "must be an object"));
            }
            else
            {
                Document.Labels(selectorObject["dataplaneTags"], "spec.selector.dataplaneTags", causes);
            }
        }

        if (spec["ports"] is not { } portsNode)
        {
            return;
        }

        if (portsNode is not JsonArray ports)
        {
            causes.Add(new ValidationCause("spec.ports", "must be a list"));
            return;
        }

        // Port names become DNS labels, which compare without case.
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < ports.Count; i++)
        {
            var field = $"spec.ports[{i}]";
            if (ports[i] is not JsonObject port)
            {
                causes.Add(new ValidationCause(field, "must be an object"));
                continue;
            }

            Document.Port(port["port"], $"{field}.port", causes, required: true);
            if (port["targetPort"] is JsonValue target && target.TryGetValue<string>(out var targetName))
            {
                if (targetName.Length == 0)
                {
                    causes.Add(new ValidationCause($"{field}.targetPort", "must be a port number or a non-empty port name"));
                }
            }
            else
            {
                Document.Port(port["targetPort"], $"{field}.targetPort", causes, required: false);
            }

            if (port["appProtocol"] is { } protocol && Document.String(protocol) is null)
            {
                causes.Add(new ValidationCause($"{field}.appProtocol", "must be a string"));
            }

            if (port["name"] is { } nameNode && (Document.String(nameNode) is not { Length: > 0 } name || !names.Add(name)))
            {
                causes.Add(new ValidationCause($"{field}.name", "must be a non-empty string, unique among the ports"));
            }
        }
    }

    /// <summary>
    /// Every named port (<c>spec.ports[].name</c>, one DNS label): <c>_&lt;name&gt;._udp</c> for <c>appProtocol: udp</c>,
    /// else <c>_&lt;name&gt;._tcp</c>.
    /// </summary>
    public override IEnumerable<NamedPort> NamedPortsOf(JsonNode root)
    {
        foreach (var port in root["spec"]?["ports"] as JsonArray ?? [])
        {
            if (port?["name"] is JsonValue nameValue && nameValue.TryGetValue<string>(out var name) && name.Length > 0 && !name.Contains('.', StringComparison.Ordinal)
                && port["port"] is JsonValue portValue && portValue.TryGetValue<int>(out var number) && number is > 0 and <= ushort.MaxValue)
            {
                var udp = port["appProtocol"] is JsonValue protocol && protocol.TryGetValue<string>(out var appProtocol)
                    && string.Equals(appProtocol, "udp", StringComparison.OrdinalIgnoreCase);
                yield return new NamedPort($"_{name}._{(udp ? "udp" : "tcp")}", (ushort)number);
            }
        }
    }

    /// <summary>The ports listed with its VIP in <c>/vips</c>: <c>spec.ports[].port</c>.</summary>
    public static IEnumerable<int> PortsOf(JsonNode root) =>
        (root["spec"]?["ports"] as JsonArray ?? []).Select(p => p?["port"] is JsonValue v && v.TryGetValue<int>(out var port) ? port : 0).Where(p => p > 0);
}
