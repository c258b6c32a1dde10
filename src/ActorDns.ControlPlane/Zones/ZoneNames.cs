using System.Text;
using ActorDns.Protocol;
using ActorDns.ControlPlane.Catalog;

namespace ActorDns.ControlPlane.Zones;

/// <summary>The DNS names of an entry (SPEC §4.1).</summary>
public static class ZoneNames
{
    /// <summary>
    /// <c>service:&lt;svc&gt;</c> → <c>&lt;svc&gt;.&lt;domain&gt;</c> (rank 0) and, when different, the RFC 1035 form with
    /// every <c>_</c> replaced by <c>.</c> (rank 1); <c>host:&lt;h&gt;</c> → <c>&lt;h&gt;</c>.
    /// </summary>
    public static IEnumerable<ZoneName> Of(EntryKey key, string domain)
    {
        var value = key.Name;
        if (key.Origin != EntryKey.ServiceOrigin)
        {
            yield return new ZoneName(value, 0);
            yield break;
        }

        yield return new ZoneName($"{value}.{domain}", 0);
        if (value.Contains('_', StringComparison.Ordinal))
        {
            yield return new ZoneName($"{value.Replace('_', '.')}.{domain}", 1);
        }
    }

    /// <summary>Why <paramref name="name"/> cannot be served (label over 63 octets, name over 255), or null.</summary>
    public static string? Problem(string name)
    {
        // Fast path for the common case: one short plain name cannot break a length limit.
        if (name.Length is > 0 and <= DnsName.MaxLabelLength && !name.StartsWith('.') && !name.Contains("..", StringComparison.Ordinal)
            && !name.Contains('\\', StringComparison.Ordinal) && Ascii.IsValid(name) && !name.Any(char.IsControl))
        {
            return null;
        }

        return DnsName.TryParse(name, out _, out var error) ? null : $"{name} is not a valid DNS name ({error}): the entry has a VIP but no record";
    }

    public static string Key(string name) => name.TrimEnd('.').ToLowerInvariant();
}
