using System.Text.Json;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Catalog.Kinds.VirtualOutbound;
using ActorDns.ControlPlane.Meshes;
using ActorDns.ControlPlane.Zones;
using Xunit;
using static ActorDns.ControlPlane.Meshes.MeshProtocol;
using static ActorDns.ControlPlane.Tests.Support.Keys;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>
/// VirtualOutbounds in a mesh (SPEC §3.1; Kuma's scenarios 23–29, 35–37 and 88–92 of kuma-dns.md §11): the
/// <c>fqdn:</c> entries they render for Dataplane inbounds, with ports and the winning VirtualOutbound as origin,
/// precedence, and failed renderings as warnings in <c>/vips</c>. Scenario 91's tag value <c>foo()bar</c> cannot pass
/// a Dataplane's validation, so <c>foo:bar</c> stands in for it.
/// </summary>
public sealed class VirtualOutboundStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static MeshResource Dataplane(string name, params Dictionary<string, string>[] inbounds) =>
        Parse(ResourceKind.Dataplane, name, JsonSerializer.Serialize(new
        {
            type = "Dataplane",
            mesh = "default",
            name,
            networking = new { address = "10.0.0.1", inbound = inbounds.Select((tags, i) => new { port = tags.TryGetValue("@port", out var p) ? int.Parse(p) : 8080 + i, state = tags.GetValueOrDefault("@state"), tags = tags.Where(t => !t.Key.StartsWith('@')).ToDictionary() }) },
        }, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }));

    private static Dictionary<string, string> Tags(string service, params (string Key, string Value)[] more)
    {
        var tags = new Dictionary<string, string> { ["kuma.io/service"] = service };
        foreach (var (key, value) in more)
        {
            tags[key] = value;
        }

        return tags;
    }

    private static MeshResource VirtualOutbound(string name, string host, string port, object[] selectors, params (string Name, string? TagKey)[] parameters) =>
        Parse(VirtualOutboundKind.Resource, name, JsonSerializer.Serialize(new
        {
            type = "VirtualOutbound",
            mesh = "default",
            name,
            selectors = selectors.Select(s => new { match = s }),
            conf = new { host, port, parameters = parameters.Select(p => p.TagKey is null ? (object)new { name = p.Name } : new { name = p.Name, tagKey = p.TagKey }) },
        }));

    private static MeshResource Parse(ResourceKind kind, string name, string json)
    {
        Assert.True(ResourceParser.TryParse(kind, "default", name, json, out var resource, out var causes), string.Join("; ", causes));
        return resource;
    }

    private static MeshState Upsert(MeshState state, MeshResource resource, DateTimeOffset? at = null) =>
        state.DecideUpsert(resource, [], at ?? T0).Aggregate(state, (s, e) => s.Apply(e));

    private static MeshState Build(params MeshResource[] resources) => resources.Aggregate(MeshState.Empty("default", MeshSettings.Default), (s, r) => Upsert(s, r));

    private static Dictionary<string, VipEntry> Vips(MeshState state) =>
        VipReadModel.Entries(state, ZoneProjection.Recover(state, 1).Zone).ToDictionary(e => e.Key);

    private static readonly (string, string?)[] SrvInstancePort = [("srv", "kuma.io/service"), ("instance", null), ("port", null)];

    [Fact]
    public void Scenario23_InstancesOfAService_EachGetAHostWithItsPort()
    {
        var state = Build(
            VirtualOutbound("vob-1", "{{.srv}}.{{.instance}}.mesh", "{{if .port}}{{.port}}{{else}}8080{{end}}", [new Dictionary<string, string> { ["kuma.io/service"] = "*", ["instance"] = "*" }], SrvInstancePort),
            Dataplane("dp-1", Tags("service1", ("instance", "a"), ("port", "9000"))),
            Dataplane("dp-2", Tags("service1", ("instance", "b"))),
            Dataplane("dp-3", Tags("service2")));

        var vips = Vips(state);

        Assert.Equal(["fqdn:service1.a.mesh", "fqdn:service1.b.mesh", "service:service1", "service:service2"], vips.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([9000], vips["fqdn:service1.a.mesh"].Ports);
        Assert.Equal("virtual-outbound:vob-1", vips["fqdn:service1.a.mesh"].Origin);
        Assert.Equal([8080], vips["fqdn:service1.b.mesh"].Ports);
        Assert.Equal(["service1.a.mesh"], vips["fqdn:service1.a.mesh"].Names);
        Assert.NotNull(vips["fqdn:service1.b.mesh"].Vip);
    }

    [Fact]
    public void Scenario24_OneHostManyPorts_ListsEveryPort()
    {
        var state = Build(
            VirtualOutbound("vob-1", "{{.srv}}.mesh", "{{if .port}}{{.port}}{{else}}8080{{end}}", [new Dictionary<string, string> { ["kuma.io/service"] = "*" }], SrvInstancePort),
            Dataplane("dp-1", Tags("service1", ("port", "9000"))),
            Dataplane("dp-2", Tags("service1", ("port", "8000"))),
            Dataplane("dp-3", Tags("service2")));

        var vips = Vips(state);

        Assert.Equal([8000, 9000], vips["fqdn:service1.mesh"].Ports);
        Assert.Equal([8080], vips["fqdn:service2.mesh"].Ports);
    }

    [Fact]
    public void Scenario25_TwoVirtualOutboundsOneHost_TheMoreSpecificIsTheOrigin()
    {
        var state = Build(
            VirtualOutbound("vob-1", "{{.srv}}.mesh", "8080", [new Dictionary<string, string> { ["kuma.io/service"] = "*" }], ("srv", "kuma.io/service")),
            VirtualOutbound("vob-2", "{{.srv}}.mesh", "8080", [new Dictionary<string, string> { ["kuma.io/service"] = "*", ["instance"] = "*" }], ("srv", "kuma.io/service")),
            Dataplane("dp-1", Tags("service1", ("instance", "1"))));

        Assert.Equal("virtual-outbound:vob-2", Vips(state)["fqdn:service1.mesh"].Origin);
    }

    [Theory]
    [InlineData("Ignored", "8080")]
    [InlineData(null, "49151")]
    public void Scenario28And29_IgnoredOrReservedInbound_NoEntry(string? inboundState, string port)
    {
        var tags = Tags("service1");
        tags["@port"] = port;
        if (inboundState is not null)
        {
            tags["@state"] = inboundState;
        }

        var state = Build(VirtualOutbound("vob-1", "{{.srv}}.mesh", "8080", [new Dictionary<string, string> { ["kuma.io/service"] = "*" }], ("srv", "kuma.io/service")), Dataplane("dp-1", tags));

        Assert.Empty(Vips(state));
    }

    [Theory]
    [InlineData(33, null)]
    [InlineData(34, "a-service")]
    public void Scenarios33And34_NoVirtualOutboundOrNoSelectorMatches_OnlyTheServiceEntry(int scenario, string? selected)
    {
        var dataplane = Dataplane("dp-1", Tags("b-service"));
        var state = selected is null
            ? Build(dataplane)
            : Build(VirtualOutbound($"vob-{scenario}", "{{.srv}}.mesh", "8080", [new Dictionary<string, string> { ["kuma.io/service"] = selected }], ("srv", "kuma.io/service")), dataplane);

        Assert.Equal(["service:b-service"], Vips(state).Keys);
    }

    [Theory]
    [InlineData(35)]
    [InlineData(36)]
    [InlineData(37)]
    public void Scenarios35To37_Precedence_MoreKeysThenMoreExactThenNewest(int scenario)
    {
        var vob0Selectors = scenario == 36
            ? new object[] { new Dictionary<string, string> { ["kuma.io/service"] = "*" }, new Dictionary<string, string> { ["kuma.io/service"] = "*", ["a"] = "1", ["b"] = "2" } }
            : [new Dictionary<string, string> { ["kuma.io/service"] = "*" }];
        var vob1Selectors = scenario == 37 ? vob0Selectors : [new Dictionary<string, string> { ["kuma.io/service"] = "*", ["foo"] = "bar" }];
        var state = Upsert(
            Upsert(Build(VirtualOutbound("vob0", "{{.srv}}.mesh", "8080", vob0Selectors, ("srv", "kuma.io/service"))), VirtualOutbound("vob1", "{{.srv}}.mesh", "8080", vob1Selectors, ("srv", "kuma.io/service")), T0.AddMinutes(1)),
            Dataplane("dp-1", Tags("b-service", ("foo", "bar"))));

        Assert.Equal("virtual-outbound:vob1", Vips(state)["fqdn:b-service.mesh"].Origin);
    }

    [Theory]
    [InlineData("{{.srv}}.mesh", "{{.port}}", "port", "hello", "didn't evaluate to a parsable number result=\"hello\"")]
    [InlineData("{{.srv}}.mesh", "{{.port}}", "port", "80000", "returned a port outside of the range [1..65535] result=80000")]
    [InlineData("{{.host}}.mesh", "8080", "host", "foo:bar", "didn't return a valid dns name result=\"foo:bar.mesh\"")]
    public void Scenarios88To91_RenderingFails_NoEntryAndAWarning(string host, string port, string tag, string value, string error)
    {
        var state = Build(
            VirtualOutbound("vob-1", host, port, [new Dictionary<string, string> { ["kuma.io/service"] = "*" }], ("srv", "kuma.io/service"), (tag, null)),
            Dataplane("dp-1", Tags("web", (tag, value))));

        Assert.DoesNotContain(Vips(state).Keys, k => k.StartsWith("fqdn:", StringComparison.Ordinal));
        var warning = Assert.Single(VipReadModel.Warnings(state));
        Assert.StartsWith("VirtualOutbound vob-1, Dataplane dp-1 inbound 0: evaluation of template with parameters ", warning, StringComparison.Ordinal);
        Assert.EndsWith(error, warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Scenarios89And92_PortsConcatenated_HostWithDashesAndDigits()
    {
        var state = Build(
            VirtualOutbound("vob-1", "{{.host}}.{{.instance}}", "{{.port}}{{.offset}}", [new Dictionary<string, string> { ["kuma.io/service"] = "*" }], ("host", "kuma.io/service"), ("instance", null), ("port", null), ("offset", null)),
            Dataplane("dp-1", Tags("foo-bar", ("instance", "2"), ("port", "80"), ("offset", "81"))));

        Assert.Equal([8081], Vips(state)["fqdn:foo-bar.2"].Ports);
    }

    [Fact]
    public void DataplaneAndVirtualOutboundChanges_AddAndRemoveTheEntryAndItsVip()
    {
        var vo = VirtualOutbound("vob-1", "{{.srv}}.virtual", "8080", [new Dictionary<string, string> { ["kuma.io/service"] = "*" }], ("srv", "kuma.io/service"));
        var state = Build(Dataplane("dp-1", Tags("web")));

        state = Upsert(state, vo);
        Assert.True(state.IsWanted(K("fqdn:web.virtual")));
        Assert.NotNull(state.Allocator.Assignments.GetValueOrDefault(K("fqdn:web.virtual"))?.Vip);

        state = Upsert(state, Dataplane("dp-2", Tags("api")));
        Assert.NotNull(state.Allocator.Assignments.GetValueOrDefault(K("fqdn:api.virtual"))?.Vip);

        state = state.DecideDelete(VirtualOutboundKind.Resource, "vob-1", [], T0).Aggregate(state, (s, e) => s.Apply(e));
        Assert.False(state.IsWanted(K("fqdn:web.virtual")));
        Assert.DoesNotContain(state.Allocator.Assignments.Keys, k => k.Origin == EntryKey.FqdnOrigin);
        Assert.Empty(state.FqdnReferences);
    }

    [Fact]
    public void Snapshot_WithVirtualOutbounds_RestoresTheirEntries()
    {
        var state = Build(
            VirtualOutbound("vob-1", "{{.srv}}.virtual", "8080", [new Dictionary<string, string> { ["kuma.io/service"] = "*" }], ("srv", "kuma.io/service")),
            Dataplane("dp-1", Tags("web")));

        var restored = MeshSnapshot.From(state).ToState("default", state.Settings);

        Assert.Equal(state.FqdnReferences, restored.FqdnReferences);
        Assert.Equal(Vips(state)["fqdn:web.virtual"], Vips(restored)["fqdn:web.virtual"], new VipEntryComparer());
    }

    private sealed class VipEntryComparer : IEqualityComparer<VipEntry>
    {
        public bool Equals(VipEntry? x, VipEntry? y) =>
            (x!.Key, x.Origin, x.Vip, string.Join(",", x.Ports), string.Join(",", x.Names)) == (y!.Key, y.Origin, y.Vip, string.Join(",", y.Ports), string.Join(",", y.Names));

        public int GetHashCode(VipEntry obj) => obj.Key.GetHashCode(StringComparison.Ordinal);
    }
}
