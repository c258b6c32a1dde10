using System.Text.Json.Nodes;

namespace ActorDns.ControlPlane.Catalog.Kinds.Dataplane;

/// <summary>
/// Kuma's <c>Dataplane</c>: every <c>kuma.io/service</c> of its inbounds wants a VIP, except an inbound that is
/// <c>Ignored</c> or on Kuma's reserved port for service-less Dataplanes.
/// </summary>
public sealed class DataplaneKind : MeshKind
{
    /// <summary>Kuma's reserved port for service-less Dataplanes: its inbound gets no VIP.</summary>
    public const int ReservedPort = 49151;

    public override ResourceKind Kind => ResourceKind.Dataplane;

    public override string CliName => "dataplane";

    public override Derivation Validate(JsonObject root, List<ValidationCause> causes)
    {
        var services = new List<string>();
        if (root["networking"] is not JsonObject networking)
        {
            causes.Add(new ValidationCause("networking", "must be defined"));
            return Derivation.None;
        }

        if (string.IsNullOrEmpty(Document.String(networking["address"])))
        {
            causes.Add(new ValidationCause("networking.address", "must not be empty"));
        }

        var inbounds = networking["inbound"] as JsonArray;
        if ((inbounds is null || inbounds.Count == 0) && networking["gateway"] is null)
        {
            causes.Add(new ValidationCause("networking", "has to contain at least one inbound interface or gateway"));
            return Derivation.None;
        }

        for (var i = 0; i < (inbounds?.Count ?? 0); i++)
        {
            var field = $"networking.inbound[{i}]";
            if (inbounds![i] is not JsonObject inbound)
            {
                causes.Add(new ValidationCause(field, "must be an object"));
                continue;
            }

            var port = Document.Port(inbound["port"], $"{field}.port", causes, required: true);
            Document.Port(inbound["servicePort"], $"{field}.servicePort", causes, required: false);
            var service = Document.ServiceTag(inbound["tags"], $"{field}.tags", causes);
            var ignored = Document.String(inbound["state"]) == "Ignored";
            if (service is not null && port != ReservedPort && !ignored && !services.Contains(service, StringComparer.Ordinal))
            {
                services.Add(service);
            }
        }

        return new Derivation(services, null);
    }
}
