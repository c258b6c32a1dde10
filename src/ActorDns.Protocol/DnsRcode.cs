namespace ActorDns.Protocol;

/// <summary>
/// Response codes (RFC 1035 §4.1.1, RFC 6891 §9). Values above 15 are extended: the low four bits go
/// into the header, the upper eight into the OPT record's EXTENDED-RCODE field.
/// </summary>
public enum DnsRcode : ushort
{
    NoError = 0,
    FormErr = 1,
    ServFail = 2,
    NXDomain = 3,
    NotImp = 4,
    Refused = 5,
    BadVers = 16,
}
