using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Forwarding;
using Microsoft.Extensions.Logging;

namespace ActorDns.Server.Pipeline.Corefile;

public static partial class PipelineCompiler
{
    /// <summary>The plugins that send queries upstream: forward (or the mesh step) and alternate.</summary>
    private sealed partial class BlockCompiler
    {
        private AlternateRule Alternate(Directive directive, ILogger? errors, QueryLog? log, CacheStep? cache, NameRewriter? rewriter)
        {
            if (directive.Block.Count > 0)
            {
                throw OptionError(directive.Block[0], "alternate", "additional parameters not allowed");
            }

            var arguments = directive.Arguments.ToList();
            var original = arguments.Count > 0 && arguments[0].Text == "original";
            if (original)
            {
                arguments.RemoveAt(0);
            }

            if (arguments.Count < 3)
            {
                throw Error(directive, "expected [original] RCODES ZONE ADDRESS...");
            }

            var rcodes = new List<DnsRcode>();
            foreach (var name in arguments[0].Text.Split(','))
            {
                if (!Rcodes.TryGetValue(name, out var rcode))
                {
                    throw Error(arguments[0], "alternate", $"unknown rcode \"{name}\"");
                }

                if (rcodes.Contains(rcode))
                {
                    throw Error(arguments[0], "alternate", $"rcode {name} is given twice");
                }

                rcodes.Add(rcode);
            }

            // arguments[1] is the zone, which CoreDNS's alternate reads and ignores.
            var forwarder = Upstreams(arguments.Skip(2).ToList(), "alternate", resources.ForwarderDefaults)
                ?? throw Error(arguments[2], "alternate", "the mesh answerer cannot be an alternate; use forward");
            // With original, the client's query as it came: not rewritten, so nothing to restore.
            var route = new ForwardRoute(forwarder, errors: errors, log: log, cache: cache, rewriter: original ? null : rewriter);
            return new AlternateRule(RcodeSet.Of(rcodes), route, original);
        }

        private void CheckAlternateRcodes(List<Directive> directives, List<AlternateRule> alternates)
        {
            for (var i = 1; i < alternates.Count; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if ((alternates[i].Rcodes.Mask & alternates[j].Rcodes.Mask) != 0)
                    {
                        throw Error(directives[i], "an rcode is already handled by another alternate");
                    }
                }
            }
        }

        private PipelineStep Forward(Directive directive, List<AlternateRule> alternates, ILogger? errors, QueryLog? log, CacheStep? cache, NameRewriter? rewriter)
        {
            if (directive.Arguments.Count < 2)
            {
                throw Error(directive, "expected FROM TO...");
            }

            var from = Zones([directive.Arguments[0]], "forward");
            var except = new List<byte[]>();
            var options = resources.ForwarderDefaults;
            foreach (var option in directive.Block)
            {
                options = ForwardOption(option, options, except);
            }

            var filter = new ZoneFilter(from.Zones, except.Count > 0 ? except : null);
            if (Upstreams(directive.Arguments.Skip(1).ToList(), "forward", options) is not { } forwarder)
            {
                if (directive.Block.FirstOrDefault(o => o.Name != "except") is { } option)
                {
                    throw OptionError(option, "forward", "the mesh answerer takes no option but except");
                }

                return new MeshStep(resources.ZoneForPort(port), filter.MatchesEverything ? null : filter);
            }

            return new ForwardStep(filter, new ForwardRoute(forwarder, alternates.Count > 0 ? alternates : null, errors, log, cache, rewriter));
        }

