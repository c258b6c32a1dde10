using System.Diagnostics;

namespace ActorDns.Server.Transport;

/// <summary>
/// Caps error replies (FORMERR, NOTIMP, REFUSED from the front end) per UDP loop and second, so spoofed
/// garbage cannot turn the server into a reflector (conformance P-20; NSD and Unbound use 100/s). Owned by
/// one loop, so it needs no synchronisation.
/// </summary>
internal struct ErrorReplyLimiter(int perSecond)
{
    private long _windowStart;
    private int _count;

    /// <summary>True when one more error reply may be sent now.</summary>
    public bool TryAcquire(long timestamp)
    {
        if (timestamp - _windowStart >= Stopwatch.Frequency)
        {
            _windowStart = timestamp;
            _count = 0;
        }

        return ++_count <= perSecond;
    }
}
