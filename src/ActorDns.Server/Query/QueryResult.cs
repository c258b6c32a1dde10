using ActorDns.Protocol;

namespace ActorDns.Server.Query;

/// <summary>The outcome of <see cref="QueryEngine.Answer"/>: what to do, the reply's rcode and length, and the parsed query.</summary>
public readonly record struct QueryResult(QueryDisposition Disposition, DnsRcode Rcode, int Length, DnsQuery Query);
