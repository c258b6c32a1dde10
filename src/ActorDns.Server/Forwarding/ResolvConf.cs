using System.Net;

namespace ActorDns.Server.Forwarding;

/// <summary>
/// Reads upstreams from resolv.conf (resolv.conf(5)): the <c>nameserver</c> lines, at most three (glibc
/// MAXNS), port 53, IPv6 zone ids kept; comments, <c>search</c>, <c>domain</c> and <c>options</c> ignored.
/// A missing or empty file yields no upstream (then forwarded queries get SERVFAIL, never a silent
/// 127.0.0.1 default that could loop back to us).
/// </summary>
public static class ResolvConf
{
    public const int MaxNameservers = 3;

    public static IReadOnlyList<IPEndPoint> Parse(string text)
    {
        var servers = new List<IPEndPoint>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2 || fields[0] != "nameserver" || servers.Count >= MaxNameservers)
            {
                continue;
            }

            if (IPAddress.TryParse(fields[1], out var address))
            {
                servers.Add(new IPEndPoint(address, 53));
            }
        }

        return servers;
    }

    public static IReadOnlyList<IPEndPoint> Load(string path) => File.Exists(path) ? Parse(File.ReadAllText(path)) : [];

    /// <summary>Parses <c>ADDR[:PORT]</c> or <c>[V6ADDR]:PORT</c>; the port defaults to 53.</summary>
    public static bool TryParseEndpoint(string text, out IPEndPoint endpoint)
    {
        // IPAddress.TryParse also accepts "[V6ADDR]:PORT" and drops the port, so that form must not reach it.
        if (!text.Contains("]:", StringComparison.Ordinal) && IPAddress.TryParse(text, out var bare))
        {
            endpoint = new IPEndPoint(bare, 53);
            return true;
        }

        endpoint = null!;
        if (!IPEndPoint.TryParse(text, out var parsed) || parsed.Port == 0)
        {
            return false;
        }

        endpoint = parsed;
        return true;
    }
}
