using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using ActorDns.Protocol;

namespace ActorDns.Server.Pipeline.Corefile;

/// <summary>
/// One resource record in zone-file presentation, <c>OWNER [TTL] [CLASS] TYPE RDATA</c> (RFC 1035 §5.1), encoded once
/// into wire format for a <c>template</c> answer. An owner of <c>{{ .Name }}</c> becomes a compression pointer to the
/// question, so the answer carries the client's name in the client's case; no other template field is supported,
/// since answers are written without rendering anything per query. Types: A, AAAA, CNAME, NS, PTR, MX, SRV, TXT.
/// </summary>
public static partial class RecordText
{
    /// <summary>The record's wire bytes (owner included) and its type; a <see cref="FormatException"/> says what is wrong.</summary>
    public static (byte[] Wire, DnsRecordType Type) Encode(string text)
    {
        var fields = Split(text);
        if (fields.Count < 3)
        {
            throw new FormatException($"\"{text}\": expected OWNER [TTL] [CLASS] TYPE RDATA");
        }

        var owner = fields[0];
        var index = 1;
        var ttl = 3600u;
        if (uint.TryParse(fields[index], NumberStyles.None, CultureInfo.InvariantCulture, out var parsedTtl))
        {
            ttl = parsedTtl;
            index++;
        }

        if (index < fields.Count && fields[index].Equals("IN", StringComparison.OrdinalIgnoreCase))
        {
            index++;
        }

        if (index >= fields.Count || !TryParseType(fields[index], out var type))
        {
            throw new FormatException($"\"{text}\": unknown or missing record type");
        }

        var rdata = fields.Skip(index + 1).ToList();
        if (fields.Any(f => f.Contains("{{", StringComparison.Ordinal) && f != owner) || (owner.Contains("{{", StringComparison.Ordinal) && !NameField().IsMatch(owner)))
        {
            throw new FormatException($"\"{text}\": only {{{{ .Name }}}} as the owner is supported in an answer");
        }

        var buffer = new byte[2 + 255 + 10 + ushort.MaxValue];
        var writer = new DnsWriter(buffer);
        if (NameField().IsMatch(owner))
        {
            writer.WritePointer(DnsQuery.QuestionOffset);
        }
        else
        {
            writer.WriteBytes(Name(owner, text));
        }

        writer.WriteUInt16((ushort)type);
        writer.WriteUInt16((ushort)DnsClass.IN);
        writer.WriteUInt32(ttl);
        var lengthAt = writer.Position;
        writer.Position += 2;
        WriteRdata(ref writer, type, rdata, text);
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(lengthAt), (ushort)(writer.Position - lengthAt - 2));
        return (buffer[..writer.Position], type);
    }

    /// <summary>A record type by its mnemonic (any case) or as <c>TYPEnnn</c>.</summary>
    public static bool TryParseType(string text, out DnsRecordType type)
    {
        if (text.StartsWith("TYPE", StringComparison.OrdinalIgnoreCase)
            && ushort.TryParse(text.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            type = (DnsRecordType)number;
            return true;
        }

        return Enum.TryParse(text, ignoreCase: true, out type) && Enum.IsDefined(type) && !int.TryParse(text, out _);
    }

    private static void WriteRdata(ref DnsWriter writer, DnsRecordType type, List<string> rdata, string text)
    {
        switch (type)
        {
            case DnsRecordType.A or DnsRecordType.AAAA:
                var family = type == DnsRecordType.A ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
                if (rdata.Count != 1 || !IPAddress.TryParse(rdata[0], out var address) || address.AddressFamily != family)
                {
                    throw new FormatException($"\"{text}\": {type} needs one {(type == DnsRecordType.A ? "IPv4" : "IPv6")} address");
                }

                writer.WriteBytes(address.GetAddressBytes());
                return;
            case DnsRecordType.CNAME or DnsRecordType.NS or DnsRecordType.PTR:
                Expect(rdata, 1, type, text);
                writer.WriteBytes(Name(rdata[0], text));
                return;
            case DnsRecordType.MX:
                Expect(rdata, 2, type, text);
                writer.WriteUInt16(Number(rdata[0], text));
                writer.WriteBytes(Name(rdata[1], text));
                return;
            case DnsRecordType.SRV:
                Expect(rdata, 4, type, text);
                writer.WriteUInt16(Number(rdata[0], text));
                writer.WriteUInt16(Number(rdata[1], text));
                writer.WriteUInt16(Number(rdata[2], text));
                writer.WriteBytes(Name(rdata[3], text));
                return;
            case DnsRecordType.TXT:
                if (rdata.Count == 0)
                {
                    throw new FormatException($"\"{text}\": TXT needs at least one string");
                }

                foreach (var part in rdata)
                {
                    var bytes = Encoding.UTF8.GetBytes(part);
                    if (bytes.Length > 255)
                    {
                        throw new FormatException($"\"{text}\": a TXT string is longer than 255 octets");
                    }

                    writer.WriteByte((byte)bytes.Length);
                    writer.WriteBytes(bytes);
                }

                return;
            default:
                throw new FormatException($"\"{text}\": records of type {type} are not supported in an answer");
        }
    }

    private static void Expect(List<string> rdata, int count, DnsRecordType type, string text)
    {
        if (rdata.Count != count)
        {
            throw new FormatException($"\"{text}\": {type} needs {count} field{(count == 1 ? "" : "s")} of data");
        }
    }

    private static ushort Number(string field, string text) =>
        ushort.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"\"{text}\": \"{field}\" is not a number from 0 to 65535");

    /// <summary>An absolute name (a relative one is taken as absolute, there being no origin).</summary>
    private static byte[] Name(string field, string text) =>
        DnsName.TryParse(field, out var wire, out var error) ? wire : throw new FormatException($"\"{text}\": {error}");

    /// <summary>The fields of a record: double quotes group a TXT string, and <c>{{ … }}</c> an action, with their spaces.</summary>
    private static List<string> Split(string text)
    {
        var fields = new List<string>();
        var position = 0;
        while (position < text.Length)
        {
            if (char.IsWhiteSpace(text[position]))
            {
                position++;
                continue;
            }

            if (text[position] == '"')
            {
                var end = text.IndexOf('"', position + 1);
                if (end < 0)
                {
                    throw new FormatException($"\"{text}\": unterminated quoted string");
                }

                fields.Add(text[(position + 1)..end]);
                position = end + 1;
                continue;
            }

            var start = position;
            while (position < text.Length && !char.IsWhiteSpace(text[position]))
            {
                // A template action is one field, spaces and all.
                var action = string.CompareOrdinal(text, position, "{{", 0, 2) == 0 ? text.IndexOf("}}", position, StringComparison.Ordinal) : -1;
                position = action >= 0 ? action + 2 : position + 1;
            }

            fields.Add(text[start..position]);
        }

        return fields;
    }

    [GeneratedRegex(@"^\{\{-?\s*\.Name\s*-?\}\}\.?$")]
    private static partial Regex NameField();
}
