using ActorDns.Testing;
using Npgsql;

namespace ActorDns.Host.Tests.Support;

/// <summary>
/// A PostgreSQL schema of its own for one test. ./test.sh starts PostgreSQL and exports its connection string in
/// ACTORDNS_TEST_POSTGRES; without it the test is reported skipped (<see cref="Requires.Postgres"/>), on CI it fails.
/// </summary>
public sealed class TestPostgresSchema : IAsyncDisposable
{
    private readonly string _connection;
    private readonly string _name;

    private TestPostgresSchema(string connection, string name)
    {
        _connection = connection;
        _name = name;
    }

    /// <summary>The schema's name, to qualify its tables in <see cref="ExecuteAsync"/>.</summary>
    public string Name => _name;

    /// <summary>The <c>--journal</c> value that keeps the journal in this schema.</summary>
    public string Journal => $"postgres:{_connection};Search Path={_name}";

    /// <summary>A new schema; skips the calling <c>[SkippableFact]</c> when no server is configured.</summary>
    public static async Task<TestPostgresSchema> CreateAsync(string prefix)
    {
        var schema = new TestPostgresSchema(Requires.Postgres(), $"{prefix}_{Guid.NewGuid():N}"[..24]);
        await schema.ExecuteAsync($"CREATE SCHEMA {schema._name}");
        return schema;
    }

    public ValueTask DisposeAsync() => new(ExecuteAsync($"DROP SCHEMA {_name} CASCADE"));

    /// <summary>Runs one statement on the server (to break or mend the journal under a running process).</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
