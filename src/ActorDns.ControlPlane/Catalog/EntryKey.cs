namespace ActorDns.ControlPlane.Catalog;

/// <summary>Entry keys as Kuma writes them: <c>service:backend</c>, <c>host:httpbin.org</c>, <c>fqdn:a.b</c>.</summary>
public static class EntryKey
{
    public const string ServicePrefix = "service:";
    public const string HostPrefix = "host:";

    public static string Service(string name) => ServicePrefix + name;

    public static string Host(string name) => HostPrefix + name;

    /// <summary>The origin shown in <c>/vips</c>: <c>service</c> or <c>host</c>.</summary>
    public static string Origin(string key) => key[..key.IndexOf(':', StringComparison.Ordinal)];

    public static string Value(string key) => key[(key.IndexOf(':', StringComparison.Ordinal) + 1)..];
}
