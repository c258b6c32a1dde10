using System.Net;
using ActorDns.Server.Query;

namespace ActorDns.Benchmarks;

/// <summary>
/// The names and VIPs every zone benchmark uses: service <c>svc-i</c> holds <c>240.0.0.0 + i + 1</c>, so
/// the addresses are unique up to 2^24 names and never the pool's network address.
/// </summary>
internal static class SyntheticZone
{
    public static string Service(int index) => $"svc-{index}";

    public static IPAddress Vip(int index)
    {
        var value = index + 1;
        return new IPAddress([240, (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
    }

    public static ZoneRecord Record(int index) => new($"{Service(index)}.mesh", [Vip(index)]);

    public static List<ZoneRecord> Records(int count)
    {
        var records = new List<ZoneRecord>(count);
        for (var i = 0; i < count; i++)
        {
            records.Add(Record(i));
        }

        return records;
    }
}
