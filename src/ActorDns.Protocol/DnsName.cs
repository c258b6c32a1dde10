using System.Text;

namespace ActorDns.Protocol;

/// <summary>
/// Domain names in wire format (RFC 1035 §3.1, §4.1.4): a sequence of length-prefixed labels ending in
/// the root label. All routines work on spans and never allocate unless they return a string or array.
/// </summary>
public static class DnsName
{
    /// <summary>RFC 1035 §2.3.4: a name is at most 255 octets on the wire, root label included.</summary>
    public const int MaxLength = 255;

    /// <summary>RFC 1035 §2.3.4: a label is at most 63 octets.</summary>
    public const int MaxLabelLength = 63;

    private const byte PointerMask = 0xC0;

    /// <summary>
    /// Measures a name that must not be compressed (a query's QNAME; RFC 9267 and Unbound's "no compression
    /// in queries"). Fails on a pointer, a reserved label type (0x40, 0x80), a label running past the end or a
    /// name longer than 255 octets.
    /// </summary>
    public static bool TryMeasureUncompressed(ReadOnlySpan<byte> message, int offset, out int length)
    {
        length = 0;
        var position = offset;
        while (true)
        {
            if ((uint)position >= (uint)message.Length)
            {
                return false;
            }

            var labelLength = message[position];
            if (labelLength > MaxLabelLength)
            {
                return false;
            }

            position += labelLength + 1;
            if (position - offset > MaxLength)
            {
                return false;
            }

            if (labelLength == 0)
            {
                length = position - offset;
                return true;
            }
        }
    }

    /// <summary>
    /// Reads a possibly compressed name (RFC 1035 §4.1.4) into <paramref name="destination"/> (at least 255
    /// octets) in uncompressed wire form. Every pointer must point strictly before the label sequence that
    /// contains it, so decoding always terminates (RFC 9267 §2–§4); reserved label types fail.
    /// </summary>
    /// <param name="next">Offset just past the name in the message (past the first pointer, if any).</param>
    public static bool TryRead(ReadOnlySpan<byte> message, int offset, Span<byte> destination, out int written, out int next)
    {
        written = 0;
        next = -1;
        var position = offset;
        var segmentStart = offset;
        while (true)
        {
            if ((uint)position >= (uint)message.Length)
            {
                return false;
            }

            var labelLength = message[position];
            if ((labelLength & PointerMask) == PointerMask)
            {
                if (position + 1 >= message.Length)
                {
                    return false;
                }

                var target = ((labelLength & 0x3F) << 8) | message[position + 1];
                if (next < 0)
                {
                    next = position + 2;
                }

                if (target >= segmentStart)
                {
                    return false;
                }

                position = target;
                segmentStart = target;
                continue;
            }

            if (labelLength > MaxLabelLength)
            {
                return false;
            }

            if (position + labelLength + 1 > message.Length || written + labelLength + 1 > MaxLength)
            {
                return false;
            }

            message.Slice(position, labelLength + 1).CopyTo(destination[written..]);
            written += labelLength + 1;
            position += labelLength + 1;
            if (labelLength == 0)
            {
                if (next < 0)
                {
                    next = position;
                }

                return true;
            }
        }
    }

    /// <summary>Validates a possibly compressed name and returns the offset after it.</summary>
    public static bool TrySkip(ReadOnlySpan<byte> message, int offset, out int next)
    {
        Span<byte> scratch = stackalloc byte[MaxLength];
        return TryRead(message, offset, scratch, out _, out next);
    }

    /// <summary>ASCII lower-casing of one octet (RFC 4343 §3: only A–Z fold).</summary>
    public static byte ToLower(byte value) => (uint)(value - 'A') <= 'Z' - 'A' ? (byte)(value | 0x20) : value;

