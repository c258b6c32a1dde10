using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace ActorDns.Server.Transport;

/// <summary>
/// One receive loop's native buffers for Linux <c>recvmmsg</c>/<c>sendmmsg</c> (.NET sockets have neither,
/// dotnet/runtime#101036): <see cref="Capacity"/> slots, each with a sockaddr, a 64 KiB request buffer and a
/// 64 KiB reply buffer. Allocated once outside the managed heap and never moved, so a batch of datagrams costs
/// two system calls and no allocation. Untouched buffer pages are never committed, so the resident cost is about
/// a page per slot actually used.
/// </summary>
internal sealed unsafe partial class UdpBatch : IDisposable
{
    /// <summary>A slot holds the largest UDP payload; the query processor writes replies into 64 KiB before truncating.</summary>
    private const int SlotBytes = 1 << 16;

    /// <summary>sizeof(struct sockaddr_storage).</summary>
    private const int AddressBytes = 128;

    private const int MsgTrunc = 0x20;
    private const int MsgWaitForOne = 0x10000;
    private const int Eintr = 4;
    private const int Eagain = 11;
    private const int Enomem = 12;
    private const int Enosys = 38;
    private const int Emsgsize = 90;
    private const int Enobufs = 105;
    private const int Econnrefused = 111;

    private readonly MMsgHdr* _received;
    private readonly MMsgHdr* _replies;
    private readonly IoVec* _vectors;
    private readonly byte* _addresses;
    private readonly byte* _requests;
    private readonly byte* _replyBuffers;
    private int _queued;

    public UdpBatch(int capacity)
    {
        Capacity = capacity;
        _received = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)capacity, (nuint)sizeof(MMsgHdr));
        _replies = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)capacity, (nuint)sizeof(MMsgHdr));
        _vectors = (IoVec*)NativeMemory.AllocZeroed((nuint)capacity * 2, (nuint)sizeof(IoVec));
        _addresses = (byte*)NativeMemory.AllocZeroed((nuint)capacity, AddressBytes);
        _requests = (byte*)NativeMemory.Alloc((nuint)capacity, SlotBytes);
        _replyBuffers = (byte*)NativeMemory.Alloc((nuint)capacity, SlotBytes);
        for (var i = 0; i < capacity; i++)
        {
            _vectors[i] = new IoVec { Base = _requests + ((nint)i * SlotBytes), Length = SlotBytes };
            _received[i].Header.Iov = &_vectors[i];
            _received[i].Header.IovLength = 1;
        }
    }

    public int Capacity { get; }

    /// <summary>
    /// Blocks until at least one datagram arrives, then takes every one already queued, up to <see cref="Capacity"/>.
    /// Returns how many, or the negated errno (EINTR is retried here).
    /// </summary>
    public int Receive(int fd)
    {
        for (var i = 0; i < Capacity; i++)
        {
            // The kernel overwrites these with what it filled in; each call must offer the whole buffers again.
            _received[i].Header.Name = _addresses + ((nint)i * AddressBytes);
            _received[i].Header.NameLength = AddressBytes;
            _received[i].Header.Flags = 0;
        }

        while (true)
        {
            var count = RecvMMsg(fd, _received, (uint)Capacity, MsgWaitForOne, null);
            if (count >= 0)
            {
                _queued = 0;
                return count;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != Eintr)
            {
                return -errno;
            }
        }
    }

    /// <summary>Whether the first call failed because the kernel or a sandbox does not offer <c>recvmmsg</c>.</summary>
    public static bool IsUnsupported(int result) => result == -Enosys;

    /// <summary>Whether a failed <see cref="Receive"/> (its negated errno) may succeed when simply called again.</summary>
    public static bool IsTransient(int result) => -result is Eagain or Enomem or Emsgsize or Enobufs or Econnrefused;

    /// <summary>Whether a failed <see cref="Receive"/> reported a shortage (memory, buffers) or a descriptor that would block.</summary>
    public static bool IsShortage(int result) => -result is Eagain or Enomem or Enobufs;

    /// <summary>The datagram in slot <paramref name="slot"/>; a datagram cut at 64 KiB is reported as truncated.</summary>
    public ReadOnlySpan<byte> Request(int slot, out bool truncated)
    {
        truncated = (_received[slot].Header.Flags & MsgTrunc) != 0;
        return new ReadOnlySpan<byte>(_requests + ((nint)slot * SlotBytes), (int)_received[slot].Length);
    }

    /// <summary>The reply buffer of slot <paramref name="slot"/>.</summary>
    public Span<byte> ReplyBuffer(int slot) => new(_replyBuffers + ((nint)slot * SlotBytes), SlotBytes);

    /// <summary>The socket address slot <paramref name="slot"/> came from, as the kernel wrote it; valid until the next receive.</summary>
    public ReadOnlySpan<byte> Sender(int slot) => new(_addresses + ((nint)slot * AddressBytes), (int)_received[slot].Header.NameLength);

    /// <summary>Queues the first <paramref name="length"/> bytes of slot <paramref name="slot"/>'s reply buffer for its sender.</summary>
    public void QueueReply(int slot, int length)
    {
        var vector = &_vectors[Capacity + _queued];
        vector->Base = _replyBuffers + ((nint)slot * SlotBytes);
        vector->Length = (nuint)length;
        ref var reply = ref _replies[_queued++];
        reply.Header.Name = _received[slot].Header.Name;
        reply.Header.NameLength = _received[slot].Header.NameLength;
        reply.Header.Iov = vector;
        reply.Header.IovLength = 1;
    }

    /// <summary>
    /// Sends every queued reply with as few <c>sendmmsg</c> calls as the kernel allows. A reply the kernel refuses
    /// is skipped; returns how many were, with the errno of the last.
    /// </summary>
    public int SendQueued(int fd, out int lastErrno)
    {
        lastErrno = 0;
        var failed = 0;
        var sent = 0;
        while (sent < _queued)
        {
            var count = SendMMsg(fd, _replies + sent, (uint)(_queued - sent), 0);
            if (count > 0)
            {
                sent += count;
                continue;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == Eintr)
            {
                continue;
            }

            lastErrno = errno;
            failed++;
            sent++;
        }

        _queued = 0;
        return failed;
    }

    /// <summary>Wakes a thread blocked in <see cref="Receive"/> on <paramref name="socket"/>: it returns an empty datagram or an error.</summary>
    public static void Wake(Socket socket)
    {
        // On an unbound-peer UDP socket Linux marks the shutdown and wakes sleepers, then reports ENOTCONN.
        _ = Shutdown((int)socket.SafeHandle.DangerousGetHandle(), 0);
    }

    public void Dispose()
    {
        NativeMemory.Free(_received);
        NativeMemory.Free(_replies);
        NativeMemory.Free(_vectors);
        NativeMemory.Free(_addresses);
        NativeMemory.Free(_requests);
        NativeMemory.Free(_replyBuffers);
    }

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    private static partial int RecvMMsg(int fd, MMsgHdr* messages, uint length, int flags, void* timeout);

    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    private static partial int SendMMsg(int fd, MMsgHdr* messages, uint length, int flags);

    [LibraryImport("libc", EntryPoint = "shutdown")]
    private static partial int Shutdown(int fd, int how);

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr (LP64 layout; musl's int msg_iovlen plus padding reads the same on little-endian).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct mmsghdr.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }
}
