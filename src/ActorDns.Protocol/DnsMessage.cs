using System.Text;

namespace ActorDns.Protocol;

/// <summary>
/// A whole message as objects: for clients, tests and the control plane. The query path never builds one;
/// it works on spans with <see cref="DnsQueryParser"/> and <see cref="DnsWriter"/>.
/// </summary>
public sealed class DnsMessage
{
    public ushort Id { get; set; }

    public ushort Flags { get; set; }

    public List<DnsQuestion> Questions { get; } = [];

    public List<DnsResourceRecord> Answers { get; } = [];

    public List<DnsResourceRecord> Authorities { get; } = [];

    public List<DnsResourceRecord> Additionals { get; } = [];

    public DnsRcode Rcode => (DnsRcode)(Flags & DnsHeaderFlags.RcodeMask);

    /// <summary>Parses a whole message; false for anything malformed (any truncated prefix included).</summary>
    public static bool TryParse(ReadOnlySpan<byte> wire, out DnsMessage message)
    {
        message = new DnsMessage();
        if (!DnsMessageReader.TryCreate(wire, out var reader))
        {
            return false;
        }

        message.Id = reader.Header.Id;
        message.Flags = reader.Header.Flags;
        Span<byte> name = stackalloc byte[DnsName.MaxLength];
        for (var i = 0; i < reader.Header.QdCount; i++)
        {
            if (!reader.TryReadQuestion(out var nameOffset, out var type, out var @class)
                || !DnsName.TryRead(wire, nameOffset, name, out var length, out _))
            {
                return false;
            }

            message.Questions.Add(new DnsQuestion(DnsName.ToText(name[..length]), type, (DnsClass)@class));
        }

        return TryReadSection(wire, ref reader, reader.Header.AnCount, message.Answers)
            && TryReadSection(wire, ref reader, reader.Header.NsCount, message.Authorities)
            && TryReadSection(wire, ref reader, reader.Header.ArCount, message.Additionals)
            && reader.AtEnd;
    }

    private static bool TryReadSection(ReadOnlySpan<byte> wire, ref DnsMessageReader reader, int count, List<DnsResourceRecord> section)
    {
        Span<byte> name = stackalloc byte[DnsName.MaxLength];
        for (var i = 0; i < count; i++)
        {
            if (!reader.TryReadRecord(out var record)
                || !DnsName.TryRead(wire, record.Offset, name, out var length, out _)
                || !TryExpandRdata(wire, record, out var data))
            {
                return false;
            }

            section.Add(new DnsResourceRecord(DnsName.ToText(name[..length]), record.Type, record.Class, record.Ttl, data));
        }

        return true;
    }

    /// <summary>Copies RDATA, expanding the names that RFC 3597 §4 allows to be compressed.</summary>
    private static bool TryExpandRdata(ReadOnlySpan<byte> wire, DnsRecordView record, out byte[] data)
    {
        var (prefix, names, suffix) = record.Type switch
        {
            DnsRecordType.NS or DnsRecordType.CNAME or DnsRecordType.PTR => (0, 1, 0),
            DnsRecordType.MX => (2, 1, 0),
            DnsRecordType.SRV => (6, 1, 0),
            DnsRecordType.SOA => (0, 2, 20),
            _ => (0, 0, 0),
        };
        var rdata = wire.Slice(record.RdataOffset, record.RdLength);
        if (names == 0)
        {
            data = rdata.ToArray();
            return true;
        }

        data = [];
        if (record.RdLength < prefix)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[(2 * DnsName.MaxLength) + 26];
        rdata[..prefix].CopyTo(buffer);
        var written = prefix;
        var position = record.RdataOffset + prefix;
        for (var i = 0; i < names; i++)
        {
            if (!DnsName.TryRead(wire, position, buffer[written..], out var length, out position) || position > record.End)
            {
                return false;
            }

            written += length;
        }

        if (position + suffix != record.End)
        {
            return false;
        }

        wire.Slice(position, suffix).CopyTo(buffer[written..]);
        data = buffer[..(written + suffix)].ToArray();
        return true;
    }

    /// <summary>Serialises the message, compressing owner names (RFC 1035 §4.1.4).</summary>
    public byte[] ToArray()
    {
        var buffer = new byte[ushort.MaxValue];
        return buffer.AsSpan(0, Write(buffer)).ToArray();
    }

    public int Write(Span<byte> buffer)
    {
        var writer = new DnsWriter(buffer);
        writer.WriteHeader(new DnsHeader(Id, Flags, (ushort)Questions.Count, (ushort)Answers.Count, (ushort)Authorities.Count, (ushort)Additionals.Count));
        var compression = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var question in Questions)
        {
            WriteName(ref writer, question.Name, compression);
            writer.WriteUInt16((ushort)question.Type);
            writer.WriteUInt16((ushort)question.Class);
        }

        foreach (var record in Answers.Concat(Authorities).Concat(Additionals))
        {
            WriteName(ref writer, record.Name, compression);
            writer.WriteUInt16((ushort)record.Type);
            writer.WriteUInt16(record.Class);
            writer.WriteUInt32(record.Ttl);
            writer.WriteUInt16((ushort)record.Data.Length);
            writer.WriteBytes(record.Data);
        }

        return writer.Position;
    }

    private static void WriteName(ref DnsWriter writer, string name, Dictionary<string, int> compression)
    {
        var wire = DnsName.Parse(name).AsSpan();
        var position = 0;
        while (wire[position] != 0)
        {
            var suffix = Convert.ToHexString(wire[position..]);
            if (compression.TryGetValue(suffix, out var target))
            {
                writer.WritePointer(target);
                return;
            }

            if (writer.Position < 0x4000)
            {
                compression[suffix] = writer.Position;
            }

            var labelLength = wire[position] + 1;
            writer.WriteBytes(wire.Slice(position, labelLength));
            position += labelLength;
        }

        writer.WriteByte(0);
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        var header = new DnsHeader(Id, Flags, 0, 0, 0, 0);
        text.Append(CultureInfoInvariant($";; id {Id} opcode {header.Opcode} rcode {Rcode} flags 0x{Flags:X4}\n"));
        foreach (var question in Questions)
        {
            text.Append(CultureInfoInvariant($";{question.Name}\t{question.Class}\t{question.Type}\n"));
        }

        foreach (var (label, section) in new[] { ("ANSWER", Answers), ("AUTHORITY", Authorities), ("ADDITIONAL", Additionals) })
        {
            foreach (var record in section)
            {
                text.Append(label).Append('\t').Append(record).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string CultureInfoInvariant(FormattableString value) => FormattableString.Invariant(value);
}
