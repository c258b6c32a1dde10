namespace ActorDns.Host.Api.Auth;

/// <summary>Files holding a secret (a key, a token): created by their owner only, mode 0600, never overwritten.</summary>
public static class SecretFile
{
    /// <summary>Writes <paramref name="text"/> to a new file at <paramref name="path"/>; false when the file already exists.</summary>
    public static bool TryCreate(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(path, options);
            using var writer = new StreamWriter(stream);
            writer.Write(text);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }
}
