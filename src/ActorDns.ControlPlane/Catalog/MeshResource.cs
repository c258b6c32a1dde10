using System.Text.Json.Nodes;
using ActorDns.ControlPlane.Catalog.Kinds;

namespace ActorDns.ControlPlane.Catalog;

/// <summary>
/// A validated resource of a mesh: its JSON as stored (returned by GET, with a status for the kinds that have one) and
/// what the control plane derives from it — the entries that need VIPs (SPEC §3).
/// </summary>
public sealed record MeshResource(ResourceKind Kind, string Mesh, string Name, string Json, IReadOnlyList<string> Services, string? Host)
{
    public const string ServiceTag = "kuma.io/service";

    /// <summary>The entries this resource wants a VIP for, as its kind derives them; service entries only when service VIPs are on.</summary>
    public IEnumerable<EntryKey> EntryKeys(bool serviceVipEnabled)
    {
        var entries = ResourceKinds.Of(Kind).EntriesOf(this);
        return serviceVipEnabled ? entries : entries.Where(k => k.Origin != EntryKey.ServiceOrigin);
    }

    public JsonNode ToJson() => JsonNode.Parse(Json)!;
}
