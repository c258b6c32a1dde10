using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ActorDns.Protocol.Tests;

/// <summary>Conformance P-66 for <see cref="DnsQueryParser"/>, replayed from a fixed seed.</summary>
public sealed class DnsQueryParserPropertyTests
{
    [Property(Replay = DnsGenerators.Seed, MaxTest = 1000, QuietOnSuccess = true)]
    public Property Parse_HostileBytes_ReturnsConsistentVerdictWithoutThrowing() =>
        Prop.ForAll(Arb.From(DnsGenerators.HostileBytes), wire =>
        {
            var status = DnsQueryParser.Parse(wire, out var query);
            return status switch
            {
                QueryParseStatus.Drop => wire.Length < DnsHeader.Size || (wire[2] & 0x80) != 0,
                QueryParseStatus.Ok or QueryParseStatus.BadVers =>
                    query.HasQuestion
                    && !query.Header.IsResponse
                    && query.Header.Opcode == DnsOpcode.Query
                    && query.Header.QdCount == 1
                    && DnsQuery.QuestionOffset + query.QuestionLength <= wire.Length
                    && UncompressedNameLength(wire, DnsQuery.QuestionOffset) == query.QNameLength,
                _ => query.QuestionLength <= wire.Length - DnsQuery.QuestionOffset,
            };
        });

    [Property(Replay = DnsGenerators.Seed, MaxTest = 300, QuietOnSuccess = true)]
    public Property Parse_GeneratedQuery_ReturnsOkAndReadsTheQuestion() =>
        Prop.ForAll(Arb.From(DnsGenerators.QueryWithParts), generated =>
            DnsQueryParser.Parse(generated.Wire, out var query) == QueryParseStatus.Ok
            && query.QNameLength == generated.NameLength
            && (ushort)query.QType == generated.Type
            && query.QClass == DnsClass.IN
            && query.Edns.Present == generated.Payload.HasValue
            && (generated.Payload is not { } payload || query.Edns.UdpPayloadSize == payload));

    [Property(Replay = DnsGenerators.Seed, MaxTest = 200, QuietOnSuccess = true)]
    public Property Parse_StrictPrefixOfGeneratedQuery_ReturnsDropOrFormErr() =>
        Prop.ForAll(Arb.From(DnsGenerators.Query), wire =>
        {
            for (var length = 0; length < wire.Length; length++)
            {
                var status = DnsQueryParser.Parse(wire.AsSpan(0, length), out _);
                if (status != (length < DnsHeader.Size ? QueryParseStatus.Drop : QueryParseStatus.FormErr))
                {
                    return false;
                }
            }

            return true;
        });

    /// <summary>
    /// The length of an uncompressed name at <paramref name="offset"/> (RFC 1035 §3.1), or -1: the property's own
    /// oracle, written apart from <see cref="DnsName"/>, which the parser itself uses.
    /// </summary>
    private static int UncompressedNameLength(byte[] wire, int offset)
    {
        for (var position = offset; position < wire.Length && position - offset < 255; position += wire[position] + 1)
        {
            if (wire[position] == 0)
            {
                return position + 1 - offset;
            }

            if (wire[position] > 63)
            {
                return -1;
            }
        }

        return -1;
    }
}
