using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;
using ActorDns.ControlPlane.Events;
using ActorDns.ControlPlane.Meshes;
using ActorDns.ControlPlane.Resolution;
using ActorDns.Host.Configuration;
using ActorDns.Server.Query;
using LinqToDB;
using Microsoft.Extensions.DependencyInjection;

namespace ActorDns.Host.ControlPlane;

/// <summary>
/// The Akka.NET side of the composition root: one ActorSystem per process with remoting, cluster,
/// the SQL journal, the mesh shard region, the mesh directory singleton and this node's resolver actor.
/// </summary>
public static class ControlPlaneHosting
{
    public const string SystemName = "actordns";
    public const string ControlPlaneRole = "control-plane";
    public const string ResolverRole = "resolver";

    /// <summary>
    /// Standalone: a one-node cluster with both roles on a random loopback remoting port, joining itself.
    /// </summary>
    public static IServiceCollection AddStandaloneControlPlane(this IServiceCollection services, ActorDnsOptions options, ZoneRegistry zones, ControlPlaneMetrics metrics)
    {
        var served = options.DnsAddresses.Select(a => a.Mesh).Distinct().ToDictionary(m => m, zones.For);
        return services.AddAkka(SystemName, (builder, _) =>
        {
            builder
                .ConfigureLoggers(l =>
                {
                    l.LogLevel = Akka.Event.LogLevel.InfoLevel;
                    l.ClearLoggers();
                    l.AddLoggerFactory();
                })
                .AddHocon("akka.cluster.singleton-proxy.log-singleton-identification-failure = off", HoconAddMode.Prepend)
                .WithRemoting("127.0.0.1", 0)
                .WithClustering(new ClusterOptions { Roles = [ControlPlaneRole, ResolverRole] })
                .WithSqlPersistence(
                    options.Journal.ConnectionString,
                    options.Journal.Provider == JournalProvider.Sqlite ? ProviderName.SQLiteMS : ProviderName.PostgreSQL15,
                    autoInitialize: true)
                .WithCustomSerializer("actordns-events", MeshEventSerializer.BoundTypes, system => new MeshEventSerializer(system))
                .WithDistributedPubSub(role: null!)
                .WithShardRegion<MeshRegionKey>(
                    "mesh",
                    (system, _) => mesh => MeshProtocol.Props(mesh, options.Meshes, TimeProvider.System, metrics, DistributedPubSub.Get(system).Mediator),
                    new MeshMessageExtractor(),
                    new ShardOptions { Role = ControlPlaneRole, StateStoreMode = StateStoreMode.DData, RememberEntities = false })
                .WithSingleton<MeshDirectoryKey>(
                    "mesh-directory",
                    (_, registry, _) => MeshDirectoryProtocol.Props(registry.Get<MeshRegionKey>()),
                    new ClusterSingletonOptions { Role = ControlPlaneRole })
                .WithActors((system, registry) =>
                {
                    var cluster = Cluster.Get(system);
                    cluster.Join(cluster.SelfAddress);
                    registry.Register<ResolverKey>(system.ActorOf(
                        ResolverProtocol.Props(served, options.Zone, registry.Get<MeshRegionKey>(), DistributedPubSub.Get(system).Mediator, new ResolverSettings { CacheDirectory = options.DataDir }),
                        "resolver"));
                });
        });
    }
}
