using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Tests.Forwarding;
using ActorDns.Server.Tests.Support;
using ActorDns.Server.Transport;
using ActorDns.Testing.Dns;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.Server.Tests.Transport;

/// <summary>
/// The Linux recvmmsg/sendmmsg buffers on real sockets: datagrams queued before the call come back in one batch,
/// each reply reaches its own sender, and a loop blocked in the kernel can be woken to stop. Linux only, as the
/// project is (SO_REUSEPORT, the CI machine); elsewhere the listener runs its portable loop.
/// </summary>
public sealed class UdpBatchTests : IDisposable
{
    private readonly Socket _server = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public UdpBatchTests()
    {
        _server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    private int Fd => (int)_server.SafeHandle.DangerousGetHandle();

    [Fact]
    public async Task Receive_TakesEveryQueuedDatagramInOneCall_AndEachReplyReachesItsSender()
    {
        var clients = Enumerable.Range(0, 5).Select(_ => Client()).ToList();
        for (var i = 0; i < clients.Count; i++)
        {
            clients[i].Send(Encoding.ASCII.GetBytes($"query-{i}"));
        }

        // Loopback delivery is synchronous: every datagram is queued by the time Send returns.
        using var batch = new UdpBatch(8);

        var received = batch.Receive(Fd);

        Assert.Equal(clients.Count, received);
        for (var slot = 0; slot < received; slot++)
        {
            var text = Encoding.ASCII.GetString(batch.Request(slot, out var truncated));
            Assert.False(truncated);
            var reply = Encoding.ASCII.GetBytes(text.Replace("query", "reply", StringComparison.Ordinal));
            reply.CopyTo(batch.ReplyBuffer(slot));
            batch.QueueReply(slot, reply.Length);
        }

        Assert.Equal(0, batch.SendQueued(Fd, out _));
        for (var i = 0; i < clients.Count; i++)
        {
            Assert.Equal($"reply-{i}", await ReceiveTextAsync(clients[i]));
            clients[i].Dispose();
        }
    }

    [Fact]
    public void Receive_StopsAtCapacity_AndTheRestWaitForTheNextCall()
    {
        using var client = Client();
        for (var i = 0; i < 5; i++)
        {
            client.Send([(byte)i]);
        }

        using var batch = new UdpBatch(3);

        Assert.Equal(3, batch.Receive(Fd));
        Assert.Equal(2, batch.Receive(Fd));
        Assert.Equal([3], batch.Request(0, out _).ToArray());
    }

    [Fact]
    public void Sender_IsTheClientsAddress()
    {
        using var client = Client();
        client.Send([1]);
        using var batch = new UdpBatch(2);

        Assert.Equal(1, batch.Receive(Fd));
        var sender = new SocketAddress(AddressFamily.InterNetwork) { Size = batch.Sender(0).Length };
        batch.Sender(0).CopyTo(sender.Buffer.Span);

        Assert.Equal(client.LocalEndPoint, new IPEndPoint(IPAddress.Any, 0).Create(sender));
    }

    /// <summary>
    /// A forward's query, client address and reply room are kept for the next forward: queries of different lengths
    /// from two clients in turn, each forwarded alone (so each reuses the last one's), are each answered to their own
    /// sender with their own ID and question; the longest, past the room kept for a query, grows it.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    public async Task Listener_ForwardsInTurnFromTwoClients_EachReplyToItsSenderWithItsQuestion(int batchSize)
    {
        using var upstream = new FakeUpstream();
        var options = new DnsListenerOptions(new IPEndPoint(IPAddress.Loopback, 0)) { UdpLoops = 1, UdpBatchSize = batchSize };
        using var server = new TestServer(TestMesh.Table(), [upstream.Endpoint], TestMesh.Patient, listenerOptions: options);
        using var first = Client(server.Endpoint);
        using var second = Client(server.Endpoint);
        string[] names = ["a.example.com", $"{new string('b', 63)}.{new string('c', 63)}.{new string('d', 63)}.example.com", "e.example.com"];
        for (var i = 0; i < 6; i++)
        {
            var client = i % 2 == 0 ? first : second;
            var name = names[i % names.Length];
            // The third query carries a 600-byte padding option (RFC 7830): longer than the room kept for a query.
            var padding = i == 2 ? [0, 12, 0x02, 0x58, .. new byte[600]] : Array.Empty<byte>();
            client.Send(TestQuery.Build(name, id: (ushort)(0x100 + i), optPayload: 1232, optRdata: padding));

            var reply = TestQuery.Parse(await ReceiveAsync(client));

            Assert.Equal((ushort)(0x100 + i), reply.Id);
            Assert.Equal(name + ".", Assert.Single(reply.Questions).Name);
            Assert.Equal([FakeUpstream.DefaultAddress], reply.Addresses());
        }

        Assert.Equal(6, upstream.QueryCount);
    }

    [Fact]
    public async Task Wake_ReturnsAThreadBlockedInReceive()
    {
        using var batch = new UdpBatch(2);
        var thread = new TaskCompletionSource<int>();
        var blocked = Task.Factory.StartNew(
            () =>
            {
                thread.SetResult(Gettid());
                return batch.Receive(Fd);
            },
            TaskCreationOptions.LongRunning);
        var tid = await thread.Task;
        // Waking before the thread is in the kernel would test nothing: wait until /proc shows it blocked in recvmmsg.
        await Eventually.TrueAsync(() => Task.FromResult(InSystemCall(tid, RecvmmsgNumber)), TimeSpan.FromSeconds(10), $"thread {tid} blocked in recvmmsg");

        UdpBatch.Wake(_server);

        var completed = await Task.WhenAny(blocked, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.Same(blocked, completed);
        // What it returns (an empty datagram or an error) does not matter: the loop checks its stop flag first.
        await blocked;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    public async Task Listener_AnswersAQueryBurstFromManyClients_WithAndWithoutBatching(int batchSize)
    {
        var options = new DnsListenerOptions(new IPEndPoint(IPAddress.Loopback, 0)) { UdpLoops = 1, UdpBatchSize = batchSize };
        using var server = new TestServer(TestMesh.Table(), listenerOptions: options, forwarderOptions: new ForwarderOptions());
        var clients = Enumerable.Range(0, 20).Select(_ => Client(server.Endpoint)).ToList();
        for (var i = 0; i < clients.Count; i++)
        {
            clients[i].Send(new QueryBuilder { Id = (ushort)(1000 + i) }.Build());
        }

        for (var i = 0; i < clients.Count; i++)
        {
            var reply = TestQuery.Parse(await ReceiveAsync(clients[i]));
            Assert.Equal((ushort)(1000 + i), reply.Id);
            Assert.Equal([TestMesh.BackendVip], reply.Addresses());
            clients[i].Dispose();
        }

        // Without batching every datagram is a call of its own (with it, see the next test).
        if (batchSize == 1)
        {
            Assert.Equal(clients.Count, await MetricsText.ReadAsync(server.Registry, "actordns_dns_udp_receive_calls_total"));
        }
    }

    [Fact]
    public async Task Listener_WithBatching_TakesSeveralDatagramsInOneCall()
    {
        // The loop wakes on a burst's first datagram; while it answers, the rest queue and come back together. Which
        // burst batches is up to the scheduler, so bursts are sent until one did (each burst is answered in full).
        var options = new DnsListenerOptions(new IPEndPoint(IPAddress.Loopback, 0)) { UdpLoops = 1, UdpBatchSize = 32 };
        using var server = new TestServer(TestMesh.Table(), listenerOptions: options, forwarderOptions: new ForwarderOptions());
        using var client = Client(server.Endpoint);
        var query = new QueryBuilder().Build();
        var sent = 0;
        double? calls = 0;
        for (var burst = 0; burst < 20 && calls == sent; burst++)
        {
            for (var i = 0; i < 50; i++)
            {
                client.Send(query);
            }

            sent += 50;
            for (var i = 0; i < 50; i++)
            {
                Assert.Equal([TestMesh.BackendVip], TestQuery.Parse(await ReceiveAsync(client)).Addresses());
            }

            calls = await MetricsText.ReadAsync(server.Registry, "actordns_dns_udp_receive_calls_total");
        }

        Assert.True(calls < sent, $"{sent} datagrams took {calls} receive calls: no call returned more than one");
    }

    /// <summary>recvmmsg's system call number (/proc shows numbers): x86-64 299, arm64 243.</summary>
    private static int RecvmmsgNumber => System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? 243 : 299;

    /// <summary>Whether the thread is blocked in system call <paramref name="number"/> (proc(5): /proc/PID/task/TID/syscall).</summary>
    private static bool InSystemCall(int tid, int number) =>
        File.ReadAllText($"/proc/self/task/{tid}/syscall").Split(' ')[0] == number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "gettid")]
    private static extern int Gettid();

    private Socket Client() => Client((IPEndPoint)_server.LocalEndPoint!);

    private static Socket Client(IPEndPoint server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(server);
        return socket;
    }

    private static async Task<byte[]> ReceiveAsync(Socket client)
    {
        var buffer = new byte[2048];
        using var timeout = new CancellationTokenSource(TestMesh.ClientTimeout);
        var length = await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return buffer[..length];
    }

    private static async Task<string> ReceiveTextAsync(Socket client) => Encoding.ASCII.GetString(await ReceiveAsync(client));

    public void Dispose() => _server.Dispose();
}
