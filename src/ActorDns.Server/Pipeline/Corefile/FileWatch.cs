namespace ActorDns.Server.Pipeline.Corefile;

/// <summary>
/// Calls <paramref name="changed"/> when a file's last write time or length changes, checked every
/// <paramref name="interval"/> (CoreDNS's <c>reload</c> of a <c>hosts</c> file). A failing callback leaves the last good
/// state in place until the next change.
/// </summary>
public sealed class FileWatch : IDisposable
{
    private readonly string _path;
    private readonly Action _changed;
    private readonly Timer _timer;
    private (DateTime Written, long Length) _seen;

    public FileWatch(string path, TimeSpan interval, Action changed)
    {
        _path = path;
        _changed = changed;
        _seen = Stamp();
        _timer = new Timer(_ => Check(), null, interval, interval);
    }

    private void Check()
    {
        var stamp = Stamp();
        if (stamp == _seen)
        {
            return;
        }

        _seen = stamp;
        try
        {
            _changed();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // The entries already loaded keep serving; the next change tries again.
        }
    }

    private (DateTime, long) Stamp()
    {
        var file = new FileInfo(_path);
        return file.Exists ? (file.LastWriteTimeUtc, file.Length) : (DateTime.MinValue, -1);
    }

    public void Dispose() => _timer.Dispose();
}
