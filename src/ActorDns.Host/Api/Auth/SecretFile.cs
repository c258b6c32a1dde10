namespace ActorDns.Host.Api.Auth;

/// <summary>Files holding a secret (a key, a token): created by their owner only, mode 0600, never overwritten.</summary>
public static class SecretFile
{
    /// <summary>Writes <paramref name="text"/> to a new file at <paramref name="path"/>; false when the file already exists.</summary>
    public static bool TryCreate(string path, string text) => TryCreate(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Writes <paramref name="bytes"/> to a new file at <paramref name="path"/>; false when the file already exists.</summary>
    public static bool TryCreate(string path, byte[] bytes)
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
            stream.Write(bytes);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }
}
