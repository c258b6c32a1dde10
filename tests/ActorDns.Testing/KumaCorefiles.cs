namespace ActorDns.Testing;

/// <summary>
/// The two Corefile templates of Kuma's DNS documentation (reference/kuma-dns.md §7.3), as users would hand them to
/// ActorDns unchanged, and their renderings with the ports Kuma's own golden test uses (16001/16002/16003).
/// </summary>
public static class KumaCorefiles
{
    /// <summary>Kuma's default template: the mesh answerer, then the host's resolvers for what it does not answer.</summary>
    public const string Default = """
        .:{{ .CoreDNSPort }} {
            forward . 127.0.0.1:{{ .EnvoyDNSPort }}
            alternate NOTIMP,FORMERR,NXDOMAIN,SERVFAIL,REFUSED . /etc/resolv.conf
            prometheus localhost:{{ .PrometheusPort }}
            errors{{ if .CoreDNSLogging }}
            log{{ end }}
        }

        """;

    public const string DefaultRendered = """
        .:16001 {
            forward . 127.0.0.1:16002
            alternate NOTIMP,FORMERR,NXDOMAIN,SERVFAIL,REFUSED . /etc/resolv.conf
            prometheus localhost:16003
            errors
        }

        """;

    /// <summary>
    /// The IPv4-only variant: every AAAA answered NOERROR with no records before anything else, and the historic
    /// "empty port" block that answers NXDOMAIN to everything.
    /// </summary>
    public const string Ipv6Disabled = """
        .:{{ .CoreDNSPort }} {
            template IN AAAA . {
                rcode NOERROR
                fallthrough
            }
            forward . 127.0.0.1:{{ .EnvoyDNSPort }}
            alternate NOTIMP,FORMERR,NXDOMAIN,SERVFAIL,REFUSED . /etc/resolv.conf
            prometheus localhost:{{ .PrometheusPort }}
            errors{{ if .CoreDNSLogging }}
            log{{ end }}
        }
        .:{{ .CoreDNSEmptyPort }} {
            template ANY ANY . {
                rcode NXDOMAIN
            }{{ if .CoreDNSLogging }}
            log{{ end }}
        }

        """;

    public const string Ipv6DisabledRenderedWithLogging = """
        .:16001 {
            template IN AAAA . {
                rcode NOERROR
                fallthrough
            }
            forward . 127.0.0.1:16002
            alternate NOTIMP,FORMERR,NXDOMAIN,SERVFAIL,REFUSED . /etc/resolv.conf
            prometheus localhost:16003
            errors
            log
        }
        .:16004 {
            template ANY ANY . {
                rcode NXDOMAIN
            }
            log
        }

        """;
}
