using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ActorDns.Host.Api.Auth;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ActorDns.Host.Tests;

/// <summary>
/// SPEC §8 through the real process, as an attacker who reaches the API port would try it: a standalone with
/// <c>--api-localhost-is-admin false</c>, so loopback counts for nothing. No token, a token of another key, an expired,
/// a malformed and a revoked one are 401; a token for one mesh writing another is 403; each refusal changes nothing;
/// no token or key reaches the process's output.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AuthProcessTests(AuthProcessTests.Fixture fixture) : IClassFixture<AuthProcessTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public string DataDir { get; } = Directory.CreateTempSubdirectory("actordns-auth-").FullName;

        public IPEndPoint Api { get; } = new(IPAddress.Loopback, FreePort.Next());

        public ActorDnsProcess Process { get; private set; } = null!;

        public string AdminToken => ClusterCredentials.AdminToken(DataDir);

        public async Task InitializeAsync()
        {
            Process = ActorDnsProcess.Start("--dns-address", $"127.0.0.1:{FreePort.Next()}=default", "--api-address", Api.ToString(), "--upstream", "127.0.0.1:9",
                "--data-dir", DataDir, "--api-localhost-is-admin", "false");
            await Process.WaitReadyAsync(Api);
            using var admin = new ApiTestClient(Api, AdminToken);
            Assert.Equal(HttpStatusCode.Created, await admin.PutAsync("meshes/other", """{"type":"Mesh","name":"other"}"""));
        }

        // Kept for the fixture's life: Microsoft.IdentityModel caches a signer per key, so a disposed RSA of the same
        // key would be found again by the next token signed with it.
        private RSA? _key;

        /// <summary>A token signed with this node's own key, as the node would issue it, at another time.</summary>
        public string TokenAt(DateTimeOffset issued, ApiUser user, TimeSpan validFor)
        {
            if (_key is null)
            {
                _key = RSA.Create();
                _key.ImportFromPem(File.ReadAllText(Path.Combine(DataDir, ApiSigningKey.DefaultFileName)));
            }

            return new UserTokens(_key, new FakeTimeProvider(issued)).Issue(user, validFor);
        }

        /// <summary>A token of this node's key and claims, but without the <c>jti</c> a revocation needs.</summary>
        public string TokenWithoutJti()
        {
            TokenAt(DateTimeOffset.UtcNow, ApiUser.Admin, TimeSpan.FromMinutes(1));
            var now = DateTime.UtcNow;
            return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
            {
                Claims = new Dictionary<string, object> { ["Name"] = "admin", ["Groups"] = new[] { ApiUser.AdminGroup } },
                IssuedAt = now, NotBefore = now, Expires = now.AddMinutes(5),
                SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(
                    new Microsoft.IdentityModel.Tokens.RsaSecurityKey(_key!), Microsoft.IdentityModel.Tokens.SecurityAlgorithms.RsaSha256),
            });
        }

        public async Task DisposeAsync()
        {
            _key?.Dispose();
            await Process.DisposeAsync();
            Directory.Delete(DataDir, recursive: true);
        }
    }

    private const string Dataplane = """{"type":"Dataplane","mesh":"default","name":"dp-1","networking":{"address":"10.0.0.1","inbound":[{"port":80,"tags":{"kuma.io/service":"web"}}]}}""";

    public static TheoryData<string, string> Routes() => new()
    {
        { "GET", "/" },
        { "GET", "/config" },
        { "GET", "/meshes" },
        { "GET", "/meshes/default" },
        { "PUT", "/meshes/attacker" },
        { "DELETE", "/meshes/other" },
        { "GET", "/meshes/default/dataplanes" },
        { "PUT", "/meshes/default/dataplanes/dp-1" },
        { "DELETE", "/meshes/default/dataplanes/dp-1" },
        { "GET", "/meshes/default/external-services" },
        { "GET", "/meshes/default/virtual-outbounds" },
        { "GET", "/meshes/default/meshservices" },
        { "PUT", "/meshes/default/meshservices/redis" },
        { "GET", "/meshes/default/meshexternalservices" },
        { "GET", "/meshes/default/vips" },
        { "GET", "/meshes/default/dns-records" },
        { "GET", "/hostnamegenerators" },
        { "PUT", "/hostnamegenerators/evil" },
        { "DELETE", "/hostnamegenerators/local-universal-mesh-service" },
        { "POST", "/tokens/user" },
        { "POST", "/tokens/revocations" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_WithoutToken_Is401WithTheErrorBody(string method, string path)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{fixture.Api}") };
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method is "GET" or "DELETE" ? null : new StringContent("{}", Encoding.UTF8, "application/json") };

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Unauthenticated", body["title"]!.GetValue<string>());
        Assert.StartsWith("no bearer token", body["details"]!.GetValue<string>(), StringComparison.Ordinal);
        using var admin = new ApiTestClient(fixture.Api, fixture.AdminToken);
        Assert.Equal(
            [HttpStatusCode.NotFound, HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.OK],
            [await admin.GetStatusAsync("meshes/attacker"), await admin.GetStatusAsync("meshes/other"), await admin.GetStatusAsync("meshes/default/dataplanes/dp-1"),
             await admin.GetStatusAsync("meshes/default/meshservices/redis"), await admin.GetStatusAsync("hostnamegenerators/evil"),
             await admin.GetStatusAsync("hostnamegenerators/local-universal-mesh-service")]);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/metrics")]
    public async Task HealthAndMetrics_WithoutToken_AreOpen(string path)
    {
        using var http = new HttpClient();

        using var response = await http.GetAsync($"http://{fixture.Api}{path}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task TokensThatAreNotValid_Are401NamingWhy_AndChangeNothing()
    {
        using var otherKey = RSA.Create(2048);
        var admin = ApiUser.Admin;
        var revoked = await IssueAsync(new JsonObject { ["name"] = "leaked", ["groups"] = new JsonArray("mesh-system:admin"), ["validFor"] = "1h" });
        using (var asAdmin = new ApiTestClient(fixture.Api, fixture.AdminToken))
        {
            var (status, _) = await asAdmin.PostAsync("tokens/revocations", new JsonObject { ["jti"] = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(revoked).Id });
            Assert.Equal(HttpStatusCode.OK, status);
        }

        (string Token, string Why)[] cases =
        [
            (new UserTokens(otherKey, TimeProvider.System).Issue(admin, TimeSpan.FromHours(1)), "the token is not signed by this control plane's key"),
            (fixture.TokenAt(DateTimeOffset.UtcNow.AddHours(-2), admin, TimeSpan.FromHours(1)), "the token has expired"),
            (fixture.TokenAt(DateTimeOffset.UtcNow.AddHours(1), admin, TimeSpan.FromHours(1)), "the token is not valid yet"),
            ("not-a-jwt", "the token is malformed or not valid"),
            (fixture.TokenWithoutJti(), "the token has no jti"),
            (revoked, "the token was revoked"),
        ];
        foreach (var (token, why) in cases)
        {
            using var client = new ApiTestClient(fixture.Api, token);
            var (status, body) = await client.PutForBodyAsync("meshes/default/dataplanes/dp-1", Dataplane);

            Assert.Equal((HttpStatusCode.Unauthorized, why), (status, body!["details"]!.GetValue<string>()));
        }

        using var check = new ApiTestClient(fixture.Api, fixture.AdminToken);
        Assert.Equal(HttpStatusCode.NotFound, await check.GetStatusAsync("meshes/default/dataplanes/dp-1"));
    }

    [Fact]
    public async Task MeshToken_WritesItsMeshOnly_ReadsEverything_AndIsNoAdmin()
    {
        var token = await IssueAsync(new JsonObject { ["name"] = "team-a", ["meshes"] = new JsonArray("default"), ["validFor"] = "1h" });
        using var client = new ApiTestClient(fixture.Api, token);

        var own = await client.PutAsync("meshes/default/dataplanes/team-a-1", Dataplane.Replace("dp-1", "team-a-1", StringComparison.Ordinal));
        var (other, otherBody) = await client.PutForBodyAsync("meshes/other/dataplanes/team-a-1", Dataplane.Replace("dp-1", "team-a-1", StringComparison.Ordinal).Replace("\"default\"", "\"other\"", StringComparison.Ordinal));
        var mesh = await client.PutAsync("meshes/team-a", """{"type":"Mesh","name":"team-a"}""");
        var generator = await client.DeleteAsync("hostnamegenerators/local-universal-mesh-service");
        var (issue, _) = await client.PostAsync("tokens/user", new JsonObject { ["name"] = "escalate", ["groups"] = new JsonArray("mesh-system:admin"), ["validFor"] = "1h" });

        Assert.Equal(HttpStatusCode.Created, own);
        Assert.Equal((HttpStatusCode.Forbidden, "Access Denied", "user team-a: this token may not change mesh other"),
            (other, otherBody!["title"]!.GetValue<string>(), otherBody["details"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (mesh, generator, issue));
        Assert.Equal(HttpStatusCode.OK, await client.GetStatusAsync("meshes/other/dataplanes"));
        using var admin = new ApiTestClient(fixture.Api, fixture.AdminToken);
        Assert.Equal(HttpStatusCode.NotFound, await admin.GetStatusAsync("meshes/other/dataplanes/team-a-1"));
        Assert.Equal(HttpStatusCode.NotFound, await admin.GetStatusAsync("meshes/team-a"));
        Assert.Equal(HttpStatusCode.OK, await admin.GetStatusAsync("hostnamegenerators/local-universal-mesh-service"));
    }

    [Fact]
    public async Task TokenRequest_Invalid_Is400NamingTheFields()
    {
        using var admin = new ApiTestClient(fixture.Api, fixture.AdminToken);

        var (status, body) = await admin.PostAsync("tokens/user", new JsonObject { ["meshes"] = new JsonArray(), ["validFor"] = "-1h" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
            [("meshes", "name at least one mesh, or leave it out for every mesh"), ("name", "a non-empty string is required"),
             ("validFor", "expected a duration such as 120s, 2m or 24h (at most 1000000 of its unit), more than zero")],
            ApiTestClient.Causes(body).Order());
    }

    [Fact]
    public async Task Cli_TokenFromFlagOrEnvironment_IsSent_AndGenerateUserTokenPrintsOne()
    {
        await using var generate = ActorDnsProcess.Start(new Dictionary<string, string> { ["ACTORDNS_TOKEN"] = fixture.AdminToken },
            "generate", "user-token", "--name", "cli", "--mesh", "default", "--valid-for", "10m", "--api-address", fixture.Api.ToString());
        await using var without = ActorDnsProcess.Start("get", "meshes", "--api-address", fixture.Api.ToString());

        Assert.Equal(0, await generate.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var token = generate.StandardOutput.Trim();
        await using var with = ActorDnsProcess.Start("get", "meshes", "--token", token, "--api-address", fixture.Api.ToString());
        Assert.Equal(0, await with.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("default", with.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, await without.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.StartsWith("actordns get meshes: 401: no bearer token", without.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_ConfigFile_GivesTheTokenAndTheAddress_AndTheEnvironmentBeatsIt()
    {
        var config = Path.Combine(Path.GetTempPath(), $"actordns-client-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(config, $"apiAddress: {fixture.Api}\ntoken: {fixture.AdminToken}\n");
        try
        {
            await using var fromFile = ActorDnsProcess.Start("get", "meshes", "--config", config);
            await using var overridden = ActorDnsProcess.Start(new Dictionary<string, string> { ["ACTORDNS_TOKEN"] = "not-a-token" }, "get", "meshes", "--config", config);

            Assert.Equal(0, await fromFile.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("default", fromFile.StandardOutput, StringComparison.Ordinal);
            Assert.Equal(1, await overridden.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.StartsWith("actordns get meshes: 401: ", overridden.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public async Task DataDir_SecretsWritten_OwnerOnlyAndNeverInTheOutput()
    {
        using var refused = new ApiTestClient(fixture.Api, fixture.AdminToken + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, await refused.GetStatusAsync("meshes"));
        var key = await File.ReadAllTextAsync(Path.Combine(fixture.DataDir, ApiSigningKey.DefaultFileName));
        var keyBody = key.Split('\n')[1];

        foreach (var file in new[] { NodeHost.AdminTokenFile, ApiSigningKey.DefaultFileName })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(fixture.DataDir, file)));
        }

        Assert.DoesNotContain(fixture.AdminToken.Split('.')[2], fixture.Process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(keyBody, fixture.Process.Output, StringComparison.Ordinal);
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"http://{fixture.Api}/metrics");
        Assert.DoesNotContain(fixture.AdminToken.Split('.')[2], metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_RequireTokenOn_401WithoutOne_HealthStaysOpen()
    {
        var dataDir = Directory.CreateTempSubdirectory("actordns-metrics-token-").FullName;
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        try
        {
            await using var process = ActorDnsProcess.Start("--dns-address", $"127.0.0.1:{FreePort.Next()}=default", "--api-address", api.ToString(),
                "--upstream", "127.0.0.1:9", "--data-dir", dataDir, "--api-localhost-is-admin", "false", "--metrics-require-token", "true");
            await process.WaitReadyAsync(api);
            using var anonymous = new ApiTestClient(api);
            using var admin = new ApiTestClient(api, ClusterCredentials.AdminToken(dataDir));

            Assert.Equal(HttpStatusCode.Unauthorized, await anonymous.GetStatusAsync("metrics"));
            Assert.Equal(HttpStatusCode.OK, await admin.GetStatusAsync("metrics"));
            Assert.Equal(HttpStatusCode.OK, await anonymous.GetStatusAsync("health/ready"));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task AdminToken_DeletedAfterUse_NotWrittenAgainAtTheNextStart()
    {
        var dataDir = Directory.CreateTempSubdirectory("actordns-admin-token-").FullName;
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        string[] args = ["--dns-address", $"127.0.0.1:{FreePort.Next()}=default", "--api-address", api.ToString(), "--upstream", "127.0.0.1:9", "--data-dir", dataDir];
        try
        {
            await using (var first = ActorDnsProcess.Start(args))
            {
                await first.WaitReadyAsync(api);
                Assert.True(File.Exists(Path.Combine(dataDir, NodeHost.AdminTokenFile)));
                Assert.Equal(0, await first.StopGracefullyAsync(TimeSpan.FromSeconds(20)));
            }

            File.Delete(Path.Combine(dataDir, NodeHost.AdminTokenFile));
            await using var second = ActorDnsProcess.Start(args);
            await second.WaitReadyAsync(api);

            Assert.False(File.Exists(Path.Combine(dataDir, NodeHost.AdminTokenFile)));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private async Task<string> IssueAsync(JsonObject request)
    {
        using var admin = new ApiTestClient(fixture.Api, fixture.AdminToken);
        var (status, text) = await admin.PostTextAsync("tokens/user", request);
        Assert.Equal(HttpStatusCode.OK, status);
        return text;
    }
}
