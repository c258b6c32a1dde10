namespace ActorDns.Protocol.Tests;

/// <summary>Uncompressed wire names at the RFC 1035 §2.3.4 limits, built octet by octet.</summary>
internal static class TestNames
{
    /// <summary>
    /// A name of exactly <paramref name="octets"/> octets on the wire (root label included), made of 63-octet
    /// labels of 'a' and one shorter last label. Lengths above 255 are deliberately allowed.
    /// </summary>
    public static byte[] OfLength(int octets)
    {
        var wire = new List<byte>();
        var remaining = octets - 1;
        while (remaining > 0)
        {
            var label = Math.Min(DnsName.MaxLabelLength, remaining - 1);
            if (remaining - (label + 1) == 1)
            {
                // Leave at least two octets (length + one character) for the last label.
                label--;
            }

            wire.Add((byte)label);
            wire.AddRange(Enumerable.Repeat((byte)'a', label));
            remaining -= label + 1;
        }

        wire.Add(0);
        if (wire.Count != octets)
        {
            throw new ArgumentOutOfRangeException(nameof(octets), octets, "cannot build a name of this length");
        }

        return [.. wire];
    }

    /// <summary><paramref name="labels"/> one-octet labels ("a.a.a…."): 127 of them make 255 octets.</summary>
    public static byte[] WithLabels(int labels)
    {
        var wire = new List<byte>();
        for (var i = 0; i < labels; i++)
        {
            wire.Add(1);
            wire.Add((byte)'a');
        }

        wire.Add(0);
        return [.. wire];
    }
}
