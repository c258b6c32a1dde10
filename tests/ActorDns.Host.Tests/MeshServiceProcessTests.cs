using System.Net;
using System.Text.Json.Nodes;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.Host.Tests;

/// <summary>
/// MeshService and MeshExternalService through the real standalone process (SPEC §3.1): Kuma's resource files applied
/// unchanged, their generated names answered to dig, the status a GET shows, a deleted and recreated MeshService
/// given a new VIP while the old one waits, and every VIP of every pool kept across a graceful restart and a kill -9.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class MeshServiceProcessTests
{
    private const string Redis = """
        type: MeshService
        name: redis
        mesh: default
        labels:
          team: db
        spec:
          selector:
            dataplaneTags:
              kuma.io/service: redis
          ports:
          - port: 6379
            targetPort: 6379
            appProtocol: tcp
            name: main
        """;

    private const string Httpbin = """
        type: MeshExternalService
        name: httpbin
        mesh: default
        spec:
          match:
            type: HostnameGenerator
            port: 80
            protocol: http
          endpoints:
          - address: httpbin.org
            port: 80
        """;

    private const string WebHost = """
        type: VirtualOutbound
        mesh: default
        name: web-host
        selectors:
        - match:
            kuma.io/service: web
        conf:
          host: "{{.svc}}.virtual"
          port: "80"
          parameters:
          - name: svc
            tagKey: kuma.io/service
        """;

    [Fact]
    public async Task KumaFiles_Applied_AnswerTheirGeneratedNames_AndKeepTheirVipsAcrossRestarts()
    {
        var dataDir = Directory.CreateTempSubdirectory("actordns-meshservice-").FullName;
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var dns = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        // A /30 MeshService pool has two addresses, so a third MeshService shows whether a freed VIP still waits.
        string[] args = ["--dns-address", $"{dns}=default", "--api-address", api.ToString(), "--upstream", "127.0.0.1:9", "--data-dir", dataDir,
            "--dns-cidr-v6", "fd00:a::/64", "--ipam-mesh-service-cidr", "241.0.0.0/30", "--vip-reuse-delay", "1h"];
        List<(string Key, string? Vip, string? VipV6)> vips;
        try
        {
            var process = ActorDnsProcess.Start(args);
            await using (process)
            {
                await process.WaitReadyAsync(api);
                using var client = new ApiTestClient(api);
                Assert.Equal(HttpStatusCode.Created, (await client.PutForBodyAsync("meshes/default/meshservices/redis", Redis, "application/yaml")).Status);
                Assert.Equal(HttpStatusCode.Created, (await client.PutForBodyAsync("meshes/default/meshexternalservices/httpbin", Httpbin, "application/yaml")).Status);
                Assert.Equal(HttpStatusCode.Created, await client.PutAsync("meshes/default/dataplanes/web-1", ApiTestClient.Dataplane("default", "web-1", "web")));
                Assert.Equal(HttpStatusCode.Created, (await client.PutForBodyAsync("meshes/default/virtual-outbounds/web-host", WebHost, "application/yaml")).Status);

                Assert.Equal("241.0.0.1", await Dig.ShortUntilAsync(dns, "redis.svc.mesh.local", a => a.Length > 0));
                Assert.Equal("242.0.0.1", await Dig.ShortUntilAsync(dns, "httpbin.extsvc.mesh.local", a => a.Length > 0));
                Assert.Equal("fd00:a::1", await Dig.ShortAsync(dns, "redis.svc.mesh.local", "AAAA"));
                Assert.Matches(@"^240\.0\.0\.\d+$", await Dig.ShortUntilAsync(dns, "web.virtual", a => a.Length > 0));

                // The named port's service name (SPEC §4.1): SRV, with the hostname's addresses as additional records.
                Assert.Equal("0 100 6379 redis.svc.mesh.local.", await Dig.ShortAsync(dns, "_main._tcp.redis.svc.mesh.local", "SRV"));
                var additional = await Dig.RunAsync(dns, "_main._tcp.redis.svc.mesh.local", "SRV", "+noall", "+additional");
                Assert.Matches(@"(?m)^redis\.svc\.mesh\.local\.\s+60\s+IN\s+A\s+241\.0\.0\.1$", additional);
                Assert.Matches(@"(?m)^redis\.svc\.mesh\.local\.\s+60\s+IN\s+AAAA\s+fd00:a::1$", additional);
                var records = (await client.GetJsonAsync("meshes/default/dns-records"))["records"]!.AsArray();
                var service = records.Single(r => r!["name"]!.GetValue<string>() == "_main._tcp.redis.svc.mesh.local")!;
                Assert.Equal((6379, "redis.svc.mesh.local"), (service["srv"]!["port"]!.GetValue<int>(), service["srv"]!["target"]!.GetValue<string>()));
                Assert.Null(records.Single(r => r!["name"]!.GetValue<string>() == "redis.svc.mesh.local")!["srv"]);

                var redis = await client.GetJsonAsync("meshes/default/meshservices/redis");
                Assert.Equal("241.0.0.1", redis["status"]!["vips"]![0]!["ip"]!.GetValue<string>());
                Assert.Equal("redis.svc.mesh.local", redis["status"]!["addresses"]![0]!["hostname"]!.GetValue<string>());
                Assert.Equal("local-universal-mesh-service", redis["status"]!["hostnameGenerators"]![0]!["hostnameGeneratorRef"]!["coreName"]!.GetValue<string>());
                Assert.Equal("zone", redis["labels"]!["kuma.io/origin"]!.GetValue<string>());
                Assert.Equal("db", redis["labels"]!["team"]!.GetValue<string>());
                var httpbin = await client.GetJsonAsync("meshes/default/meshexternalservices/httpbin");
                Assert.Equal("242.0.0.1", httpbin["status"]!["vip"]!["ip"]!.GetValue<string>());
                Assert.Equal("httpbin.extsvc.mesh.local", httpbin["status"]!["addresses"]![0]!["hostname"]!.GetValue<string>());
                Assert.Equal("local-mesh-external-service", httpbin["status"]!["hostnameGenerators"]![0]!["hostnameGeneratorRef"]!["coreName"]!.GetValue<string>());
                Assert.Equal("redis", redis["labels"]!["kuma.io/display-name"]!.GetValue<string>());
                var listed = await client.GetJsonAsync("meshes/default/meshservices");
                Assert.Equal(["redis"], listed["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));

                // Deleted and created again: a new VIP; the old one waits its quarantine (Kuma issue #13463).
                Assert.Equal(HttpStatusCode.OK, await client.DeleteAsync("meshes/default/meshservices/redis"));
                Assert.Equal("", await Dig.ShortUntilAsync(dns, "redis.svc.mesh.local", a => a.Length == 0));
                Assert.Equal(HttpStatusCode.Created, (await client.PutForBodyAsync("meshes/default/meshservices/redis", Redis, "application/yaml")).Status);
                Assert.Equal("241.0.0.2", await Dig.ShortUntilAsync(dns, "redis.svc.mesh.local", a => a == "241.0.0.2"));
                vips = await VipsAsync(client);
                Assert.Equal(0, await process.StopGracefullyAsync(TimeSpan.FromSeconds(20)));
            }

            // Every pool: service and its IPv6 pool, the VirtualOutbound's fqdn entry, MeshService, MeshExternalService.
            Assert.Equal(["fqdn:web.virtual", "meshexternalservice:httpbin", "meshservice:redis", "service:web"], vips.Select(v => v.Key));
            Assert.All(vips, v => Assert.True(v.Vip is not null && v.VipV6 is not null, $"{v.Key} has both VIPs"));
            Assert.Equal(vips, await RestartAndReadVipsAsync(args, api, kill: true));
            Assert.Equal(vips, await RestartAndReadVipsAsync(args, api, kill: false));

            // 241.0.0.1, freed before both restarts, still waits its quarantine, and 241.0.0.2 is redis's: no address.
            await using var again = ActorDnsProcess.Start(args);
            await again.WaitReadyAsync(api);
            using var api2 = new ApiTestClient(api);
            Assert.Equal(HttpStatusCode.Created, (await api2.PutForBodyAsync("meshes/default/meshservices/cache", Redis.Replace("name: redis", "name: cache", StringComparison.Ordinal), "application/yaml")).Status);
            var cache = (await api2.GetJsonAsync("meshes/default/vips"))["entries"]!.AsArray().Single(e => e!["key"]!.GetValue<string>() == "meshservice:cache")!;
            Assert.Null(cache["vip"]);
            Assert.Equal("no free address in 241.0.0.0/30", cache["reason"]!.GetValue<string>());
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task HostnameGenerators_AddedAndDeleted_RenameTheMeshServicesOfEveryMesh()
    {
        var dataDir = Directory.CreateTempSubdirectory("actordns-generators-").FullName;
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var dns = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var dnsPayments = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        try
        {
            await using var process = ActorDnsProcess.Start("--dns-address", $"{dns}=default", "--dns-address", $"{dnsPayments}=payments",
                "--api-address", api.ToString(), "--upstream", "127.0.0.1:9", "--data-dir", dataDir);
            await process.WaitReadyAsync(api);
            using var client = new ApiTestClient(api);
            Assert.Equal(HttpStatusCode.Created, await client.PutAsync("meshes/payments", """{"type":"Mesh","name":"payments"}"""));
            Assert.Equal(HttpStatusCode.Created, (await client.PutForBodyAsync("meshes/default/meshservices/redis", Redis, "application/yaml")).Status);
            Assert.Equal(HttpStatusCode.Created, (await client.PutForBodyAsync("meshes/payments/meshservices/ledger", Redis.Replace("redis", "ledger", StringComparison.Ordinal).Replace("mesh: default", "mesh: payments", StringComparison.Ordinal), "application/yaml")).Status);
            Assert.Equal(
                ["local-mesh-external-service", "local-universal-mesh-service"],
                (await client.GetJsonAsync("hostnamegenerators"))["items"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()));

            const string ByMesh = """
                type: HostnameGenerator
                name: by-mesh
                spec:
                  selector:
                    meshService:
                      matchLabels:
                        kuma.io/origin: zone
                  template: "{{ .DisplayName }}.{{ .Mesh }}.internal"
                """;
            Assert.Equal(HttpStatusCode.Created, (await client.PutForBodyAsync("hostnamegenerators/by-mesh", ByMesh, "application/yaml")).Status);

            Assert.Equal("241.0.0.1", await Dig.ShortUntilAsync(dns, "redis.default.internal", a => a.Length > 0));
            Assert.Equal("241.0.0.1", await Dig.ShortUntilAsync(dnsPayments, "ledger.payments.internal", a => a.Length > 0));
            Assert.Equal("241.0.0.1", await Dig.ShortAsync(dns, "redis.svc.mesh.local"));
            var addresses = (await client.GetJsonAsync("meshes/default/meshservices/redis"))["status"]!["addresses"]!.AsArray();
            Assert.Equal(["redis.default.internal", "redis.svc.mesh.local"], addresses.Select(a => a!["hostname"]!.GetValue<string>()).Order(StringComparer.Ordinal));

            Assert.Equal(HttpStatusCode.OK, await client.DeleteAsync("hostnamegenerators/local-universal-mesh-service"));
            Assert.Equal("", await Dig.ShortUntilAsync(dns, "redis.svc.mesh.local", a => a.Length == 0));
            Assert.Equal("241.0.0.1", await Dig.ShortAsync(dns, "redis.default.internal"));

            var (status, body) = await client.PutForBodyAsync("hostnamegenerators/bad", """{"type":"HostnameGenerator","name":"bad","spec":{"selector":{"meshService":{}},"template":"{{ .Name }}_x.mesh"}}""");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("spec.template", Assert.Single(ApiTestClient.Causes(body)).Field);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task InvalidMeshService_Is400NamingTheField()
    {
        var dataDir = Directory.CreateTempSubdirectory("actordns-meshservice-").FullName;
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        try
        {
            await using var process = ActorDnsProcess.Start("--dns-address", $"127.0.0.1:{FreePort.Next()}=default", "--api-address", api.ToString(),
                "--upstream", "127.0.0.1:9", "--data-dir", dataDir);
            await process.WaitReadyAsync(api);
            using var client = new ApiTestClient(api);

            var (status, body) = await client.PutForBodyAsync(
                "meshes/default/meshservices/redis", """{"type":"MeshService","name":"redis","mesh":"default","spec":{"ports":[{"port":70000}]}}""");

            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal([("spec.ports[0].port", "port must be in the range [1, 65535]")], ApiTestClient.Causes(body));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>Starts the process again on the same journal, reads every entry's VIPs, then stops it gracefully or with kill -9.</summary>
    private static async Task<List<(string Key, string? Vip, string? VipV6)>> RestartAndReadVipsAsync(string[] args, IPEndPoint api, bool kill)
    {
        await using var process = ActorDnsProcess.Start(args);
        await process.WaitReadyAsync(api);
        using var client = new ApiTestClient(api);
        var vips = await VipsAsync(client);
        if (kill)
        {
            await process.KillAsync();
        }
        else
        {
            Assert.Equal(0, await process.StopGracefullyAsync(TimeSpan.FromSeconds(20)));
        }

        return vips;
    }

    private static async Task<List<(string Key, string? Vip, string? VipV6)>> VipsAsync(ApiTestClient client) =>
        (await client.GetJsonAsync("meshes/default/vips"))["entries"]!.AsArray()
            .Select(e => (e!["key"]!.GetValue<string>(), e["vip"]?.GetValue<string>(), e["vipV6"]?.GetValue<string>()))
            .OrderBy(e => e.Item1, StringComparer.Ordinal)
            .ToList();
}
