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
                    && DnsName.TryMeasureUncompressed(wire, DnsQuery.QuestionOffset, out var length)
                    && length == query.QNameLength,
                _ => query.QuestionLength <= wire.Length - DnsQuery.QuestionOffset,
            };
        });

    [Property(Replay = DnsGenerators.Seed, MaxTest = 300, QuietOnSuccess = true)]
    public Property Parse_GeneratedQuery_ReturnsOkAndReadsTheQuestion() =>
        Prop.ForAll(Arb.From(DnsGenerators.Query), wire =>
            DnsQueryParser.Parse(wire, out var query) == QueryParseStatus.Ok
            && DnsName.TryMeasureUncompressed(wire, DnsQuery.QuestionOffset, out var length)
            && length == query.QNameLength);

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
}
