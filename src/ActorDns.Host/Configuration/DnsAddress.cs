using System.Net;

namespace ActorDns.Host.Configuration;

/// <summary>A <c>--dns-address ADDR:PORT[=MESH]</c> value (SPEC §1).</summary>
public sealed record DnsAddress(IPEndPoint Endpoint, string Mesh)
{
    public static DnsAddress Parse(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var address = equals < 0 ? text : text[..equals];
        var mesh = equals < 0 ? "default" : text[(equals + 1)..];
        if (!IPEndPoint.TryParse(address, out var endpoint) || !address.Contains(':', StringComparison.Ordinal))
        {
            throw new OptionsException($"--dns-address '{text}': expected ADDR:PORT[=MESH], e.g. 127.0.0.1:15053=default");
        }

        if (mesh.Length == 0)
        {
            throw new OptionsException($"--dns-address '{text}': the mesh name after '=' is empty");
        }

        return new DnsAddress(endpoint, mesh);
    }

    public override string ToString() => $"{Endpoint}={Mesh}";
}
