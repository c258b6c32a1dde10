using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using ActorDns.ControlPlane.Meshes;
using ActorDns.Host.Api;
using ActorDns.Host.Configuration;
using ActorDns.Host.ControlPlane;
using ActorDns.Host.Dns;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Metrics;
using ActorDns.Server.Pipeline;
using ActorDns.Server.Query;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace ActorDns.Host;

/// <summary>
/// The composition root of <c>actordns standalone</c>: DNS listeners, the forwarder, a one-node control
/// plane on the embedded SQLite journal, and the HTTP API, in one process.
/// </summary>
public static class StandaloneHost
{
    public static WebApplication Build(ActorDnsOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

        // Akka's start-up chatter (remoting, cluster join, singletons) stays out of the console; its warnings do not.
        builder.Logging.AddFilter("Akka", LogLevel.Warning);

        // A start-up failure is reported by the command line as one line; the host's own error log of it is a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(options.ApiAddress);
            k.Limits.MaxRequestBodySize = CatalogApi.MaxBodyBytes;
        });

        var registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(registry);
        var factory = Metrics.WithCustomRegistry(registry);
        var zones = new ZoneRegistry(options.Zone);
        zones.LoadCaches(options.DataDir, options.DnsAddresses.Select(a => a.Mesh).Distinct());
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(registry);
        services.AddSingleton(new DnsServerMetrics(registry));
        services.AddSingleton(zones);
        services.AddSingleton(_ => new Forwarder(
            new ForwarderOptions { Upstreams = options.Upstreams },
            new ForwarderMetrics(factory),
            new Random()));
        services.AddSingleton(sp => ResolverPipeline.KumaDefault(sp.GetRequiredService<Forwarder>()));
        services.AddSingleton<DnsServerService>();
        services.AddHostedService(sp => sp.GetRequiredService<DnsServerService>());
        services.AddStandaloneControlPlane(options, zones, new ControlPlaneMetrics(factory));

        var app = builder.Build();
        app.UseMiddleware<ApiExceptionMiddleware>();
        var dns = app.Services.GetRequiredService<DnsServerService>();
        var system = app.Services.GetRequiredService<ActorSystem>();
        ApiEndpoints.MapCommon(app, "standalone", registry, app.Services.GetRequiredService<DnsServerMetrics>(),
            () => dns.Serving && Cluster.Get(system).SelfMember.Status == MemberStatus.Up);
        new CatalogApi(app.Services.GetRequiredService<ActorRegistry>()).Map(app);
        return app;
    }
}
