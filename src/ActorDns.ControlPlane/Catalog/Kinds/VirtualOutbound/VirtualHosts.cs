using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ActorDns.ControlPlane.Catalog.Kinds.Dataplane;

namespace ActorDns.ControlPlane.Catalog.Kinds.VirtualOutbound;

/// <summary>A VirtualOutbound as it is evaluated: selectors, templates, parameters and when it was created.</summary>
public sealed record VirtualOutboundDefinition(
    string Name, IReadOnlyList<IReadOnlyDictionary<string, string>> Selectors, string Host, string Port,
    IReadOnlyList<(string Name, string TagKey)> Parameters, DateTimeOffset Created)
{
    public static VirtualOutboundDefinition From(MeshResource resource)
    {
        var root = resource.ToJson();
        var selectors = (root["selectors"] as JsonArray ?? [])
            .Select(s => (IReadOnlyDictionary<string, string>)(s?["match"] as JsonObject ?? [])
                .Where(p => Document.String(p.Value) is not null)
                .ToDictionary(p => p.Key, p => Document.String(p.Value)!, StringComparer.Ordinal))
            .ToList();
        var conf = root["conf"];
        var parameters = (conf?["parameters"] as JsonArray ?? [])
            .Select(p => (Name: Document.String(p?["name"]) ?? "", TagKey: Document.String(p?["tagKey"]) ?? Document.String(p?["name"]) ?? ""))
            .ToList();
        return new VirtualOutboundDefinition(resource.Name, selectors, Document.String(conf?["host"]) ?? "", Document.String(conf?["port"]) ?? "", parameters,
            Document.CreationTime(root));
    }

    /// <summary>
    /// The rank of the best selector matching <paramref name="tags"/> (every key present, the value equal or <c>*</c>):
    /// more keys, then more exact values, rank higher; null when none matches.
    /// </summary>
    public (int Keys, int Exact)? Rank(IReadOnlyDictionary<string, string> tags)
    {
        (int, int)? best = null;
        foreach (var selector in Selectors)
        {
            if (selector.All(p => tags.TryGetValue(p.Key, out var value) && (p.Value == "*" || p.Value == value)))
            {
                var rank = (selector.Count, selector.Count(p => p.Value != "*"));
                best = best is null || rank.CompareTo(best.Value) > 0 ? rank : best;
            }
        }

        return best;
    }
}

/// <summary>One hostname and port a VirtualOutbound gives one Dataplane inbound.</summary>
public sealed record VirtualHost(string Host, int Port, string VirtualOutbound, (int Keys, int Exact) Rank, DateTimeOffset Created)
{
    public EntryKey Key => new(EntryKey.FqdnOrigin, Host);
}

/// <summary>
/// What VirtualOutbounds derive from Dataplanes (kuma-dns.md §5.2, §5.3): for each inbound that has a service (not
/// <c>Ignored</c>, not on the reserved port) and each VirtualOutbound one of whose selectors matches its tags, the host
/// and port templates rendered with the parameters taken from its tags; a rendering that fails is a warning.
/// </summary>
public static partial class VirtualHosts
{
    private const string NoValue = "<no value>";

    [GeneratedRegex(@"^([a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})(\.[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})*[\._]?$")]
    private static partial Regex DnsName();

    public static (ImmutableArray<VirtualHost> Hosts, ImmutableArray<string> Warnings) Of(MeshResource dataplane, IReadOnlyList<VirtualOutboundDefinition> outbounds)
    {
        if (outbounds.Count == 0)
        {
            return ([], []);
        }

        var hosts = ImmutableArray.CreateBuilder<VirtualHost>();
        var warnings = ImmutableArray.CreateBuilder<string>();
        var inbounds = dataplane.ToJson()["networking"]?["inbound"] as JsonArray ?? [];
        for (var i = 0; i < inbounds.Count; i++)
        {
            var inbound = inbounds[i];
            var tags = (inbound?["tags"] as JsonObject ?? [])
                .Where(p => Document.String(p.Value) is not null)
                .ToDictionary(p => p.Key, p => Document.String(p.Value)!, StringComparer.Ordinal);
            var port = inbound?["port"] is JsonValue v && v.TryGetValue<int>(out var p) ? p : 0;
            if (!tags.ContainsKey(MeshResource.ServiceTag) || port == DataplaneKind.ReservedPort || Document.String(inbound?["state"]) == "Ignored")
            {
                continue;
            }

            foreach (var outbound in outbounds)
            {
                if (outbound.Rank(tags) is not { } rank)
                {
                    continue;
                }

                var data = outbound.Parameters
                    .Where(parameter => tags.ContainsKey(parameter.TagKey))
                    .ToDictionary(parameter => parameter.Name, parameter => tags[parameter.TagKey], StringComparer.Ordinal);
                var (host, hostError) = Host(outbound.Host, data);
                var (virtualPort, portError) = Port(outbound.Port, data);
                if ((hostError ?? portError) is { } error)
                {
                    warnings.Add($"VirtualOutbound {outbound.Name}, Dataplane {dataplane.Name} inbound {i}: {error}");
                    continue;
                }

                hosts.Add(new VirtualHost(host!, virtualPort, outbound.Name, rank, outbound.Created));
            }
        }

        return (hosts.ToImmutable(), warnings.ToImmutable());
    }

    /// <summary>The best of the VirtualOutbounds giving one host and port: the higher rank, then the newest (Kuma's first writer).</summary>
    public static VirtualHost Winner(IEnumerable<VirtualHost> contenders) =>
        contenders.OrderByDescending(h => h.Rank).ThenByDescending(h => h.Created).ThenBy(h => h.VirtualOutbound, StringComparer.Ordinal).First();

    /// <summary>The host template rendered with <paramref name="data"/>; it must be a DNS name (uppercase and <c>_</c> allowed).</summary>
    public static (string? Value, string? Error) Host(string template, IReadOnlyDictionary<string, string> data)
    {
        if (Render(template, data) is not { } host)
        {
            return (null, CompileError(template));
        }

        var valid = host.Length is > 0 and <= 255 && DnsName().IsMatch(host) && !IPAddress.TryParse(host, out _);
        return valid ? (host, null) : (null, $"evaluation of template with parameters didn't return a valid dns name result=\"{host}\"");
    }

    /// <summary>The port template rendered with <paramref name="data"/>; it must be a number in 1..65535.</summary>
    public static (int Value, string? Error) Port(string template, IReadOnlyDictionary<string, string> data)
    {
        if (Render(template, data) is not { } text)
        {
            return (0, CompileError(template));
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var port))
        {
            return (0, $"evaluation of template with parameters didn't evaluate to a parsable number result=\"{text}\"");
        }

        return port is >= 1 and <= 65535
            ? ((int)port, null)
            : (0, $"evaluation of template with parameters returned a port outside of the range [1..65535] result={port}");
    }

    private static string? Render(string text, IReadOnlyDictionary<string, string> data) =>
        Templates.GoTemplate.TryParse(text, out var template, out _) && template.TryRender(data.GetValueOrDefault, _ => null, out var result, out _, NoValue)
            ? result
            : null;

    private static string CompileError(string text) =>
        Templates.GoTemplate.TryParse(text, out _, out var error) ? "evaluation of template with parameters failed" : $"failed compiling gotemplate error=\"{error}\"";
}
