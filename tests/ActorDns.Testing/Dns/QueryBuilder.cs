using ActorDns.Protocol;

namespace ActorDns.Testing.Dns;

/// <summary>Builds query packets octet by octet, including malformed ones, for conformance tests.</summary>
public sealed record QueryBuilder
{
    public ushort Id { get; init; } = 0x4242;

    public ushort Flags { get; init; } = DnsHeaderFlags.RD;

    public string Name { get; init; } = "backend.mesh";

    /// <summary>Raw QNAME octets; overrides <see cref="Name"/>.</summary>
    public byte[]? RawName { get; init; }

    public ushort Type { get; init; } = (ushort)DnsRecordType.A;

    public ushort Class { get; init; } = (ushort)DnsClass.IN;

    /// <summary>Header counts; null = the natural count of what is written.</summary>
    public ushort? QdCount { get; init; }

    public ushort AnCount { get; init; }

    public ushort NsCount { get; init; }

    public ushort? ArCount { get; init; }

    public bool WithQuestion { get; init; } = true;

    public bool Edns { get; init; }

    public ushort Payload { get; init; } = 1232;

    public byte EdnsVersion { get; init; }

    public ushort EdnsFlags { get; init; }

    public byte[] EdnsOptions { get; init; } = [];

    /// <summary>Extra octets after everything (records the counts claim, or garbage).</summary>
    public byte[] Tail { get; init; } = [];

    public byte[] Build()
    {
        var packet = new DnsPacketBuilder().Header(Id, Flags, QdCount ?? (ushort)(WithQuestion ? 1 : 0), AnCount, NsCount, ArCount ?? (ushort)(Edns ? 1 : 0));
        if (WithQuestion)
        {
            packet.Bytes(RawName ?? DnsName.Parse(Name)).UInt16(Type).UInt16(Class);
        }

        if (Edns)
        {
            packet.Opt(Payload, EdnsVersion, EdnsFlags, EdnsOptions);
        }

        return packet.Bytes(Tail).ToArray();
    }

    /// <summary>A name under <paramref name="suffix"/> whose wire form is exactly <paramref name="wireLength"/> octets.</summary>
    public static string NameOfWireLength(int wireLength, string suffix = "mesh")
    {
        var remaining = wireLength - DnsName.Parse(suffix).Length;
        var labels = new List<string>();
        while (remaining > 0)
        {
            var label = Math.Min(63, remaining - 1);
            if (remaining - (label + 1) == 1)
            {
                label--;
            }

            labels.Add(new string('a', label));
            remaining -= label + 1;
        }

        return string.Join('.', labels.Append(suffix));
    }
}
