using System.Net;
using ActorDns.Host.Configuration;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Metrics;
using ActorDns.Server.Pipeline;
using ActorDns.Server.Pipeline.Corefile;
using ActorDns.Server.Query;
using ActorDns.Server.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorDns.Host.Dns;

/// <summary>A Corefile template and where it came from: a file path, the control plane, or the built-in default.</summary>
public sealed record CorefileSource(string Source, string Text)
{
    public static readonly CorefileSource Default = new(DefaultCorefile.Source, DefaultCorefile.Template);

    /// <summary>The SHA-256 of the text, lower-case hex: what /health/ready and the metric show.</summary>
    public string Sha256 { get; } = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Text)));

    /// <summary>Reads a template file; an unreadable one is an <see cref="OptionsException"/> naming the setting.</summary>
    public static CorefileSource Read(Setting setting, string path)
    {
        try
        {
            return new CorefileSource(path, File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OptionsException($"{setting.Flag} {path}: cannot read the file: {e.Message}");
        }
    }
}

/// <summary>
/// What the DNS listeners of a resolver run (SPEC §4.6): a Corefile template rendered, parsed and compiled. Each server block's port is a listener on the first
/// <c>--dns-address</c>'s IP; the port of a <c>--dns-address</c> keeps that listener's settings and mesh, and a
/// <c>--dns-address</c> the Corefile has no block for runs the built-in default for its own port.
/// </summary>
public sealed class ResolverPipelines : IDisposable
{
    private readonly List<CompiledCorefile> _compiled = [];

    private ResolverPipelines(CorefileSource template)
    {
        Template = template;
    }

    /// <summary>The template these pipelines were compiled from.</summary>
    public CorefileSource Template { get; }

    public List<(DnsListenerOptions Options, ServerSet Servers)> Listeners { get; } = [];

    /// <summary>Builds the listeners' pipelines; an unreadable or invalid template is an <see cref="OptionsException"/> with file, line and column.</summary>
    public static ResolverPipelines Build(
        CorefileSource template, ActorDnsOptions options, RuntimeSettings runtime, ZoneRegistry zones, Forwarder upstreams, Func<ForwarderOptions, Forwarder> newForwarder, PipelineLogs logs,
        RateLimitCounts rateLimited)
    {
        var pipelines = new ResolverPipelines(template);

        // One limiter for every listener: a client's answers count together on all of them.
        var rateLimiter = options.RateLimit is { } limits ? new RateLimitStep(limits, TimeProvider.System, rateLimited) : null;
        try
        {
            // The template's server blocks listen on the first --dns-address's IP; a --dns-address on that IP and port
            // keeps its settings and mesh, any other port answers for the first one's mesh.
            var first = runtime.Listeners[0];
            DnsListenerOptions On(int port) =>
                runtime.Listeners.FirstOrDefault(l => l.Endpoint.Equals(new IPEndPoint(first.Endpoint.Address, port)))
                    ?? first with { Endpoint = new IPEndPoint(first.Endpoint.Address, port) };
            var compiled = pipelines.Compile(template.Source, template.Text, first.Endpoint.Port, port => zones.For(On(port).Mesh), options, runtime, upstreams, newForwarder, logs, rateLimiter);
            foreach (var (port, servers) in compiled.Ports.OrderBy(p => p.Key))
            {
                pipelines.Listeners.Add((On(port), servers));
            }

            // Every other --dns-address (another port, or another IP) runs the built-in default for its own port and mesh.
            foreach (var uncovered in runtime.Listeners.Where(l => !pipelines.Listeners.Any(p => p.Options.Endpoint.Equals(l.Endpoint))).ToList())
            {
                var own = pipelines.Compile(
                    DefaultCorefile.Source, DefaultCorefile.Template, uncovered.Endpoint.Port, _ => zones.For(uncovered.Mesh), options, runtime, upstreams, newForwarder, logs, rateLimiter);
                pipelines.Listeners.Add((uncovered, own.Ports[uncovered.Endpoint.Port]));
            }

            return pipelines;
        }
        catch
        {
            pipelines.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Renders, parses and compiles <paramref name="template"/> against a throwaway table and forwarders: an invalid one is
    /// an <see cref="OptionsException"/> with file, line and column (before anything starts: exit 2).
    /// </summary>
    public static void Validate(CorefileSource template, ActorDnsOptions options)
    {
        var runtime = RuntimeSettings.From(options);
        var metrics = new ForwarderMetrics(Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry()));
        using var upstreams = new Forwarder(runtime.Forwarder, metrics, new Random(), TimeProvider.System);
        using var pipelines = Build(
            template, options, runtime, new ZoneRegistry(options.Zone), upstreams, own => new Forwarder(own, metrics, new Random(), TimeProvider.System), new PipelineLogs(NullLoggerFactory.Instance),
            new RateLimitCounts());
    }

    private CompiledCorefile Compile(
        string source, string template, int corePort, Func<int, ZoneSlot> zoneForPort, ActorDnsOptions options, RuntimeSettings runtime, Forwarder upstreams,
        Func<ForwarderOptions, Forwarder> newForwarder, PipelineLogs logs, RateLimitStep? rateLimiter)
    {
        var values = new TemplateValues(
            CoreDNSPort: corePort,
            EnvoyDNSPort: corePort + 1,
            CoreDNSEmptyPort: options.DnsEmptyPort ?? corePort + 2,
            PrometheusPort: options.ApiAddress.Port,
            CoreDNSLogging: options.DnsLogging);
        var resources = new PipelineResources
        {
            CoreDnsPort = corePort,
            EnvoyDnsPort = values.EnvoyDNSPort,
            PrometheusPort = values.PrometheusPort,
            ZoneForPort = zoneForPort,
            SystemUpstreams = upstreams,
            NewForwarder = newForwarder,
            ForwarderDefaults = runtime.Forwarder with { Upstreams = [] },
            Logs = logs,
            AllowedClients = options.DnsAllow,
            RateLimiter = rateLimiter,
        };
        try
        {
            var rendered = CorefileTemplate.Render(template, source, values);
            var compiled = PipelineCompiler.Compile(CorefileParser.Parse(rendered, source, Environment.GetEnvironmentVariable), resources);
            _compiled.Add(compiled);
            return compiled;
        }
        catch (CorefileException e)
        {
            throw new OptionsException($"Corefile {e.Message}");
        }
    }

    public void Dispose()
    {
        foreach (var compiled in _compiled)
        {
            compiled.Dispose();
        }
    }
}
