using System.Net;

namespace ActorDns.LoadTest.Query;

/// <summary>A query run, with every flag parsed and every name already loaded.</summary>
internal sealed record QueryOptions(
    IReadOnlyList<IPEndPoint> Servers,
    IReadOnlyList<string> Names,
    double Rate,
    TimeSpan Duration,
    int AaaaPercent,
    int Seed,
    bool Tcp,
    TimeSpan Timeout,
    int Sockets)
{
    /// <summary>
    /// Lanes to open: at least <see cref="Sockets"/>; enough that no socket sends more than 16,384 queries
    /// within one timeout (so an ID comes round again only after four timeouts); a multiple of the server
    /// count so that every server gets the same share.
    /// </summary>
    public int LaneCount()
    {
        var forIds = (int)Math.Ceiling(Rate * Timeout.TotalSeconds / 16_384);
        var lanes = Math.Max(Math.Max(Sockets, forIds), Servers.Count);
        return (lanes + Servers.Count - 1) / Servers.Count * Servers.Count;
    }
}
