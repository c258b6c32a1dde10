using System.IO.Compression;
using System.Net;
using System.Text.Json;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using DnsClient;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit;

namespace ActorDns.Host.Tests;

/// <summary>
/// A journal written by an earlier release (commit 96ac60c: a v1 snapshot of mesh <c>default</c> after 1,000 events,
/// then more events, among them deletes; a second mesh <c>payments</c>), recovered by this build: every entry keeps the
/// VIP that release gave it (<c>Fixtures/journal-96ac60c.vips.json</c>, read from its <c>/vips</c>), the names
/// resolve, and a new entry takes the address after the last one that release allocated. Once on the SQLite file as
/// it was written, once on PostgreSQL with the same rows.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class OldJournalRecoveryTests
{
    private static readonly string Fixtures = Path.Combine(RepositoryRoot.Path, "tests", "ActorDns.Host.Tests", "Fixtures");

    [Fact]
    public async Task SqliteJournalOfTheEarlierRelease_Recovers_WithTheSameVips()
    {
        var dataDir = Directory.CreateTempSubdirectory("actordns-oldjournal-").FullName;
        try
        {
            var file = Path.Combine(dataDir, "actordns.db");
            await UnpackAsync(file);

            await AssertRecoversAsync(dataDir, $"sqlite:{file}");
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [SkippableFact]
    public async Task PostgresJournalWithTheEarlierReleasesRows_Recovers_WithTheSameVips()
    {
        await using var schema = await TestPostgresSchema.CreateAsync("oldjournal");
        var dataDir = Directory.CreateTempSubdirectory("actordns-oldjournal-").FullName;
        try
        {
            // This build creates its tables on its first write; they are emptied, and the earlier release's rows are
            // copied in as they were stored.
            await CreateTablesAsync(dataDir, schema);
            var file = Path.Combine(dataDir, "old.db");
            await UnpackAsync(file);
            await CopyRowsAsync(file, schema);

            await AssertRecoversAsync(dataDir, schema.Journal);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task UnpackAsync(string file)
    {
        await using var packed = File.OpenRead(Path.Combine(Fixtures, "journal-96ac60c.db.gz"));
        await using var gzip = new GZipStream(packed, CompressionMode.Decompress);
        await using var target = File.Create(file);
        await gzip.CopyToAsync(target);
    }

    private static async Task CopyRowsAsync(string sqliteFile, TestPostgresSchema schema)
    {
        await using var source = new SqliteConnection($"Data Source={sqliteFile};Mode=ReadOnly;Pooling=False");
        await source.OpenAsync();
        await using var target = new NpgsqlConnection(schema.Journal["postgres:".Length..]);
        await target.OpenAsync();
        string[] journal = ["ordering", "created", "deleted", "persistence_id", "sequence_number", "message", "manifest", "identifier", "writer_uuid"];
        string[] snapshot = ["persistence_id", "sequence_number", "created", "snapshot", "manifest", "serializer_id"];
        foreach (var (table, columns) in new[] { ("journal", journal), ("snapshot", snapshot) })
        {
            await using var read = new SqliteCommand($"SELECT {string.Join(", ", columns)} FROM {table}", source);
            await using var rows = await read.ExecuteReaderAsync();
            while (await rows.ReadAsync())
            {
                await using var insert = new NpgsqlCommand(
                    $"INSERT INTO {table} ({string.Join(", ", columns)}) {(table == "journal" ? "OVERRIDING SYSTEM VALUE " : "")}VALUES ({string.Join(", ", columns.Select((_, i) => $"${i + 1}"))})",
                    target);
                for (var i = 0; i < columns.Length; i++)
                {
                    insert.Parameters.Add(new NpgsqlParameter { Value = columns[i] == "deleted" ? rows.GetBoolean(i) : rows.GetValue(i) });
                }

                await insert.ExecuteNonQueryAsync();
            }
        }

        // The copied rows carry their own ordering numbers; the sequence must continue after them.
        await using var sequence = new NpgsqlCommand("SELECT setval(pg_get_serial_sequence('journal', 'ordering'), (SELECT max(ordering) FROM journal))", target);
        await sequence.ExecuteNonQueryAsync();
    }

    private static async Task CreateTablesAsync(string dataDir, TestPostgresSchema schema)
    {
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        await using (var process = ActorDnsProcess.Start("--dns-address", $"127.0.0.1:{FreePort.Next()}=default", "--api-address", api.ToString(),
            "--upstream", "127.0.0.1:9", "--data-dir", dataDir, "--journal", schema.Journal))
        {
            await process.WaitReadyAsync(api);
            using var client = new ApiTestClient(api);
            Assert.Equal(HttpStatusCode.Created, await client.PutAsync("meshes/default/dataplanes/first", ApiTestClient.Dataplane("default", "first", "first")));
        }

        await schema.ExecuteAsync($"DELETE FROM {schema.Name}.journal");
        await schema.ExecuteAsync($"DELETE FROM {schema.Name}.snapshot");
    }

    private static async Task AssertRecoversAsync(string dataDir, string journal)
    {
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var dns = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        await using var process = ActorDnsProcess.Start("--dns-address", $"{dns}=default", "--api-address", api.ToString(), "--upstream", "127.0.0.1:9",
            "--data-dir", dataDir, "--journal", journal);
        await process.WaitReadyAsync(api);
        using var client = new ApiTestClient(api);
        var expected = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(
            await File.ReadAllTextAsync(Path.Combine(Fixtures, "journal-96ac60c.vips.json")))!;
        foreach (var (mesh, vips) in expected)
        {
            var recovered = (await client.VipsAsync(mesh)).ToDictionary(v => v.Key, v => v.Vip);
            Assert.Equal(vips.OrderBy(p => p.Key, StringComparer.Ordinal), recovered.OrderBy(p => p.Key, StringComparer.Ordinal)!);
        }

        var lookup = new LookupClient(new LookupClientOptions(new NameServer(dns)) { UseCache = false, Retries = 0, Timeout = TimeSpan.FromSeconds(2) });
        var answer = await Eventually.ValueAsync(
            () => lookup.QueryAsync("svc-42.ns.svc.8080.mesh", QueryType.A), a => a.Answers.ARecords().Any(), TimeSpan.FromSeconds(5), "the recovered name resolves");
        Assert.Equal(expected["default"]["service:svc-42_ns_svc_8080"], answer.Answers.ARecords().Single().Address.ToString());

        var last = expected["default"].Values.Select(IPAddress.Parse).MaxBy(a => (uint)IPAddress.NetworkToHostOrder(BitConverter.ToInt32(a.GetAddressBytes())))!;
        Assert.Equal(HttpStatusCode.Created, await client.PutAsync("meshes/default/dataplanes/after-upgrade", ApiTestClient.Dataplane("default", "after-upgrade", "after-upgrade")));
        var next = (await client.VipsAsync("default")).Single(v => v.Key == "service:after-upgrade").Vip;
        var lastBytes = last.GetAddressBytes();
        lastBytes[3]++;
        Assert.Equal(new IPAddress(lastBytes).ToString(), next);
    }
}
