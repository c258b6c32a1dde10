namespace ActorDns.ControlPlane.Meshes;

/// <summary>Every persistence id, built in one place: renaming one would orphan its journal.</summary>
public static class PersistenceIds
{
    public const string Directory = "mesh-directory";

    /// <summary>Recovered at start and never written (<see cref="JournalWarmup"/>); no mesh id starts without "mesh-".</summary>
    public const string JournalWarmup = "journal-warmup";

    public static string Mesh(string mesh) => $"mesh-{mesh}";
}
