using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ActorDns.Protocol;
using ActorDns.Server.Forwarding;
using Microsoft.Extensions.Logging;

namespace ActorDns.Server.Pipeline.Corefile;

/// <summary>
/// Compiles a parsed Corefile into one <see cref="ServerSet"/> per port (SPEC §4.6): each server block becomes an
/// immutable chain of steps in CoreDNS's execution order (<see cref="ExecutionOrder"/>), whatever the order in the
/// file, with CoreDNS's option names; an unknown plugin or option, or a bad argument, is a
/// <see cref="CorefileException"/> at its line and column.
/// </summary>
public static partial class PipelineCompiler
{
    /// <summary>CoreDNS's plugin.cfg order (v1.14.7) of the plugins ActorDns has; <c>alternate</c> sits just before <c>forward</c>.</summary>
    public static readonly IReadOnlyList<string> ExecutionOrder =
        ["prometheus", "errors", "log", "rewrite", "acl", "cache", "template", "hosts", "alternate", "forward"];

    /// <summary>Where CoreDNS's <c>prometheus</c> listens when given no address.</summary>
    private const string DefaultPrometheusAddress = "localhost:9153";

    /// <summary>CoreDNS's <c>cache</c> defaults: capacity per kind, maximum TTLs, minimum TTL.</summary>
    private const int CacheCapacity = 9984;
    private static readonly TimeSpan CacheSuccessTtl = TimeSpan.FromSeconds(3600);
    private static readonly TimeSpan CacheDenialTtl = TimeSpan.FromSeconds(1800);
    private static readonly TimeSpan CacheMinTtl = TimeSpan.FromSeconds(5);

    /// <summary>CoreDNS's <c>hosts</c> defaults.</summary>
    private const uint HostsTtl = 3600;
    private static readonly TimeSpan HostsReload = TimeSpan.FromSeconds(5);

