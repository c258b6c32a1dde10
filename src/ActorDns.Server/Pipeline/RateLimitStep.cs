using ActorDns.Protocol;
using ActorDns.Server.Metrics;
using ActorDns.Server.Query;

namespace ActorDns.Server.Pipeline;

/// <summary>
/// Knot's and NSD's RRL, simplified to one class of answers: each UDP query counts against its client's prefix
/// (/24 for IPv4, /56 for IPv6) in the current second; past <see cref="RateLimitSettings.Rate"/> the answer is
/// dropped or, every <see cref="RateLimitSettings.Slip"/>th time, sent truncated. TCP is exempt: its handshake proves the
/// address. Prefixes are hashed into a fixed table of counters updated with compare-and-swap on the receive loops,
/// so a query costs no lock and no allocation; two prefixes that share a counter are limited together, never less.
/// The first step of every pipeline, so spoofed floods are cut before any other work.
/// </summary>
public sealed class RateLimitStep(RateLimitSettings settings, TimeProvider clock, RateLimitCounts counts) : PipelineStep
{
    /// <summary>Counters: 65,536 of them, 512 KiB.</summary>
    private const int TableBits = 16;

    /// <summary>Low bits of a counter: queries seen this second; high bits: the second.</summary>
    private const int CountBits = 24;

    private const long CountMask = (1L << CountBits) - 1;

    private readonly long[] _counters = new long[1 << TableBits];

    public override StepResult Run(ref QueryContext context)
    {
        if (!context.OverUdp)
        {
            return context.Pass(Unanswered.NotForThisStep);
        }

        Span<byte> address = stackalloc byte[16];
        var length = ClientAddress.Read(context.Client, address);
        if (length == 0)
        {
            return context.Pass(Unanswered.NotForThisStep);
        }

        var seen = Count(Slot(address[..length]), clock.GetTimestamp() / clock.TimestampFrequency);
        if (seen <= settings.Rate)
        {
            return context.Pass(Unanswered.NotForThisStep);
        }

        if (settings.Slip == 0 || (seen - settings.Rate) % settings.Slip != 0)
        {
            counts.Drop();
            return StepResult.Drop;
        }

        counts.Truncate();

        // The slip: header, question and OPT with TC, so a client behind the address can retry over TCP.
        ReplyWriter.Write(context.Request, context.Response, context.Query, DnsRcode.NoError, (ushort)(context.Query.Header.Flags & DnsHeaderFlags.RD), default, overUdp: true);
        var query = context.Query;
        return context.Answer(ReplyWriter.Truncate(context.Response, query.QuestionLength, query.Edns.Present, query.Edns.DnssecOkBit, DnsRcode.NoError), DnsRcode.NoError);
    }

    /// <summary>The counter of the client's prefix: the first 3 octets of an IPv4 address, the first 7 of an IPv6 one.</summary>
    private int Slot(ReadOnlySpan<byte> address)
    {
        var prefix = address.Length == 4 ? address[..3] : address[..7];
        // HashCode is seeded at random per process, so nobody can pick addresses that share a counter with a victim's.
        var hash = new HashCode();
        hash.AddBytes(prefix);
        return hash.ToHashCode() & ((1 << TableBits) - 1);
    }

    /// <summary>Counts one more query in <paramref name="second"/>; how many that counter has seen in it.</summary>
    private long Count(int slot, long second)
    {
        ref var counter = ref _counters[slot];
        while (true)
        {
            var current = Volatile.Read(ref counter);
            var seen = current >> CountBits == second ? (current & CountMask) + 1 : 1;
            var next = (second << CountBits) | Math.Min(seen, CountMask);
            if (Interlocked.CompareExchange(ref counter, next, current) == current)
            {
                return seen;
            }
        }
    }
}
