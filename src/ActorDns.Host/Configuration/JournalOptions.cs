namespace ActorDns.Host.Configuration;

/// <summary>Where events and snapshots are stored: <c>sqlite:PATH</c> or <c>postgres:CONNSTRING</c> (SPEC §1 <c>--journal</c>).</summary>
public sealed record JournalOptions(JournalProvider Provider, string ConnectionString, string Display)
{
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
}
