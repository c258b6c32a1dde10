using ActorDns.Host.Configuration;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Metrics;
using ActorDns.Server.Pipeline;
using ActorDns.Server.Pipeline.Corefile;
using ActorDns.Server.Query;
using ActorDns.Server.Transport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace ActorDns.Host.Dns;

/// <summary>
/// Runs the resolver's pipelines (SPEC §4.6): compiles the template that applies — the resolver's own
/// (<c>--corefile-template</c>), else the control plane's, else the built-in default — starts one
/// <see cref="DnsListener"/> per port it serves, and swaps the pipelines live when the template changes (its file,
/// or the control plane's). A template that does not compile, or that would change the ports, leaves the running
/// pipelines in place; the error is logged and counted.
/// </summary>
public sealed partial class DnsServerService : IHostedService, IDisposable
{
    /// <summary>How often a template file is checked for changes (CoreDNS's <c>reload</c> default is 30 s).</summary>
    public static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(2);

    /// <summary>How long replaced pipelines live on: longer than any forwarded query they may still be answering.</summary>
    private static readonly TimeSpan RetireAfter = TimeSpan.FromSeconds(15);

    private readonly ActorDnsOptions _options;
    private readonly RuntimeSettings _settings;
    private readonly ZoneRegistry _zones;
    private readonly Forwarder _forwarder;
    private readonly ForwarderMetrics _forwarderMetrics;
    private readonly DnsServerMetrics _metrics;
    private readonly ILoggerFactory _loggers;
    private readonly ControlPlaneTemplates _templates;
    private readonly ILogger _logger;
    private readonly Gauge _templateInfo;
    private readonly Counter _reloads;
    private readonly Lock _gate = new();
    private readonly List<DnsListener> _listeners = [];
    private readonly Dictionary<System.Net.IPEndPoint, QueryProcessor> _processors = [];
    private readonly List<IDisposable> _watches = [];
    private ResolverPipelines? _pipelines;
    private CorefileSource? _controlPlaneTemplate;
    private bool _stopped;

    public DnsServerService(
        ActorDnsOptions options,
        RuntimeSettings settings,
        ZoneRegistry zones,
        Forwarder forwarder,
        ForwarderMetrics forwarderMetrics,
        DnsServerMetrics metrics,
        CollectorRegistry registry,
        ControlPlaneTemplates templates,
        ILoggerFactory loggers)
    {
        _templates = templates;
        _options = options;
        _settings = settings;
        _zones = zones;
        _forwarder = forwarder;
        _forwarderMetrics = forwarderMetrics;
        _metrics = metrics;
        _loggers = loggers;
        _logger = loggers.CreateLogger("ActorDns.Dns");
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _templateInfo = factory.CreateGauge("actordns_corefile_template_info", "The Corefile template the resolver runs: 1 for its source and SHA-256.", "source", "sha256");
        _reloads = factory.CreateCounter("actordns_corefile_template_reloads_total", "Templates applied live (ok) or refused, the running pipelines kept (error).", "result");
    }

    /// <summary>True once every listener is bound and answering.</summary>
    public bool Serving { get; private set; }

    /// <summary>The template the listeners run.</summary>
    public CorefileSource? Template => _pipelines?.Template;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // Files are watched before they are read, so a change between the two is not missed.
            if (_options.CorefileTemplate is { } own)
            {
                Watch(own, () => Apply(CorefileSource.Read(Setting.CorefileTemplate, own)));
            }

