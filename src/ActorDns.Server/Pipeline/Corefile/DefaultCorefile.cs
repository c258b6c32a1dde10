namespace ActorDns.Server.Pipeline.Corefile;

/// <summary>
/// The template a resolver runs when none is given (SPEC §4.3, §4.6): Kuma's default pipeline — the mesh answerer,
/// then the configured upstreams for whatever it passes on or answers with an error or NXDOMAIN.
/// </summary>
public static class DefaultCorefile
{
    public const string Source = "built-in default";

    public const string Template = """
        # ActorDns's built-in pipeline: answer from the mesh table, and send what it does not answer (or answers
        # NOTIMP, FORMERR, NXDOMAIN, SERVFAIL or REFUSED) to the upstreams of --upstream or --resolv-conf.
        .:{{ .CoreDNSPort }} {
            forward . 127.0.0.1:{{ .EnvoyDNSPort }}
            alternate NOTIMP,FORMERR,NXDOMAIN,SERVFAIL,REFUSED . /etc/resolv.conf
            prometheus localhost:{{ .PrometheusPort }}
            errors{{ if .CoreDNSLogging }}
            log{{ end }}
        }

        """;
}
