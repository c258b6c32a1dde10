using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using DnsClient;
using Xunit;

namespace ActorDns.Host.Tests;

/// <summary>
/// What docs/api.md promises of the HTTP API, through the real standalone process: the body limit, YAML bodies,
/// 201 then 200 on replace, GET /meshes, the default mesh that cannot be deleted, /dns-records, and the VIP and
/// command metrics. Each test uses names of its own, so they share one process.
/// </summary>
public sealed class ApiContractTests(ApiContractTests.Fixture fixture) : IClassFixture<ApiContractTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly string _dataDir = Directory.CreateTempSubdirectory("actordns-api-").FullName;

        public IPEndPoint Api { get; } = new(IPAddress.Loopback, FreePort.Next());

        public IPEndPoint Dns { get; } = new(IPAddress.Loopback, FreePort.Next());

        public ActorDnsProcess Process { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Process = ActorDnsProcess.Start("--dns-address", $"{Dns}=default", "--api-address", Api.ToString(), "--upstream", "127.0.0.1:9", "--data-dir", _dataDir);
            await Process.WaitReadyAsync(Api);
        }

        public async Task DisposeAsync()
        {
            await Process.DisposeAsync();
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    // SPEC §8: a standalone's default is Kuma's "localhost is admin"; a request through a proxy is not local.
    [Theory]
    [InlineData("", "", HttpStatusCode.Created)]
    [InlineData("X-Forwarded-For", "203.0.113.9", HttpStatusCode.Unauthorized)]
    [InlineData("Origin", "http://evil.example", HttpStatusCode.Unauthorized)]
    public async Task StandaloneWithoutToken_FromLoopback_IsAdminUnlessProxiedOrCrossSite(string header, string value, HttpStatusCode expected)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{fixture.Api}/") };
        using var request = new HttpRequestMessage(HttpMethod.Put, $"meshes/local-{expected:D}")
        {
            Content = new StringContent($$"""{"type":"Mesh","name":"local-{{expected:D}}"}""", Encoding.UTF8, "application/json"),
        };
        if (header.Length > 0)
        {
            request.Headers.Add(header, value);
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task BodyOverOneMebibyte_Is413WithTheErrorBody_AndChangesNothing()
    {
        using var api = new ApiTestClient(fixture.Api);
        var padding = new string('x', 1024 * 1024);
        var body = $$$"""{"type":"Dataplane","mesh":"default","name":"huge-1","padding":"{{{padding}}}","networking":{"address":"10.0.0.1","inbound":[{"port":80,"tags":{"kuma.io/service":"huge"}}]}}""";

        var (status, error) = await api.PutForBodyAsync("meshes/default/dataplanes/huge-1", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.NotNull(error!["title"]);
        Assert.Equal(HttpStatusCode.NotFound, await api.GetStatusAsync("meshes/default/dataplanes/huge-1"));
        Assert.DoesNotContain(await api.VipsAsync("default"), v => v.Key == "service:huge");
    }

    [Fact]
    public async Task YamlBody_WithYamlContentType_IsStoredAndReadBackAsJson()
    {
        using var api = new ApiTestClient(fixture.Api);
        const string yaml = """
            type: Dataplane
            mesh: default
            name: yaml-1
            networking:
              address: 10.0.0.9
              inbound:
              - port: 9090
                tags:
                  kuma.io/service: yaml-svc
            """;

        var (status, _) = await api.PutForBodyAsync("meshes/default/dataplanes/yaml-1", yaml, "application/yaml");
        var stored = await api.GetJsonAsync("meshes/default/dataplanes/yaml-1");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("yaml-svc", stored["networking"]!["inbound"]![0]!["tags"]!["kuma.io/service"]!.GetValue<string>());
        Assert.Equal(9090, stored["networking"]!["inbound"]![0]!["port"]!.GetValue<int>());
    }

    [Fact]
    public async Task PutTwice_CreatesThenReplaces_201Then200()
    {
        using var api = new ApiTestClient(fixture.Api);

        Assert.Equal(HttpStatusCode.Created, await api.PutAsync("meshes/default/dataplanes/twice-1", ApiTestClient.Dataplane("default", "twice-1", "twice", 8080)));
        Assert.Equal(HttpStatusCode.OK, await api.PutAsync("meshes/default/dataplanes/twice-1", ApiTestClient.Dataplane("default", "twice-1", "twice", 9090)));
        Assert.Equal(9090, (await api.GetJsonAsync("meshes/default/dataplanes/twice-1"))["networking"]!["inbound"]![0]!["port"]!.GetValue<int>());
    }

    [Fact]
    public async Task GetMeshes_ListsDefaultAndACreatedMesh()
    {
        using var api = new ApiTestClient(fixture.Api);
        Assert.Equal(HttpStatusCode.Created, await api.PutAsync("meshes/listed", """{"type":"Mesh","name":"listed"}"""));

        var meshes = await api.GetJsonAsync("meshes");

        var names = meshes["items"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("default", names);
        Assert.Contains("listed", names);
        Assert.All(meshes["items"]!.AsArray(), m => Assert.Equal("Mesh", m!["type"]!.GetValue<string>()));
        Assert.Equal(names.Count, meshes["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task DeleteDefaultMesh_IsRefused_AndTheMeshStays()
    {
        using var api = new ApiTestClient(fixture.Api);

        var status = await api.DeleteAsync("meshes/default");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(HttpStatusCode.OK, await api.GetStatusAsync("meshes/default"));
    }

    [Theory]
    [InlineData("GET", "meshes/ghost/dataplanes")]
    [InlineData("GET", "meshes/ghost/dataplanes/dp-1")]
    [InlineData("DELETE", "meshes/ghost/dataplanes/dp-1")]
    [InlineData("GET", "meshes/ghost/external-services/es-1")]
    [InlineData("DELETE", "meshes/ghost/external-services/es-1")]
    [InlineData("GET", "meshes/ghost/vips")]
    [InlineData("GET", "meshes/ghost/dns-records")]
    public async Task RouteUnderAMeshThatDoesNotExist_Is404NamingTheMesh_AndStartsNoEntity(string method, string path)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{fixture.Api}/") };

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("mesh ghost", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("mesh=\"ghost\"", await http.GetStringAsync("metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutIntoAMeshThatDoesNotExist_Is400NamingTheMeshField()
    {
        using var api = new ApiTestClient(fixture.Api);

        var (status, body) = await api.PutForBodyAsync("meshes/ghost/dataplanes/dp-1", ApiTestClient.Dataplane("ghost", "dp-1", "svc"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal([("mesh", "mesh \"ghost\" does not exist")], ApiTestClient.Causes(body));
    }

    [Fact]
    public async Task PutMeshNamedDirectory_Is400_AndNoMeshIsCreated()
    {
        using var api = new ApiTestClient(fixture.Api);

        var (status, body) = await api.PutForBodyAsync("meshes/directory", """{"type":"Mesh","name":"directory"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("name", Assert.Single(ApiTestClient.Causes(body)).Field);
        Assert.Equal(HttpStatusCode.NotFound, await api.GetStatusAsync("meshes/directory"));
    }

    [Fact]
    public async Task DnsRecords_ListTheServedNamesWithTtlAndVersion_AsTheResolverAnswers()
    {
        using var api = new ApiTestClient(fixture.Api);
        Assert.Equal(HttpStatusCode.Created, await api.PutAsync("meshes/default/dataplanes/records-1", ApiTestClient.Dataplane("default", "records-1", "records_ns_svc_80")));
        var vip = (await api.VipsAsync("default")).Single(v => v.Key == "service:records_ns_svc_80").Vip;

        var records = await api.GetJsonAsync("meshes/default/dns-records");

        Assert.Equal(60, records["ttl"]!.GetValue<int>());
        Assert.True(records["version"]!.GetValue<long>() > 0);
        var byName = records["records"]!.AsArray().ToDictionary(r => r!["name"]!.GetValue<string>(), r => r!["ips"]!.AsArray().Select(i => i!.GetValue<string>()).ToList());
        Assert.Equal([vip!], byName["records_ns_svc_80.mesh"]);
        Assert.Equal([vip!], byName["records.ns.svc.80.mesh"]);
        var dns = new LookupClient(new LookupClientOptions(new NameServer(fixture.Dns)) { UseCache = false, Retries = 0, Timeout = TimeSpan.FromSeconds(2) });
        // The resolver applies the change asynchronously (SPEC §4.5): the PUT's 200 does not wait for it.
        var answer = await Eventually.ValueAsync(
            () => dns.QueryAsync("records.ns.svc.80.mesh", QueryType.A), a => a.Answers.ARecords().Any(), TimeSpan.FromSeconds(5), "the resolver serves the new record");
        Assert.Equal([IPAddress.Parse(vip!)], answer.Answers.ARecords().Select(a => a.Address));
        Assert.Equal(60, answer.Answers.ARecords().Single().InitialTimeToLive);
    }

    [Fact]
    public async Task VirtualOutbound_Applied_ItsHostnamesResolveAndShowInVips_FailuresAsWarnings()
    {
        using var api = new ApiTestClient(fixture.Api);
        const string Instances = """
            type: VirtualOutbound
            mesh: default
            name: vo-instances
            selectors:
            - match:
                kuma.io/service: "*"
                instance: "*"
            conf:
              host: "{{.svc}}.{{.instance}}.virtual"
              port: "{{if .port}}{{.port}}{{else}}8080{{end}}"
              parameters:
              - name: svc
                tagKey: kuma.io/service
              - name: instance
              - name: port
            """;
        Assert.Equal(HttpStatusCode.Created, (await api.PutForBodyAsync("meshes/default/virtual-outbounds/vo-instances", Instances, "application/yaml")).Status);
        foreach (var (name, instance, port) in new[] { ("vo-dp-1", "a", "9000"), ("vo-dp-2", "b", "http") })
        {
            var dataplane = $$$"""{"type":"Dataplane","mesh":"default","name":"{{{name}}}","networking":{"address":"10.0.0.9","inbound":[{"port":8080,"tags":{"kuma.io/service":"vo-web","instance":"{{{instance}}}","port":"{{{port}}}"}}]}}""";
            Assert.Equal(HttpStatusCode.Created, await api.PutAsync($"meshes/default/dataplanes/{name}", dataplane));
        }

        var vips = await api.GetJsonAsync("meshes/default/vips");
        var entry = vips["entries"]!.AsArray().Single(e => e!["key"]!.GetValue<string>() == "fqdn:vo-web.a.virtual")!;
        var dns = new LookupClient(new LookupClientOptions(new NameServer(fixture.Dns)) { UseCache = false, Retries = 0, Timeout = TimeSpan.FromSeconds(2) });
        var answer = await Eventually.ValueAsync(
            () => dns.QueryAsync("vo-web.a.virtual", QueryType.A), a => a.Answers.ARecords().Any(), TimeSpan.FromSeconds(5), "the VirtualOutbound's host resolves");

        Assert.Equal("virtual-outbound:vo-instances", entry["origin"]!.GetValue<string>());
        Assert.Equal([9000], entry["ports"]!.AsArray().Select(p => p!.GetValue<int>()));
        Assert.Equal(entry["vip"]!.GetValue<string>(), answer.Answers.ARecords().Single().Address.ToString());
        Assert.DoesNotContain(vips["entries"]!.AsArray(), e => e!["key"]!.GetValue<string>() == "fqdn:vo-web.b.virtual");
        Assert.Contains(vips["warnings"]!.AsArray(), w => w!.GetValue<string>().EndsWith("didn't evaluate to a parsable number result=\"http\"", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, await api.DeleteAsync("meshes/default/virtual-outbounds/vo-instances"));
        Assert.DoesNotContain((await api.VipsAsync("default")), v => v.Key == "fqdn:vo-web.a.virtual");
    }

    [Fact]
    public async Task Metrics_CountVipsAllocationsAndCommands()
    {
        using var api = new ApiTestClient(fixture.Api);
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.Created, await api.PutAsync("meshes/counted", """{"type":"Mesh","name":"counted"}"""));

        foreach (var i in Enumerable.Range(0, 3))
        {
            Assert.Equal(HttpStatusCode.Created, await api.PutAsync($"meshes/counted/dataplanes/c-{i}", ApiTestClient.Dataplane("counted", $"c-{i}", $"c-{i}")));
        }

        Assert.Equal(HttpStatusCode.OK, await api.DeleteAsync("meshes/counted/dataplanes/c-0"));
        var metrics = await http.GetStringAsync($"http://{fixture.Api}/metrics");

        Assert.Contains("actordns_vip_addresses_used{mesh=\"counted\",pool=\"service\",family=\"ipv4\"} 2\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"actordns_vip_addresses_free{{mesh=\"counted\",pool=\"service\",family=\"ipv4\"}} {(1L << 28) - 2 - 3}\n", metrics, StringComparison.Ordinal);
        Assert.Contains("actordns_vip_allocations_total{mesh=\"counted\"} 3\n", metrics, StringComparison.Ordinal);
        Assert.Contains("actordns_vip_releases_total{mesh=\"counted\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Matches("\nactordns_mesh_command_duration_seconds_count [4-9]", metrics);
    }

    /// <summary>The documented defaults (docs/configuration.md, docs/api.md) as the running process uses them.</summary>
    public static TheoryData<string, double> DocumentedDefaults() => new()
    {
        { "dns[0].tcpIdleTimeoutSeconds", 10 },
        { "dns[0].tcpIoTimeoutSeconds", 1 },
        { "dns[0].tcpMaxConnections", 1000 },
        { "dns[0].udpErrorRepliesPerSecond", 100 },
        { "forwarder.tryTimeoutSeconds", 2 },
        { "forwarder.totalTimeoutSeconds", 5 },
        { "forwarder.maxConcurrent", 1000 },
        { "forwarder.maxFails", 2 },
        { "forwarder.healthCheckIntervalSeconds", 0.5 },
        { "resolver.cacheWriteDelaySeconds", 0.2 },
        { "resolver.versionCheckIntervalSeconds", 5 },
    };

    [Theory]
    [MemberData(nameof(DocumentedDefaults))]
    public async Task Config_ShowsTheDocumentedDefault_TheProcessRunsWith(string path, double expected)
    {
        using var api = new ApiTestClient(fixture.Api);

        var config = await api.GetJsonAsync("config");

        var node = path.Split('.').Aggregate((JsonNode?)config, (n, part) => part.EndsWith(']')
            ? n?[part[..part.IndexOf('[', StringComparison.Ordinal)]]?[int.Parse(part[(part.IndexOf('[', StringComparison.Ordinal) + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)]
            : n?[part]);
        Assert.Equal(expected, node!.GetValue<double>());
    }
}
