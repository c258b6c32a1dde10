using ActorDns.Protocol;

namespace ActorDns.Server.Pipeline;

/// <summary>A wire name as CoreDNS's plugins compare it, formatted into a caller's buffer: no allocation.</summary>
internal static class NameText
{
    /// <summary>Every octet escaped as <c>\DDD</c> fits: 63 × 4 + 1 per label, within 255 octets.</summary>
    public const int MaxLength = 1024;

    /// <summary>The name in presentation format, lower case, with its trailing dot (as CoreDNS matches it).</summary>
    public static int FormatLower(ReadOnlySpan<byte> wire, Span<char> text)
    {
        var written = 0;
        var position = 0;
        while (position < wire.Length && wire[position] != 0)
        {
            int length = wire[position++];
            for (var i = 0; i < length; i++)
            {
                var b = DnsName.ToLower(wire[position++]);
                if (b is (byte)'.' or (byte)'\\' or (byte)'"' or (byte)'(' or (byte)')' or (byte)';' or (byte)'@' or (byte)'$')
                {
                    text[written++] = '\\';
                    text[written++] = (char)b;
                }
                else if (b is < 0x21 or > 0x7E)
                {
                    text[written++] = '\\';
                    text[written++] = (char)('0' + (b / 100));
                    text[written++] = (char)('0' + (b / 10 % 10));
                    text[written++] = (char)('0' + (b % 10));
                }
                else
                {
                    text[written++] = (char)b;
                }
            }

            text[written++] = '.';
        }

        if (written == 0)
        {
            text[written++] = '.';
        }

        return written;
    }
}
