using ActorDns.Protocol;

namespace ActorDns.Server.Pipeline;

/// <summary>A set of rcodes (0–31), as a bit mask: what an <c>alternate</c> reacts to.</summary>
public readonly record struct RcodeSet(uint Mask)
{
    public static RcodeSet Of(IEnumerable<DnsRcode> rcodes)
    {
        var mask = 0u;
        foreach (var rcode in rcodes)
        {
            mask |= 1u << (int)rcode;
        }

        return new RcodeSet(mask);
    }

    public bool Contains(DnsRcode rcode) => (uint)rcode < 32 && (Mask & (1u << (int)rcode)) != 0;
}
