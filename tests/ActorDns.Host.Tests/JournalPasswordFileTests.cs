using System.Net;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using Npgsql;
using Xunit;

namespace ActorDns.Host.Tests;

/// <summary>
/// <c>--journal-password-file</c> (SPEC §8) against the test PostgreSQL server: the password comes from the file, not the
/// connection string; a wrong one stops the start with one line that does not repeat it.
/// </summary>
public sealed class JournalPasswordFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("actordns-journal-password-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>The test server's connection string without its password, and that password.</summary>
    private static (string Journal, string Password) Split(TestPostgresSchema schema)
    {
        var builder = new NpgsqlConnectionStringBuilder(schema.Journal["postgres:".Length..]);
        var password = builder.Password;
        Requires.Missing(string.IsNullOrEmpty(password), "ACTORDNS_TEST_POSTGRES has no password to keep in a file");
        builder.Password = null;
        return ($"postgres:{builder.ConnectionString}", password!);
    }

    private string WriteFile(string text)
    {
        var path = Path.Combine(_directory, "journal-password");
        File.WriteAllText(path, text);
        return path;
    }

    [SkippableFact]
    public async Task PasswordFile_TheRightPassword_TheNodeStartsOnPostgres()
    {
        await using var schema = await TestPostgresSchema.CreateAsync("pwfile");
        var (journal, password) = Split(schema);
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        await using var process = ActorDnsProcess.Start("--dns-address", $"127.0.0.1:{FreePort.Next()}=default", "--api-address", api.ToString(),
            "--upstream", "127.0.0.1:9", "--data-dir", Path.Combine(_directory, "data"), "--journal", journal,
            "--journal-password-file", WriteFile(password + "\n"));

        await process.WaitReadyAsync(api, TimeSpan.FromSeconds(40));

        using var client = new ApiTestClient(api);
        await Eventually.ValueAsync(
            () => client.PutAsync("meshes/default/dataplanes/web-1", ApiTestClient.Dataplane("default", "web-1", "web")),
            s => s == HttpStatusCode.Created, TimeSpan.FromSeconds(30), "a write stored in the PostgreSQL journal", TimeSpan.FromMilliseconds(500));
    }

    [SkippableFact]
    public async Task PasswordFile_AWrongPassword_OneLineThatDoesNotRepeatIt()
    {
        await using var schema = await TestPostgresSchema.CreateAsync("pwfile");
        var (journal, _) = Split(schema);
        var wrong = $"not-the-password-{Guid.NewGuid():N}";
        await using var process = ActorDnsProcess.Start("--api-address", $"127.0.0.1:{FreePort.Next()}", "--dns-address", $"127.0.0.1:{FreePort.Next()}=default",
            "--upstream", "127.0.0.1:9", "--data-dir", Path.Combine(_directory, "data"), "--journal", journal, "--journal-password-file", WriteFile(wrong));

        Assert.Equal(1, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var line = Assert.Single(process.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("actordns: --journal postgres:…: cannot open the journal: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, process.Output, StringComparison.Ordinal);
    }
}
