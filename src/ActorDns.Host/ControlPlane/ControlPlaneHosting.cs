using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;
using ActorDns.ControlPlane.Catalog.Kinds.HostnameGenerator;
using ActorDns.ControlPlane.Events;
using ActorDns.ControlPlane.Meshes;
using ActorDns.ControlPlane.Resolution;
using ActorDns.ControlPlane.Templates;
using ActorDns.ControlPlane.Tokens;
using ActorDns.Host.Configuration;
using ActorDns.Host.Dns;
using ActorDns.Host.Tls;
using ActorDns.Server.Query;
using LinqToDB;
using Microsoft.Extensions.DependencyInjection;

namespace ActorDns.Host.ControlPlane;

/// <summary>
/// The Akka.NET side of the composition root: one ActorSystem per process (per membership on resolvers, see
/// <see cref="ResolverMembership"/>). Control-plane nodes host the
/// mesh shards, the journal and the mesh directory; resolver nodes reach the shards through a proxy and
/// run the resolver actor; standalone is a one-node cluster with both roles that joins itself.
/// </summary>
public static class ControlPlaneHosting
{
    public const string SystemName = "actordns";
    public const string ControlPlaneRole = "control-plane";
    public const string ResolverRole = "resolver";

    /// <summary>
    /// A dead control-plane node's meshes move in under 10 s (decision 0032): it is suspected after 3 s without a heartbeat
    /// (sent every 0.5 s; the 2-core machine delays them up to ~2 s under load), downed 1.5 s later if nothing else
    /// changed, removed at the next leader action, and its shards and singletons start elsewhere 0.5 s after that. The
    /// other side of a partition downs itself at about the same moment; should both ever write one mesh, the journal's
    /// unique (persistence id, sequence number) key rejects the second writer's events. Who is downed is decided by
    /// MajorityDowning (decision 0033): only control-plane nodes vote, each counting the nodes it reaches itself. Every
    /// node carries this configuration's fingerprint as a role, and leaves a cluster whose oldest up member differs (decision 0044).
    /// </summary>
    internal static readonly string Downing = $$"""
        akka.cluster.downing-provider-class = "{{typeof(MajorityDowning).FullName}}, {{typeof(MajorityDowning).Assembly.GetName().Name}}"
        actordns.downing {
          role = {{ControlPlaneRole}}
          probe-interval = 500ms
          unreachable-after = 3s
          stable-after = 1.5s
        }
        akka.cluster.failure-detector.heartbeat-interval = 500ms
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 3s
        akka.cluster.unreachable-nodes-reaper-interval = 250ms
        akka.cluster.down-removal-margin = 500ms
        akka.cluster.gossip-interval = 500ms
        akka.cluster.leader-actions-interval = 500ms
        akka.cluster.sharding.retry-interval = 500ms
        akka.cluster.singleton.hand-over-retry-interval = 500ms
        """;

