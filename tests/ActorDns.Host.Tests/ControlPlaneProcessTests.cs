using System.Net;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.Host.Tests;

/// <summary>
/// The control plane end to end through the real process: Kuma resource files applied with the CLI,
/// answers checked with dig, deletion, the reuse quarantine, and a restart.
/// </summary>
public sealed class ControlPlaneProcessTests : IAsyncLifetime
{
    private const string Resources = """
        type: Dataplane
        mesh: default
        name: backend-1
        networking:
          address: 10.0.0.2
          inbound:
          - port: 8080
            tags:
              kuma.io/service: backend
              version: v1
        ---
        type: Dataplane
        mesh: default
        name: echo-1
        networking:
          address: 10.0.0.3
          inbound:
          - port: 1010
            tags:
              kuma.io/service: echo-server_echo-example_svc_1010
        ---
        type: ExternalService
        mesh: default
        name: httpbin
        tags:
          kuma.io/service: httpbin
        networking:
          address: httpbin.org:443
        """;

    private readonly string _dataDir = Directory.CreateTempSubdirectory("actordns-cp-").FullName;
    private readonly IPEndPoint _dns = new(IPAddress.Loopback, FreePort.Next());
    private readonly IPEndPoint _api = new(IPAddress.Loopback, FreePort.Next());
    private ActorDnsProcess _process = null!;

    public Task InitializeAsync() => StartAsync();

    private async Task StartAsync()
    {
        _process = ActorDnsProcess.Start(
            "--dns-address", $"{_dns}=default", "--api-address", _api.ToString(), "--upstream", "127.0.0.1:9", "--data-dir", _dataDir);
        await _process.WaitReadyAsync(_api);
    }

    private Task<string> DigShortAsync(string name, string type = "A") => Dig.ShortAsync(_dns, name, type);

    private Task<string> DigUntilAsync(string name, Func<string, bool> condition, string type = "A") => Dig.ShortUntilAsync(_dns, name, condition, type);

    [SkippableFact]
    public async Task ApplyKumaResources_ServiceAndItsDottedAliasResolveToTheVipInTheApi()
    {
        var file = Path.Combine(_dataDir, "resources.yaml");
        await File.WriteAllTextAsync(file, Resources);

        await using var apply = ActorDnsProcess.Start("apply", "-f", file, "--api-address", _api.ToString());
        Assert.Equal(0, await apply.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("created Dataplane backend-1", apply.Output, StringComparison.Ordinal);

        using var api = new ApiTestClient(_api);
        var vips = (await api.VipsAsync("default")).ToDictionary(v => v.Key, v => v.Vip);
        Assert.Equal(vips["service:backend"], await DigUntilAsync("backend.mesh", a => a.Length > 0));
        var echo = vips["service:echo-server_echo-example_svc_1010"];
        Assert.Equal(echo, await DigUntilAsync("echo-server_echo-example_svc_1010.mesh", a => a.Length > 0));
        Assert.Equal(echo, await DigShortAsync("Echo-Server.Echo-Example.SVC.1010.mesh"));
        Assert.Equal($"::ffff:{echo}", await DigShortAsync("echo-server.echo-example.svc.1010.mesh", "AAAA"));
        Assert.Equal(vips["host:httpbin.org"], await DigShortAsync("httpbin.org"));
    }

    [SkippableFact]
    public async Task DeleteLastDataplane_NameStopsResolvingAndANewServiceDoesNotGetTheFreedVip()
    {
        using var api = new ApiTestClient(_api);
        Assert.Equal(HttpStatusCode.Created, await api.PutAsync("meshes/default/dataplanes/web-1", ApiTestClient.Dataplane("default", "web-1", "web")));
        var web = await DigUntilAsync("web.mesh", a => a.Length > 0);

        Assert.Equal(HttpStatusCode.OK, await api.DeleteAsync("meshes/default/dataplanes/web-1"));
        Assert.Equal("", await DigUntilAsync("web.mesh", a => a.Length == 0));

        Assert.Equal(HttpStatusCode.Created, await api.PutAsync("meshes/default/dataplanes/next-1", ApiTestClient.Dataplane("default", "next-1", "next")));
        var next = await DigUntilAsync("next.mesh", a => a.Length > 0);
        Assert.NotEqual(web, next);
        Assert.DoesNotContain(await api.VipsAsync("default"), v => v.Vip == web);
    }

    [Fact]
    public async Task DeletedMesh_RefusesNewResources_AndACreatedMeshAcceptsThemAtOnce()
    {
        using var api = new ApiTestClient(_api);
        Assert.Equal(HttpStatusCode.BadRequest, await api.PutAsync("meshes/short-lived/dataplanes/a", ApiTestClient.Dataplane("short-lived", "a", "a")));
        Assert.Equal(HttpStatusCode.Created, await api.PutAsync("meshes/short-lived", """{"type":"Mesh","name":"short-lived"}"""));
        Assert.Equal(HttpStatusCode.Created, await api.PutAsync("meshes/short-lived/dataplanes/a", ApiTestClient.Dataplane("short-lived", "a", "a")));

        Assert.Equal(HttpStatusCode.OK, await api.DeleteAsync("meshes/short-lived"));

        Assert.Equal(HttpStatusCode.BadRequest, await api.PutAsync("meshes/short-lived/dataplanes/b", ApiTestClient.Dataplane("short-lived", "b", "b")));
        Assert.Equal(HttpStatusCode.NotFound, await api.GetStatusAsync("meshes/short-lived"));
        Assert.Equal(HttpStatusCode.Created, await api.PutAsync("meshes/short-lived", """{"type":"Mesh","name":"short-lived"}"""));
        Assert.Empty(await api.VipsAsync("short-lived"));
    }

    [Fact]
    public async Task InvalidResource_Is400WithTheFieldAndChangesNothing()
    {
        using var api = new ApiTestClient(_api);
        var bad = """{"type":"Dataplane","mesh":"default","name":"bad-1","networking":{"address":"10.0.0.1","inbound":[{"port":70000,"tags":{"kuma.io/service":"bad"}}]}}""";

        var (status, body) = await api.PutForBodyAsync("meshes/default/dataplanes/bad-1", bad);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Could not process a resource", body!["title"]!.GetValue<string>());
        Assert.Equal([("networking.inbound[0].port", "port must be in the range [1, 65535]")], ApiTestClient.Causes(body));

        (status, body) = await api.PutForBodyAsync("meshes/nosuch/dataplanes/x", ApiTestClient.Dataplane("nosuch", "x", "x"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal([("mesh", "mesh \"nosuch\" does not exist")], ApiTestClient.Causes(body));

        Assert.Equal(HttpStatusCode.NotFound, await api.DeleteAsync("meshes/default/dataplanes/never-existed"));
        Assert.DoesNotContain(await api.VipsAsync("default"), v => v.Key == "service:bad");
    }

    [SkippableFact]
    public async Task Restart_ServesTheSameVips()
    {
        using (var api = new ApiTestClient(_api))
        {
            Assert.Equal(HttpStatusCode.Created, await api.PutAsync("meshes/default/dataplanes/keep-1", ApiTestClient.Dataplane("default", "keep-1", "keep")));
        }

        var before = await DigUntilAsync("keep.mesh", a => a.Length > 0);
        await _process.DisposeAsync();
        await StartAsync();

        Assert.Equal(before, await DigUntilAsync("keep.mesh", a => a.Length > 0));
    }

    public async Task DisposeAsync()
    {
        await _process.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }
}
