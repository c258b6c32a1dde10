using System.Net;
using ActorDns.Protocol;

namespace ActorDns.LoadTest.Churn;

/// <summary>The reply that met a probe's goal: when it arrived (Stopwatch timestamp), its rcode, its first A address.</summary>
internal sealed record ProbeAnswer(long At, DnsRcode Rcode, IPAddress? Address);