    public static IServiceCollection AddActorDnsCluster(
        this IServiceCollection services, NodeRole role, ActorDnsOptions options, ResolverSettings resolverSettings, ZoneRegistry zones, ControlPlaneMetrics metrics,
        ControlPlaneTemplates templates)
    {
        var servesDns = role != NodeRole.ControlPlane;
        var hostsShards = role != NodeRole.Resolver;
        var knownMeshes = new KnownMeshes(TimeProvider.System);
        var revokedTokens = new RevokedTokens();
        if (hostsShards)
        {
            services.AddSingleton(knownMeshes);
            services.AddSingleton(revokedTokens);
            services.AddSingleton<MeshRecoveryGate>();
            services.AddHostedService(sp => sp.GetRequiredService<MeshRecoveryGate>());
        }

        var remoting = new RemoteOptions { HostName = options.Remoting.Address.ToString(), Port = options.Remoting.Port };
        if (options.RemotingTls is { } tls)
        {
            remoting.EnableSsl = true;
            remoting.Ssl = RemotingTls.Options(tls);
        }

        var served = options.DnsAddresses.Select(a => a.Mesh).Distinct().ToDictionary(m => m, zones.For);
        string[] roles = role switch
        {
            NodeRole.Standalone => [ControlPlaneRole, ResolverRole],
            NodeRole.ControlPlane => [ControlPlaneRole],
            _ => [ResolverRole],
        };
        roles = [.. roles, MajorityDowning.FingerprintRole(ConfigurationFactory.ParseString(Downing))];
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

                // Akka's scheduler wakes every tick whether or not anything is due: at its default of 10 ms that was
                // over 400 wake-ups a second of an idle node's timer and pool threads, on the receive loops' cores
                // (decision 0041). Every timer here is 200 ms or longer.
                .AddHocon("akka.scheduler.tick-duration = 100ms", HoconAddMode.Prepend)

                .AddHocon(Downing, HoconAddMode.Prepend)

                // A read of a large mesh crosses the cluster as one message: /vips of 2,000 services is about 160 KB, past
                // Akka's 128,000-byte frame, and was dropped (a 503 after 5 s) whenever the API node did not own the mesh.
                .AddHocon("akka.remote.dot-netty.tcp.maximum-frame-size = 32MiB", HoconAddMode.Prepend)
                .WithRemoting(remoting)
                .WithRegisteredMessagesOnly()
                .WithClustering(new ClusterOptions
                {
                    Roles = roles,
                    SeedNodes = [.. options.SeedNodes],
                })
                .WithCustomSerializer("actordns-protocol", MeshProtocolSerializer.BoundTypes, system => new MeshProtocolSerializer(system))
                .WithDistributedPubSub(role: null!);

            if (role == NodeRole.Resolver)
            {
                // With every control-plane node gone, a resolver downs itself (it reaches no majority of them,
                // MajorityDowning). A downed resolver must keep serving its last table, so it
                // does not shut its process down: ResolverMembership starts a new ActorSystem that joins again.
                // The host stops each ActorSystem (ResolverMembership), not the runtime's exit hook: on SIGTERM that hook
                // would end the membership before the host begins stopping, and a new one would start. A proxy holds
                // no shards, so its region's shutdown need not wait the default 10 s for buffered requests, and a
                // downed resolver has nothing worth sending: its remoting stops without Akka's 2 s flush.
                builder.AddHocon("""
                    akka.cluster.run-coordinated-shutdown-when-down = off
                    akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                    akka.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout = 2s
                    akka.remote.flush-wait-on-shutdown = 200ms
                    """, HoconAddMode.Prepend);

                // A resolver waiting for a control plane to come back asks a seed every second, and a failed attempt
                // closes the way to that address for 0.5 s, not Akka's 5 s: shorter than the time between attempts, so
                // the next one always goes out (with 1 s, every other one often found the way still closed).
                builder.AddHocon("""
                    akka.cluster.seed-node-timeout = 1s
                    akka.remote.retry-gate-closed-for = 500ms
                    """, HoconAddMode.Prepend);
            }

            if (hostsShards)
            {
                builder
                    .WithSqlPersistence(
                        options.Journal.ConnectionString,
                        options.Journal.Provider == JournalProvider.Sqlite ? ProviderName.SQLiteMS : ProviderName.PostgreSQL15,
                        autoInitialize: true)

                    // A database that stops or hangs fails a write within 4 s, before the API gives up on it at 5 s, and once
                    // it is back the breakers let the restarting mesh writers through within 2 s instead of Akka's 30 s and
                    // 60 s. Loading a large mesh's snapshot keeps the snapshot store's own 20 s.
                    // No replay filter (decision 0038): Akka.Persistence.Sql stores one writer id per node, so the
                    // filter took a node's events for an old writer's whenever a mesh came back to that node, and
                    // dropped them on recovery. The unique (persistence id, sequence number) key already keeps the
                    // journal to one history, each event decided on all the events before it.
                    .AddHocon("""
                        akka.persistence.journal.sql.replay-filter.mode = off
                        akka.persistence.journal.sql.circuit-breaker { call-timeout = 4s, reset-timeout = 2s }
                        akka.persistence.snapshot-store.sql.circuit-breaker.reset-timeout = 2s
                        """, HoconAddMode.Prepend)
                    .WithCustomSerializer("actordns-events", MeshEventSerializer.BoundTypes, system => new MeshEventSerializer(system))
                    .WithShardRegion<MeshRegionKey>(
                        "mesh",
                        (system, _) => mesh => MeshProtocol.Props(mesh, options.Meshes, TimeProvider.System, metrics, DistributedPubSub.Get(system).Mediator),
                        new MeshMessageExtractor(),
                        new ShardOptions { Role = ControlPlaneRole, StateStoreMode = StateStoreMode.DData, RememberEntities = false })
                    .WithSingleton<MeshDirectoryKey>(
                        "mesh-directory",
                        (system, registry, _) => MeshDirectoryProtocol.Props(
                            registry.Get<MeshRegionKey>(),
                            DistributedPubSub.Get(system).Mediator,
                            [.. options.Meshes.HostnameGenerators.Select(HostnameGeneratorDocument.ToDocument)],
                            TimeProvider.System),
                        new ClusterSingletonOptions { Role = ControlPlaneRole });
            }
            else
            {
                builder.WithShardRegionProxy<MeshRegionKey>("mesh", ControlPlaneRole, new MeshMessageExtractor());
            }

            builder.WithActors((system, registry) =>
            {
                if (role == NodeRole.Standalone)
                {
                    var cluster = Cluster.Get(system);
                    cluster.Join(cluster.SelfAddress);
                }

                if (hostsShards)
                {
                    var mediator = DistributedPubSub.Get(system).Mediator;
                    system.ActorOf(MeshDirectoryProtocol.JournalWarmup(), "journal-warmup");
                    system.ActorOf(MeshDirectoryProtocol.MeshListSubscriber(knownMeshes, mediator), "known-meshes");
                    system.ActorOf(MeshDirectoryProtocol.RevocationsSubscriber(revokedTokens, mediator), MeshDirectoryProtocol.RevocationsSubscriberName);
                    // Watched before it is read, so a change between the two is not missed; standalone's own resolver
                    // watches the file itself (DnsServerService).
                    IActorRef? publisher = null;
                    var watch = role == NodeRole.ControlPlane
                        ? templates.WatchBootstrap(
                            template => publisher?.Tell(template),
                            reason => system.Log.Error("Corefile template refused, the resolvers keep the last one: {0}", reason))
                        : null;
                    publisher = system.ActorOf(
                        CorefileTemplateProtocol.Publisher(DistributedPubSub.Get(system).Mediator, templates.Offered()), CorefileTemplateProtocol.PublisherName);
                    if (watch is not null)
                    {
                        system.RegisterOnTermination(watch.Dispose);
                    }
                }

                if (role == NodeRole.Resolver)
                {
                    system.ActorOf(
                        CorefileTemplateProtocol.Subscriber(DistributedPubSub.Get(system).Mediator, templates.Received, resolverSettings.VersionCheckInterval),
                        "corefile-template-subscriber");
                }

                if (servesDns)
                {
                    registry.Register<ResolverKey>(system.ActorOf(
                        ResolverProtocol.Props(served, options.Zone, registry.Get<MeshRegionKey>(), DistributedPubSub.Get(system).Mediator, resolverSettings, metrics),
                        "resolver"));
                }
            });
        });
    }
}
