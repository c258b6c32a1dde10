using System.Net;
using Microsoft.AspNetCore.Http;

namespace ActorDns.Host.Api.Auth;

/// <summary>
/// Kuma's "localhost is admin" rule: a request is a direct local call, and so admin when the setting is on, only if
/// it comes from a loopback address, names a loopback <c>Host</c>, carries no proxy header (<c>Forwarded</c>,
/// <c>X-Forwarded-For</c>, <c>X-Real-IP</c>), is not marked cross-site by a browser (<c>Sec-Fetch-Site</c>), and any
/// <c>Origin</c> is that same loopback host and port. A browser on the machine therefore cannot act as admin for a page
/// from elsewhere.
/// </summary>
public static class LocalhostRule
{
    public static bool IsDirectLocalCall(IPAddress? peer, string host, IHeaderDictionary headers, string scheme)
    {
        if (peer is null || !IPAddress.IsLoopback(peer))
        {
            return false;
        }

        if (headers.ContainsKey("Forwarded") || headers.ContainsKey("X-Forwarded-For") || headers.ContainsKey("X-Real-IP"))
        {
            return false;
        }

        if (Authority(scheme, host) is not { } requested || !IsLoopbackName(requested.Host))
        {
            return false;
        }

        if (headers["Sec-Fetch-Site"].ToString() is not ("" or "same-origin" or "none"))
        {
            return false;
        }

        var origin = headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }

        var separator = origin.IndexOf("://", StringComparison.Ordinal);
        return separator > 0
            && origin[..separator] is "http" or "https"
            && Authority(origin[..separator], origin[(separator + 3)..]) is { } from
            && IsLoopbackName(from.Host)
            && from == requested;
    }

    /// <summary>
    /// <c>host[:port]</c> in canonical form (lowercase, no trailing dot, an IP in its normal text, the scheme's port when
    /// none is given); null for anything else (a path, user info, an empty port).
    /// </summary>
    private static (string Host, int Port)? Authority(string scheme, string hostAndPort)
    {
        if (hostAndPort.Length == 0 || hostAndPort.EndsWith(':') || hostAndPort.IndexOfAny(['/', '?', '#', '@', '\\']) >= 0
            || !Uri.TryCreate($"{scheme}://{hostAndPort}", UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            return null;
        }

        var host = uri.Host.TrimEnd('.').Trim('[', ']').ToLowerInvariant();
        return (IPAddress.TryParse(host, out var ip) ? ip.ToString() : host, uri.Port);
    }

    private static bool IsLoopbackName(string host) =>
        host == "localhost" || IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
}
