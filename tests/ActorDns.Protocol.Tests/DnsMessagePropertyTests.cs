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

            return DnsMessage.TryParse(wire, out var parsed)
                && SameFields(message, parsed)
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

            return DnsMessage.TryParse(message.ToArray(), out var again) && SameFields(message, again);
        });

    /// <summary>Field-by-field equality: header, and every question and record with its RDATA octets.</summary>
    private static bool SameFields(DnsMessage expected, DnsMessage actual) =>
        expected.Id == actual.Id
        && expected.Flags == actual.Flags
        && expected.Questions.SequenceEqual(actual.Questions)
        && SameRecords(expected.Answers, actual.Answers)
        && SameRecords(expected.Authorities, actual.Authorities)
        && SameRecords(expected.Additionals, actual.Additionals);

    private static bool SameRecords(List<DnsResourceRecord> expected, List<DnsResourceRecord> actual) =>
        expected.Count == actual.Count
        && expected.Zip(actual).All(p => p.First.Name == p.Second.Name && p.First.Type == p.Second.Type && p.First.Class == p.Second.Class
            && p.First.Ttl == p.Second.Ttl && p.First.Data.AsSpan().SequenceEqual(p.Second.Data));
}