        private ForwarderOptions ForwardOption(Directive option, ForwarderOptions options, List<byte[]> except)
        {
            switch (option.Name)
            {
                case "except":
                    RequireArguments(option, "forward", 1, int.MaxValue);
                    except.AddRange(Zones(option.Arguments, "forward").Zones);
                    return options;
                case "force_tcp":
                    RequireArguments(option, "forward", 0, 0);
                    return options with { ForceTcp = true };
                case "prefer_udp":
                    RequireArguments(option, "forward", 0, 0);
                    return options with { PreferUdp = true };
                case "expire":
                    // A pooled UDP socket is replaced after 16 queries or this long, whichever comes first; a TCP
                    // connection is never reused (decisions 0037, 0039).
                    RequireArguments(option, "forward", 1, 1);
                    return options with { Expire = Duration(option.Arguments[0], "forward") };
                case "max_fails":
                    RequireArguments(option, "forward", 1, 1);
                    return options with { MaxFails = Number(option.Arguments[0], "forward") };
                case "health_check":
                    RequireArguments(option, "forward", 1, 1);
                    return options with { HealthCheckInterval = Duration(option.Arguments[0], "forward") };
                case "max_concurrent":
                    RequireArguments(option, "forward", 1, 1);
                    var max = Number(option.Arguments[0], "forward");
                    return options with { MaxConcurrent = max == 0 ? int.MaxValue : max };
                case "policy":
                    RequireArguments(option, "forward", 1, 1);
                    return options with
                    {
                        Policy = option.Arguments[0].Text switch
                        {
                            "random" => UpstreamPolicy.Random,
                            "round_robin" => UpstreamPolicy.RoundRobin,
                            "sequential" => UpstreamPolicy.Sequential,
                            _ => throw Error(option.Arguments[0], "forward", $"unknown policy \"{option.Arguments[0].Text}\""),
                        },
                    };
                default:
                    throw OptionError(option, "forward", $"option \"{option.Name}\" is not supported (forward has except, force_tcp, prefer_udp, expire, max_fails, health_check, max_concurrent, policy)");
            }
        }

        /// <summary>
        /// The forwarder for TO addresses: <c>/etc/resolv.conf</c> is the resolver's configured upstreams; another
        /// path is read as a resolv.conf; 127.0.0.1:EnvoyDNSPort alone is the mesh step (null).
        /// </summary>
        private Forwarder? Upstreams(List<CorefileToken> targets, string plugin, ForwarderOptions options)
        {
            if (targets.Count == 1 && targets[0].Text == "/etc/resolv.conf" && options == resources.ForwarderDefaults)
            {
                return resources.SystemUpstreams;
            }

            var endpoints = new List<IPEndPoint>();
            foreach (var target in targets)
            {
                var text = target.Text.StartsWith("dns://", StringComparison.OrdinalIgnoreCase) ? target.Text[6..] : target.Text;
                if (text == "/etc/resolv.conf")
                {
                    endpoints.AddRange(resources.SystemUpstreams.Upstreams);
                }
                else if (text.StartsWith('/'))
                {
                    endpoints.AddRange(ResolvConfAt(target, plugin));
                }
                else if (ResolvConf.TryParseEndpoint(text, out var endpoint))
                {
                    endpoints.Add(endpoint);
                }
                else
                {
                    throw Error(target, plugin, $"\"{target.Text}\" is not an address, [address]:port or a resolv.conf path (only dns:// upstreams are supported)");
                }
            }

            var mesh = endpoints.Where(e => PipelineResources.IsLoopbackEndpoint(e, resources.EnvoyDnsPort)).ToList();
            if (mesh.Count > 0)
            {
                if (mesh.Count != endpoints.Count)
                {
                    throw Error(targets[0], plugin, $"127.0.0.1:{resources.EnvoyDnsPort} (the mesh answerer) cannot be mixed with other upstreams");
                }

                return null;
            }

            var forwarder = resources.NewForwarder(options with { Upstreams = endpoints });
            owned.Add(forwarder);
            return forwarder;
        }

        private IReadOnlyList<IPEndPoint> ResolvConfAt(CorefileToken path, string plugin)
        {
            string text;
            try
            {
                text = resources.ReadFile(path.Text);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw Error(path, plugin, $"cannot read {path.Text}: {e.Message}");
            }

            var servers = ResolvConf.Parse(text);
            return servers.Count > 0 ? servers : throw Error(path, plugin, $"{path.Text} has no nameserver");
        }
    }
}