    /// <summary>Case-insensitive comparison of two uncompressed wire names (RFC 4343).</summary>
    public static bool EqualsIgnoreCase(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        if (left.Length != right.Length)
        {
            return false;
        }

        for (var i = 0; i < left.Length; i++)
        {
            if (left[i] != right[i] && ToLower(left[i]) != ToLower(right[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>FNV-1a over the lower-cased octets: equal for names that are equal ignoring case.</summary>
    public static uint HashIgnoreCase(ReadOnlySpan<byte> name)
    {
        var hash = 2166136261u;
        foreach (var b in name)
        {
            hash = (hash ^ ToLower(b)) * 16777619u;
        }

        return hash;
    }

    /// <summary>
    /// When <paramref name="name"/> equals <paramref name="apex"/> or lies below it (ignoring case), returns
    /// the offset in <paramref name="name"/> where the apex suffix starts; otherwise -1.
    /// </summary>
    public static int FindSuffix(ReadOnlySpan<byte> name, ReadOnlySpan<byte> apex)
    {
        var position = 0;
        while (position < name.Length)
        {
            var remaining = name.Length - position;
            if (remaining == apex.Length)
            {
                return EqualsIgnoreCase(name[position..], apex) ? position : -1;
            }

            if (remaining < apex.Length || name[position] == 0)
            {
                return -1;
            }

            position += name[position] + 1;
        }

        return -1;
    }

    /// <summary>Counts the labels of an uncompressed wire name, root excluded.</summary>
    public static int CountLabels(ReadOnlySpan<byte> name)
    {
        var count = 0;
        var position = 0;
        while (position < name.Length && name[position] != 0)
        {
            count++;
            position += name[position] + 1;
        }

        return count;
    }

    /// <summary>
    /// Parses a presentation-format name (RFC 1035 §5.1: dots separate labels, <c>\.</c> and <c>\DDD</c>
    /// escapes) into wire format. The trailing dot is optional; "." and "" are the root.
    /// </summary>
    public static bool TryParse(string text, out byte[] wire, out string? error)
    {
        wire = [];
        error = null;
        Span<byte> buffer = stackalloc byte[MaxLength + 1];
        var written = 0;
        var labelStart = 0;
        var labelLength = 0;
        if (text is "." or "")
        {
            wire = [0];
            return true;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.')
            {
                if (labelLength == 0)
                {
                    error = "empty label";
                    return false;
                }

                buffer[labelStart] = (byte)labelLength;
                labelStart = written;
                labelLength = 0;
                continue;
            }

            int value;
            var decimalEscape = false;
            if (c == '\\')
            {
                if (i + 3 < text.Length && char.IsAsciiDigit(text[i + 1]) && char.IsAsciiDigit(text[i + 2]) && char.IsAsciiDigit(text[i + 3]))
                {
                    value = ((text[i + 1] - '0') * 100) + ((text[i + 2] - '0') * 10) + (text[i + 3] - '0');
                    if (value > 255)
                    {
                        error = "escape \\DDD above 255";
                        return false;
                    }

                    decimalEscape = true;
                    i += 3;
                }
                else if (i + 1 < text.Length)
                {
                    value = text[++i];
                }
                else
                {
                    error = "dangling escape";
                    return false;
                }
            }
            else
            {
                value = c;
            }

            // \DDD may encode any octet (RFC 1035 §5.1); only literal characters must be printable ASCII.
            if (value > 0x7E && !decimalEscape)
            {
                error = $"non-ASCII character '{(char)value}'";
                return false;
            }

            if (labelLength == 0)
            {
                labelStart = written;
                written++;
            }

            if (++labelLength > MaxLabelLength)
            {
                error = $"label longer than {MaxLabelLength} octets";
                return false;
            }

            if (written + 1 >= MaxLength)
            {
                error = $"name longer than {MaxLength} octets";
                return false;
            }

            buffer[written++] = (byte)value;
        }

        if (labelLength > 0)
        {
            buffer[labelStart] = (byte)labelLength;
        }

        buffer[written++] = 0;
        wire = buffer[..written].ToArray();
        return true;
    }

    /// <summary>Parses a presentation-format name; throws <see cref="FormatException"/> when it is invalid.</summary>
    public static byte[] Parse(string text) =>
        TryParse(text, out var wire, out var error) ? wire : throw new FormatException($"invalid DNS name '{text}': {error}");

    /// <summary>Formats an uncompressed wire name in presentation format with a trailing dot.</summary>
    public static string ToText(ReadOnlySpan<byte> wire)
    {
        if (wire.Length <= 1)
        {
            return ".";
        }

        var builder = new StringBuilder(wire.Length + 8);
        var position = 0;
        while (position < wire.Length && wire[position] != 0)
        {
            int labelLength = wire[position++];
            for (var i = 0; i < labelLength && position < wire.Length; i++)
            {
                var b = wire[position++];
                if (b is (byte)'.' or (byte)'\\' or (byte)'"' or (byte)'(' or (byte)')' or (byte)';' or (byte)'@' or (byte)'$')
                {
                    builder.Append('\\').Append((char)b);
                }
                else if (b is <= 0x20 or >= 0x7F)
                {
                    builder.Append('\\').Append(b.ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
                }
                else
                {
                    builder.Append((char)b);
                }
            }

            builder.Append('.');
        }

        return builder.ToString();
    }
}
