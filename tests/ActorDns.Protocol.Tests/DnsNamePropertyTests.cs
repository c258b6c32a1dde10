using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ActorDns.Protocol.Tests;

/// <summary>Conformance P-66 for <see cref="DnsName"/>, replayed from a fixed seed.</summary>
public sealed class DnsNamePropertyTests
{
    [Property(Replay = DnsGenerators.Seed, MaxTest = 500, QuietOnSuccess = true)]
    public Property TryRead_ArbitraryBytesAtEveryOffset_NeverYieldsMoreThan255Octets() =>
        Prop.ForAll(Arb.From(DnsGenerators.PointerRichBytes(1, 400)), message =>
        {
            // A destination far larger than 255 so that an over-long result would be seen, not thrown.
            var destination = new byte[4 * DnsName.MaxLength];
            for (var offset = 0; offset < message.Length; offset++)
            {
                if (!DnsName.TryRead(message, offset, destination, out var written, out var next))
                {
                    continue;
                }

                var name = destination.AsSpan(0, written);
                if (written > DnsName.MaxLength
                    || DnsName.CountLabels(name) > 127
                    || !DnsName.TryMeasureUncompressed(name, 0, out var measured)
                    || measured != written
                    || next <= offset
                    || next > message.Length
                    || !DnsName.TrySkip(message, offset, out var skipped)
                    || skipped != next)
                {
                    return false;
                }
            }

            return true;
        });

    [Property(Replay = DnsGenerators.Seed, MaxTest = 500, QuietOnSuccess = true)]
    public Property ToTextThenTryParse_GeneratedName_ReproducesWire() =>
        Prop.ForAll(Arb.From(DnsGenerators.WireName), wire =>
            DnsName.TryParse(DnsName.ToText(wire), out var parsed, out _) && parsed.AsSpan().SequenceEqual(wire));

    [Property(Replay = DnsGenerators.Seed, MaxTest = 500, QuietOnSuccess = true)]
    public Property HashIgnoreCase_CaseVariant_EqualsAndHashesAlike() =>
        Prop.ForAll(Arb.From(DnsGenerators.NameAndCaseVariant), pair =>
            DnsName.EqualsIgnoreCase(pair.Name, pair.Variant)
            && DnsName.HashIgnoreCase(pair.Name) == DnsName.HashIgnoreCase(pair.Variant)
            && DnsName.FindSuffix(pair.Variant, pair.Name) == 0);
}
