namespace ActorDns.Host.Configuration;

public enum JournalProvider
{
    Sqlite,
    Postgres,
}