            StartListeners();
        }

        Serving = true;
        return Task.CompletedTask;
    }

    private void StartListeners()
    {
        if (_options.BootstrapCorefileTemplate is { } bootstrap)
        {
            // Standalone is its own control plane: its bootstrap template is the one its resolver gets.
            Watch(bootstrap, () => SetControlPlaneTemplate(CorefileSource.Read(Setting.BootstrapCorefileTemplate, bootstrap)));
            _controlPlaneTemplate = CorefileSource.Read(Setting.BootstrapCorefileTemplate, bootstrap);
        }
        else
        {
            // A resolver: what the control plane sent last, until it sends again (SPEC §4.5, §4.6).
            _controlPlaneTemplate = _templates.Cached();
            _templates.Apply = SetControlPlaneTemplate;
        }

        _pipelines = BuildOrDefault(Choose());
        foreach (var (address, servers) in _pipelines.Listeners)
        {
            var processor = new QueryProcessor(servers);
            _processors[address.Endpoint] = processor;
            var listener = new DnsListener(address, processor, _metrics, _logger);
            _listeners.Add(listener);
            try
            {
                listener.Start();
            }
            catch (System.Net.Sockets.SocketException e)
            {
                var what = _settings.Listeners.Any(l => l.Endpoint.Equals(address.Endpoint)) ? "--dns-address" : $"Corefile ({_pipelines.Template.Source}) server block";
                throw new OptionsException($"{what} {address.Endpoint}={address.Mesh}: cannot listen: {e.Message}");
            }
        }

        ShowTemplate(null, _pipelines.Template);
    }

    /// <summary>The control plane's template (null: none); it applies unless the resolver has its own.</summary>
    public void SetControlPlaneTemplate(CorefileSource? template)
    {
        // One lock around both, so that two templates arriving together end with the later one running.
        lock (_gate)
        {
            _controlPlaneTemplate = template;
            if (_options.CorefileTemplate is null)
            {
                Apply(template ?? CorefileSource.Default);
            }
        }
    }

    private CorefileSource Choose() =>
        _options.CorefileTemplate is { } own ? CorefileSource.Read(Setting.CorefileTemplate, own) : _controlPlaneTemplate ?? CorefileSource.Default;

    /// <summary>
    /// The pipelines of <paramref name="template"/>; a control plane's template that does not compile here (cached from an
    /// earlier run, say) gives way to the built-in default, counted as refused. The resolver's own is checked at start.
    /// </summary>
    private ResolverPipelines BuildOrDefault(CorefileSource template)
    {
        try
        {
            return Build(template);
        }
        catch (OptionsException e) when (template == _controlPlaneTemplate)
        {
            Refused(template, e.Message);
            return Build(CorefileSource.Default);
        }
    }

    private ResolverPipelines Build(CorefileSource template) =>
        ResolverPipelines.Build(
            template,
            _options,
            _settings,
            _zones,
            _forwarder,
            own => new Forwarder(own, _forwarderMetrics, new Random(), TimeProvider.System, _logger),
            new PipelineLogs(_loggers),
            _metrics.RateLimited);

    /// <summary>Compiles <paramref name="template"/> and swaps every listener's pipelines to it, or keeps the running ones.</summary>
    private void Apply(CorefileSource template)
    {
        lock (_gate)
        {
            var running = _pipelines;
            if (_stopped || running is null || running.Template.Sha256 == template.Sha256)
            {
                return;
            }

            ResolverPipelines next;
            try
            {
                next = Build(template);
            }
            catch (OptionsException e)
            {
                Refused(template, e.Message);
                return;
            }

            var endpoints = next.Listeners.Select(l => l.Options.Endpoint.ToString()).Order().ToList();
            var listening = _processors.Keys.Select(e => e.ToString()).Order().ToList();
            if (!endpoints.SequenceEqual(listening))
            {
                next.Dispose();
                Refused(template, $"it listens on {string.Join(", ", endpoints)} and the listeners are on {string.Join(", ", listening)}; restart the resolver to change them");
                return;
            }

            foreach (var (address, servers) in next.Listeners)
            {
                _processors[address.Endpoint].Swap(servers);
            }

            _pipelines = next;
            _ = Task.Delay(RetireAfter).ContinueWith(_ => running.Dispose(), TaskScheduler.Default);
            _reloads.WithLabels("ok").Inc();
            ShowTemplate(running.Template, template);
            TemplateApplied(_logger, template.Source, template.Sha256);
        }
    }

    private void Refused(CorefileSource template, string reason)
    {
        _reloads.WithLabels("error").Inc();
        TemplateRefused(_logger, template.Source, reason);
    }

    private void ShowTemplate(CorefileSource? before, CorefileSource now)
    {
        if (before is not null)
        {
            _templateInfo.RemoveLabelled(before.Source, before.Sha256);
        }

        _templateInfo.WithLabels(now.Source, now.Sha256).Set(1);
    }

    /// <summary>Watches a template file; called under <see cref="_gate"/>.</summary>
    private void Watch(string path, Action changed) =>
        _watches.Add(new FileWatch(path, WatchInterval, () =>
        {
            try
            {
                changed();
            }
            catch (OptionsException e)
            {
                Refused(new CorefileSource(path, ""), e.Message);
            }
        }));

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Serving = false;
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        // Under the lock: an Apply running on a watch or actor thread finishes first, and none starts after.
        lock (_gate)
        {
            _stopped = true;
            foreach (var watch in _watches)
            {
                watch.Dispose();
            }

            foreach (var listener in _listeners)
            {
                listener.Dispose();
            }

            _watches.Clear();
            _listeners.Clear();
            _pipelines?.Dispose();
            _pipelines = null;
        }
    }

    [LoggerMessage(EventId = 210, Level = LogLevel.Information, Message = "Corefile template {Source} (sha256 {Sha256}) applied")]
    private static partial void TemplateApplied(ILogger logger, string source, string sha256);

    [LoggerMessage(EventId = 211, Level = LogLevel.Error, Message = "Corefile template {Source} refused, the running pipelines stay: {Reason}")]
    private static partial void TemplateRefused(ILogger logger, string source, string reason);
}
