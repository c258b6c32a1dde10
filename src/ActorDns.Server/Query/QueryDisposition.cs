namespace ActorDns.Server.Query;

/// <summary>What the transport does with the reply the mesh step wrote.</summary>
public enum QueryDisposition : byte
{
    /// <summary>Send nothing (short datagram, QR=1).</summary>
    Drop,

    /// <summary>Rejected by the front end (FORMERR, NOTIMP opcode, BADVERS, REFUSED class/type): final, never forwarded.</summary>
    Rejected,

    /// <summary>The mesh step's answer; the pipeline may hand it on according to its rcode (CoreDNS <c>alternate</c>).</summary>
    Answered,
}
