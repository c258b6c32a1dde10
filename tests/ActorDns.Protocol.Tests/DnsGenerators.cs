using ActorDns.Testing.Dns;
using FsCheck;
using FsCheck.Fluent;

namespace ActorDns.Protocol.Tests;

/// <summary>
/// FsCheck generators for the property tests (conformance P-66). Names are built on the wire from random
/// octets (dots, backslashes, NUL, 0xFF and both letter cases included) so that the presentation form
/// exercises every escape; a few shared suffixes make the writer use compression.
/// </summary>
internal static class DnsGenerators
{
    /// <summary>The seed every property replays (FsCheck <c>Replay</c>): runs are identical from one build to the next.</summary>
    public const string Seed = "(20260115,1442695040888963407)";

    private static readonly byte[][] SharedSuffixes =
    [
        [0],
        DnsName.Parse("mesh"),
        DnsName.Parse("svc.mesh"),
        DnsName.Parse("SVC.Mesh"),
        DnsName.Parse("example.com"),
    ];

    private static readonly HashSet<DnsRecordType> TypesWithNames =
        [DnsRecordType.NS, DnsRecordType.CNAME, DnsRecordType.PTR, DnsRecordType.MX, DnsRecordType.SRV, DnsRecordType.SOA];

    public static Gen<byte> AnyOctet { get; } = Gen.Choose(0, 255).Select(i => (byte)i);

    private static Gen<byte> LabelOctet { get; } = Gen.Frequency(
        (6, Gen.Elements("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".Select(c => (byte)c).ToArray())),
        (2, Gen.Elements<byte>((byte)'.', (byte)'\\', (byte)' ', (byte)'"', (byte)'(', (byte)')', (byte)';', (byte)'@', (byte)'$', 0x00, 0x7F, 0xFF)),
        (2, AnyOctet));

    private static Gen<byte[]> Label { get; } = Gen.Frequency((5, Gen.Choose(1, 10)), (1, Gen.Choose(11, DnsName.MaxLabelLength)))
        .SelectMany(length => Gen.ArrayOf(LabelOctet, length));

    private static Gen<ushort> UInt16 { get; } = Gen.Choose(0, ushort.MaxValue).Select(i => (ushort)i);

    private static Gen<uint> UInt32 { get; } = Gen.Zip(UInt16, UInt16, (high, low) => ((uint)high << 16) | low);

