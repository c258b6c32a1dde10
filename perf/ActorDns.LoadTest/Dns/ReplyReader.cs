using System.Net;
using ActorDns.Protocol;

namespace ActorDns.LoadTest.Dns;

/// <summary>The few facts the harness needs from a reply; untrusted bytes yield <c>false</c>, never an exception.</summary>
internal static class ReplyReader
{
    /// <summary>The header of a response (QR set, RFC 1035 §4.1.1); false for anything shorter or a query.</summary>
    public static bool TryReadResponseHeader(ReadOnlySpan<byte> message, out DnsHeader header) =>
        DnsHeader.TryRead(message, out header) && header.IsResponse;

    /// <summary>The address of the first IN A record of the answer section, if there is one (RFC 1035 §3.4.1).</summary>
    public static IPAddress? FirstAddress(ReadOnlySpan<byte> message)
    {
        if (!DnsMessageReader.TryCreate(message, out var reader))
        {
            return null;
        }

        for (var i = 0; i < reader.Header.QdCount; i++)
        {
            if (!reader.TryReadQuestion(out _, out _, out _))
            {
                return null;
            }
        }

        for (var i = 0; i < reader.Header.AnCount; i++)
        {
            if (!reader.TryReadRecord(out var record))
            {
                return null;
            }

            if (record.Type == DnsRecordType.A && record.Class == (ushort)DnsClass.IN && record.RdLength == 4)
            {
                return new IPAddress(message.Slice(record.RdataOffset, 4));
            }
        }

        return null;
    }
}