    private static readonly Dictionary<string, DnsRcode> Rcodes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["NOERROR"] = DnsRcode.NoError, ["FORMERR"] = DnsRcode.FormErr, ["SERVFAIL"] = DnsRcode.ServFail,
        ["NXDOMAIN"] = DnsRcode.NXDomain, ["NOTIMP"] = DnsRcode.NotImp, ["REFUSED"] = DnsRcode.Refused,
        ["YXDOMAIN"] = (DnsRcode)6, ["YXRRSET"] = (DnsRcode)7, ["NXRRSET"] = (DnsRcode)8, ["NOTAUTH"] = (DnsRcode)9, ["NOTZONE"] = (DnsRcode)10,
    };

    public static CompiledCorefile Compile(CorefileDocument document, PipelineResources resources)
    {
        var owned = new List<IDisposable>();
        try
        {
            var byPort = new Dictionary<int, List<(byte[] Zone, CompiledPipeline Pipeline)>>();
            var seen = new HashSet<(string, int)>();
            foreach (var block in document.Blocks)
            {
                // A key without a port takes .CoreDNSPort, so ". " and ".:<that port>" are the same server.
                foreach (var key in block.Keys.Where(k => !seen.Add((k.Zone, k.Port ?? resources.CoreDnsPort))))
                {
                    throw new CorefileException(document.File, key.Line, key.Column, $"{key.Zone}:{key.Port ?? resources.CoreDnsPort} is already defined");
                }

                foreach (var port in block.Keys.Select(k => k.Port ?? resources.CoreDnsPort).Distinct())
                {
                    var keys = block.Keys.Where(k => (k.Port ?? resources.CoreDnsPort) == port).ToList();
                    var pipeline = new BlockCompiler(document.File, block, keys, port, resources, owned).Compile();
                    var zones = byPort.TryGetValue(port, out var list) ? list : byPort[port] = [];
                    foreach (var key in keys)
                    {
                        zones.Add((DnsName.Parse(key.Zone), pipeline));
                    }
                }
            }

            return new CompiledCorefile(byPort.ToDictionary(p => p.Key, p => new ServerSet(p.Value)), owned);
        }
        catch
        {
            owned.ForEach(o => o.Dispose());
            throw;
        }
    }

    /// <summary>One server block's keys on one port: its directives checked and turned into steps.</summary>
    private sealed partial class BlockCompiler(string file, ServerBlock block, List<ServerKey> keys, int port, PipelineResources resources, List<IDisposable> owned)
    {
        private readonly ZoneFilter _blockZones = new([.. keys.Select(k => DnsName.Parse(k.Zone))]);

        public CompiledPipeline Compile()
        {
            foreach (var directive in block.Directives.Where(d => !ExecutionOrder.Contains(d.Name)))
            {
                throw Error(directive, $"unknown plugin \"{directive.Name}\"; ActorDns has {string.Join(", ", ExecutionOrder)}");
            }

            foreach (var name in new[] { "errors", "prometheus", "cache", "hosts" })
            {
                if (block.Directives.Count(d => d.Name == name) > 1)
                {
                    throw Error(block.Directives.Where(d => d.Name == name).ElementAt(1), $"{name} can be used only once per server block");
                }
            }

            var errors = block.Directives.FirstOrDefault(d => d.Name == "errors") is { } errorsDirective ? Errors(errorsDirective) : null;
            foreach (var prometheus in block.Directives.Where(d => d.Name == "prometheus"))
            {
                Prometheus(prometheus);
            }

            var logRules = block.Directives.Where(d => d.Name == "log").Select(LogRuleOf).ToList();
            QueryLog? log = null;
            if (logRules.Count > 0)
            {
                log = new QueryLog(logRules, resources.Logs.Queries);
                owned.Add(log);
            }

            var rules = block.Directives.Where(d => d.Name == "rewrite").Select(Rewrite).ToList();
            var rewriter = rules.Count > 0 ? new NameRewriter(rules) : null;
            var cache = block.Directives.FirstOrDefault(d => d.Name == "cache") is { } cacheDirective ? Cache(cacheDirective) : null;
            var alternates = block.Directives.Where(d => d.Name == "alternate").Select(d => Alternate(d, errors, log, cache, rewriter)).ToList();
            CheckAlternateRcodes(block.Directives.Where(d => d.Name == "alternate").ToList(), alternates);
            var forwards = block.Directives.Where(d => d.Name == "forward").Select(d => Forward(d, alternates, errors, log, cache, rewriter)).ToList();

            var steps = new List<PipelineStep>();
            var acl = block.Directives.Where(d => d.Name == "acl").Select(Acl).ToList();
            if (acl.Count > 0)
            {
                steps.Add(new AclStep(acl));
            }

            if (cache is not null)
            {
                steps.Add(cache);
            }

            var templates = block.Directives.Where(d => d.Name == "template").Select(Template).ToList();
            if (templates.Count > 0)
            {
                steps.Add(new TemplateStep(templates));
            }

            if (block.Directives.FirstOrDefault(d => d.Name == "hosts") is { } hosts)
            {
                steps.Add(Hosts(hosts));
            }

            if (alternates.Count > 0)
            {
                steps.Add(new AlternateStep(alternates, [.. forwards]));
            }
            else
            {
                steps.AddRange(forwards);
            }

            PipelineStep[] chain = rewriter is null ? [.. steps] : [new RewriteStep(rewriter, [.. steps])];
            if (resources.AllowedClients.Count > 0)
            {
                chain = [AllowedClientsOnly(resources.AllowedClients), .. chain];
            }

            if (resources.RateLimiter is { } rateLimiter)
            {
                chain = [rateLimiter, .. chain];
            }

            return new CompiledPipeline(chain, log);
        }

        /// <summary><c>--dns-allow</c> as the first step: an acl that allows those networks and refuses every other client.</summary>
        private static AclStep AllowedClientsOnly(IReadOnlyList<AclNetwork> allowed) =>
            new([new AclRule(ZoneFilter.All, [new AclPolicy(AclAction.Allow, null, [.. allowed]), new AclPolicy(AclAction.Block, null, null)])]);

        private CorefileException Error(Directive directive, string reason) => new(file, directive.Line, directive.Column, $"{directive.Name}: {reason}");

        /// <summary>An error on an option line of <paramref name="plugin"/>'s block.</summary>
        private CorefileException OptionError(Directive option, string plugin, string reason) => new(file, option.Line, option.Column, $"{plugin}: {reason}");

        private CorefileException Error(CorefileToken token, string plugin, string reason) => new(file, token.Line, token.Column, $"{plugin}: {reason}");

        private ILogger? Errors(Directive directive)
        {
            if (directive.Arguments.Count > 0)
            {
                throw Error(directive.Arguments[0], "errors", "takes no arguments");
            }

            foreach (var option in directive.Block)
            {
                // CoreDNS prints a panic's stack trace; a failure here is an exception already logged with its stack.
                if (option.Name != "stacktrace" || option.Arguments.Count > 0)
                {
                    throw OptionError(option, "errors", $"option \"{option.Name}\" is not supported (ActorDns has stacktrace)");
                }
            }

            return resources.Logs.Errors;
        }

        private void Prometheus(Directive directive)
        {
            if (directive.Block.Count > 0)
            {
                throw OptionError(directive.Block[0], "prometheus", "takes no options");
            }

            var address = directive.Arguments.Count switch
            {
                0 => DefaultPrometheusAddress,
                1 => directive.Arguments[0].Text,
                _ => throw Error(directive.Arguments[1], "prometheus", "takes at most one address"),
            };
            var colon = address.LastIndexOf(':');
            if (colon < 0 || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var metricsPort) || metricsPort != resources.PrometheusPort)
            {
                throw Error(directive, $"{address}: metrics are served at the API's /metrics, port {resources.PrometheusPort} (write prometheus localhost:{{{{ .PrometheusPort }}}})");
            }
        }

        private LogRule LogRuleOf(Directive directive)
        {
            if (directive.Arguments.Count > 1 && directive.Arguments[^1].Text.Contains('{'))
            {
                throw Error(directive.Arguments[^1], "log", "custom formats are not supported; ActorDns writes CoreDNS's default format");
            }

            var names = directive.Arguments.Count == 0 ? _blockZones : Zones(directive.Arguments, "log");
            var classes = (LogClasses)0;
            foreach (var option in directive.Block)
            {
                if (option.Name != "class" || option.Arguments.Count == 0)
                {
                    throw OptionError(option, "log", $"option \"{option.Name}\" is not supported (log has class)");
                }

                foreach (var value in option.Arguments)
                {
                    classes |= value.Text switch
                    {
                        "all" => LogClasses.All,
                        "success" => LogClasses.Success,
                        "denial" => LogClasses.Denial,
                        "error" => LogClasses.Error,
                        _ => throw Error(value, "log", $"unknown class \"{value.Text}\" (all, success, denial, error)"),
                    };
                }
            }

            return new LogRule(names, classes == 0 ? LogClasses.All : classes);
        }

        private ZoneFilter Zones(IEnumerable<CorefileToken> tokens, string plugin)
        {
            var zones = new List<byte[]>();
            foreach (var token in tokens)
            {
                if (!DnsName.TryParse(token.Text, out var wire, out var error))
                {
                    throw Error(token, plugin, $"\"{token.Text}\" is not a valid zone: {error}");
                }

                zones.Add(wire);
            }

            return new ZoneFilter(zones);
        }

        private void RequireArguments(Directive option, string plugin, int min, int max)
        {
            if (option.Arguments.Count < min || option.Arguments.Count > max)
            {
                var expected = min == max ? $"{min}" : max == int.MaxValue ? $"at least {min}" : $"{min} to {max}";
                throw OptionError(option, plugin, $"{option.Name}: expected {expected} argument{(max == 1 && min == 1 ? "" : "s")}, got {option.Arguments.Count}");
            }

            if (option.Block.Count > 0)
            {
                throw OptionError(option.Block[0], plugin, $"{option.Name} takes no block");
            }
        }

        private int Number(CorefileToken token, string plugin) =>
            int.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw Error(token, plugin, $"\"{token.Text}\" is not a non-negative integer");

        /// <summary>A Go duration: a number with ns, us, µs, ms, s, m or h, or several (<c>1m30s</c>).</summary>
        private TimeSpan Duration(CorefileToken token, string plugin)
        {
            var match = GoDuration().Match(token.Text);
            if (token.Text == "0")
            {
                return TimeSpan.Zero;
            }

            if (!match.Success || token.Text.Length == 0)
            {
                throw Error(token, plugin, $"\"{token.Text}\" is not a duration (like 500ms, 10s, 1m)");
            }

            var total = TimeSpan.Zero;
            try
            {
                foreach (Capture part in match.Groups["part"].Captures)
                {
                    var unitAt = part.Value.IndexOfAny("nuµmsh".ToCharArray());
                    var value = double.Parse(part.Value[..unitAt], CultureInfo.InvariantCulture);
                    total += part.Value[unitAt..] switch
                    {
                        "ns" => TimeSpan.FromTicks((long)(value / 100)),
                        "us" or "µs" => TimeSpan.FromMicroseconds(value),
                        "ms" => TimeSpan.FromMilliseconds(value),
                        "s" => TimeSpan.FromSeconds(value),
                        "m" => TimeSpan.FromMinutes(value),
                        _ => TimeSpan.FromHours(value),
                    };
                }
            }
            catch (OverflowException)
            {
                throw Error(token, plugin, $"\"{token.Text}\" is too long a duration");
            }

            return total;
        }
    }

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")]
    private static partial Regex GoDuration();
}

/// <summary>A compiled Corefile: one server set per port, and what the pipelines own (forwarders, query logs).</summary>
public sealed class CompiledCorefile(IReadOnlyDictionary<int, ServerSet> ports, IReadOnlyList<IDisposable> owned) : IDisposable
{
    public IReadOnlyDictionary<int, ServerSet> Ports { get; } = ports;

    public void Dispose()
    {
        foreach (var resource in owned)
        {
            resource.Dispose();
        }
    }
}
