namespace ActorDns.ControlPlane.Catalog;

/// <summary>
/// What needs a VIP: an origin (what made the entry) and a name. Written as Kuma writes it, <c>service:backend</c>,
/// <c>host:httpbin.org</c>, in the journal and in <c>/vips</c>.
/// </summary>
/// <remarks>
/// Keys sort by origin, then name, both ordinal — the order of their text form, since no origin is a prefix of
/// another; allocation walks keys in this order, so it decides which entry gets which address.
/// </remarks>
public readonly record struct EntryKey(string Origin, string Name) : IComparable<EntryKey>
{
    /// <summary>A <c>kuma.io/service</c> of a Dataplane inbound or an ExternalService.</summary>
    public const string ServiceOrigin = "service";

    /// <summary>An ExternalService host that is a DNS name.</summary>
    public const string HostOrigin = "host";

    /// <summary>A hostname a VirtualOutbound renders for a Dataplane inbound.</summary>
    public const string FqdnOrigin = "fqdn";

    /// <summary>A MeshService: one VIP from <c>ipam.meshService.CIDR</c>, served under its generated hostnames.</summary>
    public const string MeshServiceOrigin = "meshservice";

    /// <summary>A MeshExternalService: one VIP from <c>ipam.meshExternalService.CIDR</c>.</summary>
    public const string MeshExternalServiceOrigin = "meshexternalservice";

    public static EntryKey Service(string name) => new(ServiceOrigin, name);

    public static EntryKey Host(string name) => new(HostOrigin, name);

    /// <summary>Reads the text form <c>origin:name</c> (split at the first colon), as stored in the journal.</summary>
    public static EntryKey Parse(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? new EntryKey(text[..colon], text[(colon + 1)..]) : throw new FormatException($"entry key '{text}' has no origin");
    }

    public int CompareTo(EntryKey other)
    {
        var byOrigin = string.CompareOrdinal(Origin, other.Origin);
        return byOrigin != 0 ? byOrigin : string.CompareOrdinal(Name, other.Name);
    }

    public override string ToString() => $"{Origin}:{Name}";
}
