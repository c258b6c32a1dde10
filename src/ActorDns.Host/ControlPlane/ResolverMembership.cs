using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;

namespace ActorDns.Host.ControlPlane;

/// <summary>
/// A resolver's cluster membership, one ActorSystem after another. Akka never lets a removed member join
/// again, and split-brain resolution removes the resolvers whenever no control-plane node is reachable; so
/// when this node's membership ends, its ActorSystem is stopped and a new one (a new incarnation) joins the
/// seed nodes again. The DNS listeners live outside the ActorSystem and keep serving the last table
/// throughout; the new incarnation's resolver actor catches up from that table's version.
/// </summary>
internal sealed class ResolverMembership(Action<IServiceCollection> configureAkka, IHostApplicationLifetime host, ILoggerFactory loggers) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly ILogger _log = loggers.CreateLogger<ResolverMembership>();
    private volatile ActorSystem? _current;

    /// <summary>The ActorSystem of the current incarnation; null while none runs.</summary>
    public ActorSystem? Current => _current;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The host stops this service after others; no new incarnation may start once the host is stopping at all.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, host.ApplicationStopping);
        await RunIncarnationsAsync(stopping.Token);
    }

    private async Task RunIncarnationsAsync(CancellationToken stoppingToken)
    {
        for (var incarnation = 1; !stoppingToken.IsCancellationRequested; incarnation++)
        {
            try
            {
                await RunIncarnationAsync(stoppingToken);
                if (!stoppingToken.IsCancellationRequested)
                {
                    _log.LogWarning("Cluster membership ended (incarnation {Incarnation}); serving the last table and joining again", incarnation);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // A remoting port still held by the previous incarnation, for one: try again shortly.
                _log.LogError("Could not start cluster membership (incarnation {Incarnation}): {Message}", incarnation, e.Message);
                await Task.Delay(RetryDelay, CancellationToken.None);
            }
        }
    }

    private async Task RunIncarnationAsync(CancellationToken stoppingToken)
    {
        var lifetime = new ApplicationLifetime(loggers.CreateLogger<ApplicationLifetime>());
        var services = new ServiceCollection();
        services.AddSingleton(loggers);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));

        // Akka.Hosting asks the application to stop when its ActorSystem terminates: here that ends the incarnation.
        services.AddSingleton<IHostApplicationLifetime>(lifetime);
        configureAkka(services);
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        try
        {
            foreach (var service in hosted)
            {
                await service.StartAsync(stoppingToken);
            }

            var system = provider.GetRequiredService<ActorSystem>();
            var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Cluster.Get(system).RegisterOnMemberRemoved(() => ended.TrySetResult());
            using var stopRequested = lifetime.ApplicationStopping.Register(() => ended.TrySetResult());
            using var hostStopping = stoppingToken.Register(() => ended.TrySetResult());
            _current = system;
            await ended.Task;
        }
        finally
        {
            _current = null;
            for (var i = hosted.Count - 1; i >= 0; i--)
            {
                await hosted[i].StopAsync(CancellationToken.None);
            }
        }
    }
}
