using System.Text.Json.Nodes;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Catalog.Kinds;
using ActorDns.ControlPlane.Zones;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// The <c>status</c> a GET shows for a resource named by HostnameGenerators (SPEC §3.1): its VIP
/// (<c>status.vips</c> for a MeshService, <c>status.vip</c> for a MeshExternalService), the hostnames it is served
/// under (<c>status.addresses</c>) and each generator's condition (<c>status.hostnameGenerators</c>). Other kinds are
/// returned as stored.
/// </summary>
public static class ResourceStatus
{
    public static MeshResource Present(MeshState state, ZoneState zone, MeshResource resource)
    {
        if (!ResourceKinds.Of(resource.Kind).NamedByGenerators)
        {
            return resource;
        }

        var key = resource.EntryKeys(serviceVipEnabled: true).Single();
        var root = resource.ToJson().AsObject();
        var status = new JsonObject();
        var vip = state.Allocator.Assignments.GetValueOrDefault(key)?.Vip?.ToString();
        if (key.Origin == EntryKey.MeshServiceOrigin)
        {
            status["vips"] = new JsonArray(vip is null ? [] : [new JsonObject { ["ip"] = vip }]);
        }
        else if (vip is not null)
        {
            status["vip"] = new JsonObject { ["ip"] = vip };
        }

        var addresses = new JsonArray();
        var generators = new JsonArray();
        foreach (var generated in state.Hostnames.GetValueOrDefault(key, []).OrderBy(g => g.Generator, StringComparer.Ordinal))
        {
            var reference = new JsonObject { ["coreName"] = generated.Generator };
            var winner = generated.Hostname is null ? null : zone.Winner(generated.Hostname);
            var (ok, reason, message) = generated switch
            {
                { Error: { } error } => (false, "TemplateError", error),
                _ when winner is { } other && other != key => (false, "Collision", $"Hostname collision with {resource.Kind.TypeName}: {resource.Name}"),
                _ => (true, "Generated", ""),
            };
            if (ok)
            {
                addresses.Add(new JsonObject { ["hostname"] = generated.Hostname, ["origin"] = "HostnameGenerator", ["hostnameGeneratorRef"] = reference.DeepClone() });
            }

            generators.Add(new JsonObject
            {
                ["hostnameGeneratorRef"] = reference,
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Generated", ["status"] = ok ? "True" : "False", ["reason"] = reason, ["message"] = message }),
            });
        }

        status["addresses"] = addresses;
        status["hostnameGenerators"] = generators;
        root["status"] = status;
        return resource with { Json = root.ToJsonString() };
    }
}
