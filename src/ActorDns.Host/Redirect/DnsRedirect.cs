using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorDns.Host.Redirect;

/// <summary>What <c>actordns redirect install</c> sets up (SPEC §4.7).</summary>
/// <param name="DnsPort">The resolver's port that DNS traffic is sent to.</param>
/// <param name="ExcludeUid">The user whose traffic is left alone: the resolver's, so that its upstream queries escape.</param>
/// <param name="CaptureAll">Every UDP packet to port 53, not only those to the resolv.conf nameservers.</param>
/// <param name="RedirectTcp">TCP port 53 too (Kuma leaves it alone, so truncated answers retried over TCP reach the real resolver).</param>
/// <param name="Nameservers">The nameservers of the resolv.conf whose traffic is captured.</param>
public sealed record RedirectOptions(int DnsPort, uint ExcludeUid, bool CaptureAll, bool RedirectTcp, IReadOnlyList<IPAddress> Nameservers);

/// <summary>
/// The nftables rules of DNS redirection, as <c>kumactl install transparent-proxy --redirect-dns</c> sets them up
/// with iptables: one table, <c>inet actordns</c>, whose nat output chain sends DNS traffic to the resolver's port,
/// except the resolver's own. Pure: the scripts are text for <c>nft -f -</c>.
/// </summary>
public static class DnsRedirect
{
    public const string Table = "actordns";

    /// <summary>
    /// Replaces the table in one transaction (declaring it first makes the delete safe when it does not exist yet), so
    /// installing twice leaves one set of rules.
    /// </summary>
    public static string InstallScript(RedirectOptions options)
    {
        var protocols = options.RedirectTcp ? new[] { "udp", "tcp" } : ["udp"];
        var rules = new List<string>();
        foreach (var protocol in protocols)
        {
            rules.Add($"meta skuid {options.ExcludeUid.ToString(CultureInfo.InvariantCulture)} {protocol} dport 53 return");
        }

        foreach (var protocol in protocols)
        {
            var redirect = $"{protocol} dport 53 redirect to :{options.DnsPort.ToString(CultureInfo.InvariantCulture)}";
            if (options.CaptureAll)
            {
                rules.Add(redirect);
                continue;
            }

            // A family without a nameserver is not captured (as Kuma does).
            foreach (var (family, keyword) in new[] { (AddressFamily.InterNetwork, "ip"), (AddressFamily.InterNetworkV6, "ip6") })
            {
                var addresses = options.Nameservers.Where(n => n.AddressFamily == family).Select(n => n.ToString()).Distinct().ToList();
                if (addresses.Count > 0)
                {
                    rules.Add($"{keyword} daddr {{ {string.Join(", ", addresses)} }} {redirect}");
                }
            }
        }

        var script = new StringBuilder();
        script.Append(CultureInfo.InvariantCulture, $"table inet {Table}\ndelete table inet {Table}\ntable inet {Table} {{\n");
        script.Append("\tchain output {\n\t\ttype nat hook output priority -100; policy accept;\n");
        foreach (var rule in rules)
        {
            script.Append("\t\t").Append(rule).Append('\n');
        }

        return script.Append("\t}\n}\n").ToString();
    }

    /// <summary>Removes exactly the table <see cref="InstallScript"/> adds; nothing to remove is not an error.</summary>
    public static string UninstallScript { get; } = $"table inet {Table}\ndelete table inet {Table}\n";
}
