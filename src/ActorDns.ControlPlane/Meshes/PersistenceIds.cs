namespace ActorDns.ControlPlane.Meshes;

/// <summary>Every persistence id, built in one place: renaming one would orphan its journal.</summary>
public static class PersistenceIds
{
    public const string Directory = "mesh-directory";

    public static string Mesh(string mesh) => $"mesh-{mesh}";
}
