using System.Data.Common;
using ActorDns.Host.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorDns.Host.ControlPlane;

/// <summary>Fails start-up with one clear line when the journal cannot be reached, instead of actors failing later.</summary>
public static class JournalCheck
{
    public static void Verify(JournalOptions journal)
    {
        try
        {
            if (journal.Provider == JournalProvider.Sqlite)
            {
                var path = new SqliteConnectionStringBuilder(journal.ConnectionString).DataSource;
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            }

            using DbConnection connection = journal.Provider == JournalProvider.Sqlite
                ? new SqliteConnection(journal.ConnectionString)
                : new NpgsqlConnection(journal.ConnectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            command.ExecuteScalar();
        }
        catch (Exception e) when (e is DbException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            throw new OptionsException($"--journal {journal.Display}: cannot open the journal: {e.Message}");
        }
    }
}
