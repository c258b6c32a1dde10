using System.Text.RegularExpressions;
using ActorDns.Protocol;
using ActorDns.Server.Query;

namespace ActorDns.Server.Pipeline;

/// <summary>
/// One <c>template CLASS TYPE [ZONE…] { … }</c> of a server block, compiled: its answers are encoded once, so a
/// reply is a copy (no rendering per query).
/// </summary>
public sealed class TemplateRule
{
    public required DnsClass Class { get; init; }

    public required DnsRecordType Type { get; init; }

    public required ZoneFilter Zones { get; init; }

    /// <summary>Tried in order against the lower-case name with its trailing dot; none means every name matches.</summary>
    public Regex[] Matches { get; init; } = [];

    public DnsRcode Rcode { get; init; } = DnsRcode.NoError;

    public byte[] Answers { get; init; } = [];

    public int AnswerCount { get; init; }

    public byte[] Authority { get; init; } = [];

    public int AuthorityCount { get; init; }

    public byte[] Additional { get; init; } = [];

    public int AdditionalCount { get; init; }

    /// <summary>Where an unmatched name goes on to the next plugin; null: nowhere (SERVFAIL).</summary>
    public ZoneFilter? Fallthrough { get; init; }

    internal bool Applies(DnsClass qclass, DnsRecordType qtype) =>
        (Class == DnsClass.ANY || qclass == DnsClass.ANY || qclass == Class)
        && (Type == DnsRecordType.ANY || qtype == DnsRecordType.ANY || qtype == Type);
}

/// <summary>
/// CoreDNS's <c>template</c>: for a query in a rule's zones, of its class and type, whose name one of its regexes
/// matches, the rule's answer (AA set) with its rcode; no regex matching and no <c>fallthrough</c> for the name is
/// SERVFAIL. A query no rule is for goes on. Allocation-free: the name is matched as characters on the stack.
/// </summary>
public sealed class TemplateStep(IReadOnlyList<TemplateRule> rules) : PipelineStep
{
    private readonly TemplateRule[] _rules = [.. rules];
    private readonly bool _anyRegex = rules.Any(r => r.Matches.Length > 0);

    public override StepResult Run(ref QueryContext context)
    {
        ref readonly var q = ref context.Query;
        var qname = q.QName(context.Request);
        Span<char> text = stackalloc char[_anyRegex ? NameText.MaxLength : 0];
        var textLength = -1;
        foreach (var rule in _rules)
        {
            if (!rule.Applies(q.QClass, q.QType) || !rule.Zones.Matches(qname))
            {
                continue;
            }

            if (rule.Matches.Length > 0)
            {
                if (textLength < 0)
                {
                    textLength = NameText.FormatLower(qname, text);
                }

                if (!AnyMatch(rule.Matches, text[..textLength]))
                {
                    if (rule.Fallthrough?.Matches(qname) == true)
                    {
                        continue;
                    }

                    return context.Reply(DnsRcode.ServFail, authoritative: false, default);
                }
            }

            // CoreDNS writes nothing for SERVFAIL and the server answers a bare SERVFAIL without AA.
            return rule.Rcode == DnsRcode.ServFail
                ? context.Reply(DnsRcode.ServFail, authoritative: false, default)
                : context.Reply(rule.Rcode, authoritative: true, new Records(
                    rule.Answers, rule.AnswerCount, -1, default, inAnswer: false, rule.Additional, rule.AdditionalCount, rule.Authority, rule.AuthorityCount));
        }

        return context.Pass(Unanswered.NotForThisStep);
    }

    private static bool AnyMatch(Regex[] regexes, ReadOnlySpan<char> name)
    {
        foreach (var regex in regexes)
        {
            if (regex.IsMatch(name))
            {
                return true;
            }
        }

        return false;
    }
}
