using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.MemoryMappedFiles;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using ActorDns.Protocol;

namespace ActorDns.Server.Query;

/// <summary>
/// A resolver's last table on disk (SPEC §4.5), so a resolver restarted while the control plane is down
/// still answers every name it knew. Binary (format 3, decision 0036): the header <c>ADZC</c>, the format (u16),
/// two zero octets, the table version (i64) and the number of names (i32); then per name its lower-case wire name
/// (length octet first), a flags octet (bit 0: a service name, followed by its SRV port, u16), the IPv4 addresses
/// (a count octet, 4 octets each) and the IPv6 ones (a count octet, 16 octets each); then the SHA-256 of all
/// that. Integers are big-endian. A file of another format, with a wrong checksum or anything out of place is not
/// read at all; a name in capitals is read in lower case, and of a name written twice the later one is kept. The text files of formats 1 and 2 that earlier releases wrote are still read.
/// Written to a temporary file and renamed over the old one, so a reader sees either the old table or the new one,
/// never half of one.
/// </summary>
public static class ZoneCacheFile
{
    private static ReadOnlySpan<byte> Magic => "ADZC"u8;

    private const ushort Format = 3;
    private const int HeaderSize = 20;
    private const int ChecksumSize = 32;
    private const byte ServiceFlag = 0x01;
    private const int ARecordSize = 16;
    private const int AaaaRecordSize = 28;
    private const int RdataOffset = 12;
    private const int MinimumEntrySize = 7;

    private const string TextMagic = "actordns-zone ";
    private const string SrvField = "srv=";

    public static string PathFor(string directory, string mesh) => Path.Combine(directory, $"zone-{mesh}.cache");

