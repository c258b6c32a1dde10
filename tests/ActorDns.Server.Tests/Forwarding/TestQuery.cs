using System.Net;
using ActorDns.Protocol;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Server.Tests.Forwarding;

/// <summary>Client queries as raw bytes, and their replies parsed, for the forwarder tests.</summary>
internal static class TestQuery
{
    /// <summary>EDNS option codes used to check that client options are not relayed (RFC 7871 ECS, RFC 7873 cookie).</summary>
    public const ushort ClientSubnetOption = 8;
    public const ushort CookieOption = 10;

    /// <summary>A standard query; with <paramref name="optPayload"/> an OPT record carrying <paramref name="optRdata"/>.</summary>
    public static byte[] Build(string name, DnsRecordType type = DnsRecordType.A, ushort id = 0x1234, ushort flags = DnsHeaderFlags.RD,
        ushort? optPayload = null, byte[]? optRdata = null) =>
        new QueryBuilder
        {
            Id = id,
            Flags = flags,
            Name = name,
            Type = (ushort)type,
            Edns = optPayload.HasValue,
            Payload = optPayload ?? 0,
            EdnsOptions = optRdata ?? [],
        }.Build();

    /// <summary>OPT RDATA with an ECS option (0.0.0.0/0) and a client cookie.</summary>
    public static byte[] ClientOptions() =>
    [
        0, (byte)ClientSubnetOption, 0, 4, 0, 1, 0, 0,
        0, (byte)CookieOption, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8,
    ];

    public static DnsMessage Parse(byte[]? reply)
    {
        Assert.NotNull(reply);
        Assert.True(DnsMessage.TryParse(reply, out var message), $"unparseable reply {Convert.ToHexString(reply)}");
        return message;
    }

    public static bool Has(this DnsMessage message, ushort flag) => (message.Flags & flag) != 0;

    public static IPAddress[] Addresses(this DnsMessage message) =>
        message.Answers.Select(a => a.AsAddress()).OfType<IPAddress>().ToArray();

    public static DnsResourceRecord? Opt(this DnsMessage message) => message.Additionals.FirstOrDefault(r => r.Type == DnsRecordType.OPT);
}
