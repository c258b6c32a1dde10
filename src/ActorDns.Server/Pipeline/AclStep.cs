using System.Net;
using ActorDns.Protocol;

namespace ActorDns.Server.Pipeline;

/// <summary>What an <c>acl</c> policy does with a query it matches.</summary>
public enum AclAction : byte
{
    /// <summary>Stop the acl checks; the query goes on.</summary>
    Allow,

    /// <summary>REFUSED.</summary>
    Block,

    /// <summary>NOERROR with no records.</summary>
    Filter,

    /// <summary>No reply at all.</summary>
    Drop,
}

/// <summary>A network a policy names: an address with a prefix length.</summary>
public readonly record struct AclNetwork(byte[] Address, int PrefixLength)
{
    public static bool TryParse(string text, out AclNetwork network)
    {
        network = default;
        var slash = text.IndexOf('/');
        if (!IPAddress.TryParse(slash < 0 ? text : text[..slash], out var address))
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        var length = bytes.Length * 8;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out length) || length > bytes.Length * 8))
        {
            return false;
        }

        network = new AclNetwork(bytes, length);
        return true;
    }

    public bool Contains(ReadOnlySpan<byte> address)
    {
        if (address.Length != Address.Length)
        {
            return false;
        }

        var whole = PrefixLength / 8;
        if (!address[..whole].SequenceEqual(Address.AsSpan(0, whole)))
        {
            return false;
        }

        var rest = PrefixLength % 8;
        var mask = (byte)(0xFF << (8 - rest));
        return rest == 0 || (address[whole] & mask) == (Address[whole] & mask);
    }
}

/// <summary>One policy line: an action for queries of some types from some networks (null: any).</summary>
public sealed record AclPolicy(AclAction Action, DnsRecordType[]? Types, AclNetwork[]? Networks);

/// <summary>One <c>acl [ZONES…] { … }</c>: its zones and its policies in order.</summary>
public sealed record AclRule(ZoneFilter Zones, AclPolicy[] Policies);

/// <summary>
/// CoreDNS's <c>acl</c>: the rules whose zones hold the name are checked in order, and within each the first policy
/// whose types and networks match the query and its source decides: <c>allow</c> passes it on at once, <c>block</c>
/// answers REFUSED, <c>filter</c> NOERROR with no records, <c>drop</c> nothing. A query nothing matches passes on; a
/// source address that cannot be read is blocked. Runs on the receive loop with no allocation.
/// </summary>
public sealed class AclStep(IReadOnlyList<AclRule> rules) : PipelineStep
{
    private readonly AclRule[] _rules = [.. rules];

    public override StepResult Run(ref QueryContext context)
    {
        var qname = context.Query.QName(context.Request);
        Span<byte> source = stackalloc byte[16];
        var sourceLength = ClientAddress.Read(context.Client, source);
        foreach (var rule in _rules)
        {
            if (!rule.Zones.Matches(qname))
            {
                continue;
            }

            if (sourceLength == 0)
            {
                return context.Reply(DnsRcode.Refused, authoritative: false, default);
            }

            foreach (var policy in rule.Policies)
            {
                if (!TypeMatches(policy.Types, context.Query.QType) || !NetworkMatches(policy.Networks, source[..sourceLength]))
                {
                    continue;
                }

                return policy.Action switch
                {
                    AclAction.Allow => context.Pass(Unanswered.NotForThisStep),
                    AclAction.Block => context.Reply(DnsRcode.Refused, authoritative: false, default),
                    AclAction.Filter => context.Reply(DnsRcode.NoError, authoritative: false, default),
                    _ => StepResult.Drop,
                };
            }
        }

        return context.Pass(Unanswered.NotForThisStep);
    }

    private static bool TypeMatches(DnsRecordType[]? types, DnsRecordType type) => types is null || Array.IndexOf(types, type) >= 0;

    private static bool NetworkMatches(AclNetwork[]? networks, ReadOnlySpan<byte> address)
    {
        if (networks is null)
        {
            return true;
        }

        foreach (var network in networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
