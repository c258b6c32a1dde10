using System.Net;
using System.Text.Json.Nodes;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using Xunit;
using YamlDotNet.Serialization;

namespace ActorDns.Host.Tests;

/// <summary>
/// The kumactl-like client through the real executable against a real standalone: <c>apply -f -</c>, <c>get</c>
/// in every output format (each must say what the API says), <c>delete</c>, and one error line for what fails.
/// </summary>
public sealed class ClientCommandsTests(ClientCommandsTests.Fixture fixture) : IClassFixture<ClientCommandsTests.Fixture>
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    private const string Resources = """
        type: Mesh
        name: cli
        ---
        type: Dataplane
        mesh: cli
        name: web-1
        networking:
          address: 10.0.0.2
          inbound:
          - port: 8080
            tags:
              kuma.io/service: web
              version: "1"
        ---
        type: ExternalService
        mesh: cli
        name: httpbin
        tags:
          kuma.io/service: httpbin
        networking:
          address: httpbin.org:443
        ---
        type: MeshService
        mesh: cli
        name: redis
        spec:
          selector:
            dataplaneTags:
              kuma.io/service: redis
          ports:
          - port: 6379
            targetPort: 6379
            appProtocol: tcp
        ---
        type: MeshExternalService
        mesh: cli
        name: example
        spec:
          match:
            type: HostnameGenerator
            port: 443
            protocol: tcp
          endpoints:
          - address: example.com
            port: 443
        ---
        type: VirtualOutbound
        mesh: cli
        name: web-instances
        selectors:
        - match:
            kuma.io/service: "*"
        conf:
          host: "{{.svc}}.cli.virtual"
          port: "80"
          parameters:
          - name: svc
            tagKey: kuma.io/service
        """;

    public sealed class Fixture : IAsyncLifetime
    {
        private readonly string _dataDir = Directory.CreateTempSubdirectory("actordns-cli-").FullName;
        private ActorDnsProcess _process = null!;

        public IPEndPoint Api { get; } = new(IPAddress.Loopback, FreePort.Next());

        public async Task InitializeAsync()
        {
            _process = ActorDnsProcess.Start("--dns-address", $"127.0.0.1:{FreePort.Next()}=default", "--api-address", Api.ToString(),
                "--upstream", "127.0.0.1:9", "--data-dir", _dataDir);
            await _process.WaitReadyAsync(Api);
            await using var apply = ActorDnsProcess.StartWithInput(Resources, "apply", "-f", "-", "--api-address", Api.ToString());
            Assert.Equal(0, await apply.WaitForExitAsync(ExitTimeout));
            ApplyOutput = apply.StandardOutput;
        }

        public string ApplyOutput { get; private set; } = "";

        public async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
        {
            await using var process = ActorDnsProcess.Start([.. args, "--api-address", Api.ToString()]);
            var exit = await process.WaitForExitAsync(ExitTimeout);
            return (exit, process.StandardOutput, process.StandardError);
        }

        public async Task DisposeAsync()
        {
            await _process.DisposeAsync();
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    [Fact]
    public void ApplyFromStandardInput_CreatesEveryDocument()
    {
        Assert.Equal("created Mesh cli\ncreated Dataplane web-1\ncreated ExternalService httpbin\ncreated MeshService redis\ncreated MeshExternalService example\ncreated VirtualOutbound web-instances\n", fixture.ApplyOutput);
    }

    [Fact]
    public async Task ApplyAgain_ReportsUpdated()
    {
        await using var apply = ActorDnsProcess.StartWithInput(Resources, "apply", "-f", "-", "--api-address", fixture.Api.ToString());

        Assert.Equal(0, await apply.WaitForExitAsync(ExitTimeout));
        Assert.Equal("updated Mesh cli\nupdated Dataplane web-1\nupdated ExternalService httpbin\nupdated MeshService redis\nupdated MeshExternalService example\nupdated VirtualOutbound web-instances\n", apply.StandardOutput);
    }

    [Theory]
    [InlineData("dataplanes", "meshes/cli/dataplanes")]
    [InlineData("external-services", "meshes/cli/external-services")]
    [InlineData("meshservices", "meshes/cli/meshservices")]
    [InlineData("meshexternalservices", "meshes/cli/meshexternalservices")]
    [InlineData("virtual-outbounds", "meshes/cli/virtual-outbounds")]
    [InlineData("hostnamegenerators", "hostnamegenerators")]
    [InlineData("vips", "meshes/cli/vips")]
    [InlineData("dns-records", "meshes/cli/dns-records")]
    [InlineData("meshes", "meshes")]
    public async Task GetAsJsonAndYaml_SayWhatTheApiSays(string what, string route)
    {
        using var api = new ApiTestClient(fixture.Api);
        var expected = await api.GetJsonAsync(route);

        var json = await fixture.RunAsync("get", what, "--mesh", "cli", "-o", "json");
        var yaml = await fixture.RunAsync("get", what, "--mesh", "cli", "-o", "yaml");

        Assert.Equal((0, ""), (json.Exit, json.Err));
        Assert.Equal((0, ""), (yaml.Exit, yaml.Err));
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(json.Out)), json.Out);
        var fromYaml = new DeserializerBuilder().Build().Deserialize(new StringReader(yaml.Out));
        var yamlAsJson = new SerializerBuilder().JsonCompatible().Build().Serialize(fromYaml);
        Assert.Equal(Normalize(expected), Normalize(JsonNode.Parse(yamlAsJson)));
    }

    [Fact]
    public async Task GetAsTable_ListsOneRowPerItem()
    {
        using var api = new ApiTestClient(fixture.Api);
        var vip = (await api.VipsAsync("cli")).Single(v => v.Key == "service:web").Vip;

        var dataplanes = await fixture.RunAsync("get", "dataplanes", "-m", "cli");
        var vips = await fixture.RunAsync("get", "vips", "-m", "cli");

        Assert.Equal(["MESH  NAME   ADDRESS", "cli   web-1  10.0.0.2"], dataplanes.Out.TrimEnd('\n').Split('\n'));
        Assert.Contains(vips.Out.Split('\n'), line => line.StartsWith("service:web", StringComparison.Ordinal) && line.Contains(vip!, StringComparison.Ordinal) && line.Contains("web.mesh", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delete_RemovesTheResource_AndAMissingOneIsOneErrorLine()
    {
        await using (var apply = ActorDnsProcess.StartWithInput(Resources.Replace("web-1", "gone-1", StringComparison.Ordinal).Replace("kuma.io/service: web", "kuma.io/service: gone", StringComparison.Ordinal), "apply", "-f", "-", "--api-address", fixture.Api.ToString()))
        {
            Assert.Equal(0, await apply.WaitForExitAsync(ExitTimeout));
        }

        var deleted = await fixture.RunAsync("delete", "dataplane", "gone-1", "--mesh", "cli");
        var again = await fixture.RunAsync("delete", "dataplane", "gone-1", "--mesh", "cli");

        Assert.Equal((0, "deleted dataplane gone-1\n"), (deleted.Exit, deleted.Out));
        using var api = new ApiTestClient(fixture.Api);
        Assert.Equal(HttpStatusCode.NotFound, await api.GetStatusAsync("meshes/cli/dataplanes/gone-1"));
        Assert.Equal(1, again.Exit);
        Assert.Equal("actordns delete dataplane gone-1: 404: Dataplane gone-1 not found\n", again.Err);
    }

    [Fact]
    public async Task GetOneMeshServiceAsYaml_ShowsItsStatus_AndAppliesBackUnchanged()
    {
        using var api = new ApiTestClient(fixture.Api);
        var before = await api.GetJsonAsync("meshes/cli/meshservices/redis");

        var yaml = await fixture.RunAsync("get", "meshservice", "redis", "--mesh", "cli", "-o", "yaml");
        await using var apply = ActorDnsProcess.StartWithInput(yaml.Out, "apply", "-f", "-", "--api-address", fixture.Api.ToString());

        Assert.Equal((0, ""), (yaml.Exit, yaml.Err));
        Assert.Contains("hostname: redis.svc.mesh.local", yaml.Out, StringComparison.Ordinal);
        Assert.Equal(0, await apply.WaitForExitAsync(ExitTimeout));
        Assert.Equal("updated MeshService redis\n", apply.StandardOutput);
        var after = await api.GetJsonAsync("meshes/cli/meshservices/redis");
        Assert.Equal(before["status"]!.ToJsonString(), after["status"]!.ToJsonString());
        Assert.Equal(before["creationTime"]!.GetValue<string>(), after["creationTime"]!.GetValue<string>());
        Assert.Equal(before["spec"]!.ToJsonString(), after["spec"]!.ToJsonString());
    }

    [Theory]
    [InlineData("dataplane", "web-1", "meshes/cli/dataplanes/web-1", "Dataplane")]
    [InlineData("external-service", "httpbin", "meshes/cli/external-services/httpbin", "ExternalService")]
    [InlineData("virtual-outbound", "web-instances", "meshes/cli/virtual-outbounds/web-instances", "VirtualOutbound")]
    [InlineData("meshexternalservice", "example", "meshes/cli/meshexternalservices/example", "MeshExternalService")]
    [InlineData("hostnamegenerator", "local-mesh-external-service", "hostnamegenerators/local-mesh-external-service", "HostnameGenerator")]
    public async Task GetOneAsYaml_EveryKind_AppliesBackUnchanged(string kind, string name, string route, string type)
    {
        using var api = new ApiTestClient(fixture.Api);
        var before = await api.GetJsonAsync(route);

        var yaml = await fixture.RunAsync("get", kind, name, "--mesh", "cli", "-o", "yaml");
        await using var apply = ActorDnsProcess.StartWithInput(yaml.Out, "apply", "-f", "-", "--api-address", fixture.Api.ToString());

        Assert.Equal((0, ""), (yaml.Exit, yaml.Err));
        Assert.Equal((0, $"updated {type} {name}\n", ""), (await apply.WaitForExitAsync(ExitTimeout), apply.StandardOutput, apply.StandardError));
        var after = await api.GetJsonAsync(route);
        Assert.True(JsonNode.DeepEquals(WithoutModificationTime(before), WithoutModificationTime(after)), $"{before}\n{after}");
    }

    [Fact]
    public async Task HostnameGenerator_AppliedShownAndDeleted_ThroughTheGlobalRoutes()
    {
        const string generator = "type: HostnameGenerator\nname: cli-static\nspec:\n  selector:\n    meshService:\n      matchLabels:\n        team: cli\n  template: \"{{ .Name }}.cli.mesh\"\n";
        await using (var apply = ActorDnsProcess.StartWithInput(generator, "apply", "-f", "-", "--api-address", fixture.Api.ToString()))
        {
            Assert.Equal(0, await apply.WaitForExitAsync(ExitTimeout));
            Assert.Equal("created HostnameGenerator cli-static\n", apply.StandardOutput);
        }

        var table = await fixture.RunAsync("get", "hostnamegenerators");
        var one = await fixture.RunAsync("get", "hostnamegenerator", "cli-static", "-o", "json");
        var deleted = await fixture.RunAsync("delete", "hostnamegenerator", "cli-static");

        Assert.Matches(@"\ncli-static +\{\{ \.Name \}\}\.cli\.mesh\n", table.Out);
        Assert.Equal("{{ .Name }}.cli.mesh", JsonNode.Parse(one.Out)!["spec"]!["template"]!.GetValue<string>());
        Assert.Equal((0, "deleted hostnamegenerator cli-static\n"), (deleted.Exit, deleted.Out));
    }

    [Theory]
    [InlineData(new[] { "get", "meshservice" }, "actordns get meshservice: name the meshservice to show, or ask for the list\n")]
    [InlineData(new[] { "get", "meshservices", "redis" }, "actordns get meshservices: a list takes no name; ask for one resource by its kind, e.g. dataplane NAME\n")]
    public async Task Get_KindAndNameThatDoNotGoTogether_IsOneErrorLine(string[] args, string error)
    {
        var result = await fixture.RunAsync([.. args, "--mesh", "cli"]);

        Assert.Equal((1, "", error), (result.Exit, result.Out, result.Err));
    }

    [Fact]
    public async Task ApplyInvalidDocument_ExitsWith1AndNamesTheField()
    {
        const string bad = "type: Dataplane\nmesh: cli\nname: bad-1\nnetworking:\n  address: 10.0.0.1\n  inbound:\n  - port: 70000\n    tags:\n      kuma.io/service: bad\n";
        await using var apply = ActorDnsProcess.StartWithInput(bad, "apply", "-f", "-", "--api-address", fixture.Api.ToString());

        Assert.Equal(1, await apply.WaitForExitAsync(ExitTimeout));
        Assert.Equal("actordns apply: Dataplane bad-1: 400: Resource is not valid: networking.inbound[0].port: port must be in the range [1, 65535]\n", apply.StandardError);
    }

    private static JsonNode WithoutModificationTime(JsonNode node)
    {
        var copy = node.DeepClone().AsObject();
        copy.Remove("modificationTime");
        return copy;
    }

    /// <summary>YAML has no number type of its own: compare as JSON text with every scalar a string.</summary>
    private static string Normalize(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.Select(p => $"\"{p.Key}\":{Normalize(p.Value)}")) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Normalize)) + "]",
        null => "null",
        _ => $"\"{node.ToString()}\"",
    };
}
