using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ActorDns.ControlPlane.Catalog.Kinds.VirtualOutbound;

/// <summary>
/// Kuma's <c>VirtualOutbound</c> (SPEC §3.1, kuma-dns.md §5): for every Dataplane inbound one of its selectors
/// matches, the host and port templates rendered with the inbound's tags give an <c>fqdn:</c> entry. Its own
/// document wants no entry: what it derives depends on the Dataplanes (<see cref="VirtualHosts"/>).
/// </summary>
public sealed partial class VirtualOutboundKind : MeshKind
{
    public static readonly ResourceKind Resource = new("VirtualOutbound", "virtual-outbounds");

    [GeneratedRegex("^[a-zA-Z0-9]+$")]
    private static partial Regex ParameterName();

    public override ResourceKind Kind => Resource;

    public override string CliName => "virtual-outbound";

    public override Derivation Validate(JsonObject root, List<ValidationCause> causes)
    {
        if (root["selectors"] is not JsonArray { Count: > 0 } selectors)
        {
            causes.Add(new ValidationCause("selectors", "must have at least one element"));
        }
        else
        {
            for (var i = 0; i < selectors.Count; i++)
            {
                var match = Document.Labels((selectors[i] as JsonObject)?["match"], $"selectors[{i}].match", causes);
                if (match.Count == 0)
                {
                    causes.Add(new ValidationCause($"selectors[{i}].match", "must have at least one tag"));
                }
            }
        }

        if (root["conf"] is not JsonObject conf)
        {
            causes.Add(new ValidationCause("conf", "cannot be empty"));
            return Derivation.None;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var service = false;
        var parameters = conf["parameters"] as JsonArray ?? [];
        for (var i = 0; i < parameters.Count; i++)
        {
            // An element that is not an object (a string, a number) has no name: refused below like a missing one.
            var parameter = parameters[i] as JsonObject;
            var name = Document.String(parameter?["name"]);
            var tagKey = Document.String(parameter?["tagKey"]) ?? name;
            if (name is null || !ParameterName().IsMatch(name))
            {
                causes.Add(new ValidationCause($"conf.parameters[{i}].name", "must only contain alphanumeric characters"));
            }
            else if (!names.Add(name))
            {
                causes.Add(new ValidationCause($"conf.parameters[{i}].name", "name is already used"));
            }

            service |= tagKey == MeshResource.ServiceTag;
        }

        if (!service)
        {
            causes.Add(new ValidationCause("conf.parameters", $"must contain a parameter with {MeshResource.ServiceTag} as a tagKey"));
        }

        var host = Document.String(conf["host"]);
        var port = Document.String(conf["port"]);
        if (string.IsNullOrEmpty(host))
        {
            causes.Add(new ValidationCause("conf.host", "cannot be empty"));
        }
        else if (VirtualHosts.Host(host, names.ToDictionary(n => n, _ => "dummy")) is { Error: { } hostError })
        {
            causes.Add(new ValidationCause("conf.host", hostError));
        }

        if (string.IsNullOrEmpty(port))
        {
            causes.Add(new ValidationCause("conf.port", "cannot be empty"));
        }
        else if (VirtualHosts.Port(port, names.ToDictionary(n => n, _ => "1")) is { Error: { } portError })
        {
            causes.Add(new ValidationCause("conf.port", portError));
        }

        return Derivation.None;
    }

    public override IEnumerable<EntryKey> EntriesOf(MeshResource resource) => [];

    /// <summary>Stored with its creation time: the newest VirtualOutbound wins between two of equal rank.</summary>
    public override string Stamp(MeshResource resource, MeshResource? existing, StampContext context) => Document.StampTimes(resource, existing, context);
}
