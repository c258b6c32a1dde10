namespace ActorDns.Protocol;

/// <summary>A question (RFC 1035 §4.1.2); the name in presentation format, letter case preserved.</summary>
public sealed record DnsQuestion(string Name, DnsRecordType Type, DnsClass Class = DnsClass.IN);
