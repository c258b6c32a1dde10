using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace ActorDns.Host.Tests.Support;

/// <summary>
/// A PostgreSQL schema of its own for one test. .ci/run starts PostgreSQL and exports its connection string in
/// ACTORDNS_TEST_POSTGRES; on a developer machine without it the test says so and is not run, on CI it fails.
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

    /// <summary>The <c>--journal</c> value that keeps the journal in this schema.</summary>
    public string Journal => $"postgres:{_connection};Search Path={_name}";

    public static async Task<TestPostgresSchema?> CreateAsync(string prefix, ITestOutputHelper output)
    {
        var connection = Environment.GetEnvironmentVariable("ACTORDNS_TEST_POSTGRES");
        if (connection is null)
        {
            Assert.True(Environment.GetEnvironmentVariable("CI") != "true", "CI must provide ACTORDNS_TEST_POSTGRES (.ci/run starts PostgreSQL)");
            output.WriteLine("ACTORDNS_TEST_POSTGRES is not set: this PostgreSQL test is not run on this machine");
            return null;
        }

        var schema = new TestPostgresSchema(connection, $"{prefix}_{Guid.NewGuid():N}"[..24]);
        await schema.ExecuteAsync($"CREATE SCHEMA {schema._name}");
        return schema;
    }

    public ValueTask DisposeAsync() => new(ExecuteAsync($"DROP SCHEMA {_name} CASCADE"));

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
