using System.Net;
using System.Text.Json.Nodes;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Npgsql;
using Xunit;

namespace ActorDns.Host.Tests;

/// <summary>
/// SPEC §8 across control-plane nodes: two nodes share a signing key, so a token one issues is good on the other, and
/// a token revoked through node 1 is refused by node 2 within a second; control-plane nodes do not treat loopback
/// as admin.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class AuthClusterTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("actordns-authcluster-").FullName;
    private readonly List<ActorDnsProcess> _processes = [];
    private readonly List<IPEndPoint> _apis = [];
    private TestPostgresSchema? _schema;

    public Task InitializeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task TokenRevokedThroughOneNode_IsRefusedByTheOtherWithinASecond()
    {
        _schema = await TestPostgresSchema.CreateAsync("authcluster");
        var remoting = new[] { FreePort.Next(), FreePort.Next() };
        var signingKey = ClusterCredentials.WriteSigningKey(_root);
        // The journal's password comes from a file, as a deployment keeps it out of flags (SPEC §8).
        var journal = new NpgsqlConnectionStringBuilder(_schema.Journal["postgres:".Length..]);
        var password = journal.Password;
        Requires.Missing(string.IsNullOrEmpty(password), "ACTORDNS_TEST_POSTGRES has no password to keep in a file");
        var passwordFile = Path.Combine(_root, "journal-password");
        await File.WriteAllTextAsync(passwordFile, password + "\n");
        journal.Password = null;

        // What a node connects with: the connection string with the file's password in it.
        var effective = new NpgsqlConnectionStringBuilder(journal.ConnectionString) { Password = password }.ConnectionString;
        string[] seeds = ["--seed-node", $"akka.tcp://actordns@127.0.0.1:{remoting[0]}"];
        foreach (var port in remoting)
        {
            var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
            _apis.Add(api);
            _processes.Add(ActorDnsProcess.Start(["control-plane", "--remoting", $"127.0.0.1:{port}", .. seeds, "--api-address", api.ToString(),
                "--journal", $"postgres:{journal.ConnectionString}", "--journal-password-file", passwordFile, "--data-dir", Path.Combine(_root, $"cp-{port}"),
                "--api-token-signing-key", signingKey]));
        }

        await Task.WhenAll(_processes.Zip(_apis, (p, a) => p.WaitReadyAsync(a, TimeSpan.FromSeconds(60))));
        var admin = ClusterCredentials.AdminToken(Path.Combine(_root, $"cp-{remoting[1]}"));
        using var first = new ApiTestClient(_apis[0], admin);
        using var anonymous = new ApiTestClient(_apis[1]);
        Assert.Equal(HttpStatusCode.Unauthorized, await anonymous.GetStatusAsync("meshes"));

        var (issued, token) = await first.PostTextAsync("tokens/user", new JsonObject { ["name"] = "ci", ["validFor"] = "1h" });
        Assert.Equal(HttpStatusCode.OK, issued);
        using var second = new ApiTestClient(_apis[1], token);
        Assert.Equal(HttpStatusCode.OK, await second.GetStatusAsync("meshes"));

        var (revoked, _) = await first.PostAsync("tokens/revocations", new JsonObject { ["jti"] = new JsonWebToken(token).Id });
        Assert.Equal(HttpStatusCode.OK, revoked);

        // The documented bound (SPEC §8) is the wait's limit.
        await Eventually.ValueAsync(() => second.GetStatusAsync("meshes"), s => s == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1), "node 2 refuses the revoked token");
        using var viaFirst = new ApiTestClient(_apis[0], token);
        Assert.Equal(HttpStatusCode.Unauthorized, await viaFirst.GetStatusAsync("meshes"));

        // No secret in either node's whole output: not the tokens (their signatures), not the journal's connection string.
        foreach (var process in _processes)
        {
            Assert.DoesNotContain(admin.Split('.')[2], process.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(token.Split('.')[2], process.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("password=", process.Output, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(effective, process.Output, StringComparison.Ordinal);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        if (_schema is not null)
        {
            await _schema.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }
}
