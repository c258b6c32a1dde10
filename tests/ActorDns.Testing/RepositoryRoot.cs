namespace ActorDns.Testing;

/// <summary>The repository: the first directory above the test binaries that holds ActorDns.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ActorDns.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no ActorDns.sln above {AppContext.BaseDirectory}");
    }
}
