using System.Net;
using Akka.Actor;
using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Catalog.Kinds.HostnameGenerator;
using ActorDns.ControlPlane.Events;
using ActorDns.ControlPlane.Meshes;
using ActorDns.Testing;
using Xunit;
using static ActorDns.ControlPlane.Tests.Support.Keys;

namespace ActorDns.ControlPlane.Tests.Schema;

/// <summary>
/// The journal as a schema: <c>Schema/Samples</c> holds documents of every persisted event and snapshot exactly as
/// a release wrote them (a mesh's journal and snapshot, the mesh directory's journal). They must read back, and
/// recover the same VIPs, after any change to the code; a sample is never edited, a new shape adds new samples.
/// </summary>
public sealed class JournalSchemaTests(JournalSchemaTests.Serializer serializer) : IClassFixture<JournalSchemaTests.Serializer>
{
    /// <summary>The journal's serializer, on one actor system for the whole class.</summary>
    public sealed class Serializer : IDisposable
    {
        private readonly ActorSystem _system = ActorSystem.Create("schema");

        public MeshEventSerializer Events => new((ExtendedActorSystem)_system);

        public void Dispose() => _system.Dispose();
    }

    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 30, 0, TimeSpan.Zero);

    /// <summary>The settings the samples were written under: the default IPv4 pool and an IPv6 pool.</summary>
    private static readonly MeshSettings Settings = MeshSettings.Default with
    {
        Allocation = new AllocatorSettings(IpPool.Parse("240.0.0.0/4"), IpPool.Parse("fd00::/64"), TimeSpan.FromSeconds(120)),
    };

    private static string SamplesOf(string journal) => RepositoryRoot.Combine("tests", "ActorDns.ControlPlane.Tests", "Schema", "Samples", journal);

    /// <summary>The manifest of a sample file: <c>07.vip-allocated.v1.json</c> → <c>vip-allocated.v1</c>.</summary>
    private static string ManifestOf(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        return name[(name.IndexOf('.', StringComparison.Ordinal) + 1)..];
    }

    private object Read(string path) => serializer.Events.FromBinary(File.ReadAllBytes(path), ManifestOf(path));

    private List<IMeshEvent> Journal(string journal) =>
        [.. Directory.GetFiles(SamplesOf(journal), "??.*.json").Order(StringComparer.Ordinal).Select(Read).Cast<IMeshEvent>()];

    [Fact]
    public void EveryManifest_HasASampleDocument()
    {
        var sampled = Directory.GetFiles(SamplesOf(""), "*.json", SearchOption.AllDirectories).Select(ManifestOf).ToHashSet(StringComparer.Ordinal);

        Assert.Equal([], MeshEventSerializer.KnownManifests.Except(sampled).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void MeshJournalSample_Replays_ToTheResourcesAndVipsItRecorded()
    {
        var state = Journal("mesh-default").Aggregate(MeshState.Empty("default", Settings), (s, e) => s.Apply(e));

        AssertRecordedState(state);
        Assert.Equal(3, state.GeneratorsSet?.Version);
        Assert.Equal([("static", "MeshService", "db")], state.Generators.Select(g => (g.Name, g.TargetType, g.MatchLabels["team"])));
    }

    /// <summary>v1 (one book per family, before named pools) is upgraded as it is read; v2 is today's shape.</summary>
    [Theory]
    [InlineData("snapshot.mesh-snapshot.v1.json")]
    [InlineData("snapshot.mesh-snapshot.v2.json")]
    public void MeshSnapshotSample_Restores_TheStateOfTheJournalItWasTakenFrom(string sample)
    {
        var snapshot = Assert.IsType<MeshSnapshot>(Read(Path.Combine(SamplesOf("mesh-default"), sample)));

        var state = snapshot.ToState("default", Settings);

        AssertRecordedState(state);
        var journal = Journal("mesh-default").Aggregate(MeshState.Empty("default", Settings), (s, e) => s.Apply(e));
        foreach (var pool in new[] { VipPools.Service, VipPools.ServiceV6 })
        {
            Assert.Equal(journal.Allocator.Book(pool).Quarantined.OrderBy(p => p.Key), state.Allocator.Book(pool).Quarantined.OrderBy(p => p.Key));
            Assert.Equal(journal.Allocator.Book(pool).Used.OrderBy(p => p.Key), state.Allocator.Book(pool).Used.OrderBy(p => p.Key));
        }
    }

    [Fact]
    public void TodaysSnapshot_IsWrittenUnderTheNewestManifest()
    {
        Assert.Equal("mesh-snapshot.v2", serializer.Events.Manifest(MeshSnapshot.From(MeshState.Empty("default", Settings))));
    }

    [Fact]
    public void DirectoryJournalSample_ReadsAsTheMeshesGeneratorsAndRevocationsItRecorded()
    {
        var journal = Journal("mesh-directory");

        Assert.Equal([new MeshCreated("payments"), new MeshDeleted("payments")], journal.Take(2));
        var upserted = Assert.IsType<HostnameGeneratorUpserted>(journal[2]);
        Assert.Equal("static", upserted.Name);
        Assert.Equal("{{ .Name }}.static.mesh", HostnameGeneratorDocument.FromStored(upserted.Json)!.Template);
        Assert.Equal(new HostnameGeneratorDeleted("static"), journal[3]);
        Assert.Equal(new TokenRevoked("2b0d7c3e-5a41-4f7e-9a53-0c1f6f0e8d11"), journal[4]);
    }

    /// <summary>
    /// backend-1 (service <c>backend_ns_svc_8080</c>) and httpbin (host <c>httpbin.org</c>) with their VIPs; <c>old</c>
    /// deleted: the next entry gets the address after its two released VIPs (the cursor).
    /// </summary>
    private static void AssertRecordedState(MeshState state)
    {
        Assert.Equal(["backend-1"], state.Catalog.Of(ResourceKind.Dataplane).Keys);
        Assert.Equal(["httpbin"], state.Catalog.Of(ResourceKind.ExternalService).Keys);
        Assert.Equal(
            [
                ("host:httpbin.org", "240.0.0.2", "fd00::2", T0.AddSeconds(1)),
                ("service:backend_ns_svc_8080", "240.0.0.1", "fd00::1", T0),
                ("service:httpbin", "240.0.0.3", "fd00::3", T0.AddSeconds(1)),
            ],
            state.Allocator.Assignments.Values.Select(a => (a.Key.ToString(), a.Vip?.ToString(), a.VipV6?.ToString(), a.Since)));

        var next = state.DecideUpsert(Meshes.TestResources.Dataplane("web-1", "web"), [], T0.AddSeconds(10)).OfType<VipAllocated>().Single();
        Assert.Equal(("240.0.0.6", "fd00::6"), (next.Vip, next.VipV6));
    }
}
