namespace ActorDns.LoadTest.Query;

/// <summary>
/// The queries of one socket awaiting a reply, one slot per 16-bit ID. The sending thread fills a slot
/// before it sends; the receiving thread claims it with a compare-and-swap, so a reply is counted at most
/// once and a duplicate or unknown ID finds nothing. IDs are handed out in sequence, so a slot is reused
/// only after 65,536 further sends on the same socket (the lane count is chosen to make that far longer
/// than the reply timeout).
/// </summary>
internal sealed class PendingTable
{
    private const int Size = 1 << 16;

    private readonly long[] _due = new long[Size];
    private readonly int[] _query = new int[Size];
    private readonly int[] _armed = new int[Size];

    public void Arm(ushort id, long due, int query)
    {
        _due[id] = due;
        _query[id] = query;
        Volatile.Write(ref _armed[id], 1);
    }

    /// <summary>Reads a pending slot without claiming it (the reply's question is checked first).</summary>
    public bool TryPeek(ushort id, out long due, out int query)
    {
        if (Volatile.Read(ref _armed[id]) == 0)
        {
            due = 0;
            query = 0;
            return false;
        }

        due = _due[id];
        query = _query[id];
        return true;
    }

    /// <summary>True for the one caller that takes the slot; also used to withdraw a query that could not be sent.</summary>
    public bool TryClaim(ushort id) => Interlocked.CompareExchange(ref _armed[id], 0, 1) == 1;
}
