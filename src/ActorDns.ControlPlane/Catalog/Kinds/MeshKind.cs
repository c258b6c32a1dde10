using System.Text.Json.Nodes;

namespace ActorDns.ControlPlane.Catalog.Kinds;

/// <summary>
/// One kind of mesh-scoped resource, in its own folder: how its document is validated and what the control plane
/// derives from it. <see cref="ResourceKinds"/> lists every kind; the API routes, the CLI and the catalog are built
/// from that list.
/// </summary>
public abstract class MeshKind
{
    /// <summary>The kind's Kuma type name and URL segment.</summary>
    public abstract ResourceKind Kind { get; }

    /// <summary>The singular the CLI takes: <c>actordns delete dataplane NAME</c>.</summary>
    public abstract string CliName { get; }

    /// <summary>
    /// Checks the fields of this kind (the envelope — type, mesh, name — is already checked) and returns what is
    /// derived from the document; every problem is added to <paramref name="causes"/> with its field.
    /// </summary>
    public abstract Derivation Validate(JsonObject root, List<ValidationCause> causes);

    /// <summary>True when HostnameGenerators name this kind's resources: their hostnames answer the resource's VIP.</summary>
    public virtual bool NamedByGenerators => false;

    /// <summary>
    /// The service names a resource of this kind is answered with under each of its generated hostnames (SPEC §4.1,
    /// SRV): none by default.
    /// </summary>
    public virtual IEnumerable<NamedPort> NamedPortsOf(JsonNode root) => [];

    /// <summary>The entries a resource of this kind wants a VIP for: by default its services and its host.</summary>
    public virtual IEnumerable<EntryKey> EntriesOf(MeshResource resource)
    {
        foreach (var service in resource.Services)
        {
            yield return EntryKey.Service(service);
        }

        if (resource.Host is not null)
        {
            yield return EntryKey.Host(resource.Host);
        }
    }

    /// <summary>
    /// The document as the mesh stores it when it is accepted at <see cref="StampContext.Now"/>, replacing
    /// <paramref name="existing"/> if any: by default exactly as applied.
    /// </summary>
    public virtual string Stamp(MeshResource resource, MeshResource? existing, StampContext context) => resource.Json;
}

/// <summary>What a kind may add to a document it accepts: the mesh's zone and the time of acceptance.</summary>
public sealed record StampContext(string Zone, DateTimeOffset Now);

/// <summary>What a resource asks of the mesh when it is accepted: its services and the host that needs a VIP.</summary>
public sealed record Derivation(IReadOnlyList<string> Services, string? Host)
{
    public static Derivation None { get; } = new([], null);
}
