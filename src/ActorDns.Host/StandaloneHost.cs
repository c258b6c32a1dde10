using ActorDns.Host.Api;
using ActorDns.Host.Configuration;
using ActorDns.Host.Dns;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Metrics;
using ActorDns.Server.Pipeline;
using ActorDns.Server.Query;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace ActorDns.Host;

/// <summary>The composition root of <c>actordns standalone</c>: DNS listeners, the forwarder and the HTTP API in one process.</summary>
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

        // A start-up failure is reported by the command line as one line; the host's own error log of it is a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.WebHost.ConfigureKestrel(k => k.Listen(options.ApiAddress));

        var registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(registry);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(registry);
        services.AddSingleton(new DnsServerMetrics(registry));
        services.AddSingleton(new ZoneRegistry(options.Zone));
        services.AddSingleton(new Forwarder(
            new ForwarderOptions { Upstreams = options.Upstreams },
            new ForwarderMetrics(Metrics.WithCustomRegistry(registry)),
            new Random()));
        services.AddSingleton(sp => ResolverPipeline.KumaDefault(sp.GetRequiredService<Forwarder>()));
        services.AddSingleton<DnsServerService>();
        services.AddHostedService(sp => sp.GetRequiredService<DnsServerService>());

        var app = builder.Build();
        ApiEndpoints.MapCommon(app, "standalone", registry, app.Services.GetRequiredService<DnsServerMetrics>(), app.Services.GetRequiredService<DnsServerService>());
        return app;
    }
}
