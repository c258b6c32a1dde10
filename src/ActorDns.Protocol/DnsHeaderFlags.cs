namespace ActorDns.Protocol;

/// <summary>Bits of the 16-bit flags word of the header (RFC 1035 §4.1.1, RFC 4035 §3.2 for AD/CD).</summary>
public static class DnsHeaderFlags
{
    public const ushort QR = 0x8000;
    public const ushort OpcodeMask = 0x7800;
    public const int OpcodeShift = 11;
    public const ushort AA = 0x0400;
    public const ushort TC = 0x0200;
    public const ushort RD = 0x0100;
    public const ushort RA = 0x0080;
    public const ushort Z = 0x0040;
    public const ushort AD = 0x0020;
    public const ushort CD = 0x0010;
    public const ushort RcodeMask = 0x000F;
}
