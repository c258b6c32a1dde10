using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using ActorDns.ControlPlane.Meshes;

namespace ActorDns.ControlPlane.Events;

/// <summary>
/// The journal's schema: each persisted type has a fixed manifest and is stored as JSON of its own fields,
/// so renaming or moving a class never breaks recovery. A manifest, once written, is never changed or reused;
/// a new shape of an event gets a new manifest (<c>.v2</c>) and both stay readable.
/// </summary>
public sealed class MeshEventSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 7301;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly Dictionary<string, Type> Types = new(StringComparer.Ordinal)
    {
        ["resource-upserted.v1"] = typeof(ResourceUpserted),
        ["resource-deleted.v1"] = typeof(ResourceDeleted),
        ["vip-allocated.v1"] = typeof(VipAllocated),
        ["vip-released.v1"] = typeof(VipReleased),
        ["mesh-created.v1"] = typeof(MeshCreated),
        ["mesh-deleted.v1"] = typeof(MeshDeleted),
        ["hostname-generator-upserted.v1"] = typeof(HostnameGeneratorUpserted),
        ["hostname-generator-deleted.v1"] = typeof(HostnameGeneratorDeleted),
        ["hostname-generators-set.v1"] = typeof(HostnameGeneratorsSet),
        ["token-revoked.v1"] = typeof(TokenRevoked),
        ["mesh-snapshot.v1"] = typeof(MeshSnapshotV1),
        ["mesh-snapshot.v2"] = typeof(MeshSnapshot),
    };

    private static readonly Dictionary<Type, string> Manifests = Types.ToDictionary(p => p.Value, p => p.Key);

    /// <summary>The types this serializer must be bound to.</summary>
    public static IReadOnlyCollection<Type> BoundTypes => Types.Values;

    /// <summary>Every manifest this build reads: each has sample documents under the tests' <c>Schema/Samples</c>.</summary>
    public static IReadOnlyCollection<string> KnownManifests => Types.Keys;

    public override int Identifier => Id;

    public override string Manifest(object o) =>
        Manifests.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new ArgumentException($"{o.GetType()} has no journal manifest", nameof(o));

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);

    public override object FromBinary(byte[] bytes, string manifest) => Read(bytes, manifest);

    /// <summary>
    /// A stored document of <paramref name="manifest"/> as the event or snapshot it is (an older shape upgraded);
    /// <see cref="SerializationException"/> or <see cref="JsonException"/> when this build cannot read it.
    /// </summary>
    public static object Read(byte[] bytes, string manifest)
    {
        if (!Types.TryGetValue(manifest, out var type))
        {
            throw new SerializationException($"unknown journal manifest '{manifest}'");
        }

        var read = JsonSerializer.Deserialize(bytes, type, Json) ?? throw new SerializationException($"empty {manifest}");
        return read is IOlderShape older ? older.Upgrade() : read;
    }
}
