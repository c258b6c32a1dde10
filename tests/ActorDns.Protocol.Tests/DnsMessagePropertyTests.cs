using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ActorDns.Protocol.Tests;

/// <summary>Conformance P-66 for <see cref="DnsMessage"/>, replayed from a fixed seed.</summary>
public sealed class DnsMessagePropertyTests
{
    [Property(Replay = DnsGenerators.Seed, MaxTest = 300, QuietOnSuccess = true)]
    public Property ToArrayThenTryParse_GeneratedMessage_ReproducesMessage() =>
        Prop.ForAll(Arb.From(DnsGenerators.Message), message =>
        {
            var wire = message.ToArray();

            // ToString is lossless (names escaped, RDATA in hex or as an address), so equal text means equal messages.
            return DnsMessage.TryParse(wire, out var parsed)
                && parsed.ToString() == message.ToString()
                && parsed.ToArray().AsSpan().SequenceEqual(wire);
        });

    [Property(Replay = DnsGenerators.Seed, MaxTest = 100, QuietOnSuccess = true)]
    public Property TryParse_StrictPrefixOfGeneratedMessage_ReturnsFalse() =>
        Prop.ForAll(Arb.From(DnsGenerators.Message), message =>
        {
            var wire = message.ToArray();
            for (var length = 0; length < wire.Length; length++)
            {
                if (DnsMessage.TryParse(wire.AsSpan(0, length), out _))
                {
                    return false;
                }
            }

            return true;
        });

    [Property(Replay = DnsGenerators.Seed, MaxTest = 1000, QuietOnSuccess = true)]
    public Property TryParse_HostileBytes_ReturnsWithoutThrowing() =>
        Prop.ForAll(Arb.From(DnsGenerators.HostileBytes), wire =>
        {
            // An exception fails the property; an accepted message must serialise to something that parses again.
            if (!DnsMessage.TryParse(wire, out var message))
            {
                return true;
            }

            return DnsMessage.TryParse(message.ToArray(), out var again) && again.ToString() == message.ToString();
        });
}
