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
    private sealed class BlockCompiler(string file, ServerBlock block, List<ServerKey> keys, int port, PipelineResources resources, List<IDisposable> owned)
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

            return new CompiledPipeline(rewriter is null ? [.. steps] : [new RewriteStep(rewriter, [.. steps])], log);
        }

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
                0 => "localhost:9153",
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

        /// <summary><c>acl [ZONES...] { allow|block|filter|drop [type QTYPE...|*] [net SOURCE...|*] }</c>.</summary>
        private AclRule Acl(Directive directive)
        {
            var zones = directive.Arguments.Count > 0 ? Zones(directive.Arguments, "acl") : _blockZones;
            var policies = new List<AclPolicy>();
            foreach (var option in directive.Block)
            {
                var action = option.Name switch
                {
                    "allow" => AclAction.Allow,
                    "block" => AclAction.Block,
                    "filter" => AclAction.Filter,
                    "drop" => AclAction.Drop,
                    _ => throw OptionError(option, "acl", $"unknown action \"{option.Name}\" (allow, block, filter, drop)"),
                };
                DnsRecordType[]? types = null;
                AclNetwork[]? networks = null;
                var arguments = option.Arguments;
                for (var i = 0; i < arguments.Count;)
                {
                    var keyword = arguments[i++];
                    if (keyword.Text is not ("type" or "net"))
                    {
                        throw Error(keyword, "acl", $"expected type or net, got \"{keyword.Text}\"");
                    }

                    var values = new List<CorefileToken>();
                    while (i < arguments.Count && arguments[i].Text is not ("type" or "net"))
                    {
                        values.Add(arguments[i++]);
                    }

                    if (values.Count == 0)
                    {
                        throw Error(keyword, "acl", $"\"{keyword.Text}\" needs at least one value");
                    }

                    switch (keyword.Text)
                    {
                        case "type":
                            types = values.Any(v => v.Text == "*") ? null : [.. values.Select(v => RecordText.TryParseType(v.Text, out var t) ? t : throw Error(v, "acl", $"unknown type \"{v.Text}\""))];
                            break;
                        default:
                            networks = values.Any(v => v.Text == "*") ? null : [.. values.Select(v => AclNetwork.TryParse(v.Text, out var n) ? n : throw Error(v, "acl", $"\"{v.Text}\" is not an address or CIDR"))];
                            break;
                    }
                }

                policies.Add(new AclPolicy(action, types, networks));
            }

            return policies.Count > 0 ? new AclRule(zones, [.. policies]) : throw Error(directive, "needs at least one policy (allow, block, filter, drop)");
        }

        /// <summary><c>hosts [FILE [ZONES...]] { ADDRESS NAME...; ttl SECONDS; no_reverse; reload DURATION; fallthrough [ZONES...] }</c>.</summary>
        private HostsStep Hosts(Directive directive)
        {
            var path = directive.Arguments.Count > 0 ? directive.Arguments[0].Text : "/etc/hosts";
            var zones = directive.Arguments.Count > 1 ? Zones(directive.Arguments.Skip(1), "hosts") : _blockZones;
            var inline = new List<(IPAddress Address, IReadOnlyList<string> Names)>();
            var ttl = HostsTtl;
            var reverse = true;
            var reload = HostsReload;
            ZoneFilter? fallthrough = null;
            foreach (var option in directive.Block)
            {
                switch (option.Name)
                {
                    case "ttl":
                        RequireArguments(option, "hosts", 1, 1);
                        var seconds = Number(option.Arguments[0], "hosts");
                        ttl = seconds is >= 1 and <= 65535 ? (uint)seconds : throw OptionError(option, "hosts", "ttl must be from 1 to 65535");
                        break;
                    case "no_reverse":
                        RequireArguments(option, "hosts", 0, 0);
                        reverse = false;
                        break;
                    case "reload":
                        RequireArguments(option, "hosts", 1, 1);
                        reload = Duration(option.Arguments[0], "hosts");
                        break;
                    case "fallthrough":
                        fallthrough = option.Arguments.Count == 0 ? ZoneFilter.All : Zones(option.Arguments, "hosts");
                        break;
                    default:
                        if (!IPAddress.TryParse(option.Name, out var address) || option.Arguments.Count == 0)
                        {
                            throw OptionError(option, "hosts", $"\"{option.Name}\" is neither an option (ttl, no_reverse, reload, fallthrough) nor ADDRESS NAME...");
                        }

                        inline.Add((address, option.Arguments.Select(a => a.Text).ToList()));
                        break;
                }
            }

            HostsTable Load()
            {
                string text;
                try
                {
                    text = resources.ReadFile(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // As CoreDNS: a missing or unreadable file is no entries (the inline ones stay), not an error.
                    text = "";
                }

                return new HostsTable(inline.Concat(HostsTable.Parse(text)), zones, ttl, reverse);
            }

            // Watched before it is read, so a change between the two is not missed.
            HostsStep? step = null;
            if (reload > TimeSpan.Zero)
            {
                owned.Add(new FileWatch(path, reload, () => step?.Swap(Load())));
            }

            step = new HostsStep(zones, fallthrough, Load());
            return step;
        }

        /// <summary><c>rewrite [continue|stop] name [exact|prefix|suffix|substring|regex] FROM TO [answer auto]</c>.</summary>
        private NameRule Rewrite(Directive directive)
        {
            if (directive.Block.Count > 0)
            {
                throw OptionError(directive.Block[0], "rewrite", "the block form is not supported; write one rule per line");
            }

            var arguments = directive.Arguments.ToList();
            var next = 0;
            var continues = false;
            if (arguments.Count > 0 && arguments[0].Text is "continue" or "stop")
            {
                continues = arguments[0].Text == "continue";
                next++;
            }

            if (next >= arguments.Count || arguments[next].Text != "name")
            {
                var found = next < arguments.Count ? arguments[next] : new CorefileToken("", directive.Line, directive.Column);
                throw Error(found, "rewrite", $"only name rules are supported (got \"{found.Text}\")");
            }

            next++;
            var match = next < arguments.Count ? arguments[next].Text switch
            {
                "exact" => NameMatch.Exact,
                "prefix" => NameMatch.Prefix,
                "suffix" => NameMatch.Suffix,
                "substring" => NameMatch.Substring,
                "regex" => NameMatch.Regex,
                _ => (NameMatch?)null,
            } : null;
            next += match is null ? 0 : 1;
            if (arguments.Count - next < 2)
            {
                throw Error(directive, "expected [continue|stop] name [exact|prefix|suffix|substring|regex] FROM TO [answer auto]");
            }

            var (from, to) = (arguments[next], arguments[next + 1]);
            var rest = arguments.Skip(next + 2).ToList();
            var answerAuto = rest.Count == 2 && rest[0].Text == "answer" && rest[1].Text == "auto";
            if (rest.Count > 0 && !answerAuto)
            {
                throw Error(rest[0], "rewrite", $"\"{string.Join(' ', rest.Select(r => r.Text))}\": only answer auto is supported after FROM TO");
            }

            var kind = match ?? NameMatch.Exact;
            var pattern = kind == NameMatch.Regex ? Regex(from, "rewrite") : null;
            return new NameRule(kind, kind == NameMatch.Regex ? from.Text : Absolute(from.Text), Absolute(to.Text), kind == NameMatch.Exact || answerAuto, continues, pattern);
        }

        /// <summary>Lower case with a trailing dot, as CoreDNS normalizes a rule's names.</summary>
        private static string Absolute(string name) => (name.EndsWith('.') ? name : name + ".").ToLowerInvariant();

        /// <summary><c>cache [TTL] [ZONES...] { success CAPACITY [TTL [MINTTL]] denial CAPACITY [TTL [MINTTL]] }</c>, CoreDNS's defaults.</summary>
        private CacheStep Cache(Directive directive)
        {
            var arguments = directive.Arguments.ToList();
            var maxTtl = (TimeSpan?)null;
            if (arguments.Count > 0 && int.TryParse(arguments[0].Text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                maxTtl = TimeSpan.FromSeconds(seconds);
                arguments.RemoveAt(0);
            }

            if (maxTtl == TimeSpan.Zero)
            {
                throw Error(directive.Arguments[0], "cache", "the TTL must be at least 1 second");
            }

            // A maximum below the minimum wins, as in CoreDNS.
            var success = new CacheBounds(CacheCapacity, maxTtl ?? CacheSuccessTtl, Min(CacheMinTtl, maxTtl ?? CacheSuccessTtl));
            var denial = new CacheBounds(CacheCapacity, maxTtl ?? CacheDenialTtl, Min(CacheMinTtl, maxTtl ?? CacheDenialTtl));
            foreach (var option in directive.Block)
            {
                switch (option.Name)
                {
                    case "success":
                        success = Bounds(option, success);
                        break;
                    case "denial":
                        denial = Bounds(option, denial);
                        break;
                    default:
                        throw OptionError(option, "cache", $"option \"{option.Name}\" is not supported (cache has success, denial)");
                }
            }

            var zones = arguments.Count > 0 ? Zones(arguments, "cache") : _blockZones;
            return new CacheStep(new ResponseCache(success, denial, resources.Clock), zones);
        }

        private CacheBounds Bounds(Directive option, CacheBounds defaults)
        {
            RequireArguments(option, "cache", 1, 3);
            var capacity = Number(option.Arguments[0], "cache");
            if (capacity < 1)
            {
                throw OptionError(option, "cache", $"{option.Name}: the capacity must be at least 1");
            }

            var max = option.Arguments.Count > 1 ? TimeSpan.FromSeconds(Number(option.Arguments[1], "cache")) : defaults.MaxTtl;
            var min = option.Arguments.Count > 2 ? TimeSpan.FromSeconds(Number(option.Arguments[2], "cache")) : defaults.MinTtl;
            return new CacheBounds(capacity, max, Min(min, max));
        }

        private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

        private TemplateRule Template(Directive directive)
        {
            if (directive.Arguments.Count < 2)
            {
                throw Error(directive, "expected CLASS TYPE [ZONE...]");
            }

            var classToken = directive.Arguments[0];
            var qclass = classToken.Text.ToUpperInvariant() switch
            {
                "IN" => DnsClass.IN,
                "CH" => DnsClass.CH,
                "HS" => DnsClass.HS,
                "ANY" => DnsClass.ANY,
                _ => throw Error(classToken, "template", $"unknown class \"{classToken.Text}\""),
            };
            var typeToken = directive.Arguments[1];
            if (!RecordText.TryParseType(typeToken.Text, out var qtype))
            {
                throw Error(typeToken, "template", $"unknown type \"{typeToken.Text}\"");
            }

            var zones = directive.Arguments.Count > 2 ? Zones(directive.Arguments.Skip(2).ToList(), "template") : _blockZones;
            var matches = new List<Regex>();
            var (answers, authority, additional) = (new List<byte[]>(), new List<byte[]>(), new List<byte[]>());
            var rcode = DnsRcode.NoError;
            ZoneFilter? fallthrough = null;
            foreach (var option in directive.Block)
            {
                switch (option.Name)
                {
                    case "match":
                        RequireArguments(option, "template", 1, int.MaxValue);
                        matches.AddRange(option.Arguments.Select(a => Regex(a, "template")));
                        break;
                    case "answer" or "authority" or "additional":
                        RequireArguments(option, "template", 1, 1);
                        var target = option.Name switch { "answer" => answers, "authority" => authority, _ => additional };
                        target.Add(Record(option.Arguments[0]));
                        break;
                    case "rcode":
                        RequireArguments(option, "template", 1, 1);
                        rcode = Rcodes.TryGetValue(option.Arguments[0].Text, out var code)
                            ? code
                            : throw Error(option.Arguments[0], "template", $"unknown rcode \"{option.Arguments[0].Text}\"");
                        break;
                    case "fallthrough":
                        fallthrough = option.Arguments.Count == 0 ? ZoneFilter.All : Zones(option.Arguments, "template");
                        break;
                    case "upstream":
                        // CoreDNS accepts and ignores it since 1.7.
                        break;
                    default:
                        throw OptionError(option, "template", $"option \"{option.Name}\" is not supported (template has match, answer, additional, authority, rcode, fallthrough)");
                }
            }

            return new TemplateRule
            {
                Class = qclass,
                Type = qtype,
                Zones = zones,
                Matches = [.. matches],
                Rcode = rcode,
                Answers = [.. answers.SelectMany(a => a)],
                AnswerCount = answers.Count,
                Authority = [.. authority.SelectMany(a => a)],
                AuthorityCount = authority.Count,
                Additional = [.. additional.SelectMany(a => a)],
                AdditionalCount = additional.Count,
                Fallthrough = fallthrough,
            };
        }

        private Regex Regex(CorefileToken token, string plugin)
        {
            try
            {
                // Go's RE2 has no backtracking; neither does this engine, so a pattern costs linear time per query.
                return new Regex(token.Text, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                throw Error(token, plugin, $"invalid regex: {e.Message}");
            }
        }

        private byte[] Record(CorefileToken token)
        {
            try
            {
                return RecordText.Encode(token.Text).Wire;
            }
            catch (FormatException e)
            {
                throw Error(token, "template", e.Message);
            }
        }

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
                    // Connections are never reused (a fresh socket per query, decision 0005): nothing expires.
                    RequireArguments(option, "forward", 1, 1);
                    Duration(option.Arguments[0], "forward");
                    return options;
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
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Error(path, plugin, $"cannot read {path.Text}: {e.Message}");
            }

            var servers = ResolvConf.Parse(text);
            return servers.Count > 0 ? servers : throw Error(path, plugin, $"{path.Text} has no nameserver");
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
