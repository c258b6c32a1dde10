using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace ActorDns.ControlPlane.Catalog.Kinds.ExternalService;

/// <summary>
/// Kuma's <c>ExternalService</c>: its <c>kuma.io/service</c> wants a VIP, and so does its host when it is a DNS name
/// (an IP literal gets none, nor does a host with <c>disableHostDNSEntry</c>).
/// </summary>
public sealed class ExternalServiceKind : MeshKind
{
    public override ResourceKind Kind => ResourceKind.ExternalService;

    public override string CliName => "external-service";

    public override Derivation Validate(JsonObject root, List<ValidationCause> causes)
    {
        var service = Document.ServiceTag(root["tags"], "tags", causes);
        var address = Document.String((root["networking"] as JsonObject)?["address"]);
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
        return new Derivation(service is null ? [] : [service], hostEntry);
    }
}
