using System.Text.Json.Nodes;

namespace ActorDns.ControlPlane.Catalog;

/// <summary>
/// A validated Dataplane or ExternalService: its JSON exactly as applied (returned unchanged by GET) and
/// what the control plane derives from it — the entries that need VIPs (SPEC §3).
/// </summary>
public sealed record MeshResource(ResourceKind Kind, string Mesh, string Name, string Json, IReadOnlyList<string> Services, string? Host)
{
    public const string ServiceTag = "kuma.io/service";

    /// <summary>Entry keys of this resource: <c>service:&lt;svc&gt;</c> (when service VIPs are on) and <c>host:&lt;h&gt;</c>.</summary>
    public IEnumerable<EntryKey> EntryKeys(bool serviceVipEnabled)
    {
        if (serviceVipEnabled)
        {
            foreach (var service in Services)
            {
                yield return EntryKey.Service(service);
            }
        }

        if (Host is not null)
        {
            yield return EntryKey.Host(Host);
        }
    }

    public JsonNode ToJson() => JsonNode.Parse(Json)!;
}
