using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ActorDns.LoadTest.Cli;

/// <summary>
/// Turns <c>HOST:PORT</c> and API URLs into addresses, resolving host names once, at start. Unless
/// <c>--allow-remote</c> is given every target must be a loopback address, so that a typo never points
/// the load at someone else's resolver.
/// </summary>
internal static class Targets
{
    public static IReadOnlyList<IPEndPoint> Endpoints(IEnumerable<string> values, string flag, bool allowRemote) =>
        values.Select(v => Endpoint(v, flag, allowRemote)).ToList();

    /// <summary>Parses an API base URL (<c>http://</c> assumed when no scheme is given) and checks its host.</summary>
    public static Uri Api(string value, string flag, bool allowRemote)
    {
        var text = value.Contains("://", StringComparison.Ordinal) ? value : "http://" + value;
        if (!Uri.TryCreate(text.TrimEnd('/') + "/", UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliException($"{flag} {value}: not an http(s) URL");
        }

        _ = Resolve(uri.IdnHost, value, flag, allowRemote);
        return uri;
    }

    private static IPEndPoint Endpoint(string value, string flag, bool allowRemote)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new CliException($"{flag} {value}: expected HOST:PORT with a port in 1..65535");
        }

        var host = value[..colon].Trim('[', ']');
        return new IPEndPoint(Resolve(host, value, flag, allowRemote), port);
    }

    private static IPAddress Resolve(string host, string value, string flag, bool allowRemote)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal) ? [literal] : System.Net.Dns.GetHostAddresses(host);
        }
        catch (SocketException e)
        {
            throw new CliException($"{flag} {value}: cannot resolve '{host}': {e.Message}");
        }

        var address = addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).FirstOrDefault()
            ?? throw new CliException($"{flag} {value}: '{host}' has no address");
        if (!allowRemote && !IPAddress.IsLoopback(address))
        {
            throw new CliException($"{flag} {value}: {address} is not a loopback address; pass --allow-remote to send load to another host");
        }

        return address;
    }
}
