namespace ActorDns.Server.Pipeline.Corefile;

/// <summary>
/// Calls <paramref name="changed"/> when a file's last write time or length changes, checked every
/// <paramref name="interval"/> (CoreDNS's <c>reload</c>). Create it before reading the file, so that a change between
/// the read and the first check is seen. Checks never overlap; a failing callback leaves the last good state in
/// place until the next change.
/// </summary>
public sealed class FileWatch : IDisposable
{
    private readonly string _path;
    private readonly Action _changed;
    private readonly Timer _timer;
    private (DateTime Written, long Length) _seen;
    private int _checking;

    public FileWatch(string path, TimeSpan interval, Action changed)
    {
        _path = path;
        _changed = changed;
        _seen = Stamp();
        _timer = new Timer(_ => Check(), null, interval, interval);
    }

    private void Check()
    {
        if (Interlocked.Exchange(ref _checking, 1) == 1)
        {
            return;
        }

        try
        {
            var stamp = Stamp();
            if (stamp == _seen)
            {
                return;
            }

            _seen = stamp;
            _changed();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A timer callback that threw would end the process; the entries already loaded keep serving, and the
            // callbacks log what concerns the user (a template refused) themselves.
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    /// <summary>When and how large the file was last written; a file that is missing, or that no file can be (a NUL in its path), is the same "none".</summary>
    private (DateTime, long) Stamp()
    {
        try
        {
            var file = new FileInfo(_path);
            return file.Exists ? (file.LastWriteTimeUtc, file.Length) : (DateTime.MinValue, -1);
        }
        catch (ArgumentException)
        {
            return (DateTime.MinValue, -1);
        }
    }

    public void Dispose() => _timer.Dispose();
}
