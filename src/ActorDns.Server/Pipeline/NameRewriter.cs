using System.Buffers.Binary;
using System.Text.RegularExpressions;
using ActorDns.Protocol;
using ActorDns.Server.Query;

namespace ActorDns.Server.Pipeline;

/// <summary>How a <c>rewrite name</c> rule matches: CoreDNS's match types.</summary>
public enum NameMatch : byte
{
    Exact,
    Prefix,
    Suffix,
    Substring,
    Regex,
}

/// <summary>
/// One <c>rewrite [continue|stop] name TYPE FROM TO [answer auto]</c> rule. Names are lower case with their trailing
/// dot, as CoreDNS compares them; a regex's TO may use <c>{1}</c>… for its groups.
/// </summary>
public sealed partial record NameRule(NameMatch Match, string From, string To, bool RestoreAnswers, bool Continue, Regex? Pattern = null)
{
    /// <summary>Whether the rule applies to <paramref name="name"/>; allocation-free.</summary>
    public bool Matches(ReadOnlySpan<char> name) => Match switch
    {
        NameMatch.Exact => name.SequenceEqual(From),
        NameMatch.Prefix => name.StartsWith(From, StringComparison.Ordinal),
        NameMatch.Suffix => name.EndsWith(From, StringComparison.Ordinal),
        NameMatch.Substring => name.Contains(From, StringComparison.Ordinal),
        _ => Pattern!.IsMatch(name),
    };

    /// <summary>The rewritten name, or null when the rule does not match.</summary>
    public string? Apply(string name) => !Matches(name) ? null : Match switch
    {
        NameMatch.Exact => To,
        NameMatch.Prefix => To + name[From.Length..],
        NameMatch.Suffix => name[..^From.Length] + To,
        NameMatch.Substring => name.Replace(From, To, StringComparison.Ordinal),
        _ => WithGroups(Pattern!.Match(name)),
    };

    /// <summary>TO with each <c>{n}</c> replaced by group n of the match; a reference to no group stays as written (CoreDNS).</summary>
    private string WithGroups(Match match) =>
        GroupReference().Replace(To, g => int.TryParse(g.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture, out var n) && n < match.Groups.Count
            ? match.Groups[n].Value
            : g.Value);

    [GeneratedRegex(@"\{(\d+)\}")]
    private static partial Regex GroupReference();
}

/// <summary>
/// The <c>rewrite name</c> rules of a server block: rewrites a request's question, and puts the client's question back
/// in the reply — and, for an exact rule or one with <c>answer auto</c>, the client's name on every record owned by
/// the rewritten name or a name below it. A query no rule matches costs its name formatted on the stack; a
/// rewritten one allocates (a new message, and the reply rebuilt).
/// </summary>
public sealed class NameRewriter(IReadOnlyList<NameRule> rules)
{
    private readonly NameRule[] _rules = [.. rules];

    /// <summary>The rewritten request and its parse, or false when no rule matches.</summary>
    public bool TryRewrite(ReadOnlySpan<byte> request, in DnsQuery query, out byte[] rewritten, out DnsQuery parsed, out bool restoreAnswers)
    {
        rewritten = [];
        parsed = default;
        restoreAnswers = false;
        Span<char> text = stackalloc char[NameText.MaxLength];
        var length = NameText.FormatLower(query.QName(request), text);
        var first = -1;
        for (var i = 0; i < _rules.Length && first < 0; i++)
        {
            first = _rules[i].Matches(text[..length]) ? i : -1;
        }

        if (first < 0)
        {
            return false;
        }

        var original = new string(text[..length]);
        var name = original;
        for (var i = first; i < _rules.Length; i++)
        {
            if (_rules[i].Apply(name) is not { } next)
            {
                continue;
            }

            name = next;
            restoreAnswers |= _rules[i].RestoreAnswers;
            if (!_rules[i].Continue)
            {
                break;
            }
        }

        // A name that is no longer valid is left alone (CoreDNS answers SERVFAIL; the mesh's REFUSED or the upstreams' answer is as clear).
        if (name == original || !DnsName.TryParse(name, out var wire, out _))
        {
            return false;
        }

        var questionEnd = DnsQuery.QuestionOffset + query.QNameLength;
        rewritten = [.. request[..DnsQuery.QuestionOffset], .. wire, .. request[questionEnd..]];
        return DnsQueryParser.Parse(rewritten, out parsed) == QueryParseStatus.Ok;
    }

    /// <summary>
    /// Turns the reply to <paramref name="rewritten"/> in <paramref name="response"/> into the reply to the client's
    /// <paramref name="request"/>; returns its length.
    /// </summary>
    public static int Restore(ReadOnlySpan<byte> request, in DnsQuery query, ReadOnlySpan<byte> rewritten, Span<byte> response, int length, bool restoreAnswers, bool overUdp)
    {
        if (!DnsMessage.TryParse(response[..length], out var reply) || reply.Questions.Count != 1)
        {
            return length;
        }

        var clientName = DnsName.ToText(query.QName(request));
        DnsQueryParser.Parse(rewritten, out var rewrittenQuery);
        var sentName = DnsName.ToText(rewrittenQuery.QName(rewritten));
        reply.Questions[0] = reply.Questions[0] with { Name = clientName };
        if (restoreAnswers)
        {
            foreach (var section in new[] { reply.Answers, reply.Authorities, reply.Additionals })
            {
                for (var i = 0; i < section.Count; i++)
                {
                    if (Renamed(section[i].Name, sentName, clientName) is { } owner)
                    {
                        section[i] = section[i] with { Name = owner };
                    }
                }
            }
        }

        var written = reply.Write(response);
        if (overUdp && written > query.Edns.ClientUdpLimit)
        {
            var hasOpt = reply.Additionals.Any(r => r.Type == DnsRecordType.OPT);
            return ReplyWriter.Truncate(response, query.QuestionLength, hasOpt, query.Edns.DnssecOkBit, reply.Rcode);
        }

        BinaryPrimitives.WriteUInt16BigEndian(response, query.Header.Id);
        return written;
    }

    /// <summary>The owner with the rewritten name (or the part of it that is that name) put back, or null.</summary>
    private static string? Renamed(string owner, string sent, string client)
    {
        if (owner.Equals(sent, StringComparison.OrdinalIgnoreCase))
        {
            return client;
        }

        return owner.EndsWith("." + sent, StringComparison.OrdinalIgnoreCase) ? owner[..^sent.Length] + client : null;
    }
}
