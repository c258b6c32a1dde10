namespace ActorDns.Protocol;

/// <summary>What a message's OPT pseudo-record said (RFC 6891 §6.1.2–§6.1.3).</summary>
public readonly record struct EdnsInfo(bool Present, ushort UdpPayloadSize, byte Version, byte ExtendedRcode, ushort Flags)
{
    /// <summary>The DO bit (RFC 3225 §3).</summary>
    public const ushort DnssecOk = 0x8000;

    /// <summary>The payload size ActorDns advertises and accepts at most (DNS Flag Day 2020).</summary>
    public const ushort ServerPayloadSize = 1232;

    /// <summary>Classic UDP message limit without EDNS (RFC 1035 §4.2.1).</summary>
    public const int ClassicUdpLimit = 512;

    public bool DnssecOkBit => (Flags & DnssecOk) != 0;

    /// <summary>
    /// The largest UDP reply this client accepts from us: 512 without EDNS, else its payload size, raised
    /// to 512 (RFC 6891 §6.2.5) and capped at our own 1232.
    /// </summary>
    public int ClientUdpLimit =>
        Present ? Math.Clamp((int)UdpPayloadSize, ClassicUdpLimit, ServerPayloadSize) : ClassicUdpLimit;
}
