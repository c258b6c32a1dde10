using System.Net.Sockets;

namespace ActorDns.Server.Transport;

/// <summary>
/// One accepted TCP connection: reads with timeouts, serialised writes with a timeout, and the forwarded
/// queries still running for it (bounded by <see cref="DnsListenerOptions.TcpMaxPipelined"/>).
/// </summary>
internal sealed class TcpConnection
{
    private readonly Socket _socket;
    private readonly DnsListenerOptions _options;
    private readonly CancellationToken _stopping;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SemaphoreSlim _forwardSlots;
    private readonly Lock _pendingLock = new();
    private readonly List<Task> _pending = [];
    private volatile bool _broken;

    public TcpConnection(Socket socket, DnsListenerOptions options, CancellationToken stopping)
    {
        _socket = socket;
        _options = options;
        _stopping = stopping;
        _forwardSlots = new SemaphoreSlim(options.TcpMaxPipelined, options.TcpMaxPipelined);
    }

    /// <summary>
    /// Fills <paramref name="buffer"/>; the first read may wait <paramref name="firstReadTimeout"/>, later
    /// ones the I/O timeout. False on end of stream, timeout or error.
    /// </summary>
    public async ValueTask<bool> ReadExactlyAsync(Memory<byte> buffer, TimeSpan firstReadTimeout)
    {
        var received = 0;
        var timeout = firstReadTimeout;
        while (received < buffer.Length && !_broken)
        {
            using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
            cancellation.CancelAfter(timeout);
            try
            {
                var read = await _socket.ReceiveAsync(buffer[received..], SocketFlags.None, cancellation.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return false;
                }

                received += read;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return false;
            }

            timeout = _options.TcpIoTimeout;
        }

        return received == buffer.Length;
    }

    /// <summary>Writes one framed reply; false (and the connection is marked broken) when it cannot within the I/O timeout.</summary>
    public async ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> framed)
    {
        if (_broken)
        {
            return false;
        }

        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        cancellation.CancelAfter(_options.TcpIoTimeout);
        try
        {
            await _writeLock.WaitAsync(cancellation.Token).ConfigureAwait(false);
            try
            {
                var sent = 0;
                while (sent < framed.Length)
                {
                    sent += await _socket.SendAsync(framed[sent..], SocketFlags.None, cancellation.Token).ConfigureAwait(false);
                }

                return true;
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // A client that does not read its replies loses the connection (conformance P-62).
            _broken = true;
            _socket.Dispose();
            return false;
        }
    }

    /// <summary>Starts a forwarded query once a slot is free; while none is, the connection is not read.</summary>
    public async ValueTask StartForwardAsync(Func<Task> forward)
    {
        await _forwardSlots.WaitAsync(_stopping).ConfigureAwait(false);
        var task = RunAsync(forward);
        lock (_pendingLock)
        {
            _pending.RemoveAll(t => t.IsCompleted);
            _pending.Add(task);
        }
    }

    private async Task RunAsync(Func<Task> forward)
    {
        try
        {
            await forward().ConfigureAwait(false);
        }
        finally
        {
            _forwardSlots.Release();
        }
    }

    /// <summary>Waits for the replies still owed (a client may half-close after its last query), then closes.</summary>
    public async Task CloseAsync()
    {
        Task[] pending;
        lock (_pendingLock)
        {
            pending = [.. _pending];
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
        _socket.Dispose();
    }
}
