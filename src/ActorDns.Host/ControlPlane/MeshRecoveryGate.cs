using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using ActorDns.ControlPlane.Meshes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorDns.Host.ControlPlane;

/// <summary>
/// Holds a node that hosts mesh shards unready (<c>/health/ready</c> 503) until every mesh in the directory has
/// recovered from the journal once: each is asked its zone version through the shard region, which a mesh answers
/// only after its writer has read its events (<see cref="MeshProtocol.GetZoneVersion"/>). Asking also starts the
/// meshes, so the first registration after ready does not wait for a large mesh's recovery. Once every mesh has
/// answered, the gate stays open: a mesh moving or restarting later is failover, not a start. A mesh that cannot
/// recover (its journal keeps failing) does not hold the node unready for ever: after <see cref="MaxWait"/> the gate
/// opens with a warning, so the API that could repair it stays in service.
/// </summary>
internal sealed partial class MeshRecoveryGate(ActorRegistry actors, IServiceProvider services, ILogger<MeshRecoveryGate> logger) : BackgroundService
{
    /// <summary>How long one round waits for the directory and for each mesh; a large mesh's recovery takes seconds.</summary>
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(200);

    /// <summary>How long the gate waits for every mesh before it opens anyway.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(2);

    private volatile bool _open;

    /// <summary>Whether every mesh has recovered once since this node started.</summary>
    public bool Open => _open;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        var directory = await actors.GetAsync<MeshDirectoryKey>(stoppingToken).ConfigureAwait(false);
        var region = await actors.GetAsync<MeshRegionKey>(stoppingToken).ConfigureAwait(false);
        var cluster = Cluster.Get(services.GetRequiredService<ActorSystem>());
        while (!stoppingToken.IsCancellationRequested)
        {
            if (cluster.SelfMember.Status == MemberStatus.Up && await AllRecoveredAsync(directory, region, stoppingToken).ConfigureAwait(false) is { } meshes)
            {
                Log.Recovered(logger, meshes, TimeProvider.System.GetElapsedTime(started).TotalSeconds);
                _open = true;
                return;
            }

            if (TimeProvider.System.GetElapsedTime(started) >= MaxWait)
            {
                Log.GaveUp(logger, MaxWait.TotalSeconds);
                _open = true;
                return;
            }

            await Task.Delay(Retry, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>How many meshes there are, when every one answered with its version; null when one did not (yet).</summary>
    private static async Task<int?> AllRecoveredAsync(IActorRef directory, IActorRef region, CancellationToken stopping)
    {
        try
        {
            var list = await directory.Ask<MeshDirectoryProtocol.MeshList>(MeshDirectoryProtocol.ListMeshes.Instance, AskTimeout, stopping).ConfigureAwait(false);
            var answers = await Task.WhenAll(list.Names.Select(mesh => region.Ask<object>(new MeshProtocol.GetZoneVersion(mesh), AskTimeout, stopping))).ConfigureAwait(false);
            return answers.All(a => a is MeshProtocol.ZoneVersion) ? list.Names.Count : null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            // A timeout, or a failure answered instead of a list or a version (Akka's Ask throws for both): asked again.
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Every mesh has recovered ({Meshes} meshes, {Seconds:F1} s after start): ready")]
        public static partial void Recovered(ILogger logger, int meshes, double seconds);

        [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "Not every mesh has recovered after {Seconds:F0} s (its journal fails?): ready anyway, so the API stays in service")]
        public static partial void GaveUp(ILogger logger, double seconds);
    }
}
