using System.Net;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Host.Tests;

/// <summary>
/// Corefile templates through the real standalone process and dig (SPEC §4.6): Kuma's two documented Corefiles loaded
/// unchanged with <c>--corefile-template</c>, forwarding only to a loopback fake upstream, and an invalid template
/// refused at start with its position.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class CorefileProcessTests
{
    [SkippableFact]
    public async Task KumaIpv6DisabledCorefile_Unchanged_AaaaEmptyMeshAnsweredOthersThroughAlternate_EmptyPortNxdomain()
    {
        using var upstream = new FakeUpstream(IPAddress.Parse("127.0.0.1"));
        await using var node = await StartAsync(KumaCorefiles.Ipv6Disabled, upstream);
        using var api = new ApiTestClient(node.Api);
        Assert.Equal(HttpStatusCode.Created, await api.PutAsync("meshes/default/dataplanes/backend-1", ApiTestClient.Dataplane("default", "backend-1", "backend")));

        Assert.Equal("240.0.0.1", await Dig.ShortUntilAsync(node.Dns, "backend.mesh", a => a.Length > 0));
        Assert.Equal(FakeUpstream.DefaultAddress.ToString(), await Dig.ShortAsync(node.Dns, "www.example.com"));
        foreach (var name in new[] { "backend.mesh", "www.example.com" })
        {
            var aaaa = await Dig.RunAsync(node.Dns, name, "AAAA");
            Assert.Contains("status: NOERROR", aaaa, StringComparison.Ordinal);
            Assert.Contains("ANSWER: 0,", aaaa, StringComparison.Ordinal);
            Assert.Contains(" aa", aaaa[aaaa.IndexOf("flags:", StringComparison.Ordinal)..aaaa.IndexOf(';', aaaa.IndexOf("flags:", StringComparison.Ordinal))], StringComparison.Ordinal);
        }

        // Only the A query for the outside name went upstream: every AAAA was answered by the template.
        Assert.Equal([("www.example.com.", ActorDns.Protocol.DnsRecordType.A)], upstream.Queries.Select(q => (q.QName, q.QType)));
        foreach (var (name, type) in new[] { ("backend.mesh", "A"), ("www.example.com", "AAAA"), ("example.org", "TXT") })
        {
            Assert.Contains("status: NXDOMAIN", await Dig.RunAsync(node.EmptyPort, name, type), StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task KumaDefaultCorefile_Unchanged_AnswersAsTheBuiltInPipeline()
    {
        using var upstream = new FakeUpstream(IPAddress.Parse("127.0.0.1"));
        await using var node = await StartAsync(KumaCorefiles.Default, upstream);
        using var api = new ApiTestClient(node.Api);
        Assert.Equal(HttpStatusCode.Created, await api.PutAsync("meshes/default/dataplanes/backend-1", ApiTestClient.Dataplane("default", "backend-1", "backend")));

        Assert.Equal("240.0.0.1", await Dig.ShortUntilAsync(node.Dns, "backend.mesh", a => a.Length > 0));
        Assert.Equal("::ffff:240.0.0.1", await Dig.ShortAsync(node.Dns, "backend.mesh", "AAAA"));
        Assert.Equal(FakeUpstream.DefaultAddress.ToString(), await Dig.ShortAsync(node.Dns, "www.example.com"));
        // An unknown mesh name: the mesh step's NXDOMAIN is in alternate's set, so the upstream answers it.
        Assert.Equal(FakeUpstream.DefaultAddress.ToString(), await Dig.ShortAsync(node.Dns, "nosuch.mesh"));
    }

    [SkippableFact]
    public async Task Cache_RepeatedQueries_OneUpstreamQuery_TtlCountsFromTheFirstAnswer()
    {
        const string Template = """
            .:{{ .CoreDNSPort }} {
                cache 30
                forward . 127.0.0.1:{{ .EnvoyDNSPort }}
                alternate NOTIMP,FORMERR,NXDOMAIN,SERVFAIL,REFUSED . /etc/resolv.conf
            }
            """;
        using var upstream = new FakeUpstream(IPAddress.Parse("127.0.0.1"));
        await using var node = await StartAsync(Template, upstream);

        var answers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await Dig.RunAsync(node.Dns, "WWW.example.com", "A", "+noall", "+answer"));
        }

        Assert.Equal(1, upstream.Queries.Count(q => !q.IsProbe));
        // The upstream's TTL (300) is capped at the cache's 30 s, then counts down; the client's letter case is kept.
        Assert.All(answers, a => Assert.Matches(@"^WWW\.example\.com\.\s+(30|2\d|1\d)\s+IN\s+A\s+192\.0\.2\.1\s*$", a));
    }

    [SkippableFact]
    public async Task RewriteSuffix_ClusterNameAnswersTheMeshVip_QuestionRestored_UnknownOnesForwardedRewritten()
    {
        const string Template = """
            .:{{ .CoreDNSPort }} {
                rewrite name suffix .svc.cluster.local. .mesh.
                forward . 127.0.0.1:{{ .EnvoyDNSPort }}
                alternate NOTIMP,FORMERR,NXDOMAIN,SERVFAIL,REFUSED . /etc/resolv.conf
            }
            """;
        using var upstream = new FakeUpstream(IPAddress.Parse("127.0.0.1"));
        await using var node = await StartAsync(Template, upstream);
        using var api = new ApiTestClient(node.Api);
        Assert.Equal(HttpStatusCode.Created, await api.PutAsync("meshes/default/dataplanes/backend-1", ApiTestClient.Dataplane("default", "backend-1", "backend")));

        Assert.Equal("240.0.0.1", await Dig.ShortUntilAsync(node.Dns, "backend.svc.cluster.local", a => a.Length > 0));
        Assert.Matches(@"(?m)^;backend\.svc\.cluster\.local\.\s+IN\s+A$", await Dig.RunAsync(node.Dns, "backend.svc.cluster.local", "A", "+noall", "+question"));
        // Not a mesh name: forwarded as rewritten, answered with the client's question.
        var forwarded = await Dig.RunAsync(node.Dns, "api.svc.cluster.local", "A", "+noall", "+question", "+answer");
        Assert.Matches(@"(?m)^;api\.svc\.cluster\.local\.\s+IN\s+A$", forwarded);
        Assert.Contains("192.0.2.1", forwarded, StringComparison.Ordinal);
        Assert.Equal(["api.mesh."], upstream.Queries.Where(q => !q.IsProbe).Select(q => q.QName));
    }

    [SkippableFact]
    public async Task OwnTemplateChanged_SwappedLive_InvalidChangeKeepsTheRunningOne_HealthAndMetricsShowIt()
    {
        static string Template(string address) =>
            $".:{{{{ .CoreDNSPort }}}} {{\n    template IN A example.org {{\n        answer \"probe.example.org. 60 IN A {address}\"\n    }}\n}}\n";
        using var upstream = new FakeUpstream(IPAddress.Parse("127.0.0.1"));
        await using var node = await StartAsync(Template("192.0.2.11"), upstream);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{node.Api}/") };
        Assert.Equal("192.0.2.11", await Dig.ShortAsync(node.Dns, "probe.example.org"));
        Assert.Equal($"ok\ncorefile-template: {node.TemplateFile} sha256:{Sha256(Template("192.0.2.11"))}\n", await http.GetStringAsync("health/ready"));

        await File.WriteAllTextAsync(node.TemplateFile, Template("192.0.2.22"));

        Assert.Equal("192.0.2.22", await Dig.ShortUntilAsync(node.Dns, "probe.example.org", a => a == "192.0.2.22"));
        Assert.Contains($"sha256:{Sha256(Template("192.0.2.22"))}", await http.GetStringAsync("health/ready"), StringComparison.Ordinal);
        var metrics = await http.GetStringAsync("metrics");
        Assert.Contains($"actordns_corefile_template_info{{source=\"{node.TemplateFile}\",sha256=\"{Sha256(Template("192.0.2.22"))}\"}} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("actordns_corefile_template_reloads_total{result=\"ok\"} 1", metrics, StringComparison.Ordinal);

        await File.WriteAllTextAsync(node.TemplateFile, ".:{{ .CoreDNSPort }} {\n    template IN A example.org {\n        rcode MAYBE\n    }\n}\n");

        await Eventually.TrueAsync(
            async () => (await http.GetStringAsync("metrics")).Contains("actordns_corefile_template_reloads_total{result=\"error\"} 1", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15),
            "the invalid template is counted");
        Assert.Equal("192.0.2.22", await Dig.ShortAsync(node.Dns, "probe.example.org"));
        Assert.Contains("refused, the running pipelines stay", node.Process!.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task BootstrapTemplate_AppliesToStandalonesResolver_UnlessItHasItsOwn()
    {
        var bootstrap = Path.GetTempFileName();
        await File.WriteAllTextAsync(bootstrap, ".:{{ .CoreDNSPort }} {\n    template IN A example.org {\n        answer \"probe.example.org. 60 IN A 192.0.2.33\"\n    }\n}\n");
        try
        {
            using var upstream = new FakeUpstream(IPAddress.Parse("127.0.0.1"));
            var dns = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
            var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
            await using (var process = ActorDnsProcess.Start("--dns-address", $"{dns}=default", "--api-address", api.ToString(), "--upstream", upstream.Endpoint.ToString(),
                "--data-dir", Directory.CreateTempSubdirectory("actordns-corefile-").FullName, "--bootstrap-corefile-template", bootstrap))
            {
                await process.WaitReadyAsync(api);
                Assert.Equal("192.0.2.33", await Dig.ShortAsync(dns, "probe.example.org"));
            }

            // With its own template too, the resolver's own wins.
            await using var both = await StartAsync(KumaCorefiles.Default, upstream, "--bootstrap-corefile-template", bootstrap);
            Assert.Equal(FakeUpstream.DefaultAddress.ToString(), await Dig.ShortAsync(both.Dns, "probe.example.org"));
        }
        finally
        {
            File.Delete(bootstrap);
        }
    }

    [SkippableFact]
    public async Task DnsAddressesOnOnePortOfTwoIps_EachServesItsOwnMesh()
    {
        var port = FreePort.Next();
        var (first, second) = (new IPEndPoint(IPAddress.Loopback, port), new IPEndPoint(IPAddress.Parse("127.0.0.2"), port));
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        await using var process = ActorDnsProcess.Start("--dns-address", $"{first}=default", "--dns-address", $"{second}=payments", "--api-address", api.ToString(),
            "--upstream", "127.0.0.1:9", "--data-dir", Directory.CreateTempSubdirectory("actordns-corefile-").FullName);
        await process.WaitReadyAsync(api);
        using var client = new ApiTestClient(api);
        Assert.Equal(HttpStatusCode.Created, await client.PutAsync("meshes/payments", """{"type":"Mesh","name":"payments"}"""));
        Assert.Equal(HttpStatusCode.Created, await client.PutAsync("meshes/default/dataplanes/backend-1", ApiTestClient.Dataplane("default", "backend-1", "backend")));
        Assert.Equal(HttpStatusCode.Created, await client.PutAsync("meshes/payments/dataplanes/ledger-1", ApiTestClient.Dataplane("payments", "ledger-1", "ledger")));

        Assert.Equal("240.0.0.1", await Dig.ShortUntilAsync(first, "backend.mesh", a => a.Length > 0));
        // Each address is a listener of its own, with its own mesh.
        Assert.Equal("240.0.0.1", await Dig.ShortUntilAsync(second, "ledger.mesh", a => a.Length > 0));
    }

    [Fact]
    public async Task InvalidTemplate_ExitCode2_OneLineWithFileLineColumnAndReason()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, ".:{{ .CoreDNSPort }} {\n    forward . 127.0.0.1:{{ .EnvoyDNSPort }} {\n        tls_servername dns.example\n    }\n}\n");
        try
        {
            await using var process = ActorDnsProcess.Start("--dns-address", $"127.0.0.1:{FreePort.Next()}=default", "--api-address", $"127.0.0.1:{FreePort.Next()}",
                "--upstream", "127.0.0.1:9", "--data-dir", Directory.CreateTempSubdirectory("actordns-corefile-").FullName, "--corefile-template", file);

            Assert.Equal(2, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            var line = Assert.Single(process.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal($"actordns: Corefile {file}:3:9: forward: option \"tls_servername\" is not supported (forward has except, force_tcp, prefer_udp, expire, max_fails, health_check, max_concurrent, policy)", line);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    private static async Task<Node> StartAsync(string template, FakeUpstream upstream, params string[] extra)
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, template);
        var node = new Node(new IPEndPoint(IPAddress.Loopback, FreePort.Next()), new IPEndPoint(IPAddress.Loopback, FreePort.Next()), new IPEndPoint(IPAddress.Loopback, FreePort.Next()), file);
        node.Process = ActorDnsProcess.Start([
            "--dns-address", $"{node.Dns}=default", "--api-address", node.Api.ToString(), "--upstream", upstream.Endpoint.ToString(),
            "--data-dir", Directory.CreateTempSubdirectory("actordns-corefile-").FullName, "--corefile-template", file,
            "--dns-empty-port", node.EmptyPort.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra]);
        await node.Process.WaitReadyAsync(node.Api);
        return node;
    }

    private sealed class Node(IPEndPoint dns, IPEndPoint api, IPEndPoint emptyPort, string templateFile) : IAsyncDisposable
    {
        public string TemplateFile { get; } = templateFile;

        public IPEndPoint Dns { get; } = dns;

        public IPEndPoint Api { get; } = api;

        public IPEndPoint EmptyPort { get; } = emptyPort;

        public ActorDnsProcess? Process { get; set; }

        public async ValueTask DisposeAsync()
        {
            if (Process is not null)
            {
                await Process.DisposeAsync();
            }

            File.Delete(TemplateFile);
        }
    }
}
