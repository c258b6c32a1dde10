namespace ActorDns.Server.Query;

/// <summary>
/// Where a whole table's entries (a cache file, a full snapshot) put their bytes: one chunk after another instead of
/// an array per name. An array costs 24 octets of header beside an entry's 60-odd, and every octet of a new table is
/// memory the kernel must fault in and the runtime zero first: on a million names that header is a fifth of the
/// table. The chunks double from 4 KiB up to 1 MiB, so a table of a few names takes a few KiB. A chunk lives as long
/// as any entry in it, so a table changed name by name afterwards keeps at most its first build's chunks beside the
/// arrays of its newer entries.
/// </summary>
internal sealed class EntryArena
{
    /// <summary>The largest chunk: its own header and unused tail are negligible, and it is far above any one entry.</summary>
    internal const int ChunkSize = 1 << 20;

    private const int FirstChunkSize = 4 << 10;

    private byte[] _chunk = [];
    private int _used;

    /// <summary>A run of <paramref name="size"/> octets nobody else uses: its array and where it starts.</summary>
    public (byte[] Chunk, int Start) Take(int size)
    {
        if (_chunk.Length - _used < size)
        {
            var next = _chunk.Length == 0 ? FirstChunkSize : Math.Min(ChunkSize, _chunk.Length * 2);
            _chunk = new byte[Math.Max(next, size)];
            _used = 0;
        }

        var start = _used;
        _used += size;
        return (_chunk, start);
    }
}
