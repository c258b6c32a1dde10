using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using ActorDns.ControlPlane.Meshes;
using ActorDns.ControlPlane.Tokens;
using ActorDns.Host.Api;
using ActorDns.Host.Api.Auth;
using ActorDns.Host.Configuration;
using ActorDns.Host.ControlPlane;
using ActorDns.Host.Dns;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Metrics;
using ActorDns.Server.Query;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Prometheus;

namespace ActorDns.Host;

/// <summary>
/// The composition root of every <c>actordns</c> role: the role decides what starts — DNS listeners and the
/// forwarder (standalone, resolver), mesh shards and the catalog API (standalone, control-plane) — and
/// every role serves <c>/</c>, <c>/metrics</c> and the health checks.
/// </summary>
public static class NodeHost
{
    public static WebApplication Build(ActorDnsOptions options, NodeRole role)
    {
        // No appsettings file is used, and watching for one would put an inotify watch on the working directory,
        // where the data directory often is: every journal and cache write would wake the watcher thread.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        // Akka's start-up chatter (remoting, cluster join, singletons) stays out of the console; its warnings do not.
        // These are defaults under every other configuration source, so an operator following a failover sets
        // Logging__LogLevel__Akka=Information in the environment and sees membership, downing and shard hand-over.
        ((IConfigurationBuilder)builder.Configuration).Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Microsoft"] = nameof(LogLevel.Warning),
                ["Logging:LogLevel:Akka"] = nameof(LogLevel.Warning),
            },
        });

        // A start-up failure is reported by the command line as one line; the host's own error log of it is a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        var https = ApiTls.Options(options.ApiSecurity);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(options.ApiAddress, listen =>
            {
                if (https is not null)
                {
                    listen.UseHttps(https);
                }
            });
            k.Limits.MaxRequestBodySize = CatalogApi.MaxBodyBytes;
        });

        var registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(registry);
        var factory = Metrics.WithCustomRegistry(registry);
        var zones = new ZoneRegistry(options.Zone);
        var servesDns = role != NodeRole.ControlPlane;
        if (servesDns)
        {
            zones.LoadCaches(options.DataDir, options.DnsAddresses.Select(a => a.Mesh).Distinct());
        }

        var runtime = RuntimeSettings.From(options);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(runtime);
        services.AddSingleton(registry);
        services.AddSingleton(new DnsServerMetrics(registry));
        services.AddSingleton(zones);
        services.AddSingleton(new ForwarderMetrics(factory));
        services.AddSingleton(sp => new Forwarder(
            runtime.Forwarder,
            sp.GetRequiredService<ForwarderMetrics>(),
            new Random(),
            TimeProvider.System,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("ActorDns.Dns")));
        var templates = new ControlPlaneTemplates(options);
        services.AddSingleton(templates);
        services.AddSingleton<DnsServerService>();
        if (servesDns)
        {
            services.AddHostedService(sp => sp.GetRequiredService<DnsServerService>());
        }

        var hostsApi = role != NodeRole.Resolver;
        UserTokens? tokens = null;
        if (hostsApi)
        {
            tokens = new UserTokens(ApiSigningKey.Load(options.ApiSecurity, options.DataDir), TimeProvider.System);
            services.AddSingleton(tokens);
            services.AddApiWriteLimit(factory);
            services.AddAuthenticationCore();
            services.AddWebEncoders();
            services.AddSingleton<IAuthenticationConfigurationProvider, NoAuthenticationConfiguration>();
            services.AddSingleton(TimeProvider.System);
            new AuthenticationBuilder(services).AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = tokens.ValidationParameters;
                o.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context =>
                    {
                        context.HttpContext.Items[ApiAuthentication.UserItem] = UserTokens.UserOf((JsonWebToken)context.SecurityToken);
                        return Task.CompletedTask;
                    },
                };
            });
        }

        var controlPlaneMetrics = new ControlPlaneMetrics(factory);
        void AddCluster(IServiceCollection into) => into.AddActorDnsCluster(role, options, runtime.Resolver, zones, controlPlaneMetrics, templates);
        if (role == NodeRole.Resolver)
        {
            services.AddSingleton(sp => new ResolverMembership(AddCluster, sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<ILoggerFactory>()));
            services.AddHostedService(sp => sp.GetRequiredService<ResolverMembership>());
        }
        else
        {
            AddCluster(services);
        }

        var app = builder.Build();
        app.UseMiddleware<ApiExceptionMiddleware>();
        if (hostsApi)
        {
            app.UseMiddleware<ApiAuthentication>(options.ApiSecurity);
            app.UseApiWriteLimit();
        }

        var dns = app.Services.GetRequiredService<DnsServerService>();
        Func<ActorSystem?> system;
        if (role == NodeRole.Resolver)
        {
            var membership = app.Services.GetRequiredService<ResolverMembership>();
            system = () => membership.Current;
        }
        else
        {
            var only = app.Services.GetRequiredService<ActorSystem>();
            system = () => only;
        }

        NodeMetrics.Register(registry, system);
        bool ClusterUp() => system() is { } s && Cluster.Get(s).SelfMember.Status == MemberStatus.Up;
        var served = options.DnsAddresses.Select(a => zones.For(a.Mesh)).ToList();
        // A node hosting mesh shards is ready once every mesh has recovered from the journal (MeshRecoveryGate).
        bool MeshesRecovered() => app.Services.GetRequiredService<MeshRecoveryGate>().Open;
        Func<bool> ready = role switch
        {
            NodeRole.ControlPlane => () => ClusterUp() && MeshesRecovered(),

            // A resolver is ready once it serves a table: from the cluster, from its disk cache (SPEC §4.5), or
            // the last one it received before losing the control plane.
            NodeRole.Resolver => () => dns.Serving && (ClusterUp() || served.Any(s => s.Current.Version > 0)),
            _ => () => dns.Serving && ClusterUp() && MeshesRecovered(),
        };
        string? Template() => servesDns && dns.Template is { } t ? $"corefile-template: {t.Source} sha256:{t.Sha256}" : null;
        ApiEndpoints.MapCommon(app, RoleName(role), registry, app.Services.GetRequiredService<DnsServerMetrics>(), ready, runtime.ToJson(servesDns), Template);
        if (tokens is not null)
        {
            var actors = app.Services.GetRequiredService<ActorRegistry>();
            new CatalogApi(actors, app.Services.GetRequiredService<KnownMeshes>()).Map(app);
            new TokensApi(tokens, app.Services.GetRequiredService<RevokedTokens>(), app.Services.GetRequiredService<ActorSystem>(), actors).Map(app);
            // Once per data directory (SPEC §8, "at first start"): the marker outlives the token, so deleting a used
            // admin token does not bring a new one at the next start.
            var adminToken = Path.Combine(options.DataDir, AdminTokenFile);
            if (SecretFile.TryCreate(Path.Combine(options.DataDir, AdminTokenIssuedFile), "an admin token was written to admin-token once\n")
                && SecretFile.TryCreate(adminToken, tokens.Issue(ApiUser.Admin, UserTokens.AdminValidity) + "\n"))
            {
                app.Logger.LogInformation("An admin token for the API was written to {Path} (mode 0600): keep it secret, or delete it once used", adminToken);
            }
        }

        return app;
    }

    /// <summary>Where a node that serves the API writes an admin token at its first start (SPEC §8).</summary>
    public const string AdminTokenFile = "admin-token";

    /// <summary>Written with the admin token; while it exists, no admin token is written again.</summary>
    public const string AdminTokenIssuedFile = "admin-token.issued";

    public static string RoleName(NodeRole role) => role switch
    {
        NodeRole.ControlPlane => "control-plane",
        NodeRole.Resolver => "resolver",
        _ => "standalone",
    };
}
