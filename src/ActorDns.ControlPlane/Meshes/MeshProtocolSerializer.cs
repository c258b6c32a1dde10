using System.Net;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using ActorDns.ControlPlane.Templates;
using static ActorDns.ControlPlane.Meshes.MeshDirectoryProtocol;
using static ActorDns.ControlPlane.Meshes.MeshProtocol;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// The wire format of the messages that cross nodes (API node → mesh owner, owner → resolvers): JSON of
/// their own fields with fixed manifests, so nodes of different builds keep understanding each other.
/// </summary>
public sealed class MeshProtocolSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 7302;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new IpAddressConverter() } };

    private static readonly Dictionary<string, Type> Types = new(StringComparer.Ordinal)
    {
        ["upsert-resource"] = typeof(UpsertResource),
        ["resource-stored"] = typeof(ResourceStored),
        ["delete-resource"] = typeof(DeleteResource),
        ["resource-removed"] = typeof(ResourceRemoved),
        ["get-resource"] = typeof(GetResource),
        ["list-resources"] = typeof(ListResources),
        ["resource-list"] = typeof(ResourceList),
        ["clear-mesh"] = typeof(ClearMesh),
        ["get-vips"] = typeof(GetVips),
        ["vip-table"] = typeof(VipTable),
        ["get-zone"] = typeof(GetZone),
        ["zone-snapshot"] = typeof(ZoneSnapshot),
        ["get-zone-version"] = typeof(GetZoneVersion),
        ["zone-version"] = typeof(ZoneVersion),
        ["zone-changed"] = typeof(ZoneChanged),
        ["wake"] = typeof(Wake),
        ["failed"] = typeof(Failed),
        ["create-mesh"] = typeof(CreateMesh),
        ["mesh-stored"] = typeof(MeshStored),
        ["delete-mesh"] = typeof(DeleteMesh),
        ["mesh-removed"] = typeof(MeshRemoved),
        ["list-meshes"] = typeof(ListMeshes),
        ["mesh-list"] = typeof(MeshList),
        ["set-hostname-generators"] = typeof(SetHostnameGenerators),
        ["upsert-hostname-generator"] = typeof(UpsertHostnameGenerator),
        ["hostname-generator-stored"] = typeof(HostnameGeneratorStored),
        ["delete-hostname-generator"] = typeof(DeleteHostnameGenerator),
        ["hostname-generator-removed"] = typeof(HostnameGeneratorRemoved),
        ["list-hostname-generators"] = typeof(ListHostnameGenerators),
        ["hostname-generator-list"] = typeof(HostnameGeneratorList),
        ["revoke-token"] = typeof(RevokeToken),
        ["token-revocation-stored"] = typeof(TokenRevocationStored),
        ["list-revocations"] = typeof(ListRevocations),
        ["revocation-list"] = typeof(RevocationList),
        ["get-corefile-template"] = typeof(CorefileTemplateProtocol.GetCorefileTemplate),
        ["corefile-template"] = typeof(CorefileTemplateProtocol.TemplateOffer),
    };

    private static readonly Dictionary<Type, string> Manifests = Types.ToDictionary(p => p.Value, p => p.Key);

    public static IReadOnlyCollection<Type> BoundTypes => Types.Values;

    public override int Identifier => Id;

    public override string Manifest(object o) =>
        Manifests.TryGetValue(o.GetType(), out var manifest) ? manifest : throw new ArgumentException($"{o.GetType()} has no wire manifest", nameof(o));

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);

    public override object FromBinary(byte[] bytes, string manifest) =>
        Types.TryGetValue(manifest, out var type)
            ? JsonSerializer.Deserialize(bytes, type, Json) ?? throw new SerializationException($"empty {manifest}")
            : throw new SerializationException($"unknown wire manifest '{manifest}'");

    private sealed class IpAddressConverter : JsonConverter<IPAddress>
    {
        public override IPAddress Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            IPAddress.Parse(reader.GetString() ?? throw new JsonException("an address must be a string"));

        public override void Write(Utf8JsonWriter writer, IPAddress value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }
}
