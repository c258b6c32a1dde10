using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ActorDns.Protocol;

namespace ActorDns.Server.Pipeline.Corefile;

public static partial class PipelineCompiler
{
    /// <summary>The plugins that answer or decide on the receive loop: acl, hosts, rewrite, cache, template.</summary>
    private sealed partial class BlockCompiler
    {
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
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
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
    }
}
