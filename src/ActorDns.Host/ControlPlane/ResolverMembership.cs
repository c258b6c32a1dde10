using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;

namespace ActorDns.Host.ControlPlane;

/// <summary>
/// A resolver's cluster membership, one ActorSystem after another. Akka never lets a removed member join
/// again, and a resolver is downed whenever it reaches no majority of the control-plane nodes (MajorityDowning); so
/// when this node's membership ends, its ActorSystem is stopped and a new one (a new incarnation) joins the
/// seed nodes again. The DNS listeners live outside the ActorSystem and keep serving the last table
/// throughout; the new incarnation's resolver actor catches up from that table's version.
/// </summary>
internal sealed partial class ResolverMembership(Action<IServiceCollection> configureAkka, IHostApplicationLifetime host, ILoggerFactory loggers) : BackgroundService, IHostedLifecycleService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    /// <summary>
    /// An incarnation that lived this long ended for a new reason (downed in a partition, not at its join): the next
    /// one starts at once. One is downed at the earliest about 5 s after it joined (failure detection, stable-after).
    /// </summary>
    private static readonly TimeSpan Settled = TimeSpan.FromSeconds(10);

    private readonly ILogger _log = loggers.CreateLogger<ResolverMembership>();
    private volatile ActorSystem? _current;
    private Incarnation? _first;

    /// <summary>The ActorSystem of the current incarnation; null while none runs.</summary>
    public ActorSystem? Current => _current;

    /// <summary>Nothing yet: the HTTP API (health, metrics) starts first, since the DNS side serves without the cluster.</summary>
    public override Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Starts the first incarnation once every other service (the DNS listeners, the HTTP API) has started, but
    /// before the host finishes starting, so that a configuration the cluster cannot start with (a bad remoting
    /// address, a port in use) still fails the process with one clear line.
    /// </summary>
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        _first = await Incarnation.StartAsync(configureAkka, loggers, cancellationToken);
        _current = _first.System;
        await base.StartAsync(cancellationToken);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The host raises ApplicationStopping before it stops any service, and cancels stoppingToken only when
        // it reaches this one; no new incarnation may start in between.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, host.ApplicationStopping);
        var token = stopping.Token;
        var incarnation = _first!;
        var retry = FirstRetry;
        for (var number = 1; ; number++)
        {
            var started = DateTime.UtcNow;
            await incarnation.RunUntilEndedAsync(token);
            _current = null;
            await incarnation.DisposeAsync();
            if (token.IsCancellationRequested)
            {
                return;
            }

            LogMembershipEnded(number);
            retry = DateTime.UtcNow - started > Settled ? TimeSpan.Zero : retry;
            while (true)
            {
                // A pause between incarnations, growing while they end at once, so a failing join never spins.
                try
                {
                    await Task.Delay(retry, token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                retry = TimeSpan.FromTicks(Math.Clamp(retry.Ticks * 2, FirstRetry.Ticks, LastRetry.Ticks));
                try
                {
                    incarnation = await Incarnation.StartAsync(configureAkka, loggers, token);
                    _current = incarnation.System;
                    break;
                }
                catch (Exception e) when (!token.IsCancellationRequested)
                {
                    LogStartFailed(e, number + 1, retry);
                }
            }
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Cluster membership ended (incarnation {Number}); serving the last table and joining again")]
    private partial void LogMembershipEnded(int number);

    [LoggerMessage(EventId = 301, Level = LogLevel.Error, Message = "Could not start cluster membership (incarnation {Number}); retrying in {Retry}")]
    private partial void LogStartFailed(Exception exception, int number, TimeSpan retry);

    /// <summary>One ActorSystem, built by the same Akka.Hosting code as every role, in a service container of its own.</summary>
    private sealed class Incarnation : IAsyncDisposable
    {
        private readonly ServiceProvider _provider;
        private readonly List<IHostedService> _hosted;
        private readonly ApplicationLifetime _lifetime;

        private Incarnation(ServiceProvider provider, List<IHostedService> hosted, ApplicationLifetime lifetime, ActorSystem system)
        {
            _provider = provider;
            _hosted = hosted;
            _lifetime = lifetime;
            System = system;
        }

        public ActorSystem System { get; }

        public static async Task<Incarnation> StartAsync(Action<IServiceCollection> configureAkka, ILoggerFactory loggers, CancellationToken cancellationToken)
        {
            var lifetime = new ApplicationLifetime(loggers.CreateLogger<ApplicationLifetime>());
            var services = new ServiceCollection();
            services.AddSingleton(loggers);
            services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));

            // Akka.Hosting asks the application to stop when its ActorSystem terminates: here that ends the incarnation.
            services.AddSingleton<IHostApplicationLifetime>(lifetime);
            configureAkka(services);
            var provider = services.BuildServiceProvider();
            var hosted = new List<IHostedService>();
            try
            {
                foreach (var service in provider.GetServices<IHostedService>())
                {
                    await service.StartAsync(cancellationToken);
                    hosted.Add(service);
                }

                return new Incarnation(provider, hosted, lifetime, provider.GetRequiredService<ActorSystem>());
            }
            catch
            {
                await StopAsync(hosted, provider);
                throw;
            }
        }

        /// <summary>Completes when this node is no longer a member, its ActorSystem asks to stop, or <paramref name="stopping"/> fires.</summary>
        public async Task RunUntilEndedAsync(CancellationToken stopping)
        {
            var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Cluster.Get(System).RegisterOnMemberRemoved(() => ended.TrySetResult());
            using var stopRequested = _lifetime.ApplicationStopping.Register(() => ended.TrySetResult());
            using var hostStopping = stopping.Register(() => ended.TrySetResult());
            await ended.Task;
        }

        public ValueTask DisposeAsync() => new(StopAsync(_hosted, _provider));

        private static async Task StopAsync(List<IHostedService> hosted, ServiceProvider provider)
        {
            for (var i = hosted.Count - 1; i >= 0; i--)
            {
                await hosted[i].StopAsync(CancellationToken.None);
            }

            await provider.DisposeAsync();
        }
    }
}