    public static void Write(string path, ZoneTable table)
    {
        var buffer = new ArrayBufferWriter<byte>(HeaderSize + (table.Count * 40) + ChecksumSize);
        var header = buffer.GetSpan(HeaderSize);
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], Format);
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], 0);
        BinaryPrimitives.WriteInt64BigEndian(header[8..], table.Version);
        BinaryPrimitives.WriteInt32BigEndian(header[16..], table.Count);
        buffer.Advance(HeaderSize);
        foreach (var entry in table.Entries())
        {
            WriteEntry(buffer, entry);
        }

        var checksum = buffer.GetSpan(ChecksumSize);
        SHA256.HashData(buffer.WrittenSpan, checksum);
        buffer.Advance(ChecksumSize);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            using (var file = File.Create(temporary))
            {
                file.Write(buffer.WrittenSpan);

                // On disk before the rename: after a crash the file is the old table or the new one, never an empty one.
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (IOException)
        {
            // A full disk leaves a partial file behind; what space it took is given back, and the old cache stays.
            File.Delete(temporary);
            throw;
        }
    }

    private static void WriteEntry(ArrayBufferWriter<byte> buffer, ZoneEntry entry)
    {
        var name = entry.Name;
        var a = entry.ARecords;
        var aaaa = entry.AaaaRecords;

        // AAAA records synthesised from the IPv4 ones (dnsServer.ipv6 = mapped) are made again from the settings on reading.
        var v6Count = 0;
        for (var i = 0; i < entry.AaaaCount; i++)
        {
            v6Count += IsMapped(aaaa.Slice((i * AaaaRecordSize) + RdataOffset, 16)) ? 0 : 1;
        }

        var span = buffer.GetSpan(1 + name.Length + 3 + 2 + (entry.ACount * 4) + (v6Count * 16));
        var position = 0;
        span[position++] = (byte)name.Length;
        name.CopyTo(span[position..]);
        position += name.Length;
        if (entry.SrvPort is { } port)
        {
            span[position++] = ServiceFlag;
            BinaryPrimitives.WriteUInt16BigEndian(span[position..], port);
            position += 2;
        }
        else
        {
            span[position++] = 0;
        }

        span[position++] = (byte)entry.ACount;
        for (var i = 0; i < entry.ACount; i++, position += 4)
        {
            a.Slice((i * ARecordSize) + RdataOffset, 4).CopyTo(span[position..]);
        }

        span[position++] = (byte)v6Count;
        for (var i = 0; i < entry.AaaaCount; i++)
        {
            var address = aaaa.Slice((i * AaaaRecordSize) + RdataOffset, 16);
            if (!IsMapped(address))
            {
                address.CopyTo(span[position..]);
                position += 16;
            }
        }

        buffer.Advance(position);
    }

    private static bool IsMapped(ReadOnlySpan<byte> address) =>
        address[..10].IndexOfAnyExcept((byte)0) < 0 && address[10] == 0xFF && address[11] == 0xFF;

    /// <summary>Reads a cache file; false (and no table) when it is missing or not a cache file this version can read.</summary>
    public static bool TryRead(string path, ZoneSettings settings, out ZoneTable table)
    {
        table = null!;
        if (!File.Exists(path))
        {
            return false;
        }

        // One open file for both its length and its mapping: a file renamed over this path in between cannot mismatch.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        var length = stream.Length;
        if (length is 0 or > int.MaxValue)
        {
            return false;
        }

        // A table takes about six times its cache file's size in memory; the load makes it all in one go.
        return BuildMemory.WithoutCollections(length * 8, () =>
        {
            var read = TryReadMapped(stream, length, settings, out var loaded);
            return (read, loaded);
        }, out table);
    }

    /// <summary>
    /// Reads the file through a read-only mapping of it rather than a copy on the heap: on a million names, a copy is
    /// 25 MB more to fault in and zero, about a tenth of the load. The file is only ever replaced by a rename, never
    /// rewritten in place, so the mapped pages cannot shrink under the reader.
    /// </summary>
    private static unsafe bool TryReadMapped(FileStream stream, long length, ZoneSettings settings, out ZoneTable table)
    {
        using var file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        using var view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        try
        {
            var bytes = new ReadOnlySpan<byte>(pointer + view.PointerOffset, (int)length);
            return bytes.StartsWith(Magic) ? TryReadBinary(bytes, settings, out table) : TryReadText(bytes, settings, out table);
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    private static bool TryReadBinary(ReadOnlySpan<byte> file, ZoneSettings settings, out ZoneTable table)
    {
        table = null!;
        if (file.Length < HeaderSize + ChecksumSize || BinaryPrimitives.ReadUInt16BigEndian(file[4..]) != Format
            || BinaryPrimitives.ReadUInt16BigEndian(file[6..]) != 0)
        {
            return false;
        }

        var body = file[..^ChecksumSize];
        Span<byte> checksum = stackalloc byte[ChecksumSize];
        SHA256.HashData(body, checksum);
        if (!checksum.SequenceEqual(file[^ChecksumSize..]))
        {
            return false;
        }

        var version = BinaryPrimitives.ReadInt64BigEndian(body[8..]);
        var count = BinaryPrimitives.ReadInt32BigEndian(body[16..]);

        // Every name takes at least seven octets (a one-label name, flags, an address count of one and one of none):
        // a bound on the count before it sizes anything.
        if (version < 0 || count < 0 || count > (body.Length - HeaderSize) / MinimumEntrySize)
        {
            return false;
        }

        var entries = new List<ZoneEntry>(count);
        var arena = new EntryArena();
        var position = HeaderSize;
        for (var i = 0; i < count; i++)
        {
            if (!TryReadEntry(body, ref position, settings, arena, out var entry))
            {
                return false;
            }

            entries.Add(entry);
        }

        if (position != body.Length)
        {
            return false;
        }

        table = ZoneTable.FromEntries(settings, version, entries);
        return true;
    }

    private static bool TryReadEntry(ReadOnlySpan<byte> body, ref int position, ZoneSettings settings, EntryArena arena, out ZoneEntry entry)
    {
        entry = default;
        var rest = body[position..];
        if (rest.Length < 1 || rest[0] < 2 || rest.Length < 1 + rest[0] + 3)
        {
            return false;
        }

        var name = rest.Slice(1, rest[0]);
        if (!DnsName.TryMeasureUncompressed(name, 0, out var measured) || measured != name.Length)
        {
            return false;
        }

        var offset = 1 + name.Length;
        ushort? srvPort = null;
        switch (rest[offset++])
        {
            case 0:
                break;
            case ServiceFlag when rest.Length >= offset + 2 && ZoneEntry.SrvTargetOffset(name) >= 0:
                srvPort = BinaryPrimitives.ReadUInt16BigEndian(rest[offset..]);
                offset += 2;
                break;
            default:
                return false;
        }

        // A name without any address is never written (the text format refused it too).
        if (!TryReadAddresses(rest, ref offset, 4, out var v4) || !TryReadAddresses(rest, ref offset, 16, out var v6)
            || v4.Length + v6.Length == 0)
        {
            return false;
        }

        Span<byte> lowerCase = stackalloc byte[name.Length];
        for (var i = 0; i < name.Length; i++)
        {
            lowerCase[i] = DnsName.ToLower(name[i]);
        }

        entry = ZoneEntry.Create(lowerCase, v4, v6, settings, srvPort, arena);
        position += offset;
        return true;
    }

    private static bool TryReadAddresses(ReadOnlySpan<byte> rest, ref int offset, int size, out ReadOnlySpan<byte> addresses)
    {
        addresses = default;
        if (offset >= rest.Length || rest[offset] > ZoneEntry.MaxAddressesPerFamily || rest.Length < offset + 1 + (rest[offset] * size))
        {
            return false;
        }

        addresses = rest.Slice(offset + 1, rest[offset] * size);
        offset += 1 + addresses.Length;
        return true;
    }

    /// <summary>
    /// The text files of earlier releases: <c>actordns-zone 2 &lt;version&gt;</c>, then one name per line,
    /// <c>&lt;name&gt; [srv=&lt;port&gt;] &lt;ip&gt; [&lt;ip&gt;...]</c> (format 1 without <c>srv=</c>).
    /// </summary>
    private static bool TryReadText(ReadOnlySpan<byte> bytes, ZoneSettings settings, out ZoneTable table)
    {
        table = null!;
        using var reader = new StringReader(Encoding.UTF8.GetString(bytes));
        var header = reader.ReadLine();
        var headerFields = header?.Split(' ');
        if (headerFields is not [var magic, var format, var versionText] || magic + " " != TextMagic || format is not ("1" or "2")
            || !long.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return false;
        }

        var records = new List<ZoneRecord>();
        while (reader.ReadLine() is { } line)
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var first = 1;
            ushort? srvPort = null;
            if (fields.Length > 1 && fields[1].StartsWith(SrvField, StringComparison.Ordinal))
            {
                if (!ushort.TryParse(fields[1].AsSpan(SrvField.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                {
                    return false;
                }

                srvPort = port;
                first = 2;
            }

            var addresses = new List<IPAddress>(fields.Length);
            foreach (var field in fields.Skip(first))
            {
                if (!IPAddress.TryParse(field, out var address))
                {
                    return false;
                }

                addresses.Add(address);
            }

            if (fields.Length <= first)
            {
                return false;
            }

            records.Add(new ZoneRecord(fields[0], addresses) { SrvPort = srvPort });
        }

        table = ZoneTable.Create(settings, version, records);
        return true;
    }
}