    private static Gen<byte[]> Bytes(int min, int max) => Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(AnyOctet, n));

    /// <summary>A valid uncompressed wire name of at most 255 octets.</summary>
    public static Gen<byte[]> WireName { get; } =
        from labels in Gen.Choose(0, 5).SelectMany(n => Gen.ArrayOf(Label, n))
        from suffix in Gen.Elements(SharedSuffixes)
        select Assemble(labels, suffix);

    /// <summary>A valid wire name with every letter's case flipped at random: equal ignoring case.</summary>
    public static Gen<(byte[] Name, byte[] Variant)> NameAndCaseVariant { get; } =
        from name in WireName
        from flips in Gen.ArrayOf(Gen.Elements(true, false), name.Length)
        select (name, FlipCase(name, flips));

    private static Gen<ushort> Class { get; } = Gen.Frequency((3, Gen.Constant((ushort)DnsClass.IN)), (1, UInt16));

    private static Gen<DnsRecordType> OpaqueType { get; } = UInt16.Select(t => (DnsRecordType)t).Where(t => !TypesWithNames.Contains(t));

    private static Gen<(DnsRecordType Type, byte[] Data)> Rdata { get; } = Gen.OneOf(
        Bytes(4, 4).Select(d => (DnsRecordType.A, d)),
        Bytes(16, 16).Select(d => (DnsRecordType.AAAA, d)),
        Gen.Zip(OpaqueType, Bytes(0, 40)),
        from type in Gen.Elements(DnsRecordType.NS, DnsRecordType.CNAME, DnsRecordType.PTR)
        from target in WireName
        select (type, target),
        from preference in Bytes(2, 2)
        from exchange in WireName
        select (DnsRecordType.MX, Concat(preference, exchange)),
        from fixedPart in Bytes(6, 6)
        from target in WireName
        select (DnsRecordType.SRV, Concat(fixedPart, target)),
        from mname in WireName
        from rname in WireName
        from counters in Bytes(20, 20)
        select (DnsRecordType.SOA, Concat(Concat(mname, rname), counters)));

    public static Gen<DnsResourceRecord> Record { get; } =
        from owner in WireName
        from rdata in Rdata
        from @class in Class
        from ttl in UInt32
        select new DnsResourceRecord(DnsName.ToText(owner), rdata.Type, @class, ttl, rdata.Data);

    public static Gen<DnsQuestion> Question { get; } =
        from name in WireName
        from type in UInt16
        from @class in Class
        select new DnsQuestion(DnsName.ToText(name), (DnsRecordType)type, (DnsClass)@class);

    public static Gen<DnsMessage> Message { get; } =
        from id in UInt16
        from flags in UInt16
        from questions in Gen.Choose(0, 2).SelectMany(n => Gen.ArrayOf(Question, n))
        from answers in Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Record, n))
        from authorities in Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Record, n))
        from additionals in Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Record, n))
        select Build(id, flags, questions, answers, authorities, additionals);

    /// <summary>
    /// A valid query as the parser expects it (one question, optionally an OPT with random options), with what it was
    /// built from: the length of its name, its type and its EDNS payload size (null without OPT).
    /// </summary>
    public static Gen<(byte[] Wire, int NameLength, ushort Type, ushort? Payload)> QueryWithParts { get; } =
        from name in WireName
        from type in UInt16
        from withOpt in Gen.Elements(true, false)
        from payload in UInt16
        from ednsFlags in UInt16
        from options in Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(
            Gen.Zip(UInt16, Bytes(0, 12), (code, data) => DnsPacketBuilder.Option(code, data)), n))
        select (BuildQuery(name, type, withOpt, payload, ednsFlags, options), name.Length, type, withOpt ? payload : (ushort?)null);

    /// <summary>A valid query as the parser expects it.</summary>
    public static Gen<byte[]> Query { get; } = QueryWithParts.Select(q => q.Wire);

    private static Gen<byte[]> SmallCountsHeader { get; } =
        from id in UInt16
        from flags in UInt16
        from counts in Gen.ArrayOf(Gen.Choose(0, 3), 4)
        select new DnsPacketBuilder().Header(id, flags, (ushort)counts[0], (ushort)counts[1], (ushort)counts[2], (ushort)counts[3]).ToArray();

    /// <summary>
    /// Hostile input: random octets, DNS-shaped headers over random bodies rich in pointers, and valid
    /// messages or queries with a few octets overwritten or cut short.
    /// </summary>
    public static Gen<byte[]> HostileBytes { get; } = Gen.Frequency(
        (2, Bytes(0, 300)),
        (2, Gen.Zip(SmallCountsHeader, PointerRichBytes(0, 300), Concat)),
        (3, Mutated(Message.Select(m => m.ToArray()))),
        (3, Mutated(Query)),
        (1, Truncated(Message.Select(m => m.ToArray()))));

    /// <summary>Octets where label lengths 0–5 and pointers (0xC0–0xC1) are frequent.</summary>
    public static Gen<byte[]> PointerRichBytes(int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(
            Gen.Frequency(
                (4, Gen.Choose(0, 5).Select(i => (byte)i)),
                (3, Gen.Elements<byte>(0xC0, 0xC1)),
                (1, Gen.Elements<byte>(0x3F, 0x40, 0x80, 0xBF)),
                (4, AnyOctet)),
            n));

    private static Gen<byte[]> Mutated(Gen<byte[]> valid) =>
        from wire in valid
        from edits in Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(Gen.Zip(Gen.Choose(0, 1 << 20), AnyOctet), n))
        select Apply(wire, edits);

    private static Gen<byte[]> Truncated(Gen<byte[]> valid) =>
        from wire in valid
        from cut in Gen.Choose(0, 1 << 20)
        select wire[..(cut % (wire.Length + 1))];

    private static byte[] Apply(byte[] wire, (int Position, byte Value)[] edits)
    {
        var copy = (byte[])wire.Clone();
        foreach (var (position, value) in edits)
        {
            copy[position % copy.Length] = value;
        }

        return copy;
    }

    private static byte[] Assemble(byte[][] labels, byte[] suffix)
    {
        var wire = new List<byte>();
        foreach (var label in labels)
        {
            if (wire.Count + label.Length + 1 + suffix.Length <= DnsName.MaxLength)
            {
                wire.Add((byte)label.Length);
                wire.AddRange(label);
            }
        }

        wire.AddRange(suffix);
        return [.. wire];
    }

    private static byte[] FlipCase(byte[] name, bool[] flips)
    {
        var variant = (byte[])name.Clone();
        var position = 0;
        while (variant[position] != 0)
        {
            var end = position + 1 + variant[position];
            for (var i = position + 1; i < end; i++)
            {
                if (flips[i] && char.IsAsciiLetter((char)variant[i]))
                {
                    variant[i] ^= 0x20;
                }
            }

            position = end;
        }

        return variant;
    }

    private static byte[] Concat(byte[] first, byte[] second) => [.. first, .. second];

    private static DnsMessage Build(ushort id, ushort flags, DnsQuestion[] questions, DnsResourceRecord[] answers, DnsResourceRecord[] authorities, DnsResourceRecord[] additionals)
    {
        var message = new DnsMessage { Id = id, Flags = flags };
        message.Questions.AddRange(questions);
        message.Answers.AddRange(answers);
        message.Authorities.AddRange(authorities);
        message.Additionals.AddRange(additionals);
        return message;
    }

    private static byte[] BuildQuery(byte[] name, ushort type, bool withOpt, ushort payload, ushort ednsFlags, byte[][] options)
    {
        var builder = DnsPacketBuilder.Query(ar: withOpt ? (ushort)1 : (ushort)0).Bytes(name).UInt16(type).UInt16((ushort)DnsClass.IN);
        return (withOpt ? builder.Opt(payload, flags: ednsFlags, options: [.. options.SelectMany(o => o)]) : builder).ToArray();
    }
}
