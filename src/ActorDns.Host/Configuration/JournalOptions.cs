using Npgsql;

namespace ActorDns.Host.Configuration;

/// <summary>Where events and snapshots are stored: <c>sqlite:PATH</c> or <c>postgres:CONNSTRING</c> (SPEC §1 <c>--journal</c>).</summary>
public sealed record JournalOptions(JournalProvider Provider, string ConnectionString, string Display)
{
    /// <summary>The record's text shows <see cref="Display"/> only: the connection string may hold a password.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Provider = ").Append(Provider).Append(", Display = ").Append(Display);
        return true;
    }

    public static JournalOptions Parse(string text, string dataDir)
    {
        if (text.StartsWith("sqlite:", StringComparison.Ordinal) && text.Length > "sqlite:".Length)
        {
            var path = Path.GetFullPath(text["sqlite:".Length..], dataDir);
            return new JournalOptions(JournalProvider.Sqlite, $"Data Source={path}", text);
        }

        if (text.StartsWith("postgres:", StringComparison.Ordinal) && text.Length > "postgres:".Length)
        {
            return new JournalOptions(JournalProvider.Postgres, text["postgres:".Length..], "postgres:…");
        }

        throw new OptionsException($"--journal '{text}': expected sqlite:PATH or postgres:CONNECTION-STRING");
    }

    /// <summary>
    /// The PostgreSQL journal with the password read from <paramref name="path"/> (its first line): a secret kept out of the
    /// connection string, which flags and the environment would show (SPEC §8).
    /// </summary>
    public JournalOptions WithPasswordFile(string path)
    {
        var flag = Setting.JournalPasswordFile.Flag;
        if (Provider != JournalProvider.Postgres)
        {
            throw new OptionsException($"{flag}: only a postgres: journal has a password");
        }

        string password;
        try
        {
            password = File.ReadLines(path).FirstOrDefault() ?? "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OptionsException($"{flag} {path}: cannot read the file: {e.Message}");
        }

        if (password.Length == 0)
        {
            throw new OptionsException($"{flag} {path}: the file's first line is empty");
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        }
        catch (ArgumentException e)
        {
            throw new OptionsException($"--journal {Display}: {e.Message}");
        }

        if (!string.IsNullOrEmpty(builder.Password))
        {
            throw new OptionsException($"{flag}: the --journal connection string has a password already");
        }

        builder.Password = password;
        return this with { ConnectionString = builder.ConnectionString };
    }
}
