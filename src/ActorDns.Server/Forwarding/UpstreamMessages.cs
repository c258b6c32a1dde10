using System.Buffers.Binary;
using System.Security.Cryptography;
using ActorDns.Protocol;
using ActorDns.Server.Query;

namespace ActorDns.Server.Forwarding;

/// <summary>Builds the queries sent upstream, checks the replies, and turns an accepted reply into the client's answer.</summary>
internal static class UpstreamMessages
{
    /// <summary>An OPT record without options: root owner, TYPE, CLASS, TTL, RDLENGTH.</summary>
    private const int DnsOptSize = 11;

    /// <summary>Random octets drawn ahead, per thread: one call to the RNG per 128 IDs.</summary>
    private const int RandomAhead = 256;

    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_nextRandom;

    /// <summary>
    /// A fresh 16-bit ID from a cryptographic RNG (RFC 5452 §9.2, conformance F-01). The octets are drawn 256 at a
    /// time into a buffer of the calling thread: OpenSSL's RNG costs a <c>getpid</c> system call per call, which was
    /// a tenth of a forwarded query's CPU.
    /// </summary>
    public static ushort NewId()
    {
        var random = t_random;
        var next = t_nextRandom;
        if (random is null || next == RandomAhead)
        {
            random = t_random ??= new byte[RandomAhead];
            RandomNumberGenerator.Fill(random);
            next = 0;
        }

        t_nextRandom = next + 2;
        return BinaryPrimitives.ReadUInt16BigEndian(random.AsSpan(next));
    }

    /// <summary>
    /// The upstream query: new ID, the client's RD and CD, the client's question, and our own OPT (payload
    /// 1232, the client's DO) unless <paramref name="withEdns"/> is false — client options are not relayed.
    /// </summary>
    public static int WriteQuery(Span<byte> destination, ushort id, ReadOnlySpan<byte> question, ushort clientFlags, bool dnssecOk, bool withEdns)
    {
        var writer = new DnsWriter(destination);
        var flags = (ushort)(clientFlags & (DnsHeaderFlags.RD | DnsHeaderFlags.CD));
        writer.WriteHeader(new DnsHeader(id, flags, 1, 0, 0, (ushort)(withEdns ? 1 : 0)));
        writer.WriteBytes(question);
        if (withEdns)
        {
            writer.WriteOpt(EdnsInfo.ServerPayloadSize, DnsRcode.NoError, dnssecOk);
        }

        return writer.Position;
    }

    /// <summary>
    /// Accepts only a well-formed response to exactly what we asked: QR set, same ID, one question equal to
    /// ours (name ignoring case, type, class), every record within bounds (conformance F-03, F-05, F-07, F-08).
    /// </summary>
    public static bool IsAcceptable(ReadOnlySpan<byte> reply, ushort id, ReadOnlySpan<byte> question)
    {
        if (!DnsMessageReader.TryCreate(reply, out var reader)
            || !reader.Header.IsResponse
            || reader.Header.Id != id
            || reader.Header.QdCount != 1
            || !reader.TryReadQuestion(out var nameOffset, out _, out _))
        {
            return false;
        }

        var nameLength = question.Length - 4;
        if (reader.Position != nameOffset + question.Length
            || !DnsName.EqualsIgnoreCase(reply.Slice(nameOffset, nameLength), question[..nameLength])
            || !reply.Slice(nameOffset + nameLength, 4).SequenceEqual(question[nameLength..]))
        {
            return false;
        }

        for (var i = 0; i < reader.RecordCount; i++)
        {
            if (!reader.TryReadRecord(out _))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Writes the client's answer from an accepted upstream reply: the client's ID, question bytes (its letter
    /// case), RD and CD; RA set; upstream OPT records dropped and our own added when the client sent one; TTLs
    /// of 2^31 or more set to 0 (RFC 2181 §8); truncated to the client's UDP limit (conformance F-10, F-22, P-53).
    /// </summary>
    public static int WriteClientReply(ReadOnlySpan<byte> reply, ReadOnlySpan<byte> clientQuery, in DnsQuery client, Span<byte> response, bool overUdp)
    {
        DnsMessageReader.TryCreate(reply, out var reader);
        reader.TryReadQuestion(out _, out _, out _);
        var header = reader.Header;
        const ushort fromUpstream = DnsHeaderFlags.AA | DnsHeaderFlags.TC | DnsHeaderFlags.AD;
        var flags = DnsHeader.MakeFlags(
            true, DnsOpcode.Query, header.Rcode, (ushort)((header.Flags & fromUpstream) | (client.Header.Flags & (DnsHeaderFlags.RD | DnsHeaderFlags.CD)) | DnsHeaderFlags.RA));
        var writer = new DnsWriter(response);
        writer.Position = DnsHeader.Size;
        writer.WriteBytes(client.Question(clientQuery));
        if (reply.Length + DnsOptSize > Math.Min(response.Length, ushort.MaxValue))
        {
            // It would not fit: in a DNS message (our OPT added to 64 KB), or in a UDP client's buffer, which is only as
            // large as the most any UDP client takes. Answered as a reply cut to fit: the question and TC, the client retries over TCP.
            new DnsHeader(client.Header.Id, flags, 1, 0, 0, 0).Write(response);
            return ReplyWriter.Truncate(response, client.QuestionLength, client.Edns.Present, client.Edns.DnssecOkBit, header.Rcode);
        }

        Span<int> counts = stackalloc int[3];
        ReadOnlySpan<ushort> sections = [header.AnCount, header.NsCount, header.ArCount];
        for (var section = 0; section < 3; section++)
        {
            for (var i = 0; i < sections[section]; i++)
            {
                reader.TryReadRecord(out var record);
                if (record.Type == DnsRecordType.OPT)
                {
                    continue;
                }

                var start = writer.Position;
                writer.WriteBytes(reply[record.Offset..record.End]);
                if (record.Ttl >= 0x80000000u)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(response[(start + record.TtlOffset - record.Offset)..], 0);
                }

                counts[section]++;
            }
        }

        if (client.Edns.Present)
        {
            writer.WriteOpt(EdnsInfo.ServerPayloadSize, header.Rcode, client.Edns.DnssecOkBit);
            counts[2]++;
        }

        new DnsHeader(
            client.Header.Id,
            flags,
            1,
            (ushort)counts[0],
            (ushort)counts[1],
            (ushort)counts[2]).Write(response);
        if (overUdp && writer.Position > client.Edns.ClientUdpLimit)
        {
            return ReplyWriter.Truncate(response, client.QuestionLength, client.Edns.Present, client.Edns.DnssecOkBit, header.Rcode);
        }

        return writer.Position;
    }
}
