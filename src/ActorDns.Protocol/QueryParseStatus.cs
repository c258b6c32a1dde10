namespace ActorDns.Protocol;

/// <summary>The verdict of <see cref="DnsQueryParser"/> on an incoming message.</summary>
public enum QueryParseStatus : byte
{
    /// <summary>A well-formed standard query with one question.</summary>
    Ok,

    /// <summary>Not answered at all: shorter than a header, or a response (QR=1) — RFC 1035 §4.1.1.</summary>
    Drop,

    /// <summary>Malformed: answer FORMERR (RFC 1035 §4.1.1, RFC 9619 §4, RFC 6891 §6.1.1).</summary>
    FormErr,

    /// <summary>An opcode other than QUERY: answer NOTIMP.</summary>
    NotImp,

    /// <summary>EDNS version above 0: answer BADVERS (RFC 6891 §6.1.3).</summary>
    BadVers,
}
